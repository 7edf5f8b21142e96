//! Rows → domain types: the one place where stored text is parsed back.
//!
//! The store writes only canonical values, so a value that fails to parse
//! here means the data was changed behind the gateway's back: it is reported
//! as [`StoreError::Corrupt`] rather than shown half-right.

use helpdesk_domain::access::{Agent, Role};
use helpdesk_domain::model::*;
use helpdesk_domain::search::InputKind;
use helpdesk_domain::{
    AgentId, CustomerId, DeviceId, Domain, Email, MacAddress, MeetingSite, PartnerId, PhoneNumber, PhoneNumberId,
    SerialNumber, SipAddress, SubscriptionId, UserId, WebOrderNumber,
};

use crate::StoreError;
use crate::entity::*;

type R<T> = Result<T, StoreError>;

fn corrupt(e: helpdesk_domain::Error) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn parse<T>(f: impl Fn(&str) -> helpdesk_domain::error::Result<T>, s: &str) -> R<T> {
    f(s).map_err(corrupt)
}

fn parse_opt<T>(f: impl Fn(&str) -> helpdesk_domain::error::Result<T>, s: &Option<String>) -> R<Option<T>> {
    s.as_deref().map(|v| parse(&f, v)).transpose()
}

pub(crate) fn label<T: Labelled>(s: &str) -> R<T> {
    T::from_label(s).map_err(corrupt)
}

pub(crate) fn agent(row: agents::Model, roles: &[agent_roles::Model]) -> R<Agent> {
    Ok(Agent {
        id: AgentId(row.id),
        partner_id: PartnerId(row.partner_id),
        email: parse(Email::parse, &row.email)?,
        name: row.name,
        roles: roles.iter().filter(|r| r.agent_id == row.id).map(|r| label::<Role>(&r.role)).collect::<R<_>>()?,
    })
}

pub(crate) fn customer(row: customers::Model) -> R<Customer> {
    Ok(Customer {
        id: CustomerId(row.id),
        name: row.name,
        status: label(&row.status)?,
        created_at: row.created_at,
        settings: CustomerSettings {
            calling: row.calling,
            messaging: row.messaging,
            meetings: row.meetings,
            single_sign_on: row.single_sign_on,
            directory_sync: row.directory_sync,
        },
    })
}

pub(crate) fn domain(row: customer_domains::Model) -> R<CustomerDomain> {
    Ok(CustomerDomain {
        customer_id: CustomerId(row.customer_id),
        domain: parse(Domain::parse, &row.domain)?,
        verified: row.verified,
    })
}

pub(crate) fn meeting_site(row: meeting_sites::Model) -> R<CustomerMeetingSite> {
    Ok(CustomerMeetingSite { customer_id: CustomerId(row.customer_id), site: parse(MeetingSite::parse, &row.host)? })
}

pub(crate) fn order(row: subscriptions::Model) -> R<Order> {
    Ok(Order {
        id: SubscriptionId(row.id),
        customer_id: CustomerId(row.customer_id),
        web_order_number: parse(WebOrderNumber::parse, &row.web_order_number)?,
        status: label(&row.status)?,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
    })
}

pub(crate) fn license(row: licenses::Model) -> R<License> {
    Ok(License {
        subscription_id: SubscriptionId(row.subscription_id),
        offer: row.offer,
        quantity: row.quantity,
        consumed: row.consumed,
    })
}

pub(crate) fn user(row: users::Model) -> R<User> {
    Ok(User {
        id: UserId(row.id),
        customer_id: CustomerId(row.customer_id),
        email: parse(Email::parse, &row.email)?,
        first_name: row.first_name,
        last_name: row.last_name,
        display_name: row.display_name,
        status: label(&row.status)?,
        created_at: row.created_at,
    })
}

pub(crate) fn admin_role(row: user_admin_roles::Model) -> R<UserAdminRole> {
    Ok(UserAdminRole {
        user_id: UserId(row.user_id),
        customer_id: CustomerId(row.customer_id),
        role: label(&row.role)?,
    })
}

pub(crate) fn user_license(row: user_licenses::Model) -> R<UserLicense> {
    Ok(UserLicense { user_id: UserId(row.user_id), offer: row.offer })
}

pub(crate) fn user_feature(row: user_features::Model) -> R<UserFeature> {
    Ok(UserFeature { user_id: UserId(row.user_id), feature: row.feature })
}

pub(crate) fn device(row: devices::Model) -> R<Device> {
    let owner = match (row.owner_user_id, row.owner_place) {
        (Some(user), _) => DeviceOwner::User(UserId(user)),
        (None, Some(place)) => DeviceOwner::Place(place),
        (None, None) => {
            return Err(StoreError::Corrupt(format!("device {} has no owner", row.id)));
        }
    };
    Ok(Device {
        id: DeviceId(row.id),
        customer_id: CustomerId(row.customer_id),
        owner,
        mac: parse_opt(MacAddress::parse, &row.mac)?,
        serial: parse_opt(SerialNumber::parse, &row.serial)?,
        sip_address: parse_opt(SipAddress::parse, &row.sip_address)?,
        primary_number: parse_opt(PhoneNumber::parse, &row.primary_number)?,
        model: row.model,
        third_party: row.third_party,
        status: label(&row.status)?,
        last_seen_at: row.last_seen_at,
    })
}

pub(crate) fn phone_number(row: phone_numbers::Model) -> R<PhoneNumberRecord> {
    let assigned_to = match (row.assigned_user_id, row.assigned_device_id, row.assigned_name) {
        (Some(user), _, _) => Assignment::User(UserId(user)),
        (None, Some(device), _) => Assignment::Device(DeviceId(device)),
        (None, None, Some(name)) => Assignment::Feature(name),
        (None, None, None) => Assignment::Nothing,
    };
    Ok(PhoneNumberRecord {
        id: PhoneNumberId(row.id),
        customer_id: CustomerId(row.customer_id),
        number: parse(PhoneNumber::parse, &row.number)?,
        kind: label(&row.kind)?,
        state: label(&row.state)?,
        assigned_to,
        location: row.location,
    })
}

pub(crate) fn email_event(row: email_events::Model) -> R<EmailEvent> {
    Ok(EmailEvent {
        address: parse(Email::parse, &row.address)?,
        status: label(&row.status)?,
        subject: row.subject,
        reply: row.reply,
        at: row.at,
    })
}

/// Maps every row, failing on the first bad one.
pub(crate) fn all<T, U>(rows: Vec<T>, f: impl Fn(T) -> R<U>) -> R<Vec<U>> {
    rows.into_iter().map(f).collect()
}

pub(crate) fn suppression(row: email_suppressions::Model) -> R<EmailSuppression> {
    Ok(EmailSuppression { address: parse(Email::parse, &row.address)?, reason: label(&row.reason)?, since: row.since })
}

pub(crate) fn grant(row: read_only_grants::Model) -> R<ReadOnlyGrant> {
    Ok(ReadOnlyGrant {
        id: row.id,
        customer_id: CustomerId(row.customer_id),
        granted_by: row.granted_by,
        granted_at: row.granted_at,
        expires_at: row.expires_at,
        revoked_at: row.revoked_at,
    })
}

pub(crate) fn audit_entry(row: audit_log::Model) -> R<AuditEntry> {
    Ok(AuditEntry {
        id: row.id,
        partner_id: PartnerId(row.partner_id),
        agent_id: AgentId(row.agent_id),
        at: row.at,
        action: row.action,
        target: row.target,
        outcome: row.outcome,
        detail: row.detail,
        customer_id: row.customer_id.map(CustomerId),
        read_as: row.read_as.as_deref().map(label::<InputKind>).transpose()?,
    })
}

pub(crate) fn outgoing(row: outbox::Model) -> R<OutgoingEmail> {
    Ok(OutgoingEmail {
        id: row.id,
        partner_id: PartnerId(row.partner_id),
        to: parse(Email::parse, &row.address)?,
        subject: row.subject,
        body: row.body,
        attempts: row.attempts,
    })
}

/// Rows sorted by `group` then newest first: keeps the first (newest) row of each group.
pub(crate) fn first_of_each<T, K: PartialEq>(mut rows: Vec<T>, group: impl Fn(&T) -> K) -> Vec<T> {
    // `dedup_by` keeps the first of each run of equal neighbours.
    rows.dedup_by(|row, kept| group(row) == group(kept));
    rows
}
