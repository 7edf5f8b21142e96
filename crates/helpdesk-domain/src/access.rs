//! Who may use the help desk, and what they may see.
//!
//! A partner administrator gives some of the partner's people (agents) the
//! Help Desk role. Only they may search. Whatever they search, they only ever
//! see the customers their own partner manages: the access policy turns an
//! agent into a [`Scope`], and every look-up in the store takes that scope.

use crate::contact::Email;
use crate::ids::{AgentId, PartnerId};
use crate::model::Labelled;
use crate::{Error, error::Result};

/// A role a partner gives its agents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Manages the partner's agents and their roles.
    PartnerAdmin,
    /// May use the help desk: search, details, help desk actions.
    HelpDesk,
}

impl Labelled for Role {
    const ALL: &'static [Self] = &[Role::PartnerAdmin, Role::HelpDesk];
    fn label(self) -> &'static str {
        match self {
            Role::PartnerAdmin => "partner_admin",
            Role::HelpDesk => "help_desk",
        }
    }
}

/// A partner's person, with the roles the partner gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Agent {
    pub id: AgentId,
    pub partner_id: PartnerId,
    pub email: Email,
    pub name: String,
    pub roles: Vec<Role>,
}

/// What an authorised agent may see: its own partner's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    pub partner_id: PartnerId,
    pub agent_id: AgentId,
}

impl Agent {
    /// Whether the agent holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// The partner admin policy: only partner admins manage agents and read the audit log.
    pub fn partner_admin_scope(&self) -> Result<Scope> {
        if self.has(Role::PartnerAdmin) {
            Ok(Scope { partner_id: self.partner_id, agent_id: self.id })
        } else {
            Err(Error::Forbidden("only a partner administrator can do this".into()))
        }
    }

    /// The help desk policy: only agents with the Help Desk role get a scope.
    pub fn help_desk_scope(&self) -> Result<Scope> {
        if self.has(Role::HelpDesk) {
            Ok(Scope { partner_id: self.partner_id, agent_id: self.id })
        } else {
            Err(Error::Forbidden(
                "the help desk is for agents with the Help Desk role; ask a partner administrator to give it to you"
                    .into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(roles: Vec<Role>) -> Agent {
        Agent {
            id: AgentId::new_random(),
            partner_id: PartnerId::new_random(),
            email: Email::parse("a@partner.com").unwrap(),
            name: "A".into(),
            roles,
        }
    }

    #[test]
    fn an_agent_without_the_help_desk_role_is_refused() {
        assert!(matches!(agent(vec![Role::PartnerAdmin]).help_desk_scope(), Err(Error::Forbidden(_))));
    }

    #[test]
    fn a_help_desk_agent_is_scoped_to_its_own_partner() {
        let a = agent(vec![Role::HelpDesk]);
        assert_eq!(a.help_desk_scope().unwrap().partner_id, a.partner_id);
    }
}

/// Why an agent asks for access to a customer (a ticket ID or a sentence):
/// recorded, shown to the customer and in the console's banner, and written
/// into the audit trail and log lines. So it is one line of visible text:
/// no control characters (NUL, escape sequences that repaint a terminal,
/// CR/LF that forge a log line) and no bidirectional overrides that make it
/// read differently from what was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(String);

impl Reason {
    /// Longest reason, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Trims `text` and checks it is a reason.
    pub fn parse(text: &str) -> Result<Reason, crate::Error> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS {
            return Err(crate::Error::InvalidInput(format!(
                "give a reason (a ticket ID or a sentence) of at most {} characters",
                Self::MAX_CHARS
            )));
        }
        let hidden = |c: char| {
            c.is_control() || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        };
        if text.chars().any(hidden) {
            return Err(crate::Error::InvalidInput(
                "a reason is one line of visible text: no line breaks, tabs or control characters".into(),
            ));
        }
        Ok(Reason(text.to_string()))
    }

    /// The reason's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod reason_tests {
    use super::Reason;

    #[test]
    fn a_reason_is_one_line_of_visible_text() {
        assert_eq!(
            Reason::parse("  Ticket 4711: caller cannot sign in ").unwrap().as_str(),
            "Ticket 4711: caller cannot sign in"
        );
        for hostile in ["a\0b", "ticket\r\nFAKE LOG LINE", "\u{1b}[2Jcleared", "tab\there", "right\u{202E}tfel", ""] {
            let err = Reason::parse(hostile).unwrap_err();
            assert!(matches!(err, crate::Error::InvalidInput(_)), "{hostile:?}");
        }
        assert!(Reason::parse(&"x".repeat(501)).is_err());
        assert!(Reason::parse("Zoë's ticket — ünïcode is fine").is_ok());
    }
}
