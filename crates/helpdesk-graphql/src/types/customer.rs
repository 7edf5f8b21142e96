//! A customer organisation (C1–C3): how it is set up, what it bought, who
//! administers it, and its users, devices and numbers.

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use helpdesk_domain::model;
use uuid::Uuid;

use super::order::License;
use super::page::{CustomerListTotal, connection, store_page};
use super::search::search;
use super::{CustomerStatus, Device, Order, PhoneNumber, SearchArgs, SearchConnection, SearchKind, User};
use crate::context::request;
use crate::error::ApiResult;
use crate::ids::{KeysetRequest, NodeType, encode};
use crate::loaders::{self, AdminsOf, DomainsOf, GrantOf, LicenseTotalsOf, MeetingSitesOf, OrdersOf};
use helpdesk_domain::ports::{CustomerList, PageKey};

crate::context::shown_record!(
    /// A customer organisation managed by the agent's partner.
    Customer(model::Customer),
    "open_customer",
    |r| (r.id.0, r.id)
);

impl Customer {
    /// The customer shown.
    pub fn model(&self) -> &model::Customer {
        &self.0
    }
}

/// How the organisation is set up.
#[derive(SimpleObject)]
pub struct CustomerSettings {
    /// Webex Calling is enabled.
    calling: bool,
    messaging: bool,
    meetings: bool,
    /// Users sign in through the customer's identity provider.
    single_sign_on: bool,
    /// Users are synchronised from the customer's directory.
    directory_sync: bool,
}

/// A domain the customer claimed, and whether it verified it.
#[derive(SimpleObject)]
pub struct CustomerDomain {
    name: String,
    verified: bool,
}

/// The customer's authorisation of read-only admin access by its partner.
#[derive(SimpleObject)]
pub struct ReadOnlyAccess {
    /// A grant is active now.
    authorized: bool,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
}

/// An administrator of the customer's organisation.
pub struct CustomerAdmin(model::UserAdminRole);

#[Object]
impl CustomerAdmin {
    async fn role(&self) -> super::AdminRole {
        self.0.role.into()
    }
    /// The admin as a user of the organisation (name, email address).
    async fn user(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        Ok(loaders::one(ctx, self.0.user_id).await?.map(|u| User::shown(ctx, u)))
    }
}

#[Object]
impl Customer {
    pub(crate) async fn id(&self) -> ID {
        encode(NodeType::Customer, self.0.id.0)
    }
    /// The organisation ID, as customers and other tools show it.
    async fn organization_id(&self) -> Uuid {
        self.0.id.0
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn status(&self) -> CustomerStatus {
        self.0.status.into()
    }
    /// When the customer created its organisation.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn settings(&self) -> CustomerSettings {
        let s = self.0.settings;
        CustomerSettings {
            calling: s.calling,
            messaging: s.messaging,
            meetings: s.meetings,
            single_sign_on: s.single_sign_on,
            directory_sync: s.directory_sync,
        }
    }
    /// Domains claimed or verified by the customer.
    async fn domains(&self, ctx: &Context<'_>) -> ApiResult<Vec<CustomerDomain>> {
        let mut v: Vec<CustomerDomain> = loaders::many(ctx, DomainsOf(self.0.id))
            .await?
            .into_iter()
            .map(|d| CustomerDomain { name: d.domain.to_string(), verified: d.verified })
            .collect();
        v.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(v)
    }
    /// The meeting sites of the organisation (`acme.webex.com`).
    async fn meeting_sites(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let mut v: Vec<String> =
            loaders::many(ctx, MeetingSitesOf(self.0.id)).await?.into_iter().map(|s| s.site.to_string()).collect();
        v.sort();
        Ok(v)
    }
    /// Subscriptions with their web order numbers and licenses (C2).
    async fn subscriptions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Order>> {
        let mut v = loaders::many(ctx, OrdersOf(self.0.id)).await?;
        v.sort_by_key(|o| std::cmp::Reverse(o.starts_at));
        Ok(v.into_iter().map(|o| Order::shown(ctx, o)).collect())
    }
    /// Licenses per offer over the active subscriptions: bought, used, available.
    async fn license_summary(&self, ctx: &Context<'_>) -> ApiResult<Vec<License>> {
        Ok(loaders::many(ctx, LicenseTotalsOf(self.0.id))
            .await?
            .into_iter()
            .map(|l| License::new(l.offer, l.quantity, l.consumed))
            .collect())
    }
    /// The organisation's administrators (C3).
    async fn admins(&self, ctx: &Context<'_>) -> ApiResult<Vec<CustomerAdmin>> {
        Ok(loaders::many(ctx, AdminsOf(self.0.id)).await?.into_iter().map(CustomerAdmin).collect())
    }
    /// Whether the customer lets its partner view it as a read-only admin (C4).
    async fn read_only_access(&self, ctx: &Context<'_>) -> ApiResult<ReadOnlyAccess> {
        let grant = loaders::one(ctx, GrantOf(self.0.id)).await?;
        let now = request(ctx)?.now();
        Ok(match grant {
            Some(g) if g.is_active(now) => {
                ReadOnlyAccess { authorized: true, since: Some(g.granted_at), until: Some(g.expires_at) }
            }
            _ => ReadOnlyAccess { authorized: false, since: None, until: None },
        })
    }
    /// The organisation's users, by email address.
    #[graphql(complexity = "crate::cost::connection(first, child_complexity)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<String, User, CustomerListTotal>> {
        let (req, rc) = (KeysetRequest::parse(first, after.as_deref())?, request(ctx)?);
        let rows = rc.directory().users_of_customer(rc.agent.partner_id, self.0.id, store_page(&req)).await?;
        let key = |u: &helpdesk_domain::model::User| PageKey { value: u.email.as_str().into(), id: u.id.0 };
        let total = CustomerListTotal { customer: self.0.id, list: CustomerList::Users };
        Ok(connection(&req, rows.into_iter().map(|u| (key(&u), User::shown(ctx, u))).collect(), total))
    }
    /// The organisation's devices, third-party ones included.
    #[graphql(complexity = "crate::cost::connection(first, child_complexity)")]
    async fn devices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<String, Device, CustomerListTotal>> {
        let (req, rc) = (KeysetRequest::parse(first, after.as_deref())?, request(ctx)?);
        let rows = rc.directory().devices_of_customer(rc.agent.partner_id, self.0.id, store_page(&req)).await?;
        let total = CustomerListTotal { customer: self.0.id, list: CustomerList::Devices };
        let items =
            rows.into_iter().map(|d| (PageKey { value: d.model.clone(), id: d.id.0 }, Device::shown(ctx, d))).collect();
        Ok(connection(&req, items, total))
    }
    /// The organisation's phone numbers.
    #[graphql(complexity = "crate::cost::connection(first, child_complexity)")]
    async fn phone_numbers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> ApiResult<Connection<String, PhoneNumber, CustomerListTotal>> {
        let (req, rc) = (KeysetRequest::parse(first, after.as_deref())?, request(ctx)?);
        let rows = rc.directory().phone_numbers_of_customer(rc.agent.partner_id, self.0.id, store_page(&req)).await?;
        let key =
            |n: &helpdesk_domain::model::PhoneNumberRecord| PageKey { value: n.number.as_str().into(), id: n.id.0 };
        let total = CustomerListTotal { customer: self.0.id, list: CustomerList::PhoneNumbers };
        Ok(connection(&req, rows.into_iter().map(|n| (key(&n), PhoneNumber::shown(ctx, n))).collect(), total))
    }
    /// The same search as the top-level one, inside this organisation only (S14).
    #[graphql(complexity = "crate::cost::search(first, after.as_ref(), kinds.as_ref(), child_complexity)")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        query: String,
        first: Option<i32>,
        after: Option<String>,
        kinds: Option<Vec<SearchKind>>,
    ) -> ApiResult<SearchConnection> {
        search(ctx, SearchArgs { query: &query, first, after: after.as_deref(), kinds, customer: Some(self.0.id) })
            .await
    }
}
