//! An order (S13, C2): a subscription bought with one web order.

use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use helpdesk_domain::model;

use super::{Customer, SubscriptionStatus};
use crate::error::ApiResult;
use crate::ids::{NodeType, encode};
use crate::loaders::{self, LicensesOf};

crate::context::shown_record!(
    /// A subscription and the web order that bought it.
    Order(model::Order),
    "open_order",
    |r| (r.id.0, r.customer_id)
);

/// Licenses of one offer: bought, used, available.
#[derive(SimpleObject)]
pub struct License {
    offer: String,
    quantity: i32,
    consumed: i32,
    /// Bought and not used yet.
    available: i32,
}

impl License {
    /// Licenses of `offer`, `consumed` of `quantity` in use.
    pub fn new(offer: String, quantity: i32, consumed: i32) -> Self {
        License { available: (quantity - consumed).max(0), offer, quantity, consumed }
    }
}

#[Object]
impl Order {
    pub(crate) async fn id(&self) -> ID {
        encode(NodeType::Order, self.0.id.0)
    }
    async fn web_order_number(&self) -> &str {
        self.0.web_order_number.as_str()
    }
    async fn status(&self) -> SubscriptionStatus {
        self.0.status.into()
    }
    async fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }
    /// The licenses this subscription holds, with quantity and usage.
    async fn licenses(&self, ctx: &Context<'_>) -> ApiResult<Vec<License>> {
        let mut v: Vec<License> = loaders::many(ctx, LicensesOf(self.0.id))
            .await?
            .into_iter()
            .map(|l| License::new(l.offer, l.quantity, l.consumed))
            .collect();
        v.sort_by(|a, b| a.offer.cmp(&b.offer));
        Ok(v)
    }
    /// The customer that bought it.
    async fn customer(&self, ctx: &Context<'_>) -> ApiResult<Option<Customer>> {
        Ok(loaders::one(ctx, self.0.customer_id).await?.map(|c| Customer::shown(ctx, c)))
    }
}
