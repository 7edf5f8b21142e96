//! Rows waiting to be written, flushed in large multi-row `INSERT`s inside
//! one transaction, so the `large` scale loads in minutes.

use std::collections::HashSet;

use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use crate::entity::*;
use crate::{Store, StoreError};

/// Rows waiting to be written, flushed in large multi-row inserts.
#[derive(Default)]
pub(super) struct Batch {
    pub(super) partners: Vec<partners::Model>,
    pub(super) agents: Vec<agents::Model>,
    pub(super) agent_roles: Vec<agent_roles::Model>,
    pub(super) customers: Vec<customers::Model>,
    pub(super) domains: Vec<customer_domains::Model>,
    pub(super) sites: Vec<meeting_sites::Model>,
    pub(super) subscriptions: Vec<subscriptions::Model>,
    pub(super) licenses: Vec<licenses::Model>,
    pub(super) users: Vec<users::Model>,
    pub(super) admin_roles: Vec<user_admin_roles::Model>,
    pub(super) user_licenses: Vec<user_licenses::Model>,
    pub(super) user_features: Vec<user_features::Model>,
    pub(super) devices: Vec<devices::Model>,
    pub(super) numbers: Vec<phone_numbers::Model>,
    pub(super) email_events: Vec<email_events::Model>,
    pub(super) suppressions: Vec<email_suppressions::Model>,
    pub(super) grants: Vec<read_only_grants::Model>,
    pub(super) name_keys: Vec<customer_name_keys::Model>,
    words: Vec<name_words::Model>,
    /// Every word queued so far: a partner's dictionary holds each word once.
    seen_words: HashSet<(Uuid, String)>,
}

/// Rows per INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;

async fn insert<M, A>(db: &impl sea_orm::ConnectionTrait, rows: &mut Vec<M>) -> Result<(), StoreError>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + Send,
{
    while !rows.is_empty() {
        let n = rows.len().min(ROWS_PER_INSERT);
        let chunk: Vec<A> = rows.drain(..n).map(IntoActiveModel::into_active_model).collect();
        A::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

impl Batch {
    /// Adds the words of a folded name to its partner's dictionary.
    pub(super) fn name_words(&mut self, partner: Uuid, key: &str) {
        for word in key.split(' ').filter(|w| !w.is_empty()) {
            if self.seen_words.insert((partner, word.to_string())) {
                self.words.push(name_words::Model { partner_id: partner, word: word.to_string() });
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.users.len() + self.devices.len() + self.numbers.len() + self.user_licenses.len()
    }

    pub(super) async fn flush(&mut self, store: &Store) -> Result<(), StoreError> {
        let txn = store.begin_write().await?;
        insert(&txn, &mut self.partners).await?;
        insert(&txn, &mut self.agents).await?;
        insert(&txn, &mut self.agent_roles).await?;
        insert(&txn, &mut self.customers).await?;
        insert(&txn, &mut self.domains).await?;
        insert(&txn, &mut self.sites).await?;
        insert(&txn, &mut self.subscriptions).await?;
        insert(&txn, &mut self.licenses).await?;
        insert(&txn, &mut self.users).await?;
        insert(&txn, &mut self.admin_roles).await?;
        insert(&txn, &mut self.user_licenses).await?;
        insert(&txn, &mut self.user_features).await?;
        insert(&txn, &mut self.devices).await?;
        insert(&txn, &mut self.numbers).await?;
        insert(&txn, &mut self.email_events).await?;
        insert(&txn, &mut self.suppressions).await?;
        insert(&txn, &mut self.grants).await?;
        insert(&txn, &mut self.name_keys).await?;
        insert(&txn, &mut self.words).await?;
        txn.commit().await?;
        Ok(())
    }
}
