//! The audit trail counted per partner, day, agent and action, kept as it is
//! written: a dashboard asking "who did most this week" or "searches per day
//! over 30 days" reads a few hundred counters instead of millions of entries.

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use sea_orm_migration::prelude::*;

use crate::m20261128_000001_core::{Cols, keyed_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = Cols { backend: m.get_database_backend() };
        let n = ColumnDef::new("n").big_integer().not_null().take();
        let cols = vec![c.uuid("partner_id"), c.time("day"), c.uuid("agent_id"), c.text("action"), n];
        keyed_table(m, "audit_daily", cols, &["partner_id", "day", "agent_id", "action"]).await?;
        // Entries written before this migration are counted once, here. On
        // SQLite the stored time's text starts with its date.
        let db = m.get_connection();
        let sql = match db.get_database_backend() {
            DbBackend::Postgres => {
                "INSERT INTO audit_daily (partner_id, day, agent_id, action, n)
                 SELECT partner_id, date_trunc('day', at, 'UTC'), agent_id, action, count(*)
                 FROM audit_log GROUP BY 1, 2, 3, 4"
            }
            _ => {
                "INSERT INTO audit_daily (partner_id, day, agent_id, action, n)
                 SELECT partner_id, substr(at, 1, 10) || 'T00:00:00+00:00', agent_id, action, count(*)
                 FROM audit_log GROUP BY 1, 2, 3, 4"
            }
        };
        db.execute_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("audit_daily").if_exists().take()).await
    }
}
