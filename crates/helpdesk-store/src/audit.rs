//! The audit trail's writer.
//!
//! A help desk search must not wait for its audit entry to be written, and
//! no entry may be lost on a clean shutdown. So entries go into a channel;
//! one task writes them in batches (many entries, one INSERT), and
//! [`AuditWriter::close`] waits for the channel to drain.

use helpdesk_domain::model::AuditEntry;
use sea_orm::{ConnectionTrait, EntityTrait, IntoActiveModel};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::entity::audit_log;
use crate::{Store, StoreError};

/// Most entries written by one INSERT.
const BATCH: usize = 500;

pub(crate) async fn insert(db: &impl ConnectionTrait, entries: &[AuditEntry]) -> Result<(), StoreError> {
    for chunk in entries.chunks(BATCH) {
        let rows = chunk.iter().map(|e| {
            audit_log::Model {
                id: Uuid::now_v7(),
                partner_id: e.partner_id.0,
                agent_id: e.agent_id.0,
                at: e.at,
                action: e.action.clone(),
                target: e.target.clone(),
                outcome: e.outcome.clone(),
                detail: e.detail.clone(),
                customer_id: e.customer_id.map(|c| c.0),
            }
            .into_active_model()
        });
        audit_log::Entity::insert_many(rows).exec_without_returning(db).await?;
    }
    Ok(())
}

/// Appends audit entries in the background, in batches.
#[derive(Clone)]
pub struct AuditWriter {
    tx: mpsc::UnboundedSender<AuditEntry>,
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
        let (tx, mut rx) = mpsc::unbounded_channel::<AuditEntry>();
        let handle = tokio::spawn(async move {
            let mut batch = Vec::with_capacity(BATCH);
            // `recv_many` waits for at least one entry, then takes whatever else is queued.
            while rx.recv_many(&mut batch, BATCH).await > 0 {
                if let Err(e) = insert(store.db(), &batch).await {
                    // Keep the entries: they are retried with the next batch.
                    tracing::error!(error = %e, entries = batch.len(), "writing audit entries failed; retrying");
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    continue;
                }
                batch.clear();
            }
        });
        (AuditWriter { tx }, AuditTask { handle })
    }

    /// Queues an entry; never blocks.
    pub fn record(&self, entry: AuditEntry) {
        if self.tx.send(entry).is_err() {
            tracing::error!("audit writer stopped: an audit entry was not recorded");
        }
    }
}

impl helpdesk_domain::ports::AuditSink for AuditWriter {
    fn record(&self, entry: AuditEntry) {
        AuditWriter::record(self, entry);
    }
}

impl AuditTask {
    /// Waits until every entry queued before the last writer was dropped is written.
    pub async fn close(self) {
        let _ = self.handle.await;
    }
}
