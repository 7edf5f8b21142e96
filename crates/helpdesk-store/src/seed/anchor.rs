//! When the demo data was seeded, and keeping its read-only grants alive.
//!
//! A customer authorises its partner's read-only access for a while: the
//! seeder writes grants that end 30 days after seeding. A demo database
//! seeded long ago would have none left, and the demo's "view as read-only
//! admin" flow would stop working one day without anyone changing anything.
//!
//! So the seeder records the moment its dates were true (the anchor), and
//! each `serve --demo` start moves forward, by the time since the anchor, every
//! grant that was active at the anchor, has run out since and was not revoked:
//! the demo resumes where it was left. Grants that had ended before (the
//! demo's expired ones) or were revoked stay as they are, and a grant still
//! running is not touched.

use chrono::{DateTime, Duration, Utc};
use helpdesk_domain::CustomerId;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set};
use uuid::Uuid;

use super::Scale;
use crate::entity::{read_only_grants, seed_runs};
use crate::{Store, StoreError};

/// What [`resume_demo`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumedDemo {
    /// When the demo data was seeded.
    pub seeded_at: DateTime<Utc>,
    /// How far the demo's dates were moved (the time since the last start).
    pub moved_by: Duration,
    /// How many grants that had run out since were moved forward.
    pub grants_moved: usize,
}

/// Records that `scale` was seeded at `now`.
pub(super) async fn record_seeding(store: &Store, scale: Scale, now: DateTime<Utc>) -> Result<(), StoreError> {
    seed_runs::Model { id: Uuid::new_v4(), scale: scale.label().into(), seeded_at: now, anchored_at: now }
        .into_active_model()
        .insert(store.db())
        .await?;
    Ok(())
}

/// Moves the demo's grants that ran out since the last start forward to
/// `now`, in one transaction; `None` when the database was not seeded by
/// `helpdesk seed`.
pub async fn resume_demo(store: &Store, now: DateTime<Utc>) -> Result<Option<ResumedDemo>, StoreError> {
    let txn = store.begin_write().await?;
    let Some(run) = seed_runs::Entity::find().order_by_desc(seed_runs::Column::SeededAt).one(&txn).await? else {
        return Ok(None);
    };
    let anchor = run.anchored_at;
    let moved_by = now - anchor;
    if moved_by <= Duration::zero() {
        return Ok(Some(ResumedDemo { seeded_at: run.seeded_at, moved_by: Duration::zero(), grants_moved: 0 }));
    }
    let lapsed = read_only_grants::Entity::find()
        .filter(read_only_grants::Column::RevokedAt.is_null())
        .filter(read_only_grants::Column::GrantedAt.lte(anchor))
        .filter(read_only_grants::Column::ExpiresAt.gt(anchor))
        .filter(read_only_grants::Column::ExpiresAt.lte(now))
        .all(&txn)
        .await?;
    let customers: Vec<CustomerId> = lapsed.iter().map(|g| CustomerId(g.customer_id)).collect();
    for grant in lapsed {
        let (granted_at, expires_at) = (grant.granted_at + moved_by, grant.expires_at + moved_by);
        let mut row = grant.into_active_model();
        row.granted_at = Set(granted_at);
        row.expires_at = Set(expires_at);
        row.update(&txn).await?;
    }
    let seeded_at = run.seeded_at;
    let mut run = run.into_active_model();
    run.anchored_at = Set(now);
    run.update(&txn).await?;
    txn.commit().await?;
    // A summary cached before (in Redis, by an earlier run) still shows the old window.
    for customer in &customers {
        store.cache().invalidate(*customer).await;
    }
    Ok(Some(ResumedDemo { seeded_at, moved_by, grants_moved: customers.len() }))
}
