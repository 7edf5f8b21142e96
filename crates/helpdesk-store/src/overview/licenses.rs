//! License use against purchase. A customer buys licenses per offer through
//! its subscriptions (`licenses.quantity`) and assigns them to users
//! (`licenses.consumed`). More assigned than bought is a true-up the partner
//! must bill; much bought and unassigned is a customer paying for nothing,
//! and likely to churn. Both lists are what a partner's account managers ask for.

use helpdesk_domain::model::{CustomerLicenses, OfferUsage};
use helpdesk_domain::{CustomerId, PartnerId};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect, RelationTrait,
};
use uuid::Uuid;

use super::{R, customer_names, name_in};
use crate::entity::*;

/// How many customers each list shows.
const LISTED: u64 = 5;

/// Bought and assigned licenses per offer, over all the partner's customers, by offer.
pub(super) async fn per_offer(db: &DatabaseConnection, partner: PartnerId) -> R<Vec<OfferUsage>> {
    use licenses::Column as L;
    let rows: Vec<(String, i64, i64)> = licenses::Entity::find()
        .select_only()
        .column(L::Offer)
        .column_as(sum("quantity"), "bought")
        .column_as(sum("consumed"), "used")
        .filter(L::PartnerId.eq(partner.0))
        .group_by(L::Offer)
        .order_by_asc(L::Offer)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(offer, bought, used)| OfferUsage { offer, bought: bought as u64, used: used as u64 })
        .collect())
}

/// Which way a customer's licenses miss what it bought.
pub(super) enum Gap {
    /// More assigned than bought.
    Over,
    /// More bought than assigned.
    Under,
}

/// The customers furthest from what they bought in the direction `gap`, furthest first.
pub(super) async fn customers_by_gap(
    db: &DatabaseConnection,
    partner: PartnerId,
    gap: Gap,
) -> R<Vec<CustomerLicenses>> {
    use licenses::Column as L;
    let difference = || -> SimpleExpr {
        match gap {
            Gap::Over => sum("consumed").sub(sum("quantity")),
            Gap::Under => sum("quantity").sub(sum("consumed")),
        }
    };
    let rows: Vec<(Uuid, i64, i64)> = licenses::Entity::find()
        .select_only()
        .column(subscriptions::Column::CustomerId)
        .column_as(sum("quantity"), "bought")
        .column_as(sum("consumed"), "used")
        .join(JoinType::InnerJoin, licenses::Relation::Subscription.def())
        .filter(L::PartnerId.eq(partner.0))
        .group_by(subscriptions::Column::CustomerId)
        .having(difference().gt(0))
        .order_by(difference(), sea_orm::Order::Desc)
        .order_by_asc(subscriptions::Column::CustomerId)
        .limit(LISTED)
        .into_tuple()
        .all(db)
        .await?;
    let names = customer_names(db, partner, rows.iter().map(|r| r.0).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|(customer, bought, used)| CustomerLicenses {
            customer_id: CustomerId(customer),
            customer_name: name_in(&names, customer),
            bought: bought as u64,
            used: used as u64,
        })
        .collect())
}

/// `SUM` of a licenses column as a 64-bit integer on both backends.
fn sum(column: &str) -> SimpleExpr {
    Expr::cust(format!("CAST(SUM(licenses.{column}) AS BIGINT)"))
}
