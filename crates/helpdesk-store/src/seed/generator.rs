//! The generator: a fixed-seed RNG, running counters that keep generated
//! MACs, serials, numbers and orders unique, and the batch being built.
//!
//! Every date it writes is relative to `now`, the moment the seeding runs:
//! a customer created some days ago, a grant that ends in 30 days, an email
//! sent yesterday. The RNG decides how many days, never which calendar day.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use helpdesk_domain::model::{
    AdminRole, CustomerStatus, DeviceStatus, EmailStatus, Labelled, NumberKind, NumberState, SubscriptionStatus,
    UserStatus,
};
use helpdesk_domain::text::{fold, tails};
use helpdesk_domain::{MacAddress, PhoneNumber, Role};
use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::batch::Batch;
use super::vocabulary::*;
use super::{SeedReport, Sizes};
use crate::entity::*;

/// The generator's state: the RNG, running counters that keep generated
/// MACs, serials, numbers and orders unique, and the batch being built.
pub(super) struct Generator {
    pub(super) rng: ChaCha8Rng,
    pub(super) batch: Batch,
    pub(super) counter: u64,
    pub(super) now: DateTime<Utc>,
    pub(super) report: SeedReport,
    /// (partner, agent) of every agent with the Help Desk role, for the history.
    pub(super) help_desk_agents: Vec<(Uuid, Uuid)>,
}

/// Canonical form of a value typed the way the help page writes it.
pub(super) fn canonical_mac(s: &str) -> String {
    MacAddress::parse(s).map(|m| m.as_str().to_string()).unwrap_or_default()
}
pub(super) fn canonical_number(s: &str) -> String {
    PhoneNumber::parse(s).map(|m| m.as_str().to_string()).unwrap_or_default()
}

pub(super) struct CustomerSpec<'a> {
    pub(super) partner: Uuid,
    pub(super) name: &'a str,
    pub(super) slug: &'a str,
    pub(super) grant: Grant,
}

/// The read-only access a customer gave its partner, as of seeding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Grant {
    /// Never asked.
    None,
    /// Granted yesterday, for 31 days: active for 30 days after seeding.
    Active,
    /// Granted 40 days ago for 30 days: it ended 10 days before seeding.
    Lapsed,
}

/// How long a demo grant lasts, and where its window sits from seeding.
const GRANT_DAYS: i64 = 31;

impl Generator {
    pub(super) fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid()
    }

    pub(super) fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(super) fn days_ago(&mut self, max: i64) -> DateTime<Utc> {
        self.now - chrono::Duration::days(self.rng.gen_range(1..max))
    }

    pub(super) fn partner(&mut self, name: &str, agents: &[(&str, &str, &[Role])]) -> Uuid {
        let id = self.uuid();
        self.batch.partners.push(partners::Model { id, name: name.into(), created_at: self.now });
        for (email, agent_name, roles) in agents {
            let agent = self.uuid();
            self.batch.agents.push(agents::Model {
                id: agent,
                partner_id: id,
                email: (*email).into(),
                name: (*agent_name).into(),
                created_at: self.now,
            });
            if roles.contains(&Role::HelpDesk) {
                self.help_desk_agents.push((id, agent));
            }
            for role in *roles {
                self.batch.agent_roles.push(agent_roles::Model {
                    agent_id: agent,
                    partner_id: id,
                    role: role.label().into(),
                });
            }
        }
        id
    }

    pub(super) fn customer(&mut self, spec: &CustomerSpec<'_>) -> Uuid {
        let id = self.uuid();
        let status =
            *[CustomerStatus::Active, CustomerStatus::Active, CustomerStatus::Active, CustomerStatus::Onboarding]
                .choose(&mut self.rng)
                .unwrap_or(&CustomerStatus::Active);
        let created_at = self.days_ago(2000);
        let name_key = fold(spec.name);
        for key in tails(&name_key) {
            let name = spec.name.into();
            self.batch.name_keys.push(customer_name_keys::Model {
                partner_id: spec.partner,
                key,
                customer_id: id,
                name,
            });
        }
        self.batch.name_words(spec.partner, &name_key);
        self.batch.customers.push(customers::Model {
            id,
            partner_id: spec.partner,
            name: spec.name.into(),
            name_key,
            status: status.label().into(),
            created_at,
            calling: self.rng.gen_bool(0.8),
            messaging: true,
            meetings: self.rng.gen_bool(0.9),
            single_sign_on: self.rng.gen_bool(0.3),
            directory_sync: self.rng.gen_bool(0.4),
        });
        let domain_id = self.uuid();
        self.batch.domains.push(customer_domains::Model {
            id: domain_id,
            partner_id: spec.partner,
            customer_id: id,
            domain: format!("{}.com", spec.slug),
            verified: true,
        });
        let site_id = self.uuid();
        self.batch.sites.push(meeting_sites::Model {
            id: site_id,
            partner_id: spec.partner,
            customer_id: id,
            host: format!("{}.webex.com", spec.slug),
        });
        let granted_days_ago = match spec.grant {
            Grant::None => None,
            Grant::Active => Some(1),
            Grant::Lapsed => Some(GRANT_DAYS + 10),
        };
        if let Some(days) = granted_days_ago {
            // Active grants draw their ID from the RNG; lapsed ones derive it
            // from the customer's, so they take nothing from the RNG's
            // sequence and leave every other generated ID unchanged.
            let grant = if spec.grant == Grant::Active { self.uuid() } else { Uuid::from_u128(!id.as_u128()) };
            let granted_at = self.now - chrono::Duration::days(days);
            self.batch.grants.push(read_only_grants::Model {
                id: grant,
                partner_id: spec.partner,
                customer_id: id,
                granted_by: format!("admin@{}.com", spec.slug),
                granted_at,
                expires_at: granted_at + chrono::Duration::days(GRANT_DAYS),
                revoked_at: None,
            });
        }
        self.report.customers += 1;
        id
    }

    pub(super) fn order(&mut self, partner: Uuid, customer: Uuid, number: String) {
        let id = self.uuid();
        let starts_at = self.days_ago(700);
        let status = if self.rng.gen_bool(0.85) { SubscriptionStatus::Active } else { SubscriptionStatus::Expired };
        // A three-year term; an expired one ended half-way between its start and now.
        let ends_at = match status {
            SubscriptionStatus::Expired => starts_at + (self.now - starts_at) / 2,
            _ => starts_at + chrono::Duration::days(365 * 3),
        };
        self.batch.subscriptions.push(subscriptions::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            web_order_number: number,
            status: status.label().into(),
            starts_at,
            ends_at: Some(ends_at),
        });
        for offer in OFFERS.choose_multiple(&mut self.rng, 2).copied().collect::<Vec<_>>() {
            let quantity = self.rng.gen_range(10..500);
            let license = self.uuid();
            self.batch.licenses.push(licenses::Model {
                id: license,
                partner_id: partner,
                subscription_id: id,
                offer: offer.into(),
                quantity,
                consumed: self.rng.gen_range(0..=quantity),
            });
        }
        self.report.orders += 1;
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn user(
        &mut self,
        partner: Uuid,
        customer: Uuid,
        first: &str,
        last: &str,
        email: String,
        admin: Option<AdminRole>,
    ) -> Uuid {
        let id = self.uuid();
        let display = format!("{first} {last}");
        let status =
            *[UserStatus::Active, UserStatus::Active, UserStatus::Active, UserStatus::Invited, UserStatus::Inactive]
                .choose(&mut self.rng)
                .unwrap_or(&UserStatus::Active);
        let created_at = self.days_ago(1500);
        let (full_key, display_key) = (fold(&format!("{first} {last}")), fold(&display));
        self.batch.name_words(partner, &full_key);
        self.batch.name_words(partner, &display_key);
        self.batch.users.push(users::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            email: email.clone(),
            first_name: first.into(),
            last_name: last.into(),
            full_key,
            reverse_key: fold(&format!("{last} {first}")),
            display_key,
            display_name: display,
            status: status.label().into(),
            created_at,
        });
        if let Some(role) = admin {
            self.batch.admin_roles.push(user_admin_roles::Model {
                user_id: id,
                partner_id: partner,
                customer_id: customer,
                role: role.label().into(),
            });
        }
        for offer in OFFERS.choose_multiple(&mut self.rng, 2).copied().collect::<Vec<_>>() {
            self.batch.user_licenses.push(user_licenses::Model {
                user_id: id,
                partner_id: partner,
                offer: offer.into(),
            });
        }
        for feature in FEATURES.choose_multiple(&mut self.rng, 3).copied().collect::<Vec<_>>() {
            self.batch.user_features.push(user_features::Model {
                user_id: id,
                partner_id: partner,
                feature: feature.into(),
            });
        }
        // The last email the service sent this user: mostly delivered, some bounced.
        let roll: f64 = self.rng.r#gen();
        let (status, reply) = match roll {
            r if r < 0.55 => (Some(EmailStatus::Delivered), None),
            r if r < 0.60 => (
                Some(EmailStatus::Error),
                Some("550 5.1.1 The email account that you tried to reach does not exist".to_string()),
            ),
            r if r < 0.65 => (Some(EmailStatus::InProgress), None),
            r if r < 0.70 => (Some(EmailStatus::Unknown), None),
            _ => (None, None),
        };
        if let Some(status) = status {
            self.email_event(partner, &email, status, reply);
        }
        self.report.users += 1;
        id
    }

    pub(super) fn email_event(&mut self, partner: Uuid, address: &str, status: EmailStatus, reply: Option<String>) {
        let at = self.days_ago(60);
        self.email_event_at(partner, address, status, reply, at);
    }

    pub(super) fn email_event_at(
        &mut self,
        partner: Uuid,
        address: &str,
        status: EmailStatus,
        reply: Option<String>,
        at: DateTime<Utc>,
    ) {
        let id = self.uuid();
        self.batch.email_events.push(email_events::Model {
            id,
            partner_id: partner,
            address: address.into(),
            status: status.label().into(),
            subject: "Welcome to Webex".into(),
            reply,
            at,
        });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn device(
        &mut self,
        partner: Uuid,
        customer: Uuid,
        owner: Result<Uuid, String>,
        mac: String,
        serial: Option<String>,
        sip: Option<String>,
        number: Option<String>,
        third_party: bool,
    ) -> Uuid {
        let id = self.uuid();
        let models = if third_party { THIRD_PARTY_MODELS } else { FIRST_PARTY_MODELS };
        let model = models.choose(&mut self.rng).copied().unwrap_or("Cisco 8865");
        let status = *[DeviceStatus::Online, DeviceStatus::Online, DeviceStatus::Offline, DeviceStatus::Activating]
            .choose(&mut self.rng)
            .unwrap_or(&DeviceStatus::Online);
        let last_seen_at = (status != DeviceStatus::Activating).then(|| self.days_ago(30));
        let (owner_user_id, owner_place) = match owner {
            Ok(user) => (Some(user), None),
            Err(place) => (None, Some(place)),
        };
        self.batch.devices.push(devices::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            owner_user_id,
            owner_place,
            mac: Some(mac),
            serial,
            sip_address: sip,
            primary_number: number,
            model: model.into(),
            third_party,
            status: status.label().into(),
            last_seen_at,
        });
        self.report.devices += 1;
        id
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn number(
        &mut self,
        partner: Uuid,
        customer: Uuid,
        number: String,
        kind: NumberKind,
        user: Option<Uuid>,
        device: Option<Uuid>,
        name: Option<String>,
    ) {
        let id = self.uuid();
        let state = if kind == NumberKind::Inactive { NumberState::Inactive } else { NumberState::Active };
        let location = LOCATIONS.choose(&mut self.rng).copied().unwrap_or("Headquarters");
        self.batch.numbers.push(phone_numbers::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            number,
            kind: kind.label().into(),
            state: state.label().into(),
            assigned_user_id: user,
            assigned_device_id: device,
            assigned_name: name,
            location: location.into(),
        });
        self.report.phone_numbers += 1;
    }

    pub(super) fn feature_number(&mut self, partner: Uuid, customer: Uuid, number: String, kind: NumberKind) {
        let name = match kind {
            NumberKind::AutoAttendant => Some("Main Menu".to_string()),
            NumberKind::CallQueue => Some("Support Queue".to_string()),
            NumberKind::GroupPaging => Some("Warehouse Paging".to_string()),
            NumberKind::HuntGroup => Some("Sales Hunt Group".to_string()),
            NumberKind::VirtualLine => Some("Reception Virtual Line".to_string()),
            NumberKind::VoicemailGroup => Some("After-hours Voicemail".to_string()),
            _ => None,
        };
        self.number(partner, customer, number, kind, None, None, name);
    }

    /// A generated customer with its users, devices, numbers and orders.
    pub(super) fn generated_customer(
        &mut self,
        partner: Uuid,
        index: usize,
        sizes: &Sizes,
        taken: &mut HashSet<String>,
    ) {
        let (a, b, c) = (
            WORD_A[index % WORD_A.len()],
            WORD_B[(index / WORD_A.len()) % WORD_B.len()],
            WORD_C[(index / (WORD_A.len() * WORD_B.len())) % WORD_C.len()],
        );
        let mut name = format!("{a} {b} {c}");
        if !taken.insert(name.clone()) {
            name = format!("{name} {index}");
            taken.insert(name.clone());
        }
        let slug: String = fold(&name).replace(' ', "");
        let customer = self.customer(&CustomerSpec {
            partner,
            name: &name,
            slug: &slug,
            grant: match index % 3 {
                0 => Grant::Active,
                1 => Grant::Lapsed,
                _ => Grant::None,
            },
        });
        for _ in 0..sizes.orders {
            let n = self.next();
            self.order(partner, customer, format!("{}", 10_000_000 + n));
        }
        let mut users = Vec::with_capacity(sizes.users);
        let mut emails = HashSet::new();
        for j in 0..sizes.users {
            let first = FIRST[self.rng.gen_range(0..FIRST.len())];
            let last = LAST[self.rng.gen_range(0..LAST.len())];
            let local = fold(&format!("{first}.{last}")).replace(' ', ".");
            let mut email = format!("{local}@{slug}.com");
            if !emails.insert(email.clone()) {
                email = format!("{local}{j}@{slug}.com");
                emails.insert(email.clone());
            }
            let admin = match j {
                0 => Some(AdminRole::FullAdmin),
                1 => Some(AdminRole::ReadOnlyAdmin),
                _ => None,
            };
            if j % 37 == 5 {
                let since = self.days_ago(90);
                self.batch.suppressions.push(email_suppressions::Model {
                    partner_id: partner,
                    address: email.clone(),
                    reason: "hard_bounce".into(),
                    since,
                });
            }
            let user = self.user(partner, customer, first, last, email, admin);
            users.push((user, local));
        }
        for k in 0..sizes.devices {
            let n = self.next();
            let third_party = k % 10 == 9;
            let mac = format!("{:04X}{:08X}", 0x0A1B + (n >> 32), n & 0xFFFF_FFFF);
            let serial = format!("FOC{n:08}");
            let number = format!("+1646{n:07}");
            let (owner, sip) = match users.get(k) {
                Some((user, local)) if k % 4 != 3 => (Ok(*user), format!("{local}@{slug}.calls.webex.com")),
                _ => (Err(format!("Room {k}")), format!("room{k}@{slug}.calls.webex.com")),
            };
            let device = self.device(
                partner,
                customer,
                owner.clone(),
                mac,
                Some(serial),
                Some(sip),
                Some(number.clone()),
                third_party,
            );
            match owner {
                Ok(user) => self.number(partner, customer, number, NumberKind::UserLine, Some(user), None, None),
                Err(_) => self.number(partner, customer, number, NumberKind::DeviceLine, None, Some(device), None),
            }
        }
        for k in 0..sizes.numbers.saturating_sub(sizes.devices) {
            let n = self.next();
            let kind = FEATURE_NUMBER_KINDS[k % FEATURE_NUMBER_KINDS.len()];
            self.feature_number(partner, customer, format!("+1718{n:07}"), kind);
        }
    }
}
