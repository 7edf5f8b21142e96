//! Who is calling: bearer tokens naming an agent.
//!
//! Every request carries `Authorization: Bearer <JWT>` (HS256, signed with
//! the gateway's secret). The token only says *who* the agent is; what the
//! agent may do is read from the database on every request, so a role taken
//! away takes effect at once, even for tokens minted before.

use std::time::Duration;

use axum::http::HeaderMap;
use helpdesk_domain::access::{Agent, Scope};
use helpdesk_domain::ports::AgentDirectory;
use helpdesk_domain::{AgentId, Error as DomainError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

const ISSUER: &str = "helpdesk-gateway";

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The agent's ID.
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
}

/// Mints and checks agent tokens with one shared secret.
#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenIssuer(..)")
    }
}

fn unauthenticated(message: &str) -> ApiError {
    ApiError::Domain(DomainError::Unauthenticated(message.into()))
}

impl TokenIssuer {
    /// An issuer signing with `secret` (HS256).
    pub fn new(secret: &[u8]) -> Self {
        TokenIssuer { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// A token naming `agent`, valid for `ttl`.
    pub fn mint(&self, agent: AgentId, ttl: Duration) -> ApiResult<String> {
        self.mint_at(agent, chrono::Utc::now().timestamp(), ttl)
    }

    fn mint_at(&self, agent: AgentId, now: i64, ttl: Duration) -> ApiResult<String> {
        let claims = Claims {
            sub: agent.to_string(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::Domain(DomainError::Internal(format!("minting a token: {e}"))))
    }

    /// The agent a token names, if its signature and expiry are good.
    pub fn verify(&self, token: &str) -> ApiResult<AgentId> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                unauthenticated("your session token has expired; sign in again")
            }
            _ => unauthenticated("your session token is not valid; sign in again"),
        })?;
        Uuid::parse_str(&data.claims.sub)
            .map(AgentId)
            .map_err(|_| unauthenticated("your session token is not valid; sign in again"))
    }
}

/// Authenticates a request and applies the help desk policy: the caller must
/// be a known agent holding the Help Desk role. Returns the agent and the
/// scope (its partner) every look-up of this request is confined to.
pub async fn authenticate(
    headers: &HeaderMap,
    issuer: &TokenIssuer,
    agents: &dyn AgentDirectory,
) -> ApiResult<(Agent, Scope)> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| unauthenticated("sign in first: send Authorization: Bearer <token>"))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .ok_or_else(|| unauthenticated("the Authorization header must be: Bearer <token>"))?;
    let agent_id = issuer.verify(token.trim())?;
    let agent = agents
        .agent(agent_id)
        .await?
        .ok_or_else(|| unauthenticated("this token names an agent that no longer exists"))?;
    let scope = agent.help_desk_scope()?;
    Ok((agent, scope))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_from_another_secret_or_expired_is_refused() {
        let issuer = TokenIssuer::new(b"secret-one");
        let agent = AgentId::new_random();
        let token = issuer.mint(agent, Duration::from_secs(60)).unwrap();
        assert_eq!(issuer.verify(&token).unwrap(), agent);
        assert!(TokenIssuer::new(b"secret-two").verify(&token).is_err());
        let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
        let expired = issuer.mint_at(agent, an_hour_ago, Duration::from_secs(60)).unwrap();
        assert!(issuer.verify(&expired).is_err());
    }
}
