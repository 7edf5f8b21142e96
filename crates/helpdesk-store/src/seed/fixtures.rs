//! The records every scale contains, by the values the help desk types: the
//! help page's examples (a MAC, a phone number, a SIP address) and a second
//! partner to probe the wall between partners. The README and the tests name
//! these; everything else the seeder writes is generated.

use helpdesk_domain::model::{AdminRole, EmailStatus, NumberKind};
use uuid::Uuid;

use super::generator::{CustomerSpec, Generator, Grant, canonical_mac, canonical_number};
use super::vocabulary::FEATURE_NUMBER_KINDS;
use crate::entity::*;

/// Partner A, the demo partner.
pub const PARTNER_A: &str = "Northwind Partners";
/// Partner A's help desk agent: the demo token is minted for it.
pub const HELP_DESK_AGENT: &str = "helpdesk@northwind-partners.com";
/// Partner A's administrator (no Help Desk role).
pub const PARTNER_ADMIN: &str = "admin@northwind-partners.com";
/// Partner A's salesperson: no role at all.
pub const AGENT_WITHOUT_ROLE: &str = "sales@northwind-partners.com";
/// Partner B, to probe the wall between partners.
pub const PARTNER_B: &str = "Globex Partners";
/// Partner B's help desk agent.
pub const OTHER_PARTNER_AGENT: &str = "helpdesk@globex-partners.com";

/// Partner A's customer holding the help page's examples.
pub const CUSTOMER: &str = "Nan Pizza Group";
pub const CUSTOMER_DOMAIN: &str = "nanpizza.com";
pub const CUSTOMER_CLAIMED_DOMAIN: &str = "nanpizza.cisco.com";
pub const CUSTOMER_SITE: &str = "nanpizza.webex.com";
pub const USER_EMAIL: &str = "davis.walker@nanpizza.com";
pub const USER_FIRST: &str = "Davis";
pub const USER_LAST: &str = "Walker";
pub const ACCENTED_USER_FIRST: &str = "Zoë";
pub const ACCENTED_USER_LAST: &str = "Durand";
pub const BOUNCED_USER_EMAIL: &str = "jane.doe@nanpizza.com";
pub const DEVICE_MAC: &str = "2C:54:91:88:C9:E3";
pub const DEVICE_SERIAL: &str = "FCH2231A0BC";
pub const DEVICE_SIP: &str = "sip:davis@nanpizza.cisco.com";
pub const PHONE_NUMBER: &str = "+1-212-456-7890";
pub const THIRD_PARTY_MAC: &str = "00:04:F2:AA:BB:CC";
pub const WEB_ORDER: &str = "81234567";
/// A number of the customer for each kind the help page lists.
pub const AUTO_ATTENDANT_NUMBER: &str = "+12124560001";

/// Partner B's customer, invisible to partner A.
pub const OTHER_CUSTOMER: &str = "Initech";
pub const OTHER_DOMAIN: &str = "initech.com";
pub const OTHER_USER_EMAIL: &str = "peter.gibbons@initech.com";
pub const OTHER_DEVICE_MAC: &str = "AA:BB:CC:00:11:22";
pub const OTHER_PHONE_NUMBER: &str = "+14155550100";
pub const OTHER_WEB_ORDER: &str = "90000001";

impl Generator {
    /// The fixed records of [`fixtures`].
    pub(super) fn fixtures(&mut self, partner_a: Uuid, partner_b: Uuid) {
        let nan =
            self.customer(&CustomerSpec { partner: partner_a, name: CUSTOMER, slug: "nanpizza", grant: Grant::Active });
        let claimed = self.uuid();
        self.batch.domains.push(customer_domains::Model {
            id: claimed,
            partner_id: partner_a,
            customer_id: nan,
            domain: CUSTOMER_CLAIMED_DOMAIN.into(),
            verified: false,
        });
        self.order(partner_a, nan, WEB_ORDER.into());
        let davis = self.user(partner_a, nan, USER_FIRST, USER_LAST, USER_EMAIL.into(), Some(AdminRole::FullAdmin));
        self.user(
            partner_a,
            nan,
            ACCENTED_USER_FIRST,
            ACCENTED_USER_LAST,
            "zoe.durand@nanpizza.com".into(),
            Some(AdminRole::ReadOnlyAdmin),
        );
        self.user(partner_a, nan, "Jane", "Doe", BOUNCED_USER_EMAIL.into(), None);
        // The newest event of this address: the bounce.
        let yesterday = self.now - chrono::Duration::days(1);
        self.email_event_at(
            partner_a,
            BOUNCED_USER_EMAIL,
            EmailStatus::Error,
            Some("550 5.1.1 <jane.doe@nanpizza.com>: Recipient address rejected: User unknown".into()),
            yesterday,
        );
        let since = self.now - chrono::Duration::days(3);
        self.batch.suppressions.push(email_suppressions::Model {
            partner_id: partner_a,
            address: BOUNCED_USER_EMAIL.into(),
            reason: "hard_bounce".into(),
            since,
        });
        let number = canonical_number(PHONE_NUMBER);
        let sip = DEVICE_SIP.trim_start_matches("sip:").to_string();
        let phone = self.device(
            partner_a,
            nan,
            Ok(davis),
            canonical_mac(DEVICE_MAC),
            Some(DEVICE_SERIAL.into()),
            Some(sip),
            Some(number.clone()),
            false,
        );
        let _ = phone;
        self.number(partner_a, nan, number, NumberKind::UserLine, Some(davis), None, None);
        self.device(
            partner_a,
            nan,
            Err("Lobby".into()),
            canonical_mac(THIRD_PARTY_MAC),
            Some("PLY0042A1".into()),
            Some("lobby@nanpizza.cisco.com".into()),
            None,
            true,
        );
        for (i, kind) in FEATURE_NUMBER_KINDS.iter().enumerate() {
            let number = if i == 0 { AUTO_ATTENDANT_NUMBER.to_string() } else { format!("+1212456{:04}", i + 1) };
            self.feature_number(partner_a, nan, number, *kind);
        }

        let initech = self.customer(&CustomerSpec {
            partner: partner_b,
            name: OTHER_CUSTOMER,
            slug: "initech",
            grant: Grant::None,
        });
        self.order(partner_b, initech, OTHER_WEB_ORDER.into());
        let peter =
            self.user(partner_b, initech, "Peter", "Gibbons", OTHER_USER_EMAIL.into(), Some(AdminRole::FullAdmin));
        self.device(
            partner_b,
            initech,
            Ok(peter),
            canonical_mac(OTHER_DEVICE_MAC),
            Some("FOC99999999".into()),
            Some("peter@initech.cisco.com".into()),
            None,
            false,
        );
        self.feature_number(partner_b, initech, OTHER_PHONE_NUMBER.into(), NumberKind::AutoAttendant);
    }
}
