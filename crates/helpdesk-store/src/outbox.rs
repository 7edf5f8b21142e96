//! The email outbox: messages written in the same transaction as what caused
//! them, and sent later by the dispatcher (`helpdesk-server`'s mailer).
//!
//! A message is *due* when it is not finished and its next attempt time has
//! come. The dispatcher *claims* a due message by pushing its next attempt
//! time forward (a lease): if several gateways share the database, only the
//! one whose update matched sends it. Each outcome is also written as an
//! email event, so `User.lastEmail` shows it: queued and deferred are
//! "in progress", accepted by the relay is "delivered", refused for good is
//! "error" with the relay's reply.

use chrono::{DateTime, Duration, Utc};
use helpdesk_domain::model::{EmailStatus, Labelled, OutgoingEmail};
use helpdesk_domain::{Email, PartnerId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entity::*;
use crate::mapping;
use crate::{Store, StoreError};

/// How long a claimed message is reserved for the dispatcher that claimed it.
const LEASE_SECONDS: i64 = 60;

async fn event(
    db: &impl ConnectionTrait,
    partner: Uuid,
    address: &str,
    status: EmailStatus,
    subject: &str,
    reply: Option<String>,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    email_events::Model {
        id: Uuid::new_v4(),
        partner_id: partner,
        address: address.into(),
        status: status.label().into(),
        subject: subject.into(),
        reply,
        at,
    }
    .into_active_model()
    .insert(db)
    .await?;
    Ok(())
}

/// Queues a message (inside the caller's transaction).
pub(crate) async fn enqueue(
    db: &impl ConnectionTrait,
    partner: PartnerId,
    to: &Email,
    subject: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    outbox::Model {
        id: Uuid::new_v4(),
        partner_id: partner.0,
        address: to.as_str().into(),
        subject: subject.into(),
        body: body.into(),
        attempts: 0,
        next_attempt_at: now,
        sent_at: None,
        last_error: None,
        created_at: now,
    }
    .into_active_model()
    .insert(db)
    .await?;
    event(db, partner.0, to.as_str(), EmailStatus::InProgress, subject, None, now).await
}

/// What happened when the dispatcher tried to send a message.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// The relay accepted it.
    Accepted,
    /// Try again at `retry_at` (relay down, or a 4xx reply).
    Deferred { reply: String, retry_at: DateTime<Utc> },
    /// Refused for good (a 5xx reply).
    Refused { reply: String },
}

impl Store {
    /// Claims up to `limit` due messages.
    pub async fn claim_due_emails(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<OutgoingEmail>, StoreError> {
        let due = outbox::Entity::find()
            .filter(outbox::Column::SentAt.is_null())
            .filter(outbox::Column::NextAttemptAt.lte(now))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .limit(limit)
            .all(self.db())
            .await?;
        let mut claimed = Vec::with_capacity(due.len());
        for row in due {
            let res = outbox::Entity::update_many()
                .col_expr(outbox::Column::NextAttemptAt, Expr::value(now + Duration::seconds(LEASE_SECONDS)))
                .filter(outbox::Column::PartnerId.eq(row.partner_id))
                .filter(outbox::Column::Id.eq(row.id))
                .filter(outbox::Column::NextAttemptAt.eq(row.next_attempt_at))
                .filter(outbox::Column::SentAt.is_null())
                .exec(self.db())
                .await?;
            if res.rows_affected == 1 {
                claimed.push(mapping::outgoing(row)?);
            }
        }
        Ok(claimed)
    }

    /// Records the outcome of one attempt, and its email event.
    pub async fn record_delivery(
        &self,
        email: &OutgoingEmail,
        outcome: Delivery,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let Some(row) = outbox::Entity::find_by_id((email.id, email.partner_id.0)).one(self.db()).await? else {
            return Ok(());
        };
        let mut active = row.into_active_model();
        active.attempts = sea_orm::Set(email.attempts + 1);
        // Once a message is done with, its body goes: a verification code
        // must not stay behind in clear text. Subject and address remain.
        let finished = !matches!(outcome, Delivery::Deferred { .. });
        if finished {
            active.body = sea_orm::Set(String::new());
        }
        let (status, reply) = match outcome {
            Delivery::Accepted => {
                active.sent_at = sea_orm::Set(Some(now));
                (EmailStatus::Delivered, None)
            }
            Delivery::Deferred { reply, retry_at } => {
                active.next_attempt_at = sea_orm::Set(retry_at);
                active.last_error = sea_orm::Set(Some(reply.clone()));
                (EmailStatus::InProgress, Some(reply))
            }
            Delivery::Refused { reply } => {
                active.sent_at = sea_orm::Set(Some(now));
                active.last_error = sea_orm::Set(Some(reply.clone()));
                (EmailStatus::Error, Some(reply))
            }
        };
        active.update(self.db()).await?;
        event(self.db(), email.partner_id.0, email.to.as_str(), status, &email.subject, reply, now).await
    }

    /// How many messages are not finished yet.
    pub async fn pending_emails(&self) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(outbox::Entity::find().filter(outbox::Column::SentAt.is_null()).count(self.db()).await?)
    }

    /// Woken when a message is queued, so the dispatcher need not wait for its next poll.
    pub fn outbox_waker(&self) -> &tokio::sync::Notify {
        &self.outbox_notify
    }
}
