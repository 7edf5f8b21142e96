//! Persistence for the help desk: SQLite (embedded default) or PostgreSQL.
//!
//! The store implements the domain's ports ([`helpdesk_domain::ports`]) with
//! sea-orm. Database rows stay inside this crate: `entity` declares them,
//! `mapping` turns them into domain types, and nothing else sees them.
//!
//! # Layout
//!
//! - `entity`: one sea-orm entity per table (private).
//! - `mapping`: rows → domain types, the one place stored text is parsed back.
//! - [`Store`]: the connection, migrations and the statement counter.
//! - `directory`: the read-side port ([`helpdesk_domain::ports::Directory`]),
//!   one batch query per relation so the API's dataloaders stay flat.
//! - `actions`: the help desk's actions and the partner admin's tools
//!   ([`helpdesk_domain::ports::HelpDesk`]), each in one transaction.
//! - `outbox`: emails queued with what caused them, claimed by the dispatcher.
//! - `overview`: a partner's dashboard figures, one indexed statement each.
//! - [`AuditWriter`]: the audit trail, written in batches off the request path.
//! - `search`: one exact look-up per reading of the search text; names as
//!   index ranges over folded keys, typos corrected against each partner's
//!   dictionary of name words; ranked by the domain's rules.
//! - [`seed`]: the deterministic demo data generator.
//! - [`limiter`]: each agent's budget of query cost, in Redis or in process.
//! - [`StoreError`]: the one error enum of this crate.

/// Runs a directory read for `partner` on a replica or the primary
/// ([`Store::reader`]); a read the replica could not serve (it went away)
/// runs again on the primary, so a replica that dies costs time, never an
/// answer. `$db` names the connection inside `$read`, an awaited expression.
macro_rules! read {
    ($store:expr, $partner:expr, |$db:ident| $read:expr) => {{
        let $db = $store.reader($partner);
        match $read {
            Err(e) if $store.retry_on_primary($db, &e) => {
                let $db = $store.db();
                $read
            }
            answered => answered,
        }
    }};
}

mod actions;
mod agents;
mod audit;
pub mod cache;
mod directory;
mod entity;
mod error;
pub mod limiter;
mod mapping;
mod outbox;
mod overview;
pub mod redis_link;
pub mod replicas;
mod search;
pub mod seed;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use helpdesk_migrations::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait};

pub use audit::{AuditTask, AuditWriter};
pub use error::StoreError;
pub use outbox::Delivery;
pub use search::DICTIONARY_TTL;

/// How to reach the database.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite://path/to/file.db?mode=rwc` or `postgres://user@host/db`.
    pub url: String,
    /// Largest number of pooled connections.
    pub max_connections: u32,
    /// How long a request waits for a pooled connection before failing.
    pub acquire_timeout: Duration,
    /// Longest a statement may run (PostgreSQL), so a stuck query fails instead of hanging.
    pub statement_timeout: Duration,
    /// The customer cache.
    pub cache: cache::CacheOptions,
    /// Streaming replicas of the primary (`postgres://…`) that take the
    /// directory's reads ([`replicas`]); none by default.
    pub replica_urls: Vec<String>,
    /// How far behind the primary a replica may be and still get reads.
    pub replica_max_lag: Duration,
}

impl StoreOptions {
    /// Options with the defaults for `url`.
    pub fn new(url: impl Into<String>) -> Self {
        StoreOptions {
            url: url.into(),
            max_connections: 10,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(10),
            cache: cache::CacheOptions::default(),
            replica_urls: Vec::new(),
            replica_max_lag: Duration::from_secs(1),
        }
    }
}

/// A handle on the database, cheap to clone and share between requests.
#[derive(Clone)]
pub struct Store {
    db: DatabaseConnection,
    /// Where the database is, for the migrations' own connection.
    url: Arc<str>,
    statements: Arc<AtomicU64>,
    failures: Arc<AtomicU64>,
    outbox_notify: Arc<tokio::sync::Notify>,
    cache: Arc<cache::CustomerCache>,
    /// Agents and their roles, kept while PostgreSQL announces their changes ([`agents`]).
    agents: Arc<agents::AgentCache>,
    /// Each partner's dictionary of name words, for typo tolerance.
    dictionaries: search::Dictionaries,
    /// The primary's streaming replicas, for reads.
    replicas: Arc<replicas::Replicas>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("backend", &self.backend_name()).finish()
    }
}

impl Store {
    /// Connects, and counts every SQL statement run through the connection
    /// (see [`Store::statements_executed`]).
    pub async fn connect(options: &StoreOptions) -> Result<Store, StoreError> {
        let opts = connect_options(options, &options.url);
        let mut db = Database::connect(opts).await?;
        let statements = Arc::new(AtomicU64::new(0));
        let counter = statements.clone();
        let failures = Arc::new(AtomicU64::new(0));
        let failed = failures.clone();
        db.set_metric_callback(move |info| {
            counter.fetch_add(1, Ordering::Relaxed);
            if info.failed {
                failed.fetch_add(1, Ordering::Relaxed);
            }
            tracing::trace!(target: "helpdesk_store::sql", sql = %info.statement.sql, elapsed = ?info.elapsed, failed = info.failed);
        });
        if db.get_database_backend() == DbBackend::Sqlite {
            // WAL lets readers run while the seeder or a mutation writes.
            db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
        }
        let cache = Arc::new(cache::CustomerCache::new(&options.cache)?);
        cache::CustomerCache::listen_for_invalidations(&cache);
        let outbox_notify = Arc::new(tokio::sync::Notify::new());
        let agents = agents::AgentCache::new(&options.url);
        let url = options.url.as_str().into();
        let replicas = Arc::new(
            replicas::Replicas::connect(
                &options.replica_urls,
                // A replica that went away must not hold a read for the
                // primary's full acquire timeout: the read has the primary to fall back on.
                |u| {
                    let wait = options.acquire_timeout.min(options.replica_max_lag);
                    let mut opts = connect_options(options, u);
                    opts.acquire_timeout(wait).connect_timeout(wait);
                    opts
                },
                options.replica_max_lag,
            )
            .await?,
        );
        replicas.watch();
        Ok(Store {
            db,
            url,
            statements,
            failures,
            outbox_notify,
            cache,
            agents,
            dictionaries: search::Dictionaries::new(),
            replicas,
        })
    }

    /// Applies the migrations that have not run yet.
    ///
    /// On PostgreSQL they run on a connection of their own without the
    /// requests' statement timeout: filling a new table from a large one (the
    /// audit counters from 12 million entries) takes longer than any request may.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        if self.db.get_database_backend() != DbBackend::Postgres {
            Migrator::up(&self.db, None).await?;
            return Ok(());
        }
        let mut opts = ConnectOptions::new(self.url.to_string());
        opts.max_connections(1).sqlx_logging(false).map_sqlx_postgres_opts(|o| o.options([("statement_timeout", "0")]));
        let db = Database::connect(opts).await?;
        let migrated = Migrator::up(&db, None).await;
        db.close().await?;
        Ok(migrated?)
    }

    /// Whether the database holds no partner yet (a fresh embedded database).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(entity::partners::Entity::find().count(&self.db).await? == 0)
    }

    /// How many SQL statements this store has run since it was opened. Tests
    /// use it to prove that dataloaders batch: a page of N results must cost
    /// the same number of statements whatever N is.
    pub fn statements_executed(&self) -> u64 {
        self.statements.load(Ordering::Relaxed)
    }

    /// The customer cache (its state and counters).
    pub fn cache(&self) -> &cache::CustomerCache {
        &self.cache
    }

    /// Gathers the planner's statistics (PostgreSQL), after a bulk load.
    pub async fn analyze(&self) -> Result<(), StoreError> {
        if self.db.get_database_backend() == DbBackend::Postgres {
            self.db.execute_unprepared("ANALYZE").await?;
        }
        Ok(())
    }

    /// Whether the database answers and every migration is applied (`/readyz`).
    pub async fn readiness(&self) -> Result<(), StoreError> {
        self.db.execute_unprepared("SELECT 1").await?;
        let pending = Migrator::get_pending_migrations(&self.db).await?;
        if pending.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Seed(format!("{} migration(s) not applied", pending.len())))
        }
    }

    /// Connections in the request pool: (open, idle).
    pub fn pool_usage(&self) -> (u32, usize) {
        match self.db.get_database_backend() {
            DbBackend::Postgres => {
                let p = self.db.get_postgres_connection_pool();
                (p.size(), p.num_idle())
            }
            _ => {
                let p = self.db.get_sqlite_connection_pool();
                (p.size(), p.num_idle())
            }
        }
    }

    /// How many of them failed.
    pub fn statements_failed(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }

    /// `sqlite` or `postgres`.
    pub fn backend_name(&self) -> &'static str {
        match self.db.get_database_backend() {
            DbBackend::Postgres => "postgres",
            DbBackend::Sqlite => "sqlite",
            _ => "other",
        }
    }

    /// Agents and their roles in memory, vouched for by PostgreSQL's notifications.
    pub(crate) fn agents(&self) -> &Arc<agents::AgentCache> {
        &self.agents
    }

    /// Starts listening for changes to agents now rather than at the first
    /// request (PostgreSQL; nothing on SQLite). The gateway calls it as it starts.
    pub fn watch_agents(&self) {
        self.agents.start();
    }

    /// Whether agents are kept in memory now: on PostgreSQL, once the
    /// listener is connected and the triggers are in place; never on SQLite.
    pub fn agents_kept(&self) -> bool {
        self.agents.is_live()
    }

    /// Partners' dictionaries of name words.
    pub(crate) fn dictionaries(&self) -> &search::Dictionaries {
        &self.dictionaries
    }

    /// Where a directory read for `partner` goes: a replica, or the primary
    /// ([`replicas`] says when).
    pub(crate) fn reader(&self, partner: helpdesk_domain::PartnerId) -> &DatabaseConnection {
        self.replicas.reader(partner.0, &self.db)
    }

    /// A read on `db` failed: whether to run it again on the primary (it was
    /// a replica that went away); the replica gets no reads until it answers.
    pub(crate) fn retry_on_primary(&self, db: &DatabaseConnection, error: &StoreError) -> bool {
        if !error.is_unavailable() || std::ptr::eq(db, &self.db) {
            return false;
        }
        self.replicas.failed(db);
        true
    }

    /// `partner` is writing: its reads go to the primary until the write is
    /// [`committed`](Store::committed) and a replica has replayed it.
    pub(crate) fn writing(&self, partner: helpdesk_domain::PartnerId) {
        self.replicas.writing(partner.0);
    }

    /// `partner`'s write committed: its next reads see it, on the primary or
    /// on a replica that has replayed it.
    pub(crate) async fn committed(&self, partner: helpdesk_domain::PartnerId) {
        self.replicas.committed(partner.0, &self.db).await;
    }

    /// The replicas and their state.
    pub fn replicas(&self) -> &replicas::Replicas {
        &self.replicas
    }

    pub(crate) fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// `query … FOR UPDATE` on PostgreSQL, so transactions that read a row
    /// to decide a write take turns on it. SQLite needs no row lock: its
    /// write transactions (`begin_write`) already run one at a time.
    pub(crate) fn lock_for_update<E: EntityTrait>(&self, query: sea_orm::Select<E>) -> sea_orm::Select<E> {
        use sea_orm::QuerySelect;
        match self.db.get_database_backend() {
            DbBackend::Postgres => query.lock_exclusive(),
            _ => query,
        }
    }

    /// A transaction that writes. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that read first and wrote later
    /// could otherwise fail when another writer went between.
    pub(crate) async fn begin_write(&self) -> Result<sea_orm::DatabaseTransaction, StoreError> {
        use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait};
        let options = TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..Default::default()
        };
        Ok(self.db.begin_with_options(options).await?)
    }

    /// This store woken by `other`'s outbox: background workers get a pool
    /// of their own (they never take a request's connection, and their
    /// statements are not counted as the requests'), but must still hear
    /// when a request queues an email.
    pub fn sharing_outbox_waker(mut self, other: &Store) -> Store {
        self.outbox_notify = other.outbox_notify.clone();
        self
    }
}

/// How the gateway connects to a PostgreSQL or SQLite database at `url`
/// (the primary or a replica).
fn connect_options(options: &StoreOptions, url: &str) -> ConnectOptions {
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(options.max_connections)
        .min_connections(1)
        .acquire_timeout(options.acquire_timeout)
        .connect_timeout(options.acquire_timeout)
        .sqlx_logging(false)
        // PostgreSQL's default plan cache is kept: after five runs of a
        // prepared statement it reuses a generic plan when that is no worse,
        // so an exact look-up is not planned again on every request. Every
        // name search is a bounded range in index order (search/names.rs),
        // whose generic plan is the same index scan for any prefix.
        .map_sqlx_postgres_opts({
            let timeout = options.statement_timeout.as_millis().to_string();
            // TLS to a PostgreSQL on this very machine protects nothing and
            // costs every connection a handshake and every byte a cipher:
            // off for loopback, unless the URL asks for it (`sslmode=`).
            let plain_loopback = !url.contains("sslmode=");
            move |o| {
                let o = o.options([("statement_timeout", timeout.as_str())]);
                let loopback =
                    matches!(o.get_host(), "127.0.0.1" | "localhost" | "::1") || o.get_host().starts_with('/');
                if plain_loopback && loopback { o.ssl_mode(sea_orm::sqlx::postgres::PgSslMode::Disable) } else { o }
            }
        });
    opts
}
