//! What the help desk did, from the audit trail's per-day counters
//! (`audit_daily`, `search_daily`): a few hundred counters per month instead
//! of millions of entries.

use chrono::{DateTime, Duration, DurationRound, Utc};
use helpdesk_domain::model::{AgentActivity, DayActivity, DaySearches};
use helpdesk_domain::search::InputKind;
use helpdesk_domain::{AgentId, PartnerId};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::{R, name_in, names_of};
use crate::entity::*;

/// Audited actions per day and action since the day `since` falls on, oldest first.
pub(super) async fn activity_by_day(
    db: &DatabaseConnection,
    partner: PartnerId,
    since: DateTime<Utc>,
) -> R<Vec<DayActivity>> {
    use audit_daily::Column as D;
    let since = since.duration_trunc(Duration::days(1)).unwrap_or(since);
    let rows: Vec<(DateTime<Utc>, String, i64)> = audit_daily::Entity::find()
        .select_only()
        .columns([D::Day, D::Action])
        .column_as(Expr::cust("CAST(SUM(n) AS BIGINT)"), "count")
        .filter(D::PartnerId.eq(partner.0))
        .filter(D::Day.gte(since))
        .group_by(D::Day)
        .group_by(D::Action)
        .order_by_asc(D::Day)
        .order_by_asc(D::Action)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|(day, action, n)| DayActivity { day, action, count: n as u64 }).collect())
}

/// The five agents with the most audited actions since the day `since` falls
/// on, most first: read from the per-day counters, not the entries.
pub(super) async fn most_active_agents(
    db: &DatabaseConnection,
    partner: PartnerId,
    since: DateTime<Utc>,
) -> R<Vec<AgentActivity>> {
    use audit_daily::Column as D;
    let since = since.duration_trunc(Duration::days(1)).unwrap_or(since);
    let total = || Expr::cust("CAST(SUM(n) AS BIGINT)");
    let counted: Vec<(Uuid, i64)> = audit_daily::Entity::find()
        .select_only()
        .column(D::AgentId)
        .column_as(total(), "actions")
        .filter(D::PartnerId.eq(partner.0))
        .filter(D::Day.gte(since))
        .group_by(D::AgentId)
        .order_by(total(), sea_orm::Order::Desc)
        .limit(5)
        .into_tuple()
        .all(db)
        .await?;
    let names = names_of::<agents::Entity>(
        db,
        agents::Column::PartnerId,
        partner,
        agents::Column::Id,
        agents::Column::Name,
        counted.iter().map(|c| c.0).collect(),
    )
    .await?;
    Ok(counted
        .into_iter()
        .map(|(agent, n)| AgentActivity { agent_id: AgentId(agent), name: name_in(&names, agent), actions: n as u64 })
        .collect())
}

/// Searches per day and kind of input since the day `since` falls on, oldest first.
pub(super) async fn searches_by_day(
    db: &DatabaseConnection,
    partner: PartnerId,
    since: DateTime<Utc>,
) -> R<Vec<DaySearches>> {
    use search_daily::Column as D;
    let since = since.duration_trunc(Duration::days(1)).unwrap_or(since);
    let rows: Vec<(DateTime<Utc>, String, i64)> = search_daily::Entity::find()
        .select_only()
        .columns([D::Day, D::Kind, D::N])
        .filter(D::PartnerId.eq(partner.0))
        .filter(D::Day.gte(since))
        .order_by_asc(D::Day)
        .order_by_asc(D::Kind)
        .into_tuple()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|(day, kind, n)| {
            Ok(DaySearches { day, kind: crate::mapping::label::<InputKind>(&kind)?, count: n as u64 })
        })
        .collect()
}
