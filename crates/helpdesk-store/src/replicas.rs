//! Read replicas: PostgreSQL standbys that stream the primary's changes, so
//! the help desk's reads (searches, records, lists, the dashboard) spread over
//! more machines than the one that takes the writes.
//!
//! What may read from a replica is decided by the store: the directory's
//! reads do; whatever decides access (an agent's roles, a customer's grant,
//! a verification code, the rate limit) and every write go to the primary.
//!
//! A replica is a little behind the primary. Two rules keep that invisible:
//! - **Lag bound.** A task asks each replica every [`PROBE_EVERY`] how far
//!   behind it is. A replica that does not answer, or lags more than the
//!   configured bound, gets no reads until it is back within it; a metric
//!   and a log line say so.
//! - **Read your writes.** After a write for a partner, that partner's reads
//!   go to the primary for twice the lag bound, so the
//!   agent who removed a suppression sees it gone on the next page.
//!   The store's reads are partner-scoped, so the pin is too: the writer's
//!   colleagues also read the primary for that moment, which costs little
//!   (writes are rare in a help desk) and is never wrong.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

use crate::StoreError;

/// How often each replica's lag is measured.
pub const PROBE_EVERY: Duration = Duration::from_millis(250);

/// One standby.
pub struct Replica {
    /// Where it is, without credentials (`host:port/db`), for metrics and logs.
    pub name: String,
    db: DatabaseConnection,
    usable: AtomicBool,
    lag_ms: AtomicU64,
    reads: AtomicU64,
}

/// A replica's state, for `/readyz` and `/metrics`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReplicaStatus {
    pub name: String,
    /// Answering and within the lag bound: it gets reads.
    pub usable: bool,
    /// How far behind the primary it was at the last probe, in milliseconds.
    pub lag_ms: u64,
    /// Reads sent to it so far.
    pub reads: u64,
}

/// The replicas of the primary, and which partners must read the primary for now.
pub struct Replicas {
    members: Vec<Replica>,
    next: AtomicUsize,
    max_lag: Duration,
    pinned: moka::sync::Cache<uuid::Uuid, ()>,
}

impl Replicas {
    fn with(members: Vec<Replica>, max_lag: Duration) -> Replicas {
        let pinned = moka::sync::Cache::builder().time_to_live(max_lag * 2).max_capacity(100_000).build();
        Replicas { members, next: AtomicUsize::new(0), max_lag, pinned }
    }

    /// Connects to each replica (`postgres://…`), with the primary's pool options.
    pub async fn connect(
        urls: &[String],
        connect: impl Fn(&str) -> ConnectOptions,
        max_lag: Duration,
    ) -> Result<Replicas, StoreError> {
        let mut members = Vec::new();
        for url in urls {
            let db = Database::connect(connect(url)).await?;
            members.push(Replica {
                name: display_name(url),
                db,
                usable: AtomicBool::new(false),
                lag_ms: AtomicU64::new(0),
                reads: AtomicU64::new(0),
            });
        }
        let replicas = Replicas::with(members, max_lag);
        for replica in &replicas.members {
            replicas.probe(replica).await;
        }
        Ok(replicas)
    }

    /// Starts measuring the replicas' lag, until the store is dropped.
    pub fn watch(self: &Arc<Self>) {
        if self.members.is_empty() {
            return;
        }
        let weak = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(PROBE_EVERY);
            loop {
                every.tick().await;
                let Some(replicas) = weak.upgrade() else { return };
                for replica in &replicas.members {
                    replicas.probe(replica).await;
                }
            }
        });
    }

    /// Measures one replica and decides whether it gets reads.
    async fn probe(&self, replica: &Replica) {
        // Caught up when everything received is replayed; otherwise, how old
        // the last replayed transaction is. (An idle primary sends nothing:
        // the replayed transaction is old, but nothing is missing.)
        let sql = "SELECT CAST(CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
                   ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END AS BIGINT)";
        let measured = tokio::time::timeout(
            self.max_lag.max(PROBE_EVERY),
            replica.db.query_one_raw(Statement::from_string(replica.db.get_database_backend(), sql)),
        )
        .await;
        let lag = match measured {
            Ok(Ok(Some(row))) => row.try_get_by_index::<i64>(0).ok().map(|ms| ms.max(0) as u64),
            _ => None,
        };
        let usable = lag.is_some_and(|ms| Duration::from_millis(ms) <= self.max_lag);
        replica.lag_ms.store(lag.unwrap_or(u64::MAX), Ordering::Relaxed);
        let was = replica.usable.swap(usable, Ordering::Relaxed);
        if was != usable {
            match lag {
                Some(ms) if usable => {
                    tracing::info!(replica = %replica.name, lag_ms = ms, "replica back: reads go to it again")
                }
                Some(ms) => {
                    tracing::warn!(replica = %replica.name, lag_ms = ms, "replica lags past the bound: reads go to the primary")
                }
                None => tracing::warn!(replica = %replica.name, "replica does not answer: reads go to the primary"),
            }
        }
    }

    /// The connection a read for `partner` uses: a usable replica (in turn),
    /// or the primary when there is none or the partner wrote just now.
    pub(crate) fn reader<'a>(&'a self, partner: uuid::Uuid, primary: &'a DatabaseConnection) -> &'a DatabaseConnection {
        if self.members.is_empty() || self.pinned.contains_key(&partner) {
            return primary;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.members.len() {
            let replica = &self.members[(start + i) % self.members.len()];
            if replica.usable.load(Ordering::Relaxed) {
                replica.reads.fetch_add(1, Ordering::Relaxed);
                return &replica.db;
            }
        }
        primary
    }

    /// A read on `db` failed for want of a connection: if `db` is a replica,
    /// it gets no reads until the next probe finds it answering.
    pub(crate) fn failed(&self, db: &DatabaseConnection) {
        if let Some(replica) = self.members.iter().find(|r| std::ptr::eq(&r.db, db))
            && replica.usable.swap(false, Ordering::Relaxed)
        {
            tracing::warn!(replica = %replica.name, "a read on the replica failed: reads go to the primary");
        }
    }

    /// `partner` wrote: its reads go to the primary until every replica has
    /// certainly replayed the write (twice the lag bound).
    pub(crate) fn wrote(&self, partner: uuid::Uuid) {
        if !self.members.is_empty() {
            self.pinned.insert(partner, ());
        }
    }

    /// Each replica's state.
    pub fn status(&self) -> Vec<ReplicaStatus> {
        self.members
            .iter()
            .map(|r| ReplicaStatus {
                name: r.name.clone(),
                usable: r.usable.load(Ordering::Relaxed),
                lag_ms: r.lag_ms.load(Ordering::Relaxed),
                reads: r.reads.load(Ordering::Relaxed),
            })
            .collect()
    }
}

/// `postgres://user:secret@host:5433/db?x` → `host:5433/db`.
fn display_name(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split('?').next().unwrap_or(rest).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_replica_is_named_without_its_credentials() {
        assert_eq!(display_name("postgres://app:s3cret@db2:5433/helpdesk?sslmode=require"), "db2:5433/helpdesk");
        assert_eq!(display_name("postgres://127.0.0.1:5433/test"), "127.0.0.1:5433/test");
    }
}
