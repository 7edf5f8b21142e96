//! A partner's agents and the audit trail, for partner administrators.

use async_graphql::{Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use helpdesk_domain::access;
use helpdesk_domain::model;

use crate::ids::{NodeType, encode};

/// A role a partner gives its agents.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "access::Role")]
pub enum AgentRole {
    PartnerAdmin,
    HelpDesk,
}

/// A person of the partner.
pub struct Agent(pub access::Agent);

#[Object]
impl Agent {
    async fn id(&self) -> ID {
        encode(NodeType::Agent, self.0.id.0)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn email(&self) -> &str {
        self.0.email.as_str()
    }
    async fn roles(&self) -> Vec<AgentRole> {
        self.0.roles.iter().map(|r| (*r).into()).collect()
    }
}

/// One line of the audit trail.
#[derive(SimpleObject)]
pub struct AuditEntry {
    /// The agent who did it.
    agent_id: ID,
    at: DateTime<Utc>,
    /// `search`, `open_user`, `send_verification_code` …
    action: String,
    target: Option<String>,
    /// The customer it concerns.
    customer_id: Option<ID>,
    /// `success` or the error code.
    outcome: String,
    detail: Option<String>,
    /// For a search: how its text was read.
    read_as: Option<super::InputKind>,
}

impl From<model::AuditEntry> for AuditEntry {
    fn from(e: model::AuditEntry) -> Self {
        AuditEntry {
            agent_id: encode(NodeType::Agent, e.agent_id.0),
            at: e.at,
            action: e.action,
            target: e.target,
            customer_id: e.customer_id.map(|c| encode(NodeType::Customer, c.0)),
            outcome: e.outcome,
            detail: e.detail,
            read_as: e.read_as.map(Into::into),
        }
    }
}
