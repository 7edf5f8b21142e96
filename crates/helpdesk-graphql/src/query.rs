//! The root query: the search box and direct look-ups.

use async_graphql::{Context, ID, Object};
use helpdesk_domain::{
    CustomerId, DeviceId, Error as DomainError, PhoneNumberId, SubscriptionId, UserId, WebOrderNumber,
};

use crate::error::{ApiError, ApiResult};
use crate::ids::{NodeType, decode, decode_as};
use crate::loaders::{self, request};
use crate::types::{self, Customer, Device, Node, Order, PhoneNumber, SearchConnection, SearchKind, User};

/// The help desk's read side.
#[derive(Default)]
pub struct Query;

fn not_found(what: &'static str) -> ApiError {
    ApiError::Domain(DomainError::NotFound(what))
}

/// The agent who is asking.
#[derive(async_graphql::SimpleObject)]
pub struct Me {
    name: String,
    email: String,
}

#[Object]
impl Query {
    /// Searches everything the agent's partner manages: organisation names and
    /// IDs, domains, meeting sites, user names, IDs and emails, phone numbers,
    /// MAC and SIP addresses, serial numbers and web order numbers.
    #[graphql(complexity = "first.unwrap_or(20).max(1) as usize * child_complexity")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the agent typed, at most 256 characters.")] query: String,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only these kinds of results (default: all).")] kinds: Option<Vec<SearchKind>>,
        #[graphql(desc = "Search inside this customer only.")] customer_id: Option<ID>,
    ) -> ApiResult<SearchConnection> {
        let customer = match customer_id {
            None => None,
            Some(id) => {
                let id = CustomerId(decode_as(&id, NodeType::Customer)?);
                // A customer of another partner is "not found", like one that doesn't exist.
                loaders::one(ctx, id).await?.ok_or_else(|| not_found("customer"))?;
                Some(id)
            }
        };
        types::search(ctx, &query, first, after.as_deref(), kinds, customer).await
    }

    /// A customer by its global ID.
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Customer>> {
        let key = CustomerId(decode_as(&id, NodeType::Customer)?);
        Ok(Some(Customer(loaders::one(ctx, key).await?.ok_or_else(|| not_found("customer"))?)))
    }

    /// A user by its global ID.
    async fn user(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<User>> {
        let key = UserId(decode_as(&id, NodeType::User)?);
        Ok(Some(User(loaders::one(ctx, key).await?.ok_or_else(|| not_found("user"))?)))
    }

    /// A device by its global ID.
    async fn device(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Device>> {
        let key = DeviceId(decode_as(&id, NodeType::Device)?);
        Ok(Some(Device(loaders::one(ctx, key).await?.ok_or_else(|| not_found("device"))?)))
    }

    /// A phone number, typed in any accepted format (`+1-212-456-7890`).
    async fn phone_number(&self, ctx: &Context<'_>, number: String) -> ApiResult<Option<PhoneNumber>> {
        let number = helpdesk_domain::PhoneNumber::parse(&number)?;
        let rc = request(ctx)?;
        let found = rc.directory.phone_number_by_number(rc.scope.partner_id, &number).await?;
        Ok(Some(PhoneNumber(found.ok_or_else(|| not_found("phone number"))?)))
    }

    /// An order by its web order number.
    async fn order(&self, ctx: &Context<'_>, web_order_number: String) -> ApiResult<Option<Order>> {
        let number = WebOrderNumber::parse(&web_order_number)?;
        let rc = request(ctx)?;
        let found = rc.directory.order_by_number(rc.scope.partner_id, &number).await?;
        Ok(Some(Order(found.ok_or_else(|| not_found("order"))?)))
    }

    /// Anything by its global ID.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let (ty, key) = decode(&id)?;
        let node = match ty {
            NodeType::Customer => loaders::one(ctx, CustomerId(key)).await?.map(|v| Node::Customer(Customer(v))),
            NodeType::User => loaders::one(ctx, UserId(key)).await?.map(|v| Node::User(User(v))),
            NodeType::Device => loaders::one(ctx, DeviceId(key)).await?.map(|v| Node::Device(Device(v))),
            NodeType::PhoneNumber => {
                loaders::one(ctx, PhoneNumberId(key)).await?.map(|v| Node::PhoneNumber(PhoneNumber(v)))
            }
            NodeType::Order => loaders::one(ctx, SubscriptionId(key)).await?.map(|v| Node::Order(Order(v))),
        };
        Ok(Some(node.ok_or_else(|| not_found("node"))?))
    }

    /// The signed-in agent.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let rc = request(ctx)?;
        Ok(Me { name: rc.agent.name.clone(), email: rc.agent.email.to_string() })
    }
}
