//! The help desk's actions and the partner admin's tools (the `HelpDesk` port).
//!
//! Each action that changes more than one row runs in one transaction: a
//! verification code is stored, counted against the send limit and its email
//! queued in the outbox together, or not at all.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use helpdesk_domain::access::{Agent, Role};
use helpdesk_domain::error::Result;
use helpdesk_domain::model::{AuditEntry, EmailSuppression, Labelled, ReadOnlyGrant};
use helpdesk_domain::ports::{AgentDirectory, AuditFilter, CodeToIssue, HelpDesk, Page};
use helpdesk_domain::verification::{self, CheckOutcome, StoredCode};
use helpdesk_domain::{AgentId, CustomerId, Email, Error as DomainError, PartnerId, UserId};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::entity::*;
use crate::mapping::{self, all};
use crate::{Store, StoreError};

#[async_trait]
impl HelpDesk for Store {
    async fn agents_of(&self, partner: PartnerId) -> Result<Vec<Agent>> {
        let rows = agents::Entity::find()
            .filter(agents::Column::PartnerId.eq(partner.0))
            .order_by_asc(agents::Column::Email)
            .all(self.db())
            .await
            .map_err(StoreError::from)?;
        let roles = agent_roles::Entity::find()
            .filter(agent_roles::Column::PartnerId.eq(partner.0))
            .all(self.db())
            .await
            .map_err(StoreError::from)?;
        Ok(rows.into_iter().map(|r| mapping::agent(r, &roles)).collect::<std::result::Result<_, _>>()?)
    }

    async fn set_role(&self, partner: PartnerId, agent: AgentId, role: Role, on: bool) -> Result<Option<Agent>> {
        self.writing(partner);
        let belongs = agents::Entity::find()
            .filter(agents::Column::PartnerId.eq(partner.0))
            .filter(agents::Column::Id.eq(agent.0))
            .one(self.db())
            .await
            .map_err(StoreError::from)?;
        if belongs.is_none() {
            return Ok(None);
        }
        if on {
            let row = agent_roles::Model { agent_id: agent.0, partner_id: partner.0, role: role.label().into() };
            agent_roles::Entity::insert(row.into_active_model())
                .on_conflict(
                    OnConflict::columns([
                        agent_roles::Column::PartnerId,
                        agent_roles::Column::AgentId,
                        agent_roles::Column::Role,
                    ])
                    .do_nothing()
                    .to_owned(),
                )
                .exec_without_returning(self.db())
                .await
                .map_err(StoreError::from)?;
        } else {
            agent_roles::Entity::delete_many()
                .filter(agent_roles::Column::PartnerId.eq(partner.0))
                .filter(agent_roles::Column::AgentId.eq(agent.0))
                .filter(agent_roles::Column::Role.eq(role.label()))
                .exec(self.db())
                .await
                .map_err(StoreError::from)?;
        }
        self.committed(partner).await;
        // This gateway forgets the agent now; the others when PostgreSQL's notification arrives.
        self.agents().forget(agent).await;
        self.agent(agent).await
    }

    async fn issue_verification_code(
        &self,
        partner: PartnerId,
        code: CodeToIssue,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>> {
        self.writing(partner);
        let txn = self.begin_write().await?;
        // Sends to one user take turns, so parallel sends cannot all see "fewer than 3".
        self.lock_for_update(users::Entity::find_by_id((code.user.0, partner.0)))
            .one(&txn)
            .await
            .map_err(StoreError::from)?;
        let suppressed = email_suppressions::Entity::find()
            .filter(email_suppressions::Column::PartnerId.eq(partner.0))
            .filter(email_suppressions::Column::Address.eq(code.address.as_str()))
            .one(&txn)
            .await
            .map_err(StoreError::from)?;
        if suppressed.is_some() {
            return Err(DomainError::EmailSuppressed(
                "this user's address is on the email suppression list: clear the suppression first".into(),
            ));
        }
        let sent: Vec<DateTime<Utc>> = verification_sends::Entity::find()
            .select_only()
            .column(verification_sends::Column::SentAt)
            .filter(verification_sends::Column::PartnerId.eq(partner.0))
            .filter(verification_sends::Column::UserId.eq(code.user.0))
            .filter(verification_sends::Column::SentAt.gt(now - verification::send_window()))
            .into_tuple()
            .all(&txn)
            .await
            .map_err(StoreError::from)?;
        if let Err(retry_at) = verification::may_send(&sent, now) {
            return Err(DomainError::RateLimited {
                message: format!(
                    "at most {} codes per user every {} minutes; retry after {}",
                    verification::MAX_SENDS,
                    verification::send_window().num_minutes(),
                    retry_at.to_rfc3339()
                ),
                retry_at,
            });
        }
        let expires_at = now + verification::code_lifetime();
        // A new code replaces the old one.
        verification_codes::Entity::delete_many()
            .filter(verification_codes::Column::PartnerId.eq(partner.0))
            .filter(verification_codes::Column::UserId.eq(code.user.0))
            .exec(&txn)
            .await
            .map_err(StoreError::from)?;
        verification_codes::Model {
            user_id: code.user.0,
            partner_id: partner.0,
            hash: hex::encode(&code.hash),
            expires_at,
            attempts: 0,
        }
        .into_active_model()
        .insert(&txn)
        .await
        .map_err(StoreError::from)?;
        verification_sends::Model { id: Uuid::new_v4(), partner_id: partner.0, user_id: code.user.0, sent_at: now }
            .into_active_model()
            .insert(&txn)
            .await
            .map_err(StoreError::from)?;
        crate::outbox::enqueue(&txn, partner, &code.address, &code.subject, &code.body, now).await?;
        txn.commit().await.map_err(StoreError::from)?;
        self.committed(partner).await;
        self.outbox_waker().notify_one();
        Ok(expires_at)
    }

    async fn check_verification_code(
        &self,
        partner: PartnerId,
        user: UserId,
        now: DateTime<Utc>,
        matches: &(dyn for<'h> Fn(&'h [u8]) -> bool + Send + Sync),
    ) -> Result<CheckOutcome> {
        self.writing(partner);
        let txn = self.begin_write().await?;
        // Guesses at one code take turns: each counts, however many arrive at once.
        let code = verification_codes::Entity::find()
            .filter(verification_codes::Column::PartnerId.eq(partner.0))
            .filter(verification_codes::Column::UserId.eq(user.0));
        let row = self.lock_for_update(code).one(&txn).await.map_err(StoreError::from)?;
        // A hash that is not hex is corrupt data, never a code that matches nothing.
        let stored = row
            .as_ref()
            .map(|r| {
                let hash = hex::decode(&r.hash).map_err(|e| StoreError::Corrupt(format!("a code's hash: {e}")))?;
                Ok::<_, StoreError>(StoredCode { hash, expires_at: r.expires_at, attempts: r.attempts })
            })
            .transpose()?;
        let is_match = stored.as_ref().is_some_and(|s| matches(&s.hash));
        let outcome = verification::check(stored.as_ref(), is_match, now)?;
        match outcome {
            CheckOutcome::Verified => {
                verification_codes::Entity::delete_by_id((user.0, partner.0))
                    .exec(&txn)
                    .await
                    .map_err(StoreError::from)?;
            }
            CheckOutcome::Wrong { .. } => {
                if let Some(r) = row {
                    let attempts = r.attempts + 1;
                    let mut active = r.into_active_model();
                    active.attempts = Set(attempts);
                    active.update(&txn).await.map_err(StoreError::from)?;
                }
            }
        }
        txn.commit().await.map_err(StoreError::from)?;
        self.committed(partner).await;
        Ok(outcome)
    }

    async fn suppressions(&self, partner: PartnerId, addresses: &[Email]) -> Result<Vec<EmailSuppression>> {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        let rows = email_suppressions::Entity::find()
            .filter(email_suppressions::Column::PartnerId.eq(partner.0))
            .filter(email_suppressions::Column::Address.is_in(addresses.iter().map(|a| a.as_str().to_string())))
            .all(self.db())
            .await
            .map_err(StoreError::from)?;
        Ok(all(rows, mapping::suppression)?)
    }

    async fn remove_suppression(&self, partner: PartnerId, address: &Email) -> Result<bool> {
        self.writing(partner);
        let res = email_suppressions::Entity::delete_many()
            .filter(email_suppressions::Column::PartnerId.eq(partner.0))
            .filter(email_suppressions::Column::Address.eq(address.as_str()))
            .exec(self.db())
            .await
            .map_err(StoreError::from)?;
        self.committed(partner).await;
        Ok(res.rows_affected > 0)
    }

    /// Read from the primary, never a cache: a grant decides whether a
    /// read-only session may read, and a revoked one must stop the next request.
    async fn grants_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<ReadOnlyGrant>> {
        let ids: Vec<Uuid> = customers.iter().map(|c| c.0).collect();
        Ok(latest_grants(self.db(), partner, &ids).await?)
    }

    async fn record_read_only_session(
        &self,
        partner: PartnerId,
        agent: AgentId,
        customer: CustomerId,
        reason: &str,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<Uuid> {
        self.writing(partner);
        let id = Uuid::new_v4();
        read_only_sessions::Model {
            id,
            partner_id: partner.0,
            agent_id: agent.0,
            customer_id: customer.0,
            reason: reason.into(),
            starts_at,
            ends_at,
        }
        .into_active_model()
        .insert(self.db())
        .await
        .map_err(StoreError::from)?;
        self.committed(partner).await;
        Ok(id)
    }

    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<()> {
        Ok(crate::audit::insert(self, entries).await?)
    }

    async fn audit_log(&self, partner: PartnerId, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>> {
        use audit_log::Column as C;
        let mut cond = Condition::all().add(C::PartnerId.eq(partner.0));
        if let Some(a) = filter.agent {
            cond = cond.add(C::AgentId.eq(a.0));
        }
        if let Some(c) = filter.customer {
            cond = cond.add(C::CustomerId.eq(c.0));
        }
        if let Some(action) = &filter.action {
            cond = cond.add(C::Action.eq(action.as_str()));
        }
        if let Some(t) = filter.since {
            cond = cond.add(C::At.gte(t));
        }
        if let Some(t) = filter.until {
            cond = cond.add(C::At.lt(t));
        }
        // Newest first: the page after a key holds what is older than it.
        if let Some(key) = &page.after {
            let at = chrono::DateTime::parse_from_rfc3339(&key.value)
                .map_err(|_| helpdesk_domain::Error::invalid("this cursor is not one the gateway gave out"))?
                .with_timezone(&chrono::Utc);
            cond = cond
                .add(Condition::any().add(C::At.lt(at)).add(Condition::all().add(C::At.eq(at)).add(C::Id.lt(key.id))));
        }
        let rows = audit_log::Entity::find()
            .filter(cond)
            .order_by_desc(C::At)
            .order_by_desc(C::Id)
            .limit(page.limit)
            .all(self.db())
            .await
            .map_err(StoreError::from)?;
        Ok(all(rows, mapping::audit_entry)?)
    }
}

/// The latest grant of each of these customers, read from the database.
pub(crate) async fn latest_grants(
    db: &impl sea_orm::ConnectionTrait,
    partner: PartnerId,
    customers: &[Uuid],
) -> std::result::Result<Vec<ReadOnlyGrant>, StoreError> {
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let rows = read_only_grants::Entity::find()
        .filter(read_only_grants::Column::PartnerId.eq(partner.0))
        .filter(read_only_grants::Column::CustomerId.is_in(customers.iter().copied()))
        .order_by_asc(read_only_grants::Column::CustomerId)
        .order_by_desc(read_only_grants::Column::GrantedAt)
        .all(db)
        .await?;
    all(mapping::first_of_each(rows, |r| r.customer_id), mapping::grant)
}

/// Customer-side records for demos and tests: the customer authorises (or
/// stops authorising) its partner's read-only access.
impl Store {
    /// Records a grant of `hours` hours for `customer`, starting `now`.
    pub async fn grant_read_only_access(
        &self,
        customer: CustomerId,
        hours: i64,
        granted_by: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<ReadOnlyGrant, StoreError> {
        // The customer's side knows its own ID, not its partner's.
        let c = customers::Entity::find()
            .filter(customers::Column::Id.eq(customer.0))
            .one(self.db())
            .await?
            .ok_or_else(|| StoreError::Seed(format!("no customer {customer}")))?;
        let row = read_only_grants::Model {
            id: Uuid::new_v4(),
            partner_id: c.partner_id,
            customer_id: customer.0,
            granted_by: granted_by.into(),
            granted_at: now,
            expires_at: now + chrono::Duration::hours(hours),
            revoked_at: None,
        };
        row.clone().into_active_model().insert(self.db()).await?;
        self.cache().invalidate(customer).await;
        mapping::grant(row)
    }

    /// Revokes, as of `now`, every active grant of `customer`; returns how many.
    pub async fn revoke_read_only_access(
        &self,
        customer: CustomerId,
        now: DateTime<Utc>,
    ) -> std::result::Result<u64, StoreError> {
        let res = read_only_grants::Entity::update_many()
            .col_expr(read_only_grants::Column::RevokedAt, sea_orm::sea_query::Expr::value(now))
            .filter(read_only_grants::Column::CustomerId.eq(customer.0))
            .filter(read_only_grants::Column::RevokedAt.is_null())
            .exec(self.db())
            .await?;
        self.cache().invalidate(customer).await;
        Ok(res.rows_affected)
    }
}
