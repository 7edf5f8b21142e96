//! Keys a PostgreSQL distributed by partner can keep: every primary key and
//! unique constraint of a partner's table includes `partner_id`, every
//! relation is a foreign key within the partner, and the link tables get keys.
//!
//! Why: a distributed PostgreSQL (Citus) splits each table into shards by one
//! column, here `partner_id`, and places the shards of one partner together on
//! one node. It can enforce a primary key, a unique constraint or a foreign
//! key only when it includes that column, because only then does one shard
//! hold every row the constraint compares. Before this migration the keys
//! were `id` alone, `user_admin_roles`, `user_licenses` and `user_features`
//! had no key at all (nothing stopped the same license twice), and no
//! relation was a foreign key (nothing stopped a user of a customer that
//! does not exist).
//!
//! Every row stays. A duplicate link row or an orphan makes the engine
//! refuse the new key, naming the table, and the migration stops in its
//! transaction: nothing is half-done.
//!
//! # Layout
//!
//! - this module: the keys, table by table ([`KEYS`]), parents first;
//! - `postgres`: `ALTER TABLE`s, which keep the rows in place;
//! - `sqlite`: SQLite cannot change a table's keys, so each table is copied
//!   into one with the new keys (the way SQLite's own manual says to).

mod postgres;
mod sqlite;

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// A table's new keys.
pub(crate) struct Keys {
    pub(crate) table: &'static str,
    pub(crate) primary: &'static [&'static str],
    /// `(columns, parent table, the parent's columns)`.
    pub(crate) references: &'static [(&'static [&'static str], &'static str, &'static [&'static str])],
}

const PARTNER: (&[&str], &str, &[&str]) = (&["partner_id"], "partners", &["id"]);
const CUSTOMER: (&[&str], &str, &[&str]) = (&["partner_id", "customer_id"], "customers", &["partner_id", "id"]);
const USER: (&[&str], &str, &[&str]) = (&["partner_id", "user_id"], "users", &["partner_id", "id"]);
const AGENT: (&[&str], &str, &[&str]) = (&["partner_id", "agent_id"], "agents", &["partner_id", "id"]);
const ID: &[&str] = &["partner_id", "id"];

/// Every partner table's keys, parents before the tables that refer to them.
pub(crate) const KEYS: &[Keys] = &[
    Keys { table: "agents", primary: ID, references: &[PARTNER] },
    Keys { table: "agent_roles", primary: &["partner_id", "agent_id", "role"], references: &[AGENT] },
    Keys { table: "customers", primary: ID, references: &[PARTNER] },
    Keys { table: "customer_domains", primary: ID, references: &[CUSTOMER] },
    Keys { table: "meeting_sites", primary: ID, references: &[CUSTOMER] },
    Keys { table: "subscriptions", primary: ID, references: &[CUSTOMER] },
    Keys {
        table: "licenses",
        primary: ID,
        references: &[(&["partner_id", "subscription_id"], "subscriptions", &["partner_id", "id"])],
    },
    Keys { table: "users", primary: ID, references: &[CUSTOMER] },
    Keys {
        table: "user_admin_roles",
        primary: &["partner_id", "user_id", "customer_id", "role"],
        references: &[USER, CUSTOMER],
    },
    Keys { table: "user_licenses", primary: &["partner_id", "user_id", "offer"], references: &[USER] },
    Keys { table: "user_features", primary: &["partner_id", "user_id", "feature"], references: &[USER] },
    Keys {
        table: "devices",
        primary: ID,
        references: &[CUSTOMER, (&["partner_id", "owner_user_id"], "users", &["partner_id", "id"])],
    },
    Keys {
        table: "phone_numbers",
        primary: ID,
        references: &[
            CUSTOMER,
            (&["partner_id", "assigned_user_id"], "users", &["partner_id", "id"]),
            (&["partner_id", "assigned_device_id"], "devices", &["partner_id", "id"]),
        ],
    },
    Keys { table: "email_events", primary: ID, references: &[PARTNER] },
    Keys { table: "email_suppressions", primary: &["partner_id", "address"], references: &[PARTNER] },
    Keys { table: "read_only_grants", primary: ID, references: &[CUSTOMER] },
    Keys { table: "audit_log", primary: ID, references: &[AGENT] },
    Keys { table: "verification_codes", primary: &["partner_id", "user_id"], references: &[USER] },
    Keys { table: "verification_sends", primary: ID, references: &[USER] },
    Keys { table: "outbox", primary: ID, references: &[PARTNER] },
    Keys { table: "read_only_sessions", primary: ID, references: &[AGENT, CUSTOMER] },
    Keys { table: "customer_name_keys", primary: &["partner_id", "key", "customer_id"], references: &[CUSTOMER] },
    Keys { table: "name_words", primary: &["partner_id", "word"], references: &[PARTNER] },
    Keys { table: "audit_daily", primary: &["partner_id", "day", "agent_id", "action"], references: &[AGENT] },
    Keys { table: "search_daily", primary: &["partner_id", "day", "kind"], references: &[PARTNER] },
];

/// Unique indexes the new keys replace (their columns lack `partner_id`,
/// or they now are the primary key).
pub(crate) const REPLACED_INDEXES: &[(&str, &str)] = &[
    ("agents", "ix_agents_email"),
    ("agent_roles", "ix_agent_roles_agent_id_role"),
    ("email_suppressions", "ix_email_suppressions_partner_id_address"),
    ("verification_codes", "ix_verification_codes_partner_id_user_id"),
];

/// An agent's sign-in address is unique within its partner (the identity
/// provider that issues it keeps it unique everywhere); `helpdesk token`
/// still finds an agent by it alone.
pub(crate) const NEW_INDEXES: &[(&str, &[&str], bool)] =
    &[("agents", &["partner_id", "email"], true), ("agents", &["email"], false)];

/// The name of a foreign key: `fk_<table>_<columns>`.
pub(crate) fn foreign_key_name(table: &str, columns: &[&str]) -> String {
    format!("fk_{}_{}", table, columns.join("_"))
}

/// Double-quoted, comma-separated column names.
pub(crate) fn quoted(columns: &[&str]) -> String {
    columns.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        match m.get_database_backend() {
            DbBackend::Postgres => postgres::up(m).await?,
            _ => sqlite::up(m).await?,
        }
        for (table, columns, unique) in NEW_INDEXES {
            crate::m20261128_000001_core::index(m, table, columns, *unique).await?;
        }
        Ok(())
    }

    /// Keys are not taken away again: a database migrated this far stays so.
    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Err(DbErr::Migration("the partner keys (migration 8) are not undone".into()))
    }

    /// SQLite too: a table copied halfway must not stay so.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
