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
const LISTED: usize = 5;

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

/// The customers furthest over what they bought (most assigned beyond it)
/// and furthest under (most bought and unassigned), furthest first: one
/// pass over the partner's licenses, summed per customer, for both lists.
pub(super) async fn customers_off_purchase(
    db: &DatabaseConnection,
    partner: PartnerId,
) -> R<(Vec<CustomerLicenses>, Vec<CustomerLicenses>)> {
    use licenses::Column as L;
    let off: Vec<(Uuid, i64, i64)> = licenses::Entity::find()
        .select_only()
        .column(subscriptions::Column::CustomerId)
        .column_as(sum("quantity"), "bought")
        .column_as(sum("consumed"), "used")
        .join(JoinType::InnerJoin, licenses::Relation::Subscription.def())
        .filter(L::PartnerId.eq(partner.0))
        .group_by(subscriptions::Column::CustomerId)
        .having(sum("quantity").ne(sum("consumed")))
        .into_tuple()
        .all(db)
        .await?;
    // Furthest first; among equals, by customer ID, so the lists are stable.
    let furthest = |over: bool| {
        let mut side: Vec<&(Uuid, i64, i64)> = off.iter().filter(|(_, bought, used)| (used > bought) == over).collect();
        side.sort_by_key(|(id, bought, used)| (std::cmp::Reverse((used - bought).abs()), *id));
        side.truncate(LISTED);
        side.into_iter().copied().collect::<Vec<_>>()
    };
    let (over, under) = (furthest(true), furthest(false));
    let ids = over.iter().chain(&under).map(|r| r.0).collect();
    let names = customer_names(db, partner, ids).await?;
    let listed = |rows: Vec<(Uuid, i64, i64)>| {
        rows.into_iter()
            .map(|(customer, bought, used)| CustomerLicenses {
                customer_id: CustomerId(customer),
                customer_name: name_in(&names, customer),
                bought: bought as u64,
                used: used as u64,
            })
            .collect()
    };
    Ok((listed(over), listed(under)))
}

/// `SUM` of a licenses column as a 64-bit integer on both backends.
fn sum(column: &str) -> SimpleExpr {
    Expr::cust(format!("CAST(SUM(licenses.{column}) AS BIGINT)"))
}
