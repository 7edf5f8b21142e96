//! The summary as stored in Redis: JSON of a fixed, versioned shape. Only
//! this module writes it and reads it back; a value that does not parse is a
//! miss, never an error.

use chrono::{DateTime, Utc};
use helpdesk_domain::model::{
    AdminRole, Customer, CustomerDomain, CustomerMeetingSite, CustomerSettings, Labelled, LicenseTotal, ReadOnlyGrant,
    UserAdminRole,
};
use helpdesk_domain::{CustomerId, Domain, MeetingSite, PartnerId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::CustomerSummary;

/// The shape of [`Stored`]: part of every key, so a gateway never reads a
/// summary written in another shape (v2 added the license totals, v3 the grant's ID).
pub(super) const SUMMARY_VERSION: u32 = 3;

/// The summary as stored in Redis (JSON). Only this module reads it back.
#[derive(Serialize, Deserialize)]
pub(super) struct Stored {
    partner: Uuid,
    id: Uuid,
    name: String,
    status: String,
    created_at: DateTime<Utc>,
    settings: [bool; 5],
    domains: Vec<(String, bool)>,
    sites: Vec<String>,
    admins: Vec<(Uuid, String)>,
    licenses: Vec<(String, i32, i32)>,
    grant: Option<StoredGrant>,
}

/// A grant as stored: ID, granted by, granted at, expires at, revoked at.
type StoredGrant = (Uuid, String, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>);

impl From<&CustomerSummary> for Stored {
    fn from(s: &CustomerSummary) -> Self {
        let c = &s.customer;
        let st = c.settings;
        Stored {
            partner: s.partner_id.0,
            id: c.id.0,
            name: c.name.clone(),
            status: c.status.label().into(),
            created_at: c.created_at,
            settings: [st.calling, st.messaging, st.meetings, st.single_sign_on, st.directory_sync],
            domains: s.domains.iter().map(|d| (d.domain.to_string(), d.verified)).collect(),
            sites: s.sites.iter().map(|m| m.site.to_string()).collect(),
            admins: s.admins.iter().map(|a| (a.user_id.0, a.role.label().to_string())).collect(),
            licenses: s.licenses.iter().map(|l| (l.offer.clone(), l.quantity, l.consumed)).collect(),
            grant: s.grant.as_ref().map(|g| (g.id, g.granted_by.clone(), g.granted_at, g.expires_at, g.revoked_at)),
        }
    }
}

impl Stored {
    /// The summary, or `None` for anything that does not read back cleanly.
    pub(super) fn into_summary(self) -> Option<CustomerSummary> {
        let id = CustomerId(self.id);
        let [calling, messaging, meetings, single_sign_on, directory_sync] = self.settings;
        Some(CustomerSummary {
            partner_id: PartnerId(self.partner),
            customer: Customer {
                id,
                name: self.name,
                status: Labelled::from_label(&self.status).ok()?,
                created_at: self.created_at,
                settings: CustomerSettings { calling, messaging, meetings, single_sign_on, directory_sync },
            },
            domains: self
                .domains
                .into_iter()
                .map(|(d, verified)| {
                    Some(CustomerDomain { customer_id: id, domain: Domain::parse(&d).ok()?, verified })
                })
                .collect::<Option<_>>()?,
            sites: self
                .sites
                .into_iter()
                .map(|s| Some(CustomerMeetingSite { customer_id: id, site: MeetingSite::parse(&s).ok()? }))
                .collect::<Option<_>>()?,
            admins: self
                .admins
                .into_iter()
                .map(|(u, r)| {
                    Some(UserAdminRole { user_id: UserId(u), customer_id: id, role: AdminRole::from_label(&r).ok()? })
                })
                .collect::<Option<_>>()?,
            licenses: self
                .licenses
                .into_iter()
                .map(|(offer, quantity, consumed)| LicenseTotal { customer_id: id, offer, quantity, consumed })
                .collect(),
            grant: self.grant.map(|(grant, granted_by, granted_at, expires_at, revoked_at)| ReadOnlyGrant {
                id: grant,
                customer_id: id,
                granted_by,
                granted_at,
                expires_at,
                revoked_at,
            }),
        })
    }
}
