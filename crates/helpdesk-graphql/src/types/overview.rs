//! `partnerOverview`: what a partner's dashboard widgets show, in one query.

use std::collections::HashSet;

use async_graphql::{Context, ID, SimpleObject};
use chrono::{DateTime, Utc};
use helpdesk_domain::model::{self, Figure};

use super::{CustomerStatus, InputKind, PhoneNumberState};
use crate::ids::{NodeType, encode};

/// Counts and short lists over the partner's customers, as of `at`. Each
/// figure is one statement over the whole partner, and is priced as one.
#[derive(SimpleObject)]
pub struct PartnerOverview {
    /// When the figures were counted (the gateway's clock).
    at: DateTime<Utc>,
    /// Customers per status; every status is listed.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    customers_by_status: Vec<CustomerStatusCount>,
    /// Phone numbers per state; every state is listed.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    phone_numbers_by_state: Vec<PhoneNumberStateCount>,
    /// Devices offline now.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    devices_offline: u64,
    /// Devices not seen for 7 days or more, or never registered.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    devices_unseen_for_7_days: u64,
    /// Email events in error in the past 24 hours.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    emails_in_error_last_24_hours: u64,
    /// Addresses put on the suppression list in the past 24 hours.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    addresses_suppressed_last_24_hours: u64,
    /// Read-only grants that end within 7 days, soonest first (at most 10).
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    read_only_grants_ending: Vec<GrantEnding>,
    /// The agents with the most audited actions in the past 7 days (at most 5).
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    most_active_agents: Vec<AgentActivity>,
    /// Audited actions (searches, records opened, codes sent …) per day (UTC)
    /// and action over the past 30 days, oldest first.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    activity_by_day: Vec<DayActivity>,
    /// Searches per day (UTC) and kind of input over the past 30 days, oldest first.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    searches_by_day: Vec<DaySearches>,
    /// Licenses bought and assigned per offer, over every customer.
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    license_usage: Vec<OfferUsage>,
    /// The customers with the most licenses assigned beyond what they bought, most first (at most 5).
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    customers_most_over_licensed: Vec<CustomerLicenses>,
    /// The customers with the most bought licenses unassigned, most first (at most 5).
    #[graphql(complexity = "crate::cost::STATEMENT + child_complexity")]
    customers_most_under_used: Vec<CustomerLicenses>,
}

/// How many searches read as one kind of input ran on one day.
#[derive(SimpleObject)]
pub struct DaySearches {
    day: DateTime<Utc>,
    kind: InputKind,
    count: u64,
}

/// One offer's licenses over all the partner's customers.
#[derive(SimpleObject)]
pub struct OfferUsage {
    offer: String,
    /// Bought through subscriptions.
    bought: u64,
    /// Assigned to users.
    used: u64,
}

/// One customer's licenses, all offers together.
#[derive(SimpleObject)]
pub struct CustomerLicenses {
    customer_id: ID,
    customer_name: String,
    bought: u64,
    used: u64,
}

/// How many times an action was audited on one day.
#[derive(SimpleObject)]
pub struct DayActivity {
    day: DateTime<Utc>,
    action: String,
    count: u64,
}

#[derive(SimpleObject)]
pub struct CustomerStatusCount {
    status: CustomerStatus,
    count: u64,
}

#[derive(SimpleObject)]
pub struct PhoneNumberStateCount {
    state: PhoneNumberState,
    count: u64,
}

/// A customer whose read-only grant ends soon.
#[derive(SimpleObject)]
pub struct GrantEnding {
    customer_id: ID,
    customer_name: String,
    ends_at: DateTime<Utc>,
}

/// How many audited actions an agent took.
#[derive(SimpleObject)]
pub struct AgentActivity {
    agent_id: ID,
    name: String,
    actions: u64,
}

/// Which figure each field shows: the resolver asks the store for the
/// selected ones only.
const FIELDS: &[(&str, Figure)] = &[
    ("customersByStatus", Figure::CustomersByStatus),
    ("phoneNumbersByState", Figure::NumbersByState),
    ("devicesOffline", Figure::DevicesOffline),
    ("devicesUnseenFor7Days", Figure::DevicesUnseen7Days),
    ("emailsInErrorLast24Hours", Figure::EmailsInError24h),
    ("addressesSuppressedLast24Hours", Figure::Suppressed24h),
    ("readOnlyGrantsEnding", Figure::GrantsEnding),
    ("mostActiveAgents", Figure::MostActiveAgents),
    ("activityByDay", Figure::ActivityByDay),
    ("searchesByDay", Figure::SearchesByDay),
    ("licenseUsage", Figure::LicenseUsage),
    ("customersMostOverLicensed", Figure::MostOverLicensed),
    ("customersMostUnderUsed", Figure::MostUnderUsed),
];

/// The figures the operation selects under `partnerOverview` (aliases and
/// fragments included).
pub fn wanted(ctx: &Context<'_>) -> HashSet<Figure> {
    let look = ctx.look_ahead();
    FIELDS.iter().filter(|(field, _)| look.field(field).exists()).map(|(_, figure)| *figure).collect()
}

impl PartnerOverview {
    pub fn new(o: model::PartnerOverview, at: DateTime<Utc>) -> Self {
        PartnerOverview {
            at,
            customers_by_status: o
                .customers_by_status
                .into_iter()
                .map(|(s, count)| CustomerStatusCount { status: s.into(), count })
                .collect(),
            phone_numbers_by_state: o
                .numbers_by_state
                .into_iter()
                .map(|(s, count)| PhoneNumberStateCount { state: s.into(), count })
                .collect(),
            devices_offline: o.devices_offline,
            devices_unseen_for_7_days: o.devices_unseen_7_days,
            emails_in_error_last_24_hours: o.emails_in_error_24h,
            addresses_suppressed_last_24_hours: o.suppressed_24h,
            read_only_grants_ending: o
                .grants_ending
                .into_iter()
                .map(|g| GrantEnding {
                    customer_id: encode(NodeType::Customer, g.customer_id.0),
                    customer_name: g.customer_name,
                    ends_at: g.expires_at,
                })
                .collect(),
            most_active_agents: o
                .most_active_agents
                .into_iter()
                .map(|a| AgentActivity {
                    agent_id: encode(NodeType::Agent, a.agent_id.0),
                    name: a.name,
                    actions: a.actions,
                })
                .collect(),
            activity_by_day: o
                .activity_by_day
                .into_iter()
                .map(|d| DayActivity { day: d.day, action: d.action, count: d.count })
                .collect(),
            searches_by_day: o
                .searches_by_day
                .into_iter()
                .map(|d| DaySearches { day: d.day, kind: d.kind.into(), count: d.count })
                .collect(),
            license_usage: o
                .license_usage
                .into_iter()
                .map(|u| OfferUsage { offer: u.offer, bought: u.bought, used: u.used })
                .collect(),
            customers_most_over_licensed: o.most_over_licensed.into_iter().map(CustomerLicenses::from).collect(),
            customers_most_under_used: o.most_under_used.into_iter().map(CustomerLicenses::from).collect(),
        }
    }
}

impl From<model::CustomerLicenses> for CustomerLicenses {
    fn from(c: model::CustomerLicenses) -> Self {
        CustomerLicenses {
            customer_id: encode(NodeType::Customer, c.customer_id.0),
            customer_name: c.customer_name,
            bought: c.bought,
            used: c.used,
        }
    }
}
