//! The root query: the search box and direct look-ups (help desk agents), the
//! agents and the audit log (partner administrators).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use helpdesk_domain::ports::{AuditFilter, PageKey};
use helpdesk_domain::{
    AgentId, CustomerId, DeviceId, Error as DomainError, PhoneNumberId, SubscriptionId, UserId, WebOrderNumber,
};

use crate::context::request;
use crate::error::{ApiError, ApiResult};
use crate::ids::{KeysetRequest, NodeType, decode, decode_as, encode};
use crate::loaders;
use crate::types::{
    self, Agent, AuditEntry, Customer, Device, Node, Order, PhoneNumber, SearchConnection, SearchKind, User,
};

/// The help desk's read side.
#[derive(Default)]
pub struct Query;

pub(crate) fn not_found(what: &'static str) -> ApiError {
    ApiError::Domain(DomainError::NotFound(what))
}

/// The answer of a look-up by ID or number. What it found is recorded as
/// shown by its type's `shown`; a look-up that failed is recorded here,
/// under the same action, with what the agent typed.
fn looked_up<T>(ctx: &Context<'_>, action: &str, target: String, found: ApiResult<T>) -> ApiResult<Option<T>> {
    match found {
        Ok(record) => Ok(Some(record)),
        Err(e) => {
            if let Ok(rc) = request(ctx) {
                rc.audit(action, Some(target), None, &Err::<(), _>(e.clone()), None);
            }
            Err(e)
        }
    }
}

/// The agent who is asking.
#[derive(async_graphql::SimpleObject)]
pub struct Me {
    name: String,
    email: String,
    roles: Vec<types::AgentRole>,
    /// Set during a read-only admin session: the one customer it may see.
    read_only_customer_id: Option<ID>,
}

#[Object]
impl Query {
    /// Searches everything the agent's partner manages: organisation names and
    /// IDs, domains, meeting sites, user names, IDs and emails, phone numbers,
    /// MAC and SIP addresses, serial numbers and web order numbers.
    #[graphql(complexity = "crate::cost::search(first, after.as_ref(), kinds.as_ref(), child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the agent typed, at most 256 characters.")] query: String,
        #[graphql(desc = "Page size, at most 100 (default 20).")] first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only these kinds of results (default: all).")] kinds: Option<Vec<SearchKind>>,
        #[graphql(desc = "Search inside this customer only.")] customer_id: Option<ID>,
    ) -> ApiResult<SearchConnection> {
        request(ctx)?.help_desk()?;
        let customer = match customer_id {
            None => None,
            Some(id) => {
                let id = CustomerId(decode_as(&id, NodeType::Customer)?);
                // A customer of another partner is "not found", like one that doesn't exist.
                loaders::one(ctx, id).await?.ok_or_else(|| not_found("customer"))?;
                Some(id)
            }
        };
        types::search(ctx, types::SearchArgs { query: &query, first, after: after.as_deref(), kinds, customer }).await
    }

    /// A customer by its global ID (opening it is recorded in the audit trail).
    async fn customer(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Customer>> {
        let found = async {
            request(ctx)?.help_desk()?;
            let key = CustomerId(decode_as(&id, NodeType::Customer)?);
            loaders::one(ctx, key).await?.ok_or_else(|| not_found("customer"))
        };
        looked_up(ctx, "open_customer", crate::ids::audit_target(&id), found.await.map(|c| Customer::shown(ctx, c)))
    }

    /// A user by its global ID (opening it is recorded in the audit trail).
    async fn user(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<User>> {
        let found = async {
            request(ctx)?.help_desk()?;
            let key = UserId(decode_as(&id, NodeType::User)?);
            loaders::one(ctx, key).await?.ok_or_else(|| not_found("user"))
        };
        looked_up(ctx, "open_user", crate::ids::audit_target(&id), found.await.map(|u| User::shown(ctx, u)))
    }

    /// A device by its global ID (opening it is recorded in the audit trail).
    async fn device(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Device>> {
        let found = async {
            request(ctx)?.help_desk()?;
            let key = DeviceId(decode_as(&id, NodeType::Device)?);
            loaders::one(ctx, key).await?.ok_or_else(|| not_found("device"))
        };
        looked_up(ctx, "open_device", crate::ids::audit_target(&id), found.await.map(|d| Device::shown(ctx, d)))
    }

    /// A phone number, typed in any accepted format (`+1-212-456-7890`);
    /// opening it is recorded in the audit trail.
    async fn phone_number(&self, ctx: &Context<'_>, number: String) -> ApiResult<Option<PhoneNumber>> {
        let found = async {
            let rc = request(ctx)?;
            let scope = rc.help_desk()?;
            let number = helpdesk_domain::PhoneNumber::parse(&number)?;
            let found = rc.directory().phone_number_by_number(scope.partner_id, &number).await?;
            let found = found.filter(|n| rc.read_only.is_none_or(|c| n.customer_id == c));
            found.ok_or_else(|| not_found("phone number"))
        };
        looked_up(ctx, "open_phone_number", number.clone(), found.await.map(|n| PhoneNumber::shown(ctx, n)))
    }

    /// An order by its web order number (opening it is recorded in the audit trail).
    async fn order(&self, ctx: &Context<'_>, web_order_number: String) -> ApiResult<Option<Order>> {
        let found = async {
            let rc = request(ctx)?;
            let scope = rc.help_desk()?;
            let number = WebOrderNumber::parse(&web_order_number)?;
            let found = rc.directory().order_by_number(scope.partner_id, &number).await?;
            let found = found.filter(|o| rc.read_only.is_none_or(|c| o.customer_id == c));
            found.ok_or_else(|| not_found("order"))
        };
        looked_up(ctx, "open_order", web_order_number.clone(), found.await.map(|o| Order::shown(ctx, o)))
    }

    /// Anything by its global ID (opening it is recorded in the audit trail).
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let found = async {
            request(ctx)?.help_desk()?;
            let (ty, key) = decode(&id)?;
            let node = match ty {
                NodeType::Customer => {
                    loaders::one(ctx, CustomerId(key)).await?.map(|v| Node::Customer(Customer::shown(ctx, v)))
                }
                NodeType::User => loaders::one(ctx, UserId(key)).await?.map(|v| Node::User(User::shown(ctx, v))),
                NodeType::Device => {
                    loaders::one(ctx, DeviceId(key)).await?.map(|v| Node::Device(Device::shown(ctx, v)))
                }
                NodeType::PhoneNumber => {
                    loaders::one(ctx, PhoneNumberId(key)).await?.map(|v| Node::PhoneNumber(PhoneNumber::shown(ctx, v)))
                }
                NodeType::Order => {
                    loaders::one(ctx, SubscriptionId(key)).await?.map(|v| Node::Order(Order::shown(ctx, v)))
                }
                NodeType::Agent => None,
            };
            node.ok_or_else(|| not_found("node"))
        };
        looked_up(ctx, "open_node", crate::ids::audit_target(&id), found.await)
    }

    /// The signed-in agent.
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<Me> {
        let rc = request(ctx)?;
        Ok(Me {
            name: rc.agent.name.clone(),
            email: rc.agent.email.to_string(),
            roles: rc.agent.roles.iter().map(|r| (*r).into()).collect(),
            read_only_customer_id: rc.read_only.map(|c| encode(NodeType::Customer, c.0)),
        })
    }

    /// The partner's dashboard figures (help desk agents and partner
    /// administrators; not in a read-only admin session, which sees one customer).
    /// A browser may keep the answer for a minute.
    #[graphql(cache_control(max_age = 60, private))]
    async fn partner_overview(&self, ctx: &Context<'_>) -> ApiResult<types::PartnerOverview> {
        let rc = request(ctx)?;
        let scope = rc.partner_admin().or_else(|_| rc.acting())?;
        let now = rc.now();
        let wanted = types::overview_figures(ctx);
        Ok(types::PartnerOverview::new(rc.directory().partner_overview(scope.partner_id, now, &wanted).await?, now))
    }

    /// The partner's agents and their roles (partner administrators only).
    async fn agents(&self, ctx: &Context<'_>) -> ApiResult<Vec<Agent>> {
        let rc = request(ctx)?;
        let scope = rc.partner_admin()?;
        Ok(rc.helpdesk().agents_of(scope.partner_id).await?.into_iter().map(Agent).collect())
    }

    /// The partner's audit trail, newest first (partner administrators only).
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::cost::connection(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        agent_id: Option<ID>,
        customer_id: Option<ID>,
        #[graphql(desc = "Entries of this action only: `search`, `open_user`, `send_verification_code` …")]
        action: Option<String>,
        since: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> ApiResult<Connection<String, AuditEntry>> {
        let rc = request(ctx)?;
        let scope = rc.partner_admin()?;
        let req = KeysetRequest::parse(first, after.as_deref())?;
        let filter = AuditFilter {
            agent: agent_id.map(|id| decode_as(&id, NodeType::Agent).map(AgentId)).transpose()?,
            customer: customer_id.map(|id| decode_as(&id, NodeType::Customer).map(CustomerId)).transpose()?,
            action,
            since,
            until,
        };
        let rows = rc.helpdesk().audit_log(scope.partner_id, &filter, types::store_page(&req)).await?;
        let key = |e: &helpdesk_domain::model::AuditEntry| PageKey {
            value: e.at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
            id: e.id,
        };
        let entries = rows.into_iter().map(|e| (key(&e), AuditEntry::from(e))).collect();
        Ok(types::connection(&req, entries, async_graphql::connection::EmptyFields))
    }
}
