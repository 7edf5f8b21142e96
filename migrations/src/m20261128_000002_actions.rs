//! The help desk's actions: verification codes, the email outbox, read-only
//! admin sessions, and the customer an audit entry is about.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn uuid(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).uuid().not_null().take()
}
fn text(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).string().not_null().take()
}
fn time(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().not_null().take()
}
fn time_null(name: &'static str) -> ColumnDef {
    ColumnDef::new(name).timestamp_with_time_zone().null().take()
}

async fn create(
    m: &SchemaManager<'_>,
    name: &'static str,
    cols: Vec<ColumnDef>,
    index: &[&'static str],
) -> Result<(), DbErr> {
    let mut t = Table::create().table(name).if_not_exists().take();
    for mut c in cols {
        t.col(&mut c);
    }
    m.create_table(t).await?;
    let mut i = Index::create().name(format!("ix_{}_{}", name, index.join("_"))).table(name).if_not_exists().take();
    for c in index {
        i.col(*c);
    }
    m.create_index(i).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        // The live code of a user: only its keyed hash (hex), never the code.
        create(
            m,
            "verification_codes",
            vec![
                ColumnDef::new("user_id").uuid().not_null().primary_key().take(),
                uuid("partner_id"),
                text("hash"),
                time("expires_at"),
                ColumnDef::new("attempts").integer().not_null().default(0).take(),
            ],
            &["partner_id", "user_id"],
        )
        .await?;
        // When codes were sent, for the 3-per-15-minutes limit.
        create(
            m,
            "verification_sends",
            vec![
                ColumnDef::new("id").uuid().not_null().primary_key().take(),
                uuid("partner_id"),
                uuid("user_id"),
                time("sent_at"),
            ],
            &["user_id", "sent_at"],
        )
        .await?;
        // Emails waiting for the dispatcher; written in the same transaction as what caused them.
        create(
            m,
            "outbox",
            vec![
                ColumnDef::new("id").uuid().not_null().primary_key().take(),
                uuid("partner_id"),
                text("address"),
                text("subject"),
                text("body"),
                ColumnDef::new("attempts").integer().not_null().default(0).take(),
                time("next_attempt_at"),
                time_null("sent_at"),
                ColumnDef::new("last_error").string().null().take(),
                time("created_at"),
            ],
            &["sent_at", "next_attempt_at"],
        )
        .await?;
        create(
            m,
            "read_only_sessions",
            vec![
                ColumnDef::new("id").uuid().not_null().primary_key().take(),
                uuid("partner_id"),
                uuid("agent_id"),
                uuid("customer_id"),
                text("reason"),
                time("starts_at"),
                time("ends_at"),
            ],
            &["partner_id", "customer_id"],
        )
        .await?;
        m.alter_table(Table::alter().table("audit_log").add_column(ColumnDef::new("customer_id").uuid().null()).take())
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("audit_log").drop_column("customer_id").take()).await?;
        for t in ["read_only_sessions", "outbox", "verification_sends", "verification_codes"] {
            m.drop_table(Table::drop().table(t).if_exists().take()).await?;
        }
        Ok(())
    }
}
