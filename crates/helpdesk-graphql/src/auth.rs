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
use helpdesk_domain::model::ReadOnlyGrant;
use helpdesk_domain::{AgentId, Clock, CustomerId, Error as DomainError};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};

const ISSUER: &str = "helpdesk-gateway";

/// The longest an agent's token lives: a working day. Checked when a token is
/// minted and again when it is presented, so no token outlives it.
pub const AGENT_TOKEN_LIFETIME: Duration = Duration::from_secs(12 * 3600);
/// The longest a read-only admin session (and so its token) lasts.
pub const READ_ONLY_SESSION_LIFETIME: Duration = Duration::from_secs(3600);
/// How far ahead of this gateway's clock another gateway's may be when it
/// mints a token (`iat`, `nbf`).
const CLOCK_SKEW_SECS: i64 = 60;

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    /// The agent's ID.
    sub: String,
    iss: String,
    iat: i64,
    exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nbf: Option<i64>,
    /// On a read-only admin session token: the one customer it may see…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    read_only_customer: Option<String>,
    /// …under this grant of the customer's, and no other.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grant: Option<String>,
}

/// A read-only admin session, as its token names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOnlyClaim {
    /// The one customer the session sees.
    pub customer: CustomerId,
    /// The customer's grant it was started under: revoked or replaced, the session ends.
    pub grant: Uuid,
}

/// What a valid token says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenSubject {
    pub agent: AgentId,
    /// Set on a read-only admin session token.
    pub read_only: Option<ReadOnlyClaim>,
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

    /// A token naming `agent`, valid for `ttl` from now: at most
    /// [`AGENT_TOKEN_LIFETIME`].
    pub fn mint(&self, agent: AgentId, ttl: Duration) -> ApiResult<String> {
        if ttl.is_zero() || ttl > AGENT_TOKEN_LIFETIME {
            return Err(ApiError::bad_input(format!(
                "an agent's token lasts from 1 second to {} hours",
                AGENT_TOKEN_LIFETIME.as_secs() / 3600
            )));
        }
        let now = self.clock.now().timestamp();
        // `ttl` is at most 12 hours, so this cannot overflow.
        let exp = now + ttl.as_secs() as i64;
        self.sign(&Claims::new(agent, now, exp))
    }

    /// A read-only admin session token: `agent` may read `grant`'s customer
    /// while that grant stands, until `expires_at` (at most
    /// [`READ_ONLY_SESSION_LIFETIME`] from now).
    pub fn mint_read_only(
        &self,
        agent: AgentId,
        grant: &ReadOnlyGrant,
        expires_at: chrono::DateTime<chrono::Utc>,
    ) -> ApiResult<String> {
        let now = self.clock.now().timestamp();
        let exp = expires_at.timestamp().min(now + READ_ONLY_SESSION_LIFETIME.as_secs() as i64);
        let mut claims = Claims::new(agent, now, exp);
        claims.read_only_customer = Some(grant.customer_id.to_string());
        claims.grant = Some(grant.id.to_string());
        self.sign(&claims)
    }

    fn sign(&self, claims: &Claims) -> ApiResult<String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(|e| ApiError::Domain(DomainError::Internal(helpdesk_domain::error::Cause::of(e))))
    }

    /// What a token says, if its signature is good and its times hold on
    /// this gateway's clock: not issued (or valid) in the future, not
    /// expired, and no longer-lived than its kind of token may be.
    pub fn verify(&self, token: &str) -> ApiResult<TokenSubject> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        // Times are checked below against the gateway's clock (the library
        // would read the system's); the claims must still be there.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        let invalid = || unauthenticated("your session token is not valid; sign in again");
        if has_critical_extensions(token) {
            return Err(invalid());
        }
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).map_err(|_| invalid())?.claims;
        let now = self.clock.now().timestamp();
        let read_only = match (claims.read_only_customer, claims.grant) {
            (None, None) => None,
            (Some(customer), Some(grant)) => Some(ReadOnlyClaim {
                customer: Uuid::parse_str(&customer).map(CustomerId).map_err(|_| invalid())?,
                grant: Uuid::parse_str(&grant).map_err(|_| invalid())?,
            }),
            _ => return Err(invalid()),
        };
        let longest = if read_only.is_some() { READ_ONLY_SESSION_LIFETIME } else { AGENT_TOKEN_LIFETIME };
        let from_the_future =
            claims.iat > now + CLOCK_SKEW_SECS || claims.nbf.is_some_and(|nbf| nbf > now + CLOCK_SKEW_SECS);
        if from_the_future || claims.exp.saturating_sub(claims.iat) > longest.as_secs() as i64 {
            return Err(invalid());
        }
        if claims.exp <= now {
            return Err(unauthenticated("your session token has expired; sign in again"));
        }
        let agent = Uuid::parse_str(&claims.sub).map(AgentId).map_err(|_| invalid())?;
        Ok(TokenSubject { agent, read_only })
    }
}

/// Whether the token's header names critical extensions (`crit`, RFC 7515
/// §4.1.11). The gateway understands none, and a token that says it must
/// not be accepted without them must not be (the library ignores the field).
fn has_critical_extensions(token: &str) -> bool {
    use base64::Engine;
    let Some(header) = token.split('.').next() else { return false };
    let Ok(bytes) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header) else { return false };
    serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes)
        .is_ok_and(|header| header.contains_key("crit"))
}

impl Claims {
    fn new(agent: AgentId, iat: i64, exp: i64) -> Claims {
        Claims {
            sub: agent.to_string(),
            iss: ISSUER.into(),
            iat,
            exp,
            nbf: None,
            read_only_customer: None,
            grant: None,
        }
    }
}

/// Authenticates a request with `issuer`'s key: the token must be valid and
/// name an existing agent of `helpdesk`, whose roles are read now (a role
/// taken away applies as soon as the store knows). A read-only admin session
/// token also needs its customer's grant to be active.
pub async fn authenticate(
    headers: &HeaderMap,
    issuer: &TokenIssuer,
    helpdesk: &dyn helpdesk_domain::ports::HelpDesk,
) -> ApiResult<Caller> {
    if !headers.contains_key(axum::http::header::AUTHORIZATION) {
        return Err(unauthenticated("sign in first: send Authorization: Bearer <token>"));
    }
    let bearer = headers::HeaderMapExt::typed_get::<headers::Authorization<headers::authorization::Bearer>>(headers)
        .ok_or_else(|| unauthenticated("the Authorization header must be: Bearer <token>"))?;
    let token = bearer.token();
    let subject = issuer.verify(token)?;
    let agent = helpdesk
        .agent(subject.agent)
        .await?
        .ok_or_else(|| unauthenticated("this token names an agent that no longer exists"))?;
    if let Some(session) = subject.read_only {
        // The customer's latest grant must be the one the session began under, still active.
        let grants = helpdesk.grants_of(agent.partner_id, &[session.customer]).await?;
        if !grants.iter().any(|g| g.id == session.grant && g.is_active(issuer.clock.now())) {
            return Err(unauthenticated("the customer's read-only access has ended; this session is over"));
        }
    }
    Ok(Caller { agent, read_only: subject.read_only.map(|s| s.customer) })
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

    fn issuer() -> (TokenIssuer, i64) {
        let clock = Arc::new(AdjustableClock::default());
        let now = clock.now().timestamp();
        (TokenIssuer::new(b"secret-one", clock), now)
    }

    #[test]
    fn no_agent_token_is_minted_for_more_than_twelve_hours() {
        let (issuer, _) = issuer();
        let agent = AgentId::new_random();
        assert!(issuer.mint(agent, AGENT_TOKEN_LIFETIME).is_ok());
        for ttl in [AGENT_TOKEN_LIFETIME + Duration::from_secs(1), Duration::from_secs(u64::MAX), Duration::ZERO] {
            let err = issuer.mint(agent, ttl).unwrap_err();
            assert_eq!(err.code().as_str(), "BAD_USER_INPUT", "{ttl:?}");
        }
    }

    #[test]
    fn a_signed_token_issued_in_the_future_or_living_too_long_is_refused() {
        let (issuer, now) = issuer();
        let agent = AgentId::new_random();
        let signed = |claims: Claims| issuer.sign(&claims).unwrap();
        let future = signed(Claims::new(agent, now + 3600, now + 7200));
        let not_yet = signed(Claims { nbf: Some(now + 3600), ..Claims::new(agent, now, now + 7200) });
        let forever = signed(Claims::new(agent, now, i64::MAX));
        let thirty_days = signed(Claims::new(agent, now, now + 30 * 24 * 3600));
        for token in [future, not_yet, forever, thirty_days] {
            assert!(issuer.verify(&token).is_err());
        }
        let skewed = signed(Claims::new(agent, now + 30, now + 3600));
        assert!(issuer.verify(&skewed).is_ok(), "another gateway's clock a little ahead is fine");
    }

    #[test]
    fn a_token_with_critical_extensions_is_refused() {
        let (issuer, now) = issuer();
        let token = issuer.sign(&Claims::new(AgentId::new_random(), now, now + 600)).unwrap();
        assert!(issuer.verify(&token).is_ok());
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        use base64::Engine;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        parts[0] = b64.encode(r#"{"alg":"HS256","typ":"JWT","crit":["exp"]}"#);
        let signature = {
            // Signed properly: the refusal is for the header, not the signature.
            let key = jsonwebtoken::EncodingKey::from_secret(b"secret-one");
            jsonwebtoken::crypto::sign(format!("{}.{}", parts[0], parts[1]).as_bytes(), &key, Algorithm::HS256).unwrap()
        };
        parts[2] = signature;
        let err = issuer.verify(&parts.join(".")).unwrap_err();
        assert_eq!(err.code().as_str(), "UNAUTHENTICATED");
    }

    #[test]
    fn a_read_only_token_names_its_grant_and_lives_an_hour_at_most() {
        let (issuer, now) = issuer();
        let agent = AgentId::new_random();
        let grant = ReadOnlyGrant {
            id: Uuid::new_v4(),
            customer_id: CustomerId(Uuid::new_v4()),
            granted_by: "admin@example.com".into(),
            granted_at: chrono::Utc::now(),
            expires_at: chrono::Utc::now() + chrono::Duration::days(30),
            revoked_at: None,
        };
        let token = issuer.mint_read_only(agent, &grant, grant.expires_at).unwrap();
        let subject = issuer.verify(&token).unwrap();
        assert_eq!(subject.read_only, Some(ReadOnlyClaim { customer: grant.customer_id, grant: grant.id }));
        // Without its grant, or for more than an hour, a read-only token is forged.
        let mut claims = Claims::new(agent, now, now + 600);
        claims.read_only_customer = Some(grant.customer_id.to_string());
        assert!(issuer.verify(&issuer.sign(&claims).unwrap()).is_err());
        claims.grant = Some(grant.id.to_string());
        assert!(issuer.verify(&issuer.sign(&claims).unwrap()).is_ok());
        claims.exp = now + 7200;
        assert!(issuer.verify(&issuer.sign(&claims).unwrap()).is_err());
    }
}
