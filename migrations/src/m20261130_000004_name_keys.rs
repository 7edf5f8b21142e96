//! Name search at any size: every tail of a customer's name as a key, and each
//! partner's dictionary of name words.
//!
//! `customer_name_keys` holds "nova dental group", "dental group" and "group"
//! for Nova Dental Group, so a word anywhere in a name ("dental gr") is one
//! index range, not a scan of the partner's customers. `name_words` holds the
//! distinct folded words of a partner's customer and user names: the
//! dictionary a typo is corrected against. Both are filled from the rows
//! already there.

use std::collections::BTreeSet;

use helpdesk_domain::text::tails;
use sea_orm::prelude::Uuid;
use sea_orm::{ConnectionTrait, Value};
use sea_orm_migration::prelude::*;

use crate::m20261128_000001_core::Cols;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per INSERT of the backfill.
const ROWS_PER_INSERT: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = Cols { backend: m.get_database_backend() };
        m.create_table(
            Table::create()
                .table("customer_name_keys")
                .if_not_exists()
                .col(c.uuid("partner_id"))
                .col(c.key("key"))
                .col(c.uuid("customer_id"))
                .col(c.text("name"))
                .primary_key(Index::create().col("partner_id").col("key").col("customer_id"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("name_words")
                .if_not_exists()
                .col(c.uuid("partner_id"))
                .col(c.key("word"))
                .primary_key(Index::create().col("partner_id").col("word"))
                .take(),
        )
        .await?;
        backfill(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("name_words").if_exists().take()).await?;
        m.drop_table(Table::drop().table("customer_name_keys").if_exists().take()).await
    }
}

async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let customers = db
        .query_all(&Query::select().columns(["partner_id", "id", "name", "name_key"]).from("customers").take())
        .await?;
    let mut keys: Vec<[Value; 4]> = Vec::new();
    let mut words: BTreeSet<(Uuid, String)> = BTreeSet::new();
    for row in customers {
        let partner: Uuid = row.try_get("", "partner_id")?;
        let id: Uuid = row.try_get("", "id")?;
        let name: String = row.try_get("", "name")?;
        let key: String = row.try_get("", "name_key")?;
        words.extend(key.split(' ').filter(|w| !w.is_empty()).map(|w| (partner, w.to_string())));
        for tail in tails(&key) {
            keys.push([partner.into(), tail.into(), id.into(), name.clone().into()]);
        }
    }
    for column in ["full_key", "display_key"] {
        let rows =
            db.query_all(&Query::select().distinct().columns(["partner_id", column]).from("users").take()).await?;
        for row in rows {
            let partner: Uuid = row.try_get("", "partner_id")?;
            let key: String = row.try_get("", column)?;
            words.extend(key.split(' ').filter(|w| !w.is_empty()).map(|w| (partner, w.to_string())));
        }
    }
    for chunk in keys.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert()
            .into_table("customer_name_keys")
            .columns(["partner_id", "key", "customer_id", "name"])
            .take();
        for row in chunk {
            insert.values_panic(row.iter().cloned().map(SimpleExpr::from));
        }
        db.execute(&insert).await?;
    }
    let words: Vec<_> = words.into_iter().collect();
    for chunk in words.chunks(ROWS_PER_INSERT) {
        let mut insert = Query::insert().into_table("name_words").columns(["partner_id", "word"]).take();
        for (partner, word) in chunk {
            insert.values_panic([(*partner).into(), word.clone().into()]);
        }
        db.execute(&insert).await?;
    }
    Ok(())
}
