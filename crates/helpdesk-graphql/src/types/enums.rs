//! The API's enums: the domain's, mirrored as GraphQL enums (`remote`
//! conversions keep the two in step at compile time).

use async_graphql::Enum;
use helpdesk_domain::{model, search};

/// Where a customer organisation is in its life.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::CustomerStatus")]
pub enum CustomerStatus {
    Active,
    Onboarding,
    Suspended,
}

/// A user's status in its organisation.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::UserStatus")]
pub enum UserStatus {
    Active,
    Invited,
    Inactive,
}

/// A subscription's status.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::SubscriptionStatus")]
pub enum SubscriptionStatus {
    Active,
    Provisioning,
    Expired,
    Cancelled,
}

/// A device's registration status.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::DeviceStatus")]
pub enum DeviceStatus {
    Online,
    Offline,
    Activating,
}

/// What a phone number is used for.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::NumberKind")]
pub enum PhoneNumberKind {
    UserLine,
    DeviceLine,
    AutoAttendant,
    CallQueue,
    GroupPaging,
    HuntGroup,
    VirtualLine,
    VoicemailGroup,
    Inactive,
    Unassigned,
}

/// Whether a number is switched on.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::NumberState")]
pub enum PhoneNumberState {
    Active,
    Inactive,
}

/// An administrator role a user holds in its organisation.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::AdminRole")]
pub enum AdminRole {
    FullAdmin,
    ReadOnlyAdmin,
    UserAdmin,
    DeviceAdmin,
    SupportAdmin,
}

/// The status of the last email sent to an address.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::EmailStatus")]
pub enum EmailStatus {
    /// Queued, or deferred by the receiving server.
    InProgress,
    Delivered,
    /// Sent; no report came back.
    Unknown,
    /// Bounced, rejected or failed: see the mail server's reply.
    Error,
}

/// What a search can return.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "search::SearchKind")]
pub enum SearchKind {
    Customer,
    User,
    Device,
    PhoneNumber,
    Order,
}

/// How the gateway read the search text.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "search::InputKind")]
pub enum InputKind {
    /// A UUID: an organisation, user or device ID.
    Id,
    Email,
    PhoneNumber,
    MacAddress,
    SipAddress,
    Domain,
    MeetingSite,
    WebOrderNumber,
    SerialNumber,
    Name,
}

/// Which attribute of a result matched.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "search::MatchedField")]
pub enum MatchedField {
    OrganizationName,
    OrganizationId,
    Domain,
    MeetingSite,
    UserName,
    DisplayName,
    UserId,
    Email,
    PhoneNumber,
    MacAddress,
    SipAddress,
    SerialNumber,
    DeviceId,
    WebOrderNumber,
}

/// Why an address is on the suppression list.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "model::SuppressionReason")]
pub enum SuppressionReason {
    /// The receiving server said the mailbox does not exist.
    HardBounce,
    /// The user marked an email as spam.
    Complaint,
    Unsubscribe,
}
