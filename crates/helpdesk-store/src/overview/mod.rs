//! A partner's dashboard figures (`partnerOverview`): counts and short lists,
//! each one statement over an index that leads with `partner_id` (migration 5),
//! so a dashboard refreshing every minute costs a few milliseconds even for
//! a partner with a million users.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use helpdesk_domain::model::{Figure, GrantEnding, Labelled, PartnerOverview};
use helpdesk_domain::{CustomerId, PartnerId};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

mod activity;
mod licenses;

use crate::StoreError;
use crate::entity::*;

pub(super) type R<T> = Result<T, StoreError>;

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

/// The figures in `wanted` of the partner's dashboard as of `now`; the
/// others stay empty (zero), and cost nothing.
pub(crate) async fn partner_overview(
    db: &DatabaseConnection,
    partner: PartnerId,
    now: DateTime<Utc>,
    wanted: &HashSet<Figure>,
) -> R<PartnerOverview> {
    let (day_ago, week_ago, week_ahead) = (now - Duration::hours(24), now - Duration::days(7), now + Duration::days(7));
    let month_ago = now - Duration::days(30);
    let wants = |f: Figure| wanted.contains(&f);
    let mut o = PartnerOverview::default();
    if wants(Figure::CustomersByStatus) {
        o.customers_by_status =
            per_label::<customers::Entity, _>(db, customers::Column::PartnerId, partner, customers::Column::Status)
                .await?;
    }
    if wants(Figure::NumbersByState) {
        o.numbers_by_state = per_label::<phone_numbers::Entity, _>(
            db,
            phone_numbers::Column::PartnerId,
            partner,
            phone_numbers::Column::State,
        )
        .await?;
    }
    let devices = || devices::Entity::find().filter(devices::Column::PartnerId.eq(partner.0));
    if wants(Figure::DevicesOffline) {
        o.devices_offline = devices().filter(devices::Column::Status.eq("offline")).count(db).await?;
    }
    if wants(Figure::DevicesUnseen7Days) {
        let unseen =
            Condition::any().add(devices::Column::LastSeenAt.lt(week_ago)).add(devices::Column::LastSeenAt.is_null());
        o.devices_unseen_7_days = devices().filter(unseen).count(db).await?;
    }
    if wants(Figure::EmailsInError24h) {
        o.emails_in_error_24h = email_events::Entity::find()
            .filter(email_events::Column::PartnerId.eq(partner.0))
            .filter(email_events::Column::At.gte(day_ago))
            .filter(email_events::Column::Status.eq("error"))
            .count(db)
            .await?;
    }
    if wants(Figure::Suppressed24h) {
        o.suppressed_24h = email_suppressions::Entity::find()
            .filter(email_suppressions::Column::PartnerId.eq(partner.0))
            .filter(email_suppressions::Column::Since.gte(day_ago))
            .count(db)
            .await?;
    }
    if wants(Figure::GrantsEnding) {
        o.grants_ending = grants_ending(db, partner, now, week_ahead).await?;
    }
    if wants(Figure::MostActiveAgents) {
        o.most_active_agents = activity::most_active_agents(db, partner, week_ago).await?;
    }
    if wants(Figure::ActivityByDay) {
        o.activity_by_day = activity::activity_by_day(db, partner, month_ago).await?;
    }
    if wants(Figure::SearchesByDay) {
        o.searches_by_day = activity::searches_by_day(db, partner, month_ago).await?;
    }
    if wants(Figure::LicenseUsage) {
        o.license_usage = licenses::per_offer(db, partner).await?;
    }
    if wants(Figure::MostOverLicensed) || wants(Figure::MostUnderUsed) {
        (o.most_over_licensed, o.most_under_used) = licenses::customers_off_purchase(db, partner).await?;
    }
    Ok(o)
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
    let names = customer_names(db, partner, grants.iter().map(|g| g.0).collect()).await?;
    Ok(grants
        .into_iter()
        .map(|(customer, expires_at)| GrantEnding {
            customer_id: CustomerId(customer),
            customer_name: name_in(&names, customer),
            expires_at,
        })
        .collect())
}

/// The names of some of the partner's customers, by ID.
pub(super) async fn customer_names(
    db: &DatabaseConnection,
    partner: PartnerId,
    ids: Vec<Uuid>,
) -> R<Vec<(Uuid, String)>> {
    names_of::<customers::Entity>(
        db,
        customers::Column::PartnerId,
        partner,
        customers::Column::Id,
        customers::Column::Name,
        ids,
    )
    .await
}

/// The name of `id` among rows read by [`names_of`].
pub(super) fn name_in(names: &[(Uuid, String)], id: Uuid) -> String {
    names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_default()
}

/// The names of a partner's rows of `E` by ID.
pub(super) async fn names_of<E: EntityTrait>(
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
