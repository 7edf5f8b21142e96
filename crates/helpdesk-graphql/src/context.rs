//! What every resolver of one request may use, and the policy checks.
//!
//! Authentication (the token) happens once per HTTP request; authorisation
//! happens where the data is: each root field asks the context for the scope
//! its role allows (`help_desk()`, `partner_admin()`, `acting()`), so an agent
//! with no Help Desk role can still ask `me`, and a read-only admin session
//! can read but never act.

use std::sync::Arc;

use async_graphql::Context;
use chrono::{DateTime, Utc};
use helpdesk_domain::access::{Agent, Scope};
use helpdesk_domain::model::AuditEntry;
use helpdesk_domain::ports::{AuditSink, Directory, HelpDesk};
use helpdesk_domain::verification::CodeHasher;
use helpdesk_domain::{Clock, CustomerId, Error as DomainError};

use crate::auth::TokenIssuer;
use crate::error::{ApiError, ApiResult};

/// Handles shared by all requests.
pub struct Services {
    pub helpdesk: Arc<dyn HelpDesk>,
    pub audit: Arc<dyn AuditSink>,
    pub issuer: TokenIssuer,
    pub hasher: CodeHasher,
    /// Where "now" comes from: code and grant expiry, tokens, the audit trail.
    pub clock: Arc<dyn Clock>,
    /// Where the gateway is reached from outside (for launch URLs).
    pub public_url: String,
}

/// One request's caller and handles.
pub struct RequestContext {
    pub agent: Agent,
    /// Set when the request carries a read-only admin session token: the
    /// request sees this one customer and nothing else.
    pub read_only: Option<CustomerId>,
    pub services: Arc<Services>,
    pub request_id: String,
}

/// The request's context (put there by the HTTP layer).
pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<RequestContext>().map_err(|_| ApiError::Domain(DomainError::Internal("request context missing".into())))
}

impl RequestContext {
    /// Reading as a help desk agent (a read-only session reads too).
    pub fn help_desk(&self) -> ApiResult<Scope> {
        Ok(self.agent.help_desk_scope()?)
    }

    /// Acting as a help desk agent: never with a read-only session.
    pub fn acting(&self) -> ApiResult<Scope> {
        if self.read_only.is_some() {
            return Err(DomainError::Forbidden("a read-only admin session cannot change anything".into()).into());
        }
        self.help_desk()
    }

    /// Managing the partner's agents or reading its audit log.
    pub fn partner_admin(&self) -> ApiResult<Scope> {
        if self.read_only.is_some() {
            return Err(DomainError::Forbidden("a read-only admin session cannot do this".into()).into());
        }
        Ok(self.agent.partner_admin_scope()?)
    }

    /// The time on the gateway's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.services.clock.now()
    }

    /// The directory, for reads.
    pub fn directory(&self) -> &dyn Directory {
        self.services.helpdesk.as_ref()
    }

    /// The help desk's actions.
    pub fn helpdesk(&self) -> &dyn HelpDesk {
        self.services.helpdesk.as_ref()
    }

    /// Records what the agent did and how it went.
    pub fn audit<T>(
        &self,
        action: &str,
        target: Option<String>,
        customer: Option<CustomerId>,
        outcome: &ApiResult<T>,
        detail: Option<String>,
    ) {
        self.services.audit.record(AuditEntry {
            partner_id: self.agent.partner_id,
            agent_id: self.agent.id,
            at: self.now(),
            action: action.into(),
            target,
            outcome: match outcome {
                Ok(_) => "success".into(),
                Err(e) => e.code().as_str().into(),
            },
            detail,
            customer_id: customer.or(self.read_only),
        });
    }
}
