//! The help desk's actions (U2, U3, C4) and the partner admin's role tools.
//!
//! Every mutation is recorded in the audit trail with its outcome. None can
//! be run with a read-only admin session (`FORBIDDEN`).

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Duration, Utc};
use helpdesk_domain::access::Role;
use helpdesk_domain::model::User as DomainUser;
use helpdesk_domain::ports::CodeToIssue;
use helpdesk_domain::verification::{self, CheckOutcome, VerificationCode};
use helpdesk_domain::{AgentId, CustomerId, Error as DomainError, UserId};
use rand::RngCore;

use crate::context::RequestContext;
use crate::context::request;
use crate::error::{ApiError, ApiResult};
use crate::ids::{NodeType, decode_as};
use crate::loaders::{self, GrantOf};
use crate::query::not_found;
use crate::types::{Agent, Customer, User};

/// The help desk's write side.
#[derive(Default)]
pub struct Mutation;

/// The agent whose roles changed.
#[derive(SimpleObject)]
pub struct AgentPayload {
    agent: Agent,
}

/// Where a verification code went, and until when it is valid. Never the code.
#[derive(SimpleObject)]
pub struct SendVerificationCodePayload {
    /// The address, masked: `j•••@acme.com`.
    sent_to: String,
    expires_at: DateTime<Utc>,
}

/// Whether the code the user read back is the one sent.
#[derive(SimpleObject)]
pub struct CheckVerificationCodePayload {
    verified: bool,
    /// Wrong attempts left before the code is dead (0 once verified).
    attempts_left: i32,
}

/// The user, off the suppression list.
#[derive(SimpleObject)]
pub struct RemoveEmailSuppressionPayload {
    /// False if the address was not on the list (nothing changed).
    removed: bool,
    user: User,
}

/// A read-only admin session on a customer's organisation.
#[derive(SimpleObject)]
pub struct ReadOnlyAdminSessionPayload {
    /// Bearer token of the session: it reads this customer only, until `expiresAt`.
    token: String,
    expires_at: DateTime<Utc>,
    /// Opens GraphiQL with the session's token.
    launch_url: String,
    /// Opens the console with the session's token, scoped to the customer,
    /// under a banner with the customer, the reason and the time left.
    console_url: String,
    customer: Customer,
}

/// The longest read-only admin session.
fn session_lifetime() -> Duration {
    Duration::seconds(crate::auth::READ_ONLY_SESSION_LIFETIME.as_secs() as i64)
}

async fn user_of(ctx: &Context<'_>, id: &ID) -> ApiResult<DomainUser> {
    let key = UserId(decode_as(id, NodeType::User)?);
    loaders::one(ctx, key).await?.ok_or_else(|| not_found("user"))
}

/// Runs `work`, records it in the audit trail, returns its result.
async fn audited<T>(
    rc: &RequestContext,
    action: &str,
    target: &ID,
    work: impl std::future::Future<Output = ApiResult<(T, Option<CustomerId>)>>,
) -> ApiResult<T> {
    let result = work.await;
    let customer = result.as_ref().ok().and_then(|(_, c)| *c);
    rc.audit(action, Some(crate::ids::audit_target(target)), customer, &result, None);
    result.map(|(v, _)| v)
}

fn draw_code() -> VerificationCode {
    let mut rng = rand::rngs::OsRng;
    loop {
        if let Some(code) = VerificationCode::from_random(rng.next_u32()) {
            return code;
        }
    }
}

async fn set_help_desk_role(ctx: &Context<'_>, agent_id: ID, on: bool) -> ApiResult<AgentPayload> {
    let rc = request(ctx)?;
    let action = if on { "assign_help_desk_role" } else { "revoke_help_desk_role" };
    audited(rc, action, &agent_id, async {
        let scope = rc.partner_admin()?;
        let agent = AgentId(decode_as(&agent_id, NodeType::Agent)?);
        let updated = rc.helpdesk().set_role(scope.partner_id, agent, Role::HelpDesk, on).await?;
        Ok((AgentPayload { agent: Agent(updated.ok_or_else(|| not_found("agent"))?) }, None))
    })
    .await
}

#[Object]
impl Mutation {
    /// Gives one of the partner's agents the Help Desk role (partner administrators only).
    async fn assign_help_desk_role(&self, ctx: &Context<'_>, agent_id: ID) -> ApiResult<AgentPayload> {
        set_help_desk_role(ctx, agent_id, true).await
    }

    /// Takes the Help Desk role away; the agent's next request is refused.
    async fn revoke_help_desk_role(&self, ctx: &Context<'_>, agent_id: ID) -> ApiResult<AgentPayload> {
        set_help_desk_role(ctx, agent_id, false).await
    }

    /// Emails the user a 6-digit code to read back to the agent (U2). A new
    /// code replaces the old one; at most 3 per user per 15 minutes.
    async fn send_verification_code(&self, ctx: &Context<'_>, user_id: ID) -> ApiResult<SendVerificationCodePayload> {
        let rc = request(ctx)?;
        audited(rc, "send_verification_code", &user_id, async {
            let scope = rc.acting()?;
            let user = user_of(ctx, &user_id).await?;
            let code = draw_code();
            let minutes = verification::code_lifetime().num_minutes();
            let issue = CodeToIssue {
                user: user.id,
                address: user.email.clone(),
                hash: rc.services.hasher.hash(&user.id, &code),
                subject: "Your help desk verification code".into(),
                body: format!(
                    "Hello {},\r\n\r\nYour verification code is {}.\r\n\r\nRead it to the help desk agent you are talking to. It expires in {minutes} minutes.\r\nIf you did not contact the help desk, ignore this email.\r\n",
                    user.first_name,
                    code.expose()
                ),
            };
            let expires_at = rc.helpdesk().issue_verification_code(scope.partner_id, issue, rc.now()).await?;
            Ok((SendVerificationCodePayload { sent_to: user.email.masked(), expires_at }, Some(user.customer_id)))
        })
        .await
    }

    /// Checks the code the user read back; after 5 wrong attempts the code is dead.
    async fn check_verification_code(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        code: String,
    ) -> ApiResult<CheckVerificationCodePayload> {
        let rc = request(ctx)?;
        audited(rc, "check_verification_code", &user_id, async {
            let scope = rc.acting()?;
            let code = VerificationCode::parse(&code)?;
            let user = user_of(ctx, &user_id).await?;
            let hasher = rc.services.hasher.clone();
            let uid = user.id;
            let matches = move |stored: &[u8]| hasher.matches(&uid, &code, stored);
            let outcome = rc.helpdesk().check_verification_code(scope.partner_id, user.id, rc.now(), &matches).await?;
            let payload = match outcome {
                CheckOutcome::Verified => CheckVerificationCodePayload { verified: true, attempts_left: 0 },
                CheckOutcome::Wrong { attempts_left } => {
                    CheckVerificationCodePayload { verified: false, attempts_left }
                }
            };
            Ok((payload, Some(user.customer_id)))
        })
        .await
    }

    /// Takes the user's address off the email suppression list (U3). Clearing
    /// a clean address succeeds and says nothing changed.
    async fn remove_email_suppression(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> ApiResult<RemoveEmailSuppressionPayload> {
        let rc = request(ctx)?;
        audited(rc, "remove_email_suppression", &user_id, async {
            let scope = rc.acting()?;
            let user = user_of(ctx, &user_id).await?;
            let removed = rc.helpdesk().remove_suppression(scope.partner_id, &user.email).await?;
            let customer = user.customer_id;
            Ok((RemoveEmailSuppressionPayload { removed, user: User::shown(ctx, user) }, Some(customer)))
        })
        .await
    }

    /// Opens a read-only admin session on a customer that authorised it (C4).
    /// The reason (a ticket ID or a sentence) is required and recorded.
    async fn start_read_only_admin_session(
        &self,
        ctx: &Context<'_>,
        customer_id: ID,
        reason: String,
    ) -> ApiResult<ReadOnlyAdminSessionPayload> {
        let rc = request(ctx)?;
        audited(rc, "start_read_only_admin_session", &customer_id, async {
            let scope = rc.acting()?;
            let reason = helpdesk_domain::access::Reason::parse(&reason)?;
            let reason = reason.as_str();
            let key = CustomerId(decode_as(&customer_id, NodeType::Customer)?);
            let customer = loaders::one(ctx, key).await?.ok_or_else(|| not_found("customer"))?;
            let now = rc.now();
            let grant = loaders::one(ctx, GrantOf(key)).await?.filter(|g| g.is_active(now)).ok_or_else(|| {
                ApiError::Domain(DomainError::AccessNotAuthorized(
                    "this customer has not authorised read-only access by its partner".into(),
                ))
            })?;
            let expires_at = (now + session_lifetime()).min(grant.expires_at);
            rc.helpdesk()
                .record_read_only_session(scope.partner_id, scope.agent_id, key, reason, now, expires_at)
                .await?;
            let token = rc.services.issuer.mint_read_only(scope.agent_id, &grant, expires_at)?;
            // The token rides in the fragment, which browsers never send to a server.
            let base = rc.services.public_url.trim_end_matches('/');
            let launch_url = format!("{base}/graphql#token={token}");
            let fragment = serde_urlencoded::to_string([("token", token.as_str()), ("reason", reason)])
                .map_err(|e| ApiError::Domain(DomainError::Internal(helpdesk_domain::error::Cause::of(e))))?;
            let console_url = format!("{base}/#{fragment}");
            Ok((
                ReadOnlyAdminSessionPayload {
                    token,
                    expires_at,
                    launch_url,
                    console_url,
                    customer: Customer::shown(ctx, customer),
                },
                Some(key),
            ))
        })
        .await
    }
}
