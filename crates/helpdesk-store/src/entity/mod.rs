//! The sea-orm entities: one module per table, grouped by what they hold,
//! private to the store.
//!
//! They mirror the tables the migrations create, keys included: a partner
//! table's key starts with its partner (migration 8), so every row a model
//! updates or deletes is named within its partner, one shard of a database
//! distributed by partner. Rows never leave this crate:
//! `mapping.rs` turns them into domain types in one place.

mod access;
mod calling;
mod customer;
mod demo;
mod email;
mod partner;
mod search;
mod user;

pub use access::{
    audit_daily, audit_log, read_only_grants, read_only_sessions, search_daily, verification_codes, verification_sends,
};
pub use calling::{devices, phone_numbers};
pub use customer::{customer_domains, customers, licenses, meeting_sites, subscriptions};
pub use demo::seed_runs;
pub use email::{email_events, email_suppressions, outbox};
pub use partner::{agent_roles, agents, partners};
pub use search::{customer_name_keys, name_words};
pub use user::{user_admin_roles, user_features, user_licenses, users};
