//! `--time-upgrade`: how long a release that adds migrations takes to start
//! on a production-sized database. Seeds an empty database under the
//! migrations that existed before the partner keys (migration 8), then times
//! the gateway's own `migrate` on it, and counts the rows before and after.

use std::time::{Duration, Instant};

use helpdesk_migrations::{Migrator, MigratorTrait};
use helpdesk_store::seed::Scale;
use helpdesk_store::{Store, StoreOptions};
use sea_orm::{ConnectionTrait, Database, Statement};

/// The migrations before the partner keys.
const BEFORE_KEYS: u32 = 7;

/// Tables whose rows must all survive.
const COUNTED: &[&str] =
    &["customers", "users", "user_licenses", "user_features", "devices", "phone_numbers", "audit_log"];

pub async fn run(database_url: &str, scale: Scale) -> Result<(), Box<dyn std::error::Error>> {
    let db = Database::connect(database_url).await?;
    Migrator::up(&db, Some(BEFORE_KEYS)).await?;
    let options = StoreOptions {
        url: database_url.to_string(),
        max_connections: 4,
        acquire_timeout: Duration::from_secs(30),
        statement_timeout: Duration::from_secs(600),
        cache: helpdesk_store::cache::CacheOptions::default(),
        replica_urls: Vec::new(),
        replica_max_lag: Duration::from_secs(1),
    };
    let store = Store::connect(&options).await?;
    let started = Instant::now();
    let report = helpdesk_store::seed::seed(&store, scale, chrono::Utc::now()).await?;
    eprintln!("seeded {scale:?} under migrations 1-{BEFORE_KEYS} in {:.0?}: {report:?}", started.elapsed());
    let before = counts(&db).await?;
    let started = Instant::now();
    store.migrate().await?;
    let took = started.elapsed();
    let after = counts(&db).await?;
    println!("| table | rows before | rows after |");
    println!("|---|---|---|");
    for ((table, b), (_, a)) in before.iter().zip(&after) {
        println!("| {table} | {b} | {a} |");
    }
    println!("\nthe remaining migrations took {took:.1?}");
    if before != after {
        return Err("rows changed".into());
    }
    Ok(())
}

async fn counts(db: &impl ConnectionTrait) -> Result<Vec<(&'static str, i64)>, sea_orm::DbErr> {
    let mut out = Vec::new();
    for table in COUNTED {
        let sql = format!("SELECT COUNT(*) FROM \"{table}\"");
        let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await?;
        out.push((*table, row.map(|r| r.try_get_by_index::<i64>(0)).transpose()?.unwrap_or(0)));
    }
    Ok(out)
}
