//! A partner's dashboard figures (`partnerOverview`): counts and short lists,
//! each one statement over an index that leads with `partner_id` (migration 5),
//! so a dashboard refreshing every minute costs a few milliseconds even for
//! a partner with a million users.

use chrono::{DateTime, Duration, DurationRound, Utc};
use helpdesk_domain::model::{
    AgentActivity, CustomerStatus, DayActivity, GrantEnding, Labelled, NumberState, PartnerOverview,
};
use helpdesk_domain::{AgentId, CustomerId, PartnerId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::StoreError;
use crate::entity::*;

type R<T> = Result<T, StoreError>;

/// How many of each label `E`'s rows of one partner have in `col`, every label listed.
async fn per_label<E: EntityTrait, L: Labelled + Copy>(
    db: &DatabaseConnection,
    partner_col: E::Column,
    partner: PartnerId,
    col: E::Column,
) -> R<Vec<(L, u64)>> {
    let counted: Vec<(String, i64)> = E::find()
        .select_only()
        .column(col)
        .column_as(Expr::col(col).count(), "n")
        .filter(partner_col.eq(partner.0))
        .group_by(col)
        .into_tuple()
        .all(db)
        .await?;
    Ok(L::ALL
        .iter()
        .map(|l| (*l, counted.iter().find(|(s, _)| s == l.label()).map_or(0, |(_, n)| *n as u64)))
        .collect())
}

/// The partner's dashboard as of `now`.
pub(crate) async fn partner_overview(
    db: &DatabaseConnection,
    partner: PartnerId,
    now: DateTime<Utc>,
) -> R<PartnerOverview> {
    let (day_ago, week_ago, week_ahead) = (now - Duration::hours(24), now - Duration::days(7), now + Duration::days(7));
    let customers_by_status = per_label::<customers::Entity, CustomerStatus>(
        db,
        customers::Column::PartnerId,
        partner,
        customers::Column::Status,
    )
    .await?;
    let numbers_by_state = per_label::<phone_numbers::Entity, NumberState>(
        db,
        phone_numbers::Column::PartnerId,
        partner,
        phone_numbers::Column::State,
    )
    .await?;
    let devices = || devices::Entity::find().filter(devices::Column::PartnerId.eq(partner.0));
    let devices_offline = devices().filter(devices::Column::Status.eq("offline")).count(db).await?;
    let unseen =
        Condition::any().add(devices::Column::LastSeenAt.lt(week_ago)).add(devices::Column::LastSeenAt.is_null());
    let devices_unseen_7_days = devices().filter(unseen).count(db).await?;
    let emails_in_error_24h = email_events::Entity::find()
        .filter(email_events::Column::PartnerId.eq(partner.0))
        .filter(email_events::Column::At.gte(day_ago))
        .filter(email_events::Column::Status.eq("error"))
        .count(db)
        .await?;
    let suppressed_24h = email_suppressions::Entity::find()
        .filter(email_suppressions::Column::PartnerId.eq(partner.0))
        .filter(email_suppressions::Column::Since.gte(day_ago))
        .count(db)
        .await?;
    Ok(PartnerOverview {
        customers_by_status,
        numbers_by_state,
        devices_offline,
        devices_unseen_7_days,
        emails_in_error_24h,
        suppressed_24h,
        grants_ending: grants_ending(db, partner, now, week_ahead).await?,
        most_active_agents: most_active_agents(db, partner, week_ago).await?,
        activity_by_day: activity_by_day(db, partner, now - Duration::days(30)).await?,
    })
}

/// Audited actions per day and action since the day `since` falls on, oldest first.
async fn activity_by_day(db: &DatabaseConnection, partner: PartnerId, since: DateTime<Utc>) -> R<Vec<DayActivity>> {
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

/// Unrevoked grants still active that end before `until`, soonest first, with their customers' names.
async fn grants_ending(
    db: &DatabaseConnection,
    partner: PartnerId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> R<Vec<GrantEnding>> {
    use read_only_grants::Column as G;
    let grants: Vec<(Uuid, DateTime<Utc>)> = read_only_grants::Entity::find()
        .select_only()
        .columns([G::CustomerId, G::ExpiresAt])
        .filter(G::PartnerId.eq(partner.0))
        .filter(G::ExpiresAt.gte(now))
        .filter(G::ExpiresAt.lt(until))
        .filter(G::RevokedAt.is_null())
        .order_by_asc(G::ExpiresAt)
        .limit(10)
        .into_tuple()
        .all(db)
        .await?;
    let names = names_of::<customers::Entity>(
        db,
        customers::Column::PartnerId,
        partner,
        customers::Column::Id,
        customers::Column::Name,
        grants.iter().map(|g| g.0).collect(),
    )
    .await?;
    Ok(grants
        .into_iter()
        .map(|(customer, expires_at)| GrantEnding {
            customer_id: CustomerId(customer),
            customer_name: name_in(&names, customer),
            expires_at,
        })
        .collect())
}

/// The five agents with the most audited actions since the day `since` falls
/// on, most first: read from the per-day counters, not the entries.
async fn most_active_agents(
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

/// The name of `id` among rows read by [`names_of`].
fn name_in(names: &[(Uuid, String)], id: Uuid) -> String {
    names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
}

/// The names of a partner's rows of `E` by ID.
async fn names_of<E: EntityTrait>(
    db: &DatabaseConnection,
    partner_col: E::Column,
    partner: PartnerId,
    id_col: E::Column,
    name_col: E::Column,
    ids: Vec<Uuid>,
) -> R<Vec<(Uuid, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(E::find()
        .select_only()
        .columns([id_col, name_col])
        .filter(partner_col.eq(partner.0))
        .filter(id_col.is_in(ids))
        .into_tuple()
        .all(db)
        .await?)
}
