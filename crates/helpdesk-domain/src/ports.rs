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
use chrono::{DateTime, Utc};

use crate::access::{Agent, Role};
use crate::contact::{Email, PhoneNumber};
use crate::error::Result;
use crate::ids::{AgentId, CustomerId, DeviceId, PartnerId, PhoneNumberId, SubscriptionId, UserId};
use crate::model::{
    AuditEntry, Customer, CustomerDomain, CustomerMeetingSite, Device, EmailEvent, EmailSuppression, License,
    LicenseTotal, Order, PartnerOverview, PhoneNumberRecord, ReadOnlyGrant, User, UserAdminRole, UserFeature,
    UserLicense,
};
use crate::search::{SearchHit, SearchInput, SearchKind};
use crate::verification::CheckOutcome;
use crate::web::WebOrderNumber;

/// A window into a list: at most `limit` rows, starting after the row whose
/// sort key is `after` (a keyset page: the database seeks to that key in its
/// index, so the 50th page costs what the first does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub after: Option<PageKey>,
    pub limit: u64,
}

/// Where a row sorts in its list: the value the list is ordered by (an
/// email, a model, a number, a time in RFC 3339), then the row's ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageKey {
    pub value: String,
    pub id: uuid::Uuid,
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
    /// Each customer's licenses per offer, over its active subscriptions.
    async fn license_totals_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<LicenseTotal>>;
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

    /// How many rows one of a customer's lists holds, for `totalCount`.
    async fn count_of_customer(&self, partner: PartnerId, customer: CustomerId, list: CustomerList) -> Result<u64>;

    /// The partner's dashboard figures in `wanted` as of `now` (the others are left empty).
    async fn partner_overview(
        &self,
        partner: PartnerId,
        now: DateTime<Utc>,
        wanted: &std::collections::HashSet<crate::model::Figure>,
    ) -> Result<PartnerOverview>;
}

/// A customer's lists that page by keyset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomerList {
    Users,
    Devices,
    PhoneNumbers,
}

/// Which audit entries to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub agent: Option<AgentId>,
    /// Entries whose target is this customer or one of its records.
    pub customer: Option<CustomerId>,
    /// Entries of this action only (`search`, `open_user` …).
    pub action: Option<String>,
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    pub until: Option<chrono::DateTime<chrono::Utc>>,
}

/// A verification code to issue, already hashed, and the email carrying it.
#[derive(Debug, Clone)]
pub struct CodeToIssue {
    pub user: UserId,
    pub address: Email,
    pub hash: Vec<u8>,
    pub subject: String,
    pub body: String,
}

/// The help desk's actions and the partner admin's tools, within one partner.
#[async_trait]
pub trait HelpDesk: Directory {
    /// The partner's agents and their roles.
    async fn agents_of(&self, partner: PartnerId) -> Result<Vec<Agent>>;
    /// Gives (`on`) or takes away an agent's role; `None` if the agent is not the partner's.
    async fn set_role(&self, partner: PartnerId, agent: AgentId, role: Role, on: bool) -> Result<Option<Agent>>;

    /// Stores the code (replacing any earlier one) and queues its email, in one
    /// transaction; refused when the address is suppressed or too many codes
    /// were sent. Returns when the code expires.
    async fn issue_verification_code(
        &self,
        partner: PartnerId,
        code: CodeToIssue,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<chrono::DateTime<chrono::Utc>>;
    /// Checks a code against the stored hash with `matches`, counting the attempt.
    async fn check_verification_code(
        &self,
        partner: PartnerId,
        user: UserId,
        now: chrono::DateTime<chrono::Utc>,
        matches: &(dyn for<'h> Fn(&'h [u8]) -> bool + Send + Sync),
    ) -> Result<CheckOutcome>;

    /// The suppression-list entries of these addresses.
    async fn suppressions(&self, partner: PartnerId, addresses: &[Email]) -> Result<Vec<EmailSuppression>>;
    /// Takes an address off the suppression list; `false` if it was not on it.
    async fn remove_suppression(&self, partner: PartnerId, address: &Email) -> Result<bool>;

    /// The latest read-only grant of each of these customers.
    async fn grants_of(&self, partner: PartnerId, customers: &[CustomerId]) -> Result<Vec<ReadOnlyGrant>>;
    /// Records a read-only admin session.
    #[allow(clippy::too_many_arguments)]
    async fn record_read_only_session(
        &self,
        partner: PartnerId,
        agent: AgentId,
        customer: CustomerId,
        reason: &str,
        starts_at: chrono::DateTime<chrono::Utc>,
        ends_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<uuid::Uuid>;

    /// Appends entries to the audit log (never changes or deletes one).
    async fn append_audit(&self, entries: &[AuditEntry]) -> Result<()>;
    /// A page of the partner's audit log, newest first.
    async fn audit_log(&self, partner: PartnerId, filter: &AuditFilter, page: Page) -> Result<Vec<AuditEntry>>;
}

/// Where audit entries go. Recording never fails the request: the sink
/// queues and writes in the background. Its queue is bounded, so a flood
/// of entries slows the requests that make them instead of filling memory.
#[async_trait]
pub trait AuditSink: Send + Sync {
    /// Queues a request's entries, waiting while the queue is full.
    async fn record(&self, entries: Vec<AuditEntry>);
}

/// Each agent's budget of query cost over time: a token bucket per agent
/// that every operation's cost is taken from. A refusal says how long until
/// the bucket holds enough again.
#[async_trait]
pub trait CostLimiter: Send + Sync {
    /// Takes `cost` from `agent`'s bucket, or says how long to wait for it.
    async fn spend(&self, agent: AgentId, cost: u64) -> std::result::Result<(), std::time::Duration>;
}
