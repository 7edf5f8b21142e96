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
    /// Each agent's budget of query cost over time.
    pub limiter: Arc<dyn helpdesk_domain::ports::CostLimiter>,
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
    /// What the request did, for the audit trail: handed to the audit sink
    /// once the response is ready ([`RequestContext::take_audit`]).
    audit: std::sync::Mutex<RequestAudit>,
}

/// A request's audit entries, and the records it showed.
///
/// The trail must name every record a request showed, so a request cannot
/// push those entries out with entries of its own making: failed look-ups
/// (an ID that does not exist costs the agent almost nothing to send) have
/// a small budget of their own, and past each budget one summary entry, with
/// an ID of its own, says how many more there were.
#[derive(Default)]
struct RequestAudit {
    entries: Vec<AuditEntry>,
    shown: std::collections::HashSet<uuid::Uuid>,
    /// Failed actions and look-ups recorded one by one so far.
    failures: usize,
    /// Failures past [`MAX_FAILURES_PER_REQUEST`], summed into one entry.
    more_failures: usize,
    /// Entries past [`MAX_ENTRIES_PER_REQUEST`], summed into one entry.
    dropped: usize,
}

/// Most audit entries one request writes (every result of a full page of
/// searches, with room to spare); past that, one entry says how many more.
const MAX_ENTRIES_PER_REQUEST: usize = 2_000;
/// Most failures (a look-up of an ID that does not exist, a refused action)
/// one request records one by one; past that, one entry counts the rest.
const MAX_FAILURES_PER_REQUEST: usize = 50;
/// Longest audit target or detail kept: an ID, or a search text cut to its limit.
const MAX_AUDIT_TEXT: usize = 300;

/// Cuts an audit text to [`MAX_AUDIT_TEXT`] characters.
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_AUDIT_TEXT) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_string(),
    }
}

/// A record whose showing the audit trail records: customers, users,
/// devices, phone numbers and orders all carry people's or a customer's
/// details (names, emails, direct lines, SIP addresses, what it bought).
pub trait Shown {
    /// The audit action of showing one (`open_device`).
    const ACTION: &'static str;
    /// The record's ID, and the customer it belongs to.
    fn audit_key(&self) -> (uuid::Uuid, CustomerId);
}

/// Records that the request showed `record`: once per request and record,
/// whichever path reached it (a look-up, a search result, a nested field).
/// Every GraphQL wrapper of a record is made through this.
pub fn show<R: Shown>(ctx: &Context<'_>, record: &R) {
    if let Ok(rc) = request(ctx) {
        let (id, customer) = record.audit_key();
        rc.shown(R::ACTION, id, customer);
    }
}

/// Declares the GraphQL object of a record that carries people's or a
/// customer's details, and the one way to make it, `shown`, which records
/// the showing (`action`) through [`show`]; `|r| key` says which record it
/// is and whose customer.
macro_rules! shown_record {
    ($(#[$doc:meta])* $wrapper:ident($model:ty), $action:literal, |$r:ident| $key:expr) => {
        $(#[$doc])*
        pub struct $wrapper($model);

        impl $wrapper {
            #[doc = concat!("A record whose details the request shows: recorded in the audit trail (`", $action, "`) once per request, whichever path reached it. The only way to make one.")]
            pub fn shown(ctx: &async_graphql::Context<'_>, record: $model) -> $wrapper {
                $crate::context::show(ctx, &record);
                $wrapper(record)
            }
        }

        impl $crate::context::Shown for $model {
            const ACTION: &'static str = $action;
            fn audit_key(&self) -> (uuid::Uuid, helpdesk_domain::CustomerId) {
                let $r = self;
                $key
            }
        }
    };
}
pub(crate) use shown_record;

/// The request's context (put there by the HTTP layer).
pub fn request<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestContext> {
    ctx.data::<Arc<RequestContext>>()
        .map(Arc::as_ref)
        .map_err(|_| ApiError::Domain(DomainError::Internal("request context missing".into())))
}

impl RequestContext {
    /// The context of one request of `agent`.
    pub fn new(agent: Agent, read_only: Option<CustomerId>, services: Arc<Services>, request_id: String) -> Self {
        RequestContext { agent, read_only, services, request_id, audit: Default::default() }
    }

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
        self.audit_read_as(action, target, customer, outcome, detail, None);
    }

    /// [`Self::audit`] for a search, with how its text was read.
    pub fn audit_read_as<T>(
        &self,
        action: &str,
        target: Option<String>,
        customer: Option<CustomerId>,
        outcome: &ApiResult<T>,
        detail: Option<String>,
        read_as: Option<helpdesk_domain::search::InputKind>,
    ) {
        let outcome = match outcome {
            Ok(_) => "success".into(),
            Err(e) => e.code().as_str().into(),
        };
        let entry =
            self.entry(action, target.as_deref().map(bounded), customer, outcome, detail.as_deref().map(bounded));
        let entry = AuditEntry { read_as, ..entry };
        let failed = entry.outcome != "success";
        let mut audit = self.audit.lock().unwrap_or_else(|e| e.into_inner());
        if failed && audit.failures >= MAX_FAILURES_PER_REQUEST {
            audit.more_failures += 1;
        } else if audit.entries.len() < MAX_ENTRIES_PER_REQUEST {
            audit.failures += usize::from(failed);
            audit.entries.push(entry);
        } else {
            audit.dropped += 1;
        }
    }

    /// Records that the request showed a record's details ([`show`]).
    fn shown(&self, action: &str, id: uuid::Uuid, customer: CustomerId) {
        let first = self.audit.lock().unwrap_or_else(|e| e.into_inner()).shown.insert(id);
        if first {
            self.audit(action, Some(id.to_string()), Some(customer), &Ok::<(), ApiError>(()), None);
        }
    }

    /// An entry of this request's agent, now (in its read-only session's customer, if any).
    fn entry(
        &self,
        action: &str,
        target: Option<String>,
        customer: Option<CustomerId>,
        outcome: String,
        detail: Option<String>,
    ) -> AuditEntry {
        AuditEntry {
            id: uuid::Uuid::now_v7(),
            partner_id: self.agent.partner_id,
            agent_id: self.agent.id,
            at: self.now(),
            action: action.into(),
            target,
            outcome,
            detail,
            customer_id: customer.or(self.read_only),
            read_as: None,
        }
    }

    /// The request's audit entries, for the sink, once the response is ready:
    /// those recorded one by one, then a summary entry for each budget it
    /// went past (`more_failures`, `more_entries`).
    pub fn take_audit(&self) -> Vec<AuditEntry> {
        let mut audit = self.audit.lock().unwrap_or_else(|e| e.into_inner());
        let (more_failures, dropped) = (std::mem::take(&mut audit.more_failures), std::mem::take(&mut audit.dropped));
        let mut entries = std::mem::take(&mut audit.entries);
        drop(audit);
        let summary =
            |action: &str, outcome: &str, detail: String| self.entry(action, None, None, outcome.into(), Some(detail));
        if more_failures > 0 {
            let detail =
                format!("{more_failures} more failed look-ups or actions of this request, not recorded one by one");
            entries.push(summary("more_failures", "failed", detail));
        }
        if dropped > 0 {
            let detail = format!("{dropped} more entries of this request were not recorded one by one");
            entries.push(summary("more_entries", "success", detail));
        }
        entries
    }
}
