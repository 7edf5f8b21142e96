//! Indexes for a partner's dashboard (`partnerOverview`): each figure is a
//! count or a short list over one partner, read from an index that leads
//! with `partner_id` and then the column the figure is about, so a partner
//! with 500,000 devices is counted from the index, not the table.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_core::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: &[(&str, &[&str])] = &[
    ("customers", &["partner_id", "status"]),
    ("devices", &["partner_id", "status"]),
    ("devices", &["partner_id", "last_seen_at"]),
    ("phone_numbers", &["partner_id", "state"]),
    ("email_events", &["partner_id", "at"]),
    ("email_suppressions", &["partner_id", "since"]),
    ("read_only_grants", &["partner_id", "expires_at"]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            index(m, table, cols, false).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, cols) in INDEXES {
            let name = format!("ix_{}_{}", table, cols.join("_"));
            m.drop_index(Index::drop().name(name).table(*table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
