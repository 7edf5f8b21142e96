//! The database schema, as one ordered list of migrations that run unchanged
//! on SQLite (the embedded default) and PostgreSQL (production).
//!
//! Every table that holds a partner's data carries `partner_id`, and every
//! index a search uses leads with it: queries always filter by the agent's
//! partner, and the same key shards the schema if one server is not enough.

pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

mod m20261128_000001_core;
mod m20261128_000002_actions;
mod m20261130_000003_seed_runs;
mod m20261130_000004_name_keys;
mod m20261130_000005_overview_indexes;
mod m20261130_000006_audit_daily;
mod m20261130_000007_search_daily;
mod m20261130_000008_partner_keys;
pub mod m20261205_000009_agent_changes;

/// All migrations, oldest first.
#[derive(Debug)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261128_000001_core::Migration),
            Box::new(m20261128_000002_actions::Migration),
            Box::new(m20261130_000003_seed_runs::Migration),
            Box::new(m20261130_000004_name_keys::Migration),
            Box::new(m20261130_000005_overview_indexes::Migration),
            Box::new(m20261130_000006_audit_daily::Migration),
            Box::new(m20261130_000007_search_daily::Migration),
            Box::new(m20261130_000008_partner_keys::Migration),
            Box::new(m20261205_000009_agent_changes::Migration),
        ]
    }
}
