//! The ports: what the API needs from persistence, as traits.
//!
//! The store crate implements them with SQL; the GraphQL crate calls them and
//! never sees a database type. Every call that reads a partner's data takes
//! the partner's ID: that is the second wall behind the access policy — a
//! forgotten check still cannot cross partners, because the query itself
//! filters by partner.
//!
//! Calls that take a slice of IDs are batch loads: the API's dataloaders
//! gather the IDs a page of results needs and make one call per relation.

use async_trait::async_trait;

use crate::access::Agent;
use crate::contact::{Email, PhoneNumber};
use crate::error::Result;
use crate::ids::{AgentId, CustomerId, DeviceId, PartnerId, PhoneNumberId, SubscriptionId, UserId};
use crate::model::{
    Customer, CustomerDomain, CustomerMeetingSite, Device, EmailEvent, License, Order, PhoneNumberRecord, User,
    UserAdminRole, UserFeature, UserLicense,
};
use crate::search::{SearchHit, SearchInput, SearchKind};
use crate::web::WebOrderNumber;

/// A window into a list: skip `offset`, take at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u64,
    pub limit: u64,
}

/// What to search and where.
#[derive(Debug, Clone)]
pub struct SearchFilter {
    /// Only these kinds of results.
    pub kinds: Vec<SearchKind>,
    /// Only inside this customer (a scoped search).
    pub customer: Option<CustomerId>,
    /// At most this many hits per reading and kind; the API asks for one page
    /// past the one it shows, so it knows whether there is a next page.
    pub limit: u64,
}

/// Agents, looked up to authenticate a request. Not partner-scoped: the agent
/// is who tells us the partner.
#[async_trait]
pub trait AgentDirectory: Send + Sync {
    /// The agent with this ID and its current roles.
    async fn agent(&self, id: AgentId) -> Result<Option<Agent>>;
    /// The agent with this email address.
    async fn agent_by_email(&self, email: &Email) -> Result<Option<Agent>>;
}

/// Everything a partner manages, read-only, always within one partner.
#[async_trait]
pub trait Directory: AgentDirectory {
    /// Runs the search for every reading of the input.
    async fn search(&self, partner: PartnerId, input: &SearchInput, filter: &SearchFilter) -> Result<Vec<SearchHit>>;

    async fn customers(&self, partner: PartnerId, ids: &[CustomerId]) -> Result<Vec<Customer>>;
    async fn users(&self, partner: PartnerId, ids: &[UserId]) -> Result<Vec<User>>;
    async fn devices(&self, partner: PartnerId, ids: &[DeviceId]) -> Result<Vec<Device>>;
    async fn phone_numbers(&self, partner: PartnerId, ids: &[PhoneNumberId]) -> Result<Vec<PhoneNumberRecord>>;
    async fn orders(&self, partner: PartnerId, ids: &[SubscriptionId]) -> Result<Vec<Order>>;

    async fn phone_number_by_number(
        &self,
        partner: PartnerId,
        number: &PhoneNumber,
    ) -> Result<Option<PhoneNumberRecord>>;
    async fn order_by_number(&self, partner: PartnerId, number: &WebOrderNumber) -> Result<Option<Order>>;

    async fn domains_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<CustomerDomain>>;
    async fn meeting_sites_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<CustomerMeetingSite>>;
    async fn orders_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<Order>>;
    async fn licenses_of(&self, partner: PartnerId, orders: &[SubscriptionId]) -> Result<Vec<License>>;
    /// The admin roles held in these customers' organisations (their admins).
    async fn admins_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<UserAdminRole>>;

    async fn admin_roles_of(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserAdminRole>>;
    async fn licenses_of_users(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserLicense>>;
    async fn features_of(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<UserFeature>>;
    async fn devices_of_users(&self, partner: PartnerId, users: &[UserId]) -> Result<Vec<Device>>;
    /// The last email sent to each of these addresses (at most one per address).
    async fn last_emails(&self, partner: PartnerId, addresses: &[Email]) -> Result<Vec<EmailEvent>>;

    async fn users_of_customer(&self, partner: PartnerId, customer: CustomerId, page: Page) -> Result<Vec<User>>;
    async fn devices_of_customer(&self, partner: PartnerId, customer: CustomerId, page: Page) -> Result<Vec<Device>>;
    async fn phone_numbers_of_customer(
        &self,
        partner: PartnerId,
        customer: CustomerId,
        page: Page,
    ) -> Result<Vec<PhoneNumberRecord>>;
}
