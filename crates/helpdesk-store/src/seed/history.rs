//! The past 30 days of help desk work, so a fresh demo's dashboard and audit
//! log show what a working help desk looks like: every help desk agent
//! searches a few times a day, typing the kinds of input agents type most
//! (emails and names far more than MACs or order numbers).
//!
//! The entries go through the audit trail's own writer, so the per-day
//! counters the dashboard reads agree with the entries.

use chrono::{DateTime, Duration, Utc};
use helpdesk_domain::model::AuditEntry;
use helpdesk_domain::search::InputKind;
use helpdesk_domain::{AgentId, PartnerId};
use rand::Rng;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::fixtures;
use crate::{Store, StoreError};

/// Days of history.
const DAYS: i64 = 30;

/// What agents type, with how often (out of the sum of weights).
const TYPED: &[(InputKind, &str, u32)] = &[
    (InputKind::Email, fixtures::USER_EMAIL, 8),
    (InputKind::Name, "davis walker", 6),
    (InputKind::PhoneNumber, fixtures::PHONE_NUMBER, 3),
    (InputKind::Domain, fixtures::CUSTOMER_DOMAIN, 2),
    (InputKind::MacAddress, fixtures::DEVICE_MAC, 2),
    (InputKind::SipAddress, fixtures::DEVICE_SIP, 1),
    (InputKind::SerialNumber, fixtures::DEVICE_SERIAL, 1),
];

/// Writes the history of `agents` (partner, agent) up to `now`.
pub(super) async fn write(store: &Store, agents: &[(Uuid, Uuid)], now: DateTime<Utc>) -> Result<(), StoreError> {
    let mut rng = ChaCha8Rng::seed_from_u64(0x4155_4449);
    let total: u32 = TYPED.iter().map(|t| t.2).sum();
    let mut entries = Vec::new();
    for days_ago in 1..=DAYS {
        for &(partner, agent) in agents {
            for _ in 0..rng.gen_range(2..9) {
                let mut pick = rng.gen_range(0..total);
                let &(kind, text, _) = TYPED
                    .iter()
                    .find(|t| {
                        let hit = pick < t.2;
                        pick = pick.saturating_sub(t.2);
                        hit
                    })
                    .unwrap_or(&TYPED[0]);
                let at = now - Duration::days(days_ago) + Duration::minutes(rng.gen_range(0..600));
                entries.push(AuditEntry {
                    id: Uuid::new_v4(),
                    partner_id: PartnerId(partner),
                    agent_id: AgentId(agent),
                    at,
                    action: "search".into(),
                    target: None,
                    outcome: "success".into(),
                    detail: Some(serde_json::json!({ "text": text, "kinds": null, "results": 1 }).to_string()),
                    customer_id: None,
                    read_as: Some(kind),
                });
            }
        }
    }
    crate::audit::insert(store, &entries).await
}
