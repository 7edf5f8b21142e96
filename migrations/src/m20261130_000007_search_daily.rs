//! Searches counted per partner, day and kind of input ("searches per day by
//! input kind" on the dashboard), kept as the audit trail is written; each
//! audited search also records how its text was read (`audit_log.read_as`).
//! Entries written before this migration never recorded it, so they are not
//! counted: the chart starts on the day the migration ran.
//!
//! Also the index a partner's license figures read: licenses by partner.

use sea_orm_migration::prelude::*;

use crate::m20261128_000001_core::{Cols, index, keyed_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = Cols { backend: m.get_database_backend() };
        // A nullable column without a default: PostgreSQL adds it without rewriting the table.
        m.alter_table(Table::alter().table("audit_log").add_column(c.text_null("read_as")).take()).await?;
        let n = ColumnDef::new("n").big_integer().not_null().take();
        let cols = vec![c.uuid("partner_id"), c.time("day"), c.text("kind"), n];
        keyed_table(m, "search_daily", cols, &["partner_id", "day", "kind"]).await?;
        index(m, "licenses", &["partner_id", "subscription_id"], false).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop().name("ix_licenses_partner_id_subscription_id").table("licenses").if_exists().to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("search_daily").if_exists().take()).await?;
        m.alter_table(Table::alter().table("audit_log").drop_column("read_as").take()).await
    }
}
