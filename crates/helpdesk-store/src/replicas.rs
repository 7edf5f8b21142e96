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
//! - **Read your writes.** A write for a partner notes the primary's WAL
//!   position once it commits (its LSN, one `pg_current_wal_lsn()`), and the
//!   partner's reads go only to replicas whose last probe found that
//!   position replayed, else to the primary. So the agent who removed a
//!   suppression sees it gone on the next page, and the partner is back on
//!   the replicas by the next probe (at most [`PROBE_EVERY`] later), not
//!   after a fixed pin. Whatever happens, a partner's reads stop waiting for
//!   a write's LSN after twice the lag bound: a replica that still has not
//!   replayed it by then lags past the bound and gets no reads at all.
//!   The store's reads are partner-scoped, so this holds for the writer's
//!   colleagues too, which is never wrong.
//!
//! BENCHMARKS.md compares this with pinning the partner to the primary for
//! twice the lag bound (what the gateway did first).

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
    /// The primary's WAL position it had replayed at the last probe.
    replayed: AtomicU64,
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

/// A write's WAL position before the commit told it: no replica has it yet.
const NOT_YET_KNOWN: u64 = u64::MAX;

/// The replicas of the primary, and the partners' last writes.
pub struct Replicas {
    members: Vec<Replica>,
    next: AtomicUsize,
    max_lag: Duration,
    /// Each partner that wrote lately: the LSN a replica must have replayed
    /// to read for it.
    written: moka::sync::Cache<uuid::Uuid, u64>,
}

impl Replicas {
    fn with(members: Vec<Replica>, max_lag: Duration) -> Replicas {
        let written = moka::sync::Cache::builder().time_to_live(max_lag * 2).max_capacity(100_000).build();
        Replicas { members, next: AtomicUsize::new(0), max_lag, written }
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
                replayed: AtomicU64::new(0),
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
                   ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END AS BIGINT), \
                   CAST(pg_last_wal_replay_lsn() AS TEXT)";
        let measured = tokio::time::timeout(
            self.max_lag.max(PROBE_EVERY),
            replica.db.query_one_raw(Statement::from_string(replica.db.get_database_backend(), sql)),
        )
        .await;
        let (lag, replayed) = match measured {
            Ok(Ok(Some(row))) => (
                row.try_get_by_index::<i64>(0).ok().map(|ms| ms.max(0) as u64),
                row.try_get_by_index::<String>(1).ok().as_deref().and_then(parse_lsn),
            ),
            _ => (None, None),
        };
        replica.replayed.store(replayed.unwrap_or(0), Ordering::Relaxed);
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

    /// The connection a read for `partner` uses: a usable replica (in turn)
    /// that has replayed the partner's last write, or else the primary.
    pub(crate) fn reader<'a>(&'a self, partner: uuid::Uuid, primary: &'a DatabaseConnection) -> &'a DatabaseConnection {
        if self.members.is_empty() {
            return primary;
        }
        let needs = self.written.get(&partner).unwrap_or(0);
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..self.members.len() {
            let replica = &self.members[(start + i) % self.members.len()];
            if replica.usable.load(Ordering::Relaxed) && replica.replayed.load(Ordering::Relaxed) >= needs {
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

    /// `partner` is writing: its reads go to the primary until the write's
    /// LSN is known ([`Replicas::committed`]) and a replica has replayed it.
    pub(crate) fn writing(&self, partner: uuid::Uuid) {
        if !self.members.is_empty() {
            self.written.insert(partner, NOT_YET_KNOWN);
        }
    }

    /// `partner`'s write committed on `primary`: its reads may go to the
    /// replicas that have replayed the primary's WAL up to now. (Without an
    /// answer, the partner stays on the primary until the entry lapses.)
    pub(crate) async fn committed(&self, partner: uuid::Uuid, primary: &DatabaseConnection) {
        if self.members.is_empty() {
            return;
        }
        let sql = Statement::from_string(primary.get_database_backend(), "SELECT CAST(pg_current_wal_lsn() AS TEXT)");
        let lsn = match primary.query_one_raw(sql).await {
            Ok(Some(row)) => row.try_get_by_index::<String>(0).ok().as_deref().and_then(parse_lsn),
            _ => None,
        };
        if let Some(lsn) = lsn {
            // Another write of the partner may have committed later and noted a later position.
            self.written.entry(partner).and_upsert_with(|noted| match noted.map(|e| e.into_value()) {
                Some(later) if later != NOT_YET_KNOWN && later > lsn => later,
                _ => lsn,
            });
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

/// A WAL position as PostgreSQL prints it (`16/B374D848`: the high and low
/// 32 bits in hexadecimal) as one number, so positions compare.
fn parse_lsn(text: &str) -> Option<u64> {
    let (high, low) = text.split_once('/')?;
    Some((u64::from_str_radix(high, 16).ok()? << 32) | u64::from_str_radix(low, 16).ok()?)
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
    fn wal_positions_compare_as_numbers() {
        assert_eq!(parse_lsn("0/0"), Some(0));
        assert_eq!(parse_lsn("16/B374D848"), Some(0x16_B374_D848));
        assert!(parse_lsn("1/0") > parse_lsn("0/FFFFFFFF"));
        assert_eq!(parse_lsn("not a position"), None);
        assert_eq!(parse_lsn("G/0"), None);
    }

    #[test]
    fn a_replica_is_named_without_its_credentials() {
        assert_eq!(display_name("postgres://app:s3cret@db2:5433/helpdesk?sslmode=require"), "db2:5433/helpdesk");
        assert_eq!(display_name("postgres://127.0.0.1:5433/test"), "127.0.0.1:5433/test");
    }
}
