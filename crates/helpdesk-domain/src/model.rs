//! What the help desk looks at: customers and what they hold.
//!
//! Plain data, filled by the store and shown by the API. Status and kind
//! values are enums with a stable text form ([`Labelled`]) that is what the
//! database keeps.

use chrono::{DateTime, Utc};

use crate::contact::{Email, PhoneNumber, SipAddress};
use crate::device::{MacAddress, SerialNumber};
use crate::ids::{CustomerId, DeviceId, PhoneNumberId, SubscriptionId, UserId};
use crate::web::{Domain, MeetingSite, WebOrderNumber};

pub use crate::labels::Labelled;

macro_rules! labelled {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $label:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
        impl Labelled for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

labelled!(/// Where a customer organisation is in its life.
CustomerStatus {
    /// In service.
    Active => "active",
    /// Being set up by the partner.
    Onboarding => "onboarding",
    /// Services stopped (unpaid, or on request).
    Suspended => "suspended",
});

labelled!(/// A user's status in its organisation.
UserStatus {
    /// Signed in at least once.
    Active => "active",
    /// Invited, has not signed in yet.
    Invited => "invited",
    /// Deactivated by an admin.
    Inactive => "inactive",
});

labelled!(/// A subscription's status.
SubscriptionStatus {
    Active => "active",
    /// Ordered, not provisioned yet.
    Provisioning => "provisioning",
    Expired => "expired",
    Cancelled => "cancelled",
});

labelled!(/// A device's registration status.
DeviceStatus {
    Online => "online",
    Offline => "offline",
    /// Added to the organisation but never registered.
    Activating => "activating",
});

labelled!(/// What a phone number is used for (the help page's list, plus the
/// lines of users and devices).
NumberKind {
    UserLine => "user_line",
    DeviceLine => "device_line",
    AutoAttendant => "auto_attendant",
    CallQueue => "call_queue",
    GroupPaging => "group_paging",
    HuntGroup => "hunt_group",
    VirtualLine => "virtual_line",
    VoicemailGroup => "voicemail_group",
    /// Held but switched off.
    Inactive => "inactive",
    /// Held, not assigned to anything.
    Unassigned => "unassigned",
});

labelled!(/// Whether a number is switched on.
NumberState {
    Active => "active",
    Inactive => "inactive",
});

labelled!(/// An administrator role a user holds in its own organisation.
AdminRole {
    FullAdmin => "full_admin",
    ReadOnlyAdmin => "read_only_admin",
    UserAdmin => "user_admin",
    DeviceAdmin => "device_admin",
    SupportAdmin => "support_admin",
});

labelled!(/// The status of the last email the service sent to an address, in the
/// words help desks use.
EmailStatus {
    /// Queued or deferred by the receiving server.
    InProgress => "in_progress",
    Delivered => "delivered",
    /// Sent, no report came back.
    Unknown => "unknown",
    /// Bounced, rejected or failed; the mail server's reply says why.
    Error => "error",
});

/// How a customer's organisation is set up: which services it runs and how
/// people sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CustomerSettings {
    pub calling: bool,
    pub messaging: bool,
    pub meetings: bool,
    /// Users sign in through the customer's own identity provider.
    pub single_sign_on: bool,
    /// Users are synchronised from the customer's directory.
    pub directory_sync: bool,
}

/// A customer organisation, managed by one partner.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: CustomerId,
    pub name: String,
    pub status: CustomerStatus,
    pub created_at: DateTime<Utc>,
    pub settings: CustomerSettings,
}

/// A domain a customer claimed, and whether it proved it owns it.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerDomain {
    pub customer_id: CustomerId,
    pub domain: Domain,
    pub verified: bool,
}

/// A meeting site of a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerMeetingSite {
    pub customer_id: CustomerId,
    pub site: MeetingSite,
}

/// A subscription, bought by a customer with one web order.
#[derive(Debug, Clone, PartialEq)]
pub struct Order {
    pub id: SubscriptionId,
    pub customer_id: CustomerId,
    pub web_order_number: WebOrderNumber,
    pub status: SubscriptionStatus,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
}

/// Licenses of one offer in a subscription: how many were bought, how many are used.
#[derive(Debug, Clone, PartialEq)]
pub struct License {
    pub subscription_id: SubscriptionId,
    pub offer: String,
    pub quantity: i32,
    pub consumed: i32,
}

/// A customer's licenses of one offer, over all its active subscriptions.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseTotal {
    pub customer_id: CustomerId,
    pub offer: String,
    pub quantity: i32,
    pub consumed: i32,
}

/// A user of a customer organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: UserId,
    pub customer_id: CustomerId,
    pub email: Email,
    pub first_name: String,
    pub last_name: String,
    pub display_name: String,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
}

/// An admin role held by a user in its organisation.
#[derive(Debug, Clone, PartialEq)]
pub struct UserAdminRole {
    pub user_id: UserId,
    pub customer_id: CustomerId,
    pub role: AdminRole,
}

/// A license assigned to a user (by offer name).
#[derive(Debug, Clone, PartialEq)]
pub struct UserLicense {
    pub user_id: UserId,
    pub offer: String,
}

/// A feature enabled for a user (calling, messaging, meetings host …).
#[derive(Debug, Clone, PartialEq)]
pub struct UserFeature {
    pub user_id: UserId,
    pub feature: String,
}

/// Who a device belongs to: a user, or a shared place (a meeting room, a lobby).
#[derive(Debug, Clone, PartialEq)]
pub enum DeviceOwner {
    User(UserId),
    Place(String),
}

/// A device of a customer. Third-party devices are known but never searched:
/// the help desk can't support them.
#[derive(Debug, Clone, PartialEq)]
pub struct Device {
    pub id: DeviceId,
    pub customer_id: CustomerId,
    pub owner: DeviceOwner,
    pub mac: Option<MacAddress>,
    pub serial: Option<SerialNumber>,
    pub sip_address: Option<SipAddress>,
    pub primary_number: Option<PhoneNumber>,
    pub model: String,
    pub third_party: bool,
    pub status: DeviceStatus,
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// What a number is assigned to.
#[derive(Debug, Clone, PartialEq)]
pub enum Assignment {
    /// Nothing: an unassigned or inactive number.
    Nothing,
    User(UserId),
    Device(DeviceId),
    /// A calling feature (auto attendant, call queue …), by its name.
    Feature(String),
}

/// A phone number held by a customer.
#[derive(Debug, Clone, PartialEq)]
pub struct PhoneNumberRecord {
    pub id: PhoneNumberId,
    pub customer_id: CustomerId,
    pub number: PhoneNumber,
    pub kind: NumberKind,
    pub state: NumberState,
    pub assigned_to: Assignment,
    /// The customer's location (site) the number belongs to.
    pub location: String,
}

/// The last email sent to an address.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailEvent {
    pub address: Email,
    pub status: EmailStatus,
    pub subject: String,
    /// The mail server's reply, on an error.
    pub reply: Option<String>,
    pub at: DateTime<Utc>,
}

labelled!(/// Why an address is on the suppression list: the service stopped
/// sending to it so as not to be treated as a spammer.
SuppressionReason {
    /// The receiving server said the mailbox does not exist.
    HardBounce => "hard_bounce",
    /// The user marked an email as spam.
    Complaint => "complaint",
    /// The user unsubscribed.
    Unsubscribe => "unsubscribe",
});

/// An address on the suppression list.
#[derive(Debug, Clone, PartialEq)]
pub struct EmailSuppression {
    pub address: Email,
    pub reason: SuppressionReason,
    pub since: DateTime<Utc>,
}

/// A customer's authorisation for its partner to view it as a read-only admin.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOnlyGrant {
    /// Which grant: a read-only session's token names it, and dies with it.
    pub id: uuid::Uuid,
    pub customer_id: CustomerId,
    pub granted_by: String,
    pub granted_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl ReadOnlyGrant {
    /// Granted, not revoked, not expired.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && self.granted_at <= now && now < self.expires_at
    }
}

/// An email waiting in the outbox for the dispatcher.
#[derive(Debug, Clone, PartialEq)]
pub struct OutgoingEmail {
    pub id: uuid::Uuid,
    pub partner_id: crate::PartnerId,
    pub to: Email,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// One line of the audit trail: who looked up or did what, when, with what outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    /// Made when the entry is, so a retried write cannot record it twice.
    pub id: uuid::Uuid,
    pub partner_id: crate::PartnerId,
    pub agent_id: crate::AgentId,
    pub at: DateTime<Utc>,
    /// `search`, `open_user`, `send_verification_code` …
    pub action: String,
    /// What it was about: a global ID or the search text's scope.
    pub target: Option<String>,
    /// `success` or the error code.
    pub outcome: String,
    /// Details (a search's text, kinds and number of results), never a secret.
    pub detail: Option<String>,
    /// The customer it concerns, if one.
    pub customer_id: Option<CustomerId>,
    /// For a search: how its text was read (its first reading), counted per
    /// day for the dashboard.
    pub read_as: Option<crate::input_kind::InputKind>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_reads_back_as_itself() {
        for k in NumberKind::ALL {
            assert_eq!(NumberKind::from_label(k.label()).unwrap(), *k);
        }
        assert!(NumberKind::from_label("fax").is_err());
    }
}

/// What a partner's dashboard shows, counted at one moment: every figure is
/// over the partner's customers only.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PartnerOverview {
    /// Customers per status, every status listed (0 when none).
    pub customers_by_status: Vec<(CustomerStatus, u64)>,
    /// Phone numbers per state, every state listed.
    pub numbers_by_state: Vec<(NumberState, u64)>,
    /// Devices offline now (third-party ones included: their owners call too).
    pub devices_offline: u64,
    /// Devices not seen for 7 days or more, or never.
    pub devices_unseen_7_days: u64,
    /// Emails whose last event in the past 24 hours is an error.
    pub emails_in_error_24h: u64,
    /// Addresses put on the suppression list in the past 24 hours.
    pub suppressed_24h: u64,
    /// Read-only grants that end within 7 days, soonest first (at most 10).
    pub grants_ending: Vec<GrantEnding>,
    /// The agents with the most audited actions in the past 7 days (at most 5).
    pub most_active_agents: Vec<AgentActivity>,
    /// Audited actions per day (UTC) and action over the past 30 days, oldest first.
    pub activity_by_day: Vec<DayActivity>,
    /// Searches per day (UTC) and kind of input over the past 30 days, oldest first.
    pub searches_by_day: Vec<DaySearches>,
    /// Licenses bought and assigned per offer, over every customer.
    pub license_usage: Vec<OfferUsage>,
    /// The customers using the most licenses beyond what they bought (at most 5).
    pub most_over_licensed: Vec<CustomerLicenses>,
    /// The customers with the most bought licenses left unused (at most 5).
    pub most_under_used: Vec<CustomerLicenses>,
}

/// One figure of a [`PartnerOverview`]. A dashboard widget asks for one or
/// two; the store computes only those, so eight widgets refreshing every
/// minute cost eight small statements, not eight whole dashboards.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Figure {
    CustomersByStatus,
    NumbersByState,
    DevicesOffline,
    DevicesUnseen7Days,
    EmailsInError24h,
    Suppressed24h,
    GrantsEnding,
    MostActiveAgents,
    ActivityByDay,
    SearchesByDay,
    LicenseUsage,
    MostOverLicensed,
    MostUnderUsed,
}

/// How many searches read as one kind of input ran on one day (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct DaySearches {
    pub day: DateTime<Utc>,
    pub kind: crate::input_kind::InputKind,
    pub count: u64,
}

/// One offer's licenses over all of a partner's customers.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferUsage {
    pub offer: String,
    /// Bought (the subscriptions' quantities).
    pub bought: u64,
    /// Assigned to users.
    pub used: u64,
}

/// One customer's licenses, all offers together.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerLicenses {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub bought: u64,
    pub used: u64,
}

/// How many times an action was audited on one day (UTC).
#[derive(Debug, Clone, PartialEq)]
pub struct DayActivity {
    pub day: DateTime<Utc>,
    pub action: String,
    pub count: u64,
}

/// A customer whose read-only grant ends soon.
#[derive(Debug, Clone, PartialEq)]
pub struct GrantEnding {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub expires_at: DateTime<Utc>,
}

/// How much an agent did.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentActivity {
    pub agent_id: crate::AgentId,
    pub name: String,
    pub actions: u64,
}
