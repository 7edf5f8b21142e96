//! The audit trail's writer.
//!
//! A help desk search must not wait for its audit entry to be written, and
//! no entry may be lost on a clean shutdown. So entries go into a channel;
//! one task writes them in batches (many entries, one INSERT), and
//! [`AuditWriter::close`] waits for the channel to drain.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use futures::FutureExt;
use helpdesk_domain::model::AuditEntry;
use std::collections::BTreeMap;

use chrono::DurationRound;
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel};
use tokio::sync::mpsc;

use crate::entity::{audit_daily, audit_log, search_daily};
use crate::{Store, StoreError};
use helpdesk_domain::model::Labelled;

/// Most entries written by one INSERT.
const BATCH: usize = 500;

pub(crate) async fn insert(store: &Store, entries: &[AuditEntry]) -> Result<(), StoreError> {
    // The entries and the day's counters are written together or not at all,
    // so a retried batch counts each entry once.
    let txn = store.begin_write().await?;
    for chunk in entries.chunks(BATCH) {
        let rows = chunk.iter().map(|e| {
            audit_log::Model {
                id: e.id,
                partner_id: e.partner_id.0,
                agent_id: e.agent_id.0,
                at: e.at,
                action: e.action.clone(),
                target: e.target.clone(),
                outcome: e.outcome.clone(),
                detail: e.detail.clone(),
                customer_id: e.customer_id.map(|c| c.0),
                read_as: e.read_as.map(|k| k.label().to_string()),
            }
            .into_active_model()
        });
        // A batch retried after a partial failure skips the entries already
        // written: an entry's only unique key is its primary key (partner and ID).
        let skip_written = OnConflict::new().do_nothing().to_owned();
        audit_log::Entity::insert_many(rows).on_conflict(skip_written).exec_without_returning(&txn).await?;
    }
    count_per_day(&txn, entries).await?;
    count_searches_per_day(&txn, entries).await?;
    txn.commit().await?;
    Ok(())
}

/// Adds the entries to their partner's, day's, agent's and action's counter.
async fn count_per_day(txn: &impl ConnectionTrait, entries: &[AuditEntry]) -> Result<(), StoreError> {
    use audit_daily::Column as D;
    let mut counts: BTreeMap<(uuid::Uuid, chrono::DateTime<chrono::Utc>, uuid::Uuid, &str), i64> = BTreeMap::new();
    for e in entries {
        *counts.entry((e.partner_id.0, day_of(e.at), e.agent_id.0, e.action.as_str())).or_default() += 1;
    }
    let rows: Vec<_> = counts
        .into_iter()
        .map(|((partner_id, day, agent_id, action), n)| {
            audit_daily::Model { partner_id, day, agent_id, action: action.to_string(), n }.into_active_model()
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        let add = OnConflict::columns([D::PartnerId, D::Day, D::AgentId, D::Action])
            .value(D::N, Expr::col((audit_daily::Entity, D::N)).add(Expr::cust("excluded.n")))
            .to_owned();
        audit_daily::Entity::insert_many(chunk.to_vec()).on_conflict(add).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// Adds the searches among the entries to their partner's, day's and input kind's counter.
async fn count_searches_per_day(txn: &impl ConnectionTrait, entries: &[AuditEntry]) -> Result<(), StoreError> {
    use search_daily::Column as D;
    let mut counts: BTreeMap<(uuid::Uuid, chrono::DateTime<chrono::Utc>, &str), i64> = BTreeMap::new();
    for e in entries {
        if let Some(kind) = e.read_as {
            *counts.entry((e.partner_id.0, day_of(e.at), kind.label())).or_default() += 1;
        }
    }
    let rows: Vec<_> = counts
        .into_iter()
        .map(|((partner_id, day, kind), n)| {
            search_daily::Model { partner_id, day, kind: kind.to_string(), n }.into_active_model()
        })
        .collect();
    for chunk in rows.chunks(BATCH) {
        let add = OnConflict::columns([D::PartnerId, D::Day, D::Kind])
            .value(D::N, Expr::col((search_daily::Entity, D::N)).add(Expr::cust("excluded.n")))
            .to_owned();
        search_daily::Entity::insert_many(chunk.to_vec()).on_conflict(add).exec_without_returning(txn).await?;
    }
    Ok(())
}

/// The UTC day a moment falls on, as its midnight.
fn day_of(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    at.duration_trunc(chrono::TimeDelta::days(1)).unwrap_or(at)
}

/// Entries waiting to be written, at most: past that, requests wait.
const QUEUE: usize = 10_000;
/// Attempts at a failing batch once the gateway is shutting down.
const LAST_ATTEMPTS: u32 = 5;

/// Appends audit entries in the background, in batches.
#[derive(Clone)]
pub struct AuditWriter {
    tx: mpsc::Sender<AuditEntry>,
    lost: Arc<AtomicU64>,
}

/// The task behind an [`AuditWriter`]; await [`AuditTask::close`] on shutdown.
pub struct AuditTask {
    handle: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for AuditWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditWriter")
    }
}

impl AuditWriter {
    /// Starts the writer task on `store`.
    pub fn start(store: Store) -> (AuditWriter, AuditTask) {
        let (tx, mut rx) = mpsc::channel::<AuditEntry>(QUEUE);
        let lost = Arc::new(AtomicU64::new(0));
        let counted = lost.clone();
        let handle = tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            let mut failures = 0u32;
            loop {
                // Waits for at least one entry, then takes whatever else is queued;
                // 0 once every sender is gone and the queue is empty.
                let closed = batch.is_empty() && rx.recv_many(&mut batch, BATCH).await == 0;
                if closed {
                    return;
                }
                match insert(&store, &batch).await {
                    Ok(()) => {
                        batch.clear();
                        failures = 0;
                    }
                    Err(e) => {
                        failures += 1;
                        let shutting_down = rx.is_closed();
                        if shutting_down && failures >= LAST_ATTEMPTS {
                            counted.fetch_add(batch.len() as u64, Ordering::Relaxed);
                            tracing::error!(error = %e, entries = batch.len(), "audit entries lost at shutdown");
                            batch.clear();
                            continue;
                        }
                        // Keep the entries: they are retried (with newer ones).
                        tracing::error!(error = %e, entries = batch.len(), "writing audit entries failed; retrying");
                        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                        if batch.len() < BATCH {
                            let room = BATCH - batch.len();
                            let _ = rx.recv_many(&mut batch, room).now_or_never();
                        }
                    }
                }
            }
        });
        (AuditWriter { tx, lost }, AuditTask { handle })
    }

    /// Audit entries that could not be written before shutdown.
    pub fn lost_entries(&self) -> Arc<AtomicU64> {
        self.lost.clone()
    }
}

#[async_trait::async_trait]
impl helpdesk_domain::ports::AuditSink for AuditWriter {
    async fn record(&self, entries: Vec<AuditEntry>) {
        for entry in entries {
            if self.tx.send(entry).await.is_err() {
                self.lost.fetch_add(1, Ordering::Relaxed);
                tracing::error!("audit writer stopped: an audit entry was not recorded");
            }
        }
    }
}

impl AuditTask {
    /// Waits until every entry queued before the last writer was dropped is
    /// written (or, the database being gone, counted as lost).
    pub async fn close(self) {
        let _ = self.handle.await;
    }
}
