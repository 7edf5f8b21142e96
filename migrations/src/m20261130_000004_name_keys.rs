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

use sea_orm::prelude::Uuid;
use sea_orm::{ConnectionTrait, Value};
use sea_orm_migration::prelude::*;

use crate::m20261128_000001_core::{Cols, keyed_table};

/// The tails of a folded name as this migration wrote them: `"nova dental
/// group"` → `"nova dental group"`, `"dental group"`, `"group"`. Frozen
/// here, not imported from the domain: a migration that ran must do the same
/// thing on every database it will ever run on, whatever the domain becomes.
fn tails(key: &str) -> Vec<String> {
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    (0..words.len()).map(|i| words[i..].join(" ")).collect()
}

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Rows per INSERT of the backfill.
const ROWS_PER_INSERT: usize = 500;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let c = Cols { backend: m.get_database_backend() };
        let cols = vec![c.uuid("partner_id"), c.key("key"), c.uuid("customer_id"), c.text("name")];
        keyed_table(m, "customer_name_keys", cols, &["partner_id", "key", "customer_id"]).await?;
        keyed_table(m, "name_words", vec![c.uuid("partner_id"), c.key("word")], &["partner_id", "word"]).await?;
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use sea_orm::{ConnectionTrait, Database};
    use sea_orm_migration::MigratorTrait;

    use super::*;
    use crate::Migrator;

    /// A database made before this migration keeps every row, and gains the
    /// name keys and words of the customers and users it already held.
    #[tokio::test]
    async fn names_written_before_the_migration_are_found_after_it() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, Some(3)).await.unwrap();
        let (partner, customer, user) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let now = sea_orm::prelude::DateTimeUtc::default();
        // Its partner too: the later partner keys (migration 8) refuse a customer without one.
        db.execute(
            &Query::insert()
                .into_table("partners")
                .columns(["id", "name", "created_at"])
                .values_panic([partner.into(), "Northwind Partners".into(), now.into()])
                .take(),
        )
        .await
        .unwrap();
        db.execute(
            &Query::insert()
                .into_table("customers")
                .columns(["id", "partner_id", "name", "name_key", "status", "created_at"])
                .values_panic([
                    customer.into(),
                    partner.into(),
                    "Nova Dental Group".into(),
                    "nova dental group".into(),
                    "active".into(),
                    now.into(),
                ])
                .take(),
        )
        .await
        .unwrap();
        db.execute(
            &Query::insert()
                .into_table("users")
                .columns([
                    "id",
                    "partner_id",
                    "customer_id",
                    "email",
                    "first_name",
                    "last_name",
                    "full_key",
                    "reverse_key",
                    "display_key",
                    "display_name",
                    "status",
                    "created_at",
                ])
                .values_panic([
                    user.into(),
                    partner.into(),
                    customer.into(),
                    "zoe@nova.com".into(),
                    "Zoé".into(),
                    "Zimmermann".into(),
                    "zoe zimmermann".into(),
                    "zimmermann zoe".into(),
                    "zo".into(),
                    "Zo".into(),
                    "active".into(),
                    now.into(),
                ])
                .take(),
        )
        .await
        .unwrap();
        Migrator::up(&db, None).await.unwrap();
        let texts = |sql: &'static str| {
            let db = &db;
            async move {
                let rows =
                    db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
                rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            texts("SELECT key FROM customer_name_keys ORDER BY key").await,
            vec!["dental group", "group", "nova dental group"]
        );
        assert_eq!(
            texts("SELECT word FROM name_words ORDER BY word").await,
            vec!["dental", "group", "nova", "zimmermann", "zo", "zoe"]
        );
        assert_eq!(texts("SELECT name FROM customers").await, vec!["Nova Dental Group"], "no row lost");
    }
}
