//! Who is calling: bearer tokens naming an agent.
//!
//! Every request carries `Authorization: Bearer <JWT>` (HS256, signed with
//! the gateway's secret). The token only says *who* the agent is; what the
//! agent may do is read from the database on every request, so a role taken
//! away takes effect at once, even for tokens minted before.

use std::time::Duration;

use axum::http::HeaderMap;
use helpdesk_domain::access::Agent;
use helpdesk_domain::ports::HelpDesk;
use helpdesk_domain::{AgentId, CustomerId, Error as DomainError};
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
    /// On a read-only admin session token: the one customer it may see.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    read_only_customer: Option<String>,
}

/// What a valid token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSubject {
    pub agent: AgentId,
    /// Set on a read-only admin session token.
    pub read_only_customer: Option<CustomerId>,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub agent: Agent,
    /// The customer of a read-only admin session, whose grant is active.
    pub read_only: Option<CustomerId>,
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

    /// A read-only admin session token: `agent` may read `customer` until `expires_at`.
    pub fn mint_read_only(
        &self,
        agent: AgentId,
        customer: CustomerId,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> ApiResult<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: agent.to_string(),
            iss: ISSUER.into(),
            iat: now,
            exp: expires_at.timestamp(),
            read_only_customer: Some(customer.to_string()),
        };
        self.sign(&claims)
    }

    fn mint_at(&self, agent: AgentId, now: i64, ttl: Duration) -> ApiResult<String> {
        let claims = Claims {
            sub: agent.to_string(),
            iss: ISSUER.into(),
            iat: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            read_only_customer: None,
        };
        self.sign(&claims)
    }

    fn sign(&self, claims: &Claims) -> ApiResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| ApiError::Domain(DomainError::Internal(format!("minting a token: {e}"))))
    }

    /// What a token says, if its signature and expiry are good.
    pub fn verify(&self, token: &str) -> ApiResult<TokenSubject> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|e| match e.kind() {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => {
                unauthenticated("your session token has expired; sign in again")
            }
            _ => unauthenticated("your session token is not valid; sign in again"),
        })?;
        let invalid = || unauthenticated("your session token is not valid; sign in again");
        let agent = Uuid::parse_str(&data.claims.sub).map(AgentId).map_err(|_| invalid())?;
        let read_only_customer = match data.claims.read_only_customer {
            None => None,
            Some(c) => Some(Uuid::parse_str(&c).map(CustomerId).map_err(|_| invalid())?),
        };
        Ok(TokenSubject { agent, read_only_customer })
    }
}

/// Authenticates a request: the token must be valid and name an existing
/// agent, whose roles are read now (a role taken away applies at once). A
/// read-only admin session token also needs its customer's grant to be active.
pub async fn authenticate(headers: &HeaderMap, issuer: &TokenIssuer, helpdesk: &dyn HelpDesk) -> ApiResult<Caller> {
    let header = headers
        .get(axum::http::header::AUTHORIZATION)
        .ok_or_else(|| unauthenticated("sign in first: send Authorization: Bearer <token>"))?;
    let token = header
        .to_str()
        .ok()
        .and_then(|h| h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")))
        .ok_or_else(|| unauthenticated("the Authorization header must be: Bearer <token>"))?;
    let subject = issuer.verify(token.trim())?;
    let agent = helpdesk
        .agent(subject.agent)
        .await?
        .ok_or_else(|| unauthenticated("this token names an agent that no longer exists"))?;
    if let Some(customer) = subject.read_only_customer {
        let grants = helpdesk.grants_of(agent.partner_id, &[customer]).await?;
        if !grants.iter().any(|g| g.is_active(chrono::Utc::now())) {
            return Err(unauthenticated("the customer's read-only access has ended; this session is over"));
        }
    }
    Ok(Caller { agent, read_only: subject.read_only_customer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_from_another_secret_or_expired_is_refused() {
        let issuer = TokenIssuer::new(b"secret-one");
        let agent = AgentId::new_random();
        let token = issuer.mint(agent, Duration::from_secs(60)).unwrap();
        assert_eq!(issuer.verify(&token).unwrap().agent, agent);
        assert!(TokenIssuer::new(b"secret-two").verify(&token).is_err());
        let an_hour_ago = chrono::Utc::now().timestamp() - 3600;
        let expired = issuer.mint_at(agent, an_hour_ago, Duration::from_secs(60)).unwrap();
        assert!(issuer.verify(&expired).is_err());
    }
}
