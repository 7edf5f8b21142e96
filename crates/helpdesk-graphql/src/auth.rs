//! Who is calling: bearer tokens naming an agent.
//!
//! Every request carries `Authorization: Bearer <JWT>` (HS256, signed with
//! the gateway's secret). The token only says *who* the agent is; what the
//! agent may do is read from the database on every request, so a role taken
//! away takes effect at once, even for tokens minted before.
//!
//! Tokens are minted and checked against the gateway's [`Clock`], not the
//! system's, so a gateway started on another date (a test a year ahead)
//! agrees with itself about what has expired.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use helpdesk_domain::access::Agent;
use helpdesk_domain::{AgentId, Clock, CustomerId, Error as DomainError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::context::Services;
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

/// Mints and checks agent tokens with one shared secret, on one clock.
#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    clock: Arc<dyn Clock>,
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
    /// An issuer signing with `secret` (HS256), telling the time by `clock`.
    pub fn new(secret: &[u8], clock: Arc<dyn Clock>) -> Self {
        TokenIssuer { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), clock }
    }

    /// A token naming `agent`, valid for `ttl` from now.
    pub fn mint(&self, agent: AgentId, ttl: Duration) -> ApiResult<String> {
        self.mint_at(agent, self.clock.now().timestamp(), ttl)
    }

    /// A read-only admin session token: `agent` may read `customer` until `expires_at`.
    pub fn mint_read_only(
        &self,
        agent: AgentId,
        customer: CustomerId,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> ApiResult<String> {
        let now = self.clock.now().timestamp();
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
        // The expiry is checked below against the gateway's clock (the
        // library would read the system's); the claim must still be there.
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let invalid = || unauthenticated("your session token is not valid; sign in again");
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|_| invalid())?;
        if data.claims.exp <= self.clock.now().timestamp() {
            return Err(unauthenticated("your session token has expired; sign in again"));
        }
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
pub async fn authenticate(headers: &HeaderMap, services: &Services) -> ApiResult<Caller> {
    let (issuer, helpdesk) = (&services.issuer, services.helpdesk.as_ref());
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
        if !grants.iter().any(|g| g.is_active(services.clock.now())) {
            return Err(unauthenticated("the customer's read-only access has ended; this session is over"));
        }
    }
    Ok(Caller { agent, read_only: subject.read_only_customer })
}

#[cfg(test)]
mod tests {
    use super::*;

    use helpdesk_domain::AdjustableClock;

    #[test]
    fn a_token_from_another_secret_or_expired_is_refused() {
        let clock = Arc::new(AdjustableClock::default());
        let issuer = TokenIssuer::new(b"secret-one", clock.clone());
        let agent = AgentId::new_random();
        let token = issuer.mint(agent, Duration::from_secs(60)).unwrap();
        assert_eq!(issuer.verify(&token).unwrap().agent, agent);
        assert!(TokenIssuer::new(b"secret-two", clock.clone()).verify(&token).is_err());
        clock.advance(chrono::Duration::seconds(61));
        let err = issuer.verify(&token).unwrap_err();
        assert!(err.to_string().contains("expired"), "{err}");
    }

    #[test]
    fn a_token_minted_a_year_ahead_is_valid_on_that_clock_only() {
        let ahead = Arc::new(AdjustableClock::shifted(chrono::Duration::days(365)));
        let issuer = TokenIssuer::new(b"secret-one", ahead.clone());
        let token = issuer.mint(AgentId::new_random(), Duration::from_secs(3600)).unwrap();
        assert!(issuer.verify(&token).is_ok());
        ahead.advance(chrono::Duration::hours(2));
        assert!(issuer.verify(&token).is_err(), "expired on the clock it was minted on");
    }
}
