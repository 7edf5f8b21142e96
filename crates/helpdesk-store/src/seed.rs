//! Deterministic demo data: `helpdesk seed --scale demo|small|large`.
//!
//! The same scale always produces the same partners, customers, users,
//! devices, numbers and orders (fixed RNG seed), so the README, the tests and
//! a bug report can all talk about the same records. A few records are fixed
//! on purpose and listed in [`fixtures`]: the help page's examples (a MAC, a
//! phone number, a SIP address) and a second partner to probe tenant walls.
//!
//! Rows are written in large multi-row `INSERT`s inside transactions, so the
//! `large` scale (20,000 customers, 1,000,000 users) loads in minutes.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use helpdesk_domain::model::{
    AdminRole, CustomerStatus, DeviceStatus, EmailStatus, Labelled, NumberKind, NumberState, SubscriptionStatus,
    UserStatus,
};
use helpdesk_domain::text::fold;
use helpdesk_domain::{MacAddress, PhoneNumber, Role};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel};
use uuid::Uuid;

use crate::entity::*;
use crate::{Store, StoreError};

/// The records every scale contains, by the values the help desk types.
pub mod fixtures {
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
}

/// How much data to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// A few dozen customers: the embedded default and the tests.
    Demo,
    /// 500 customers, 20,000 users.
    Small,
    /// 20,000 customers, 1,000,000 users, 500,000 devices and numbers, 100,000 orders.
    Large,
}

struct Sizes {
    customers_per_partner: usize,
    users: usize,
    devices: usize,
    numbers: usize,
    orders: usize,
}

impl Scale {
    fn sizes(self) -> Sizes {
        match self {
            Scale::Demo => Sizes { customers_per_partner: 12, users: 12, devices: 6, numbers: 10, orders: 2 },
            Scale::Small => Sizes { customers_per_partner: 250, users: 40, devices: 20, numbers: 20, orders: 3 },
            Scale::Large => Sizes { customers_per_partner: 10_000, users: 50, devices: 25, numbers: 25, orders: 5 },
        }
    }
}

impl std::str::FromStr for Scale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "demo" => Ok(Scale::Demo),
            "small" => Ok(Scale::Small),
            "large" => Ok(Scale::Large),
            other => Err(format!("unknown scale {other:?}: use demo, small or large")),
        }
    }
}

/// What the seeder wrote, and how long it took.
#[derive(Debug, Clone, Default)]
pub struct SeedReport {
    pub customers: usize,
    pub users: usize,
    pub devices: usize,
    pub phone_numbers: usize,
    pub orders: usize,
    pub elapsed: Duration,
}

const FIRST: &[&str] = &[
    "Alice",
    "Bruno",
    "Chloé",
    "Daniel",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Inès",
    "James",
    "Keiko",
    "Liam",
    "Maya",
    "Noah",
    "Olivia",
    "Pedro",
    "Quentin",
    "Rosa",
    "Sami",
    "Théo",
    "Uma",
    "Victor",
    "Wen",
    "Xavier",
    "Yara",
    "Zoé",
    "Amélie",
    "Björn",
    "Camille",
    "Dmitri",
    "Emma",
    "François",
    "Giulia",
    "Hannah",
    "Ivan",
    "Júlia",
    "Karim",
    "Léa",
];
const LAST: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Smith",
    "Johnson",
    "García",
    "Müller",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Brown",
    "Lefèvre",
    "Moreau",
    "Silva",
    "Tanaka",
    "Wilson",
    "Andersson",
    "Novak",
    "O'Brien",
    "Petit",
    "Roux",
    "Schmidt",
    "Taylor",
    "Vasquez",
    "Weber",
    "Young",
    "Zimmermann",
    "Fontaine",
    "Costa",
    "Haddad",
    "Ivanova",
    "Jensen",
];
const WORD_A: &[&str] = &[
    "Blue",
    "Golden",
    "Harbor",
    "Summit",
    "Pioneer",
    "Evergreen",
    "Silver",
    "Crescent",
    "Maple",
    "Granite",
    "Coastal",
    "Northern",
    "Bright",
    "Cedar",
    "Atlas",
    "Nova",
    "Sterling",
    "Orchard",
    "Falcon",
    "Lakeside",
];
const WORD_B: &[&str] = &[
    "Bakery",
    "Logistics",
    "Dental",
    "Legal",
    "Motors",
    "Clinic",
    "Studios",
    "Foods",
    "Energy",
    "Travel",
    "Realty",
    "Pharmacy",
    "Robotics",
    "Textiles",
    "Insurance",
    "Brewing",
    "Analytics",
    "Hotels",
    "Farms",
    "Labs",
];
const WORD_C: &[&str] = &["Group", "Inc", "SA", "GmbH", "Ltd", "Partners", "Co", "Holdings"];
const OFFERS: &[&str] = &[
    "Webex Calling Professional",
    "Webex Meetings Enterprise",
    "Webex Suite",
    "Webex Messaging",
    "Webex Calling Workspaces",
];
const FEATURES: &[&str] = &["calling", "messaging", "meetings_host", "voicemail", "call_recording"];
const FIRST_PARTY_MODELS: &[&str] =
    &["Cisco Desk Phone 9861", "Cisco Desk Pro", "Cisco Room Bar", "Cisco 8865", "Cisco Board Pro"];
const THIRD_PARTY_MODELS: &[&str] = &["Polycom VVX 411", "Yealink T54W"];
const LOCATIONS: &[&str] = &["Headquarters", "Paris office", "Warehouse", "Branch 2"];
const FEATURE_NUMBER_KINDS: &[NumberKind] = &[
    NumberKind::AutoAttendant,
    NumberKind::CallQueue,
    NumberKind::GroupPaging,
    NumberKind::HuntGroup,
    NumberKind::VirtualLine,
    NumberKind::VoicemailGroup,
    NumberKind::Inactive,
    NumberKind::Unassigned,
];

/// Rows waiting to be written, flushed in large multi-row inserts.
#[derive(Default)]
struct Batch {
    partners: Vec<partners::Model>,
    agents: Vec<agents::Model>,
    agent_roles: Vec<agent_roles::Model>,
    customers: Vec<customers::Model>,
    domains: Vec<customer_domains::Model>,
    sites: Vec<meeting_sites::Model>,
    subscriptions: Vec<subscriptions::Model>,
    licenses: Vec<licenses::Model>,
    users: Vec<users::Model>,
    admin_roles: Vec<user_admin_roles::Model>,
    user_licenses: Vec<user_licenses::Model>,
    user_features: Vec<user_features::Model>,
    devices: Vec<devices::Model>,
    numbers: Vec<phone_numbers::Model>,
    email_events: Vec<email_events::Model>,
    suppressions: Vec<email_suppressions::Model>,
    grants: Vec<read_only_grants::Model>,
}

/// Rows per INSERT: well under SQLite's and PostgreSQL's bind-parameter limits.
const ROWS_PER_INSERT: usize = 1_000;

async fn insert<M, A>(db: &impl sea_orm::ConnectionTrait, rows: &mut Vec<M>) -> Result<(), StoreError>
where
    M: IntoActiveModel<A>,
    A: ActiveModelTrait + Send,
{
    while !rows.is_empty() {
        let n = rows.len().min(ROWS_PER_INSERT);
        let chunk: Vec<A> = rows.drain(..n).map(IntoActiveModel::into_active_model).collect();
        A::Entity::insert_many(chunk).exec_without_returning(db).await?;
    }
    Ok(())
}

impl Batch {
    fn len(&self) -> usize {
        self.users.len() + self.devices.len() + self.numbers.len() + self.user_licenses.len()
    }

    async fn flush(&mut self, store: &Store) -> Result<(), StoreError> {
        let txn = store.begin_write().await?;
        insert(&txn, &mut self.partners).await?;
        insert(&txn, &mut self.agents).await?;
        insert(&txn, &mut self.agent_roles).await?;
        insert(&txn, &mut self.customers).await?;
        insert(&txn, &mut self.domains).await?;
        insert(&txn, &mut self.sites).await?;
        insert(&txn, &mut self.subscriptions).await?;
        insert(&txn, &mut self.licenses).await?;
        insert(&txn, &mut self.users).await?;
        insert(&txn, &mut self.admin_roles).await?;
        insert(&txn, &mut self.user_licenses).await?;
        insert(&txn, &mut self.user_features).await?;
        insert(&txn, &mut self.devices).await?;
        insert(&txn, &mut self.numbers).await?;
        insert(&txn, &mut self.email_events).await?;
        insert(&txn, &mut self.suppressions).await?;
        insert(&txn, &mut self.grants).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// The generator's state: the RNG, running counters that keep generated
/// MACs, serials, numbers and orders unique, and the batch being built.
struct Generator {
    rng: ChaCha8Rng,
    batch: Batch,
    counter: u64,
    now: DateTime<Utc>,
    report: SeedReport,
}

/// Canonical form of a value typed the way the help page writes it.
fn canonical_mac(s: &str) -> String {
    MacAddress::parse(s).map(|m| m.as_str().to_string()).unwrap_or_default()
}
fn canonical_number(s: &str) -> String {
    PhoneNumber::parse(s).map(|m| m.as_str().to_string()).unwrap_or_default()
}

struct CustomerSpec<'a> {
    partner: Uuid,
    name: &'a str,
    slug: &'a str,
    grant: bool,
}

impl Generator {
    fn uuid(&mut self) -> Uuid {
        uuid::Builder::from_random_bytes(self.rng.r#gen()).into_uuid()
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    fn days_ago(&mut self, max: i64) -> DateTime<Utc> {
        self.now - chrono::Duration::days(self.rng.gen_range(1..max))
    }

    fn partner(&mut self, name: &str, agents: &[(&str, &str, &[Role])]) -> Uuid {
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

    fn customer(&mut self, spec: &CustomerSpec<'_>) -> Uuid {
        let id = self.uuid();
        let status =
            *[CustomerStatus::Active, CustomerStatus::Active, CustomerStatus::Active, CustomerStatus::Onboarding]
                .choose(&mut self.rng)
                .unwrap_or(&CustomerStatus::Active);
        let created_at = self.days_ago(2000);
        self.batch.customers.push(customers::Model {
            id,
            partner_id: spec.partner,
            name: spec.name.into(),
            name_key: fold(spec.name),
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
        if spec.grant {
            let grant = self.uuid();
            self.batch.grants.push(read_only_grants::Model {
                id: grant,
                partner_id: spec.partner,
                customer_id: id,
                granted_by: format!("admin@{}.com", spec.slug),
                granted_at: self.now - chrono::Duration::days(1),
                expires_at: self.now + chrono::Duration::days(30),
                revoked_at: None,
            });
        }
        self.report.customers += 1;
        id
    }

    fn order(&mut self, partner: Uuid, customer: Uuid, number: String) {
        let id = self.uuid();
        let starts_at = self.days_ago(700);
        let status = if self.rng.gen_bool(0.85) { SubscriptionStatus::Active } else { SubscriptionStatus::Expired };
        self.batch.subscriptions.push(subscriptions::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            web_order_number: number,
            status: status.label().into(),
            starts_at,
            ends_at: Some(starts_at + chrono::Duration::days(365 * 3)),
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
    fn user(
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
        self.batch.users.push(users::Model {
            id,
            partner_id: partner,
            customer_id: customer,
            email: email.clone(),
            first_name: first.into(),
            last_name: last.into(),
            full_key: fold(&format!("{first} {last}")),
            reverse_key: fold(&format!("{last} {first}")),
            display_key: fold(&display),
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

    fn email_event(&mut self, partner: Uuid, address: &str, status: EmailStatus, reply: Option<String>) {
        let at = self.days_ago(60);
        self.email_event_at(partner, address, status, reply, at);
    }

    fn email_event_at(
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
    fn device(
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
    fn number(
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

    fn feature_number(&mut self, partner: Uuid, customer: Uuid, number: String, kind: NumberKind) {
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
    fn generated_customer(&mut self, partner: Uuid, index: usize, sizes: &Sizes, taken: &mut HashSet<String>) {
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
        let customer =
            self.customer(&CustomerSpec { partner, name: &name, slug: &slug, grant: index.is_multiple_of(3) });
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

    /// The fixed records of [`fixtures`].
    fn fixtures(&mut self, partner_a: Uuid, partner_b: Uuid) {
        use fixtures::*;
        let nan = self.customer(&CustomerSpec { partner: partner_a, name: CUSTOMER, slug: "nanpizza", grant: true });
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

        let initech =
            self.customer(&CustomerSpec { partner: partner_b, name: OTHER_CUSTOMER, slug: "initech", grant: false });
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

/// The RNG seed: change it and every generated record changes.
const SEED: u64 = 0x4E1D_E5C0;

/// Writes the demo data set of `scale` into an empty database.
pub async fn seed(store: &Store, scale: Scale) -> Result<SeedReport, StoreError> {
    if !store.is_empty().await? {
        return Err(StoreError::Seed("the database already holds data; seed an empty database".into()));
    }
    let started = Instant::now();
    let sizes = scale.sizes();
    let mut g = Generator {
        rng: ChaCha8Rng::seed_from_u64(SEED),
        batch: Batch::default(),
        counter: 0,
        now: Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).single().unwrap_or_else(Utc::now),
        report: SeedReport::default(),
    };
    let a = g.partner(
        fixtures::PARTNER_A,
        &[
            (fixtures::PARTNER_ADMIN, "Avery Admin", &[Role::PartnerAdmin]),
            (fixtures::HELP_DESK_AGENT, "Hana Helpdesk", &[Role::HelpDesk]),
            ("lead@northwind-partners.com", "Lee Lead", &[Role::PartnerAdmin, Role::HelpDesk]),
            (fixtures::AGENT_WITHOUT_ROLE, "Sam Sales", &[]),
        ],
    );
    let b = g.partner(
        fixtures::PARTNER_B,
        &[(fixtures::OTHER_PARTNER_AGENT, "Gil Globex", &[Role::HelpDesk, Role::PartnerAdmin])],
    );
    g.fixtures(a, b);
    let mut taken = HashSet::new();
    for index in 0..sizes.customers_per_partner {
        for partner in [a, b] {
            g.generated_customer(partner, index, &sizes, &mut taken);
        }
        if g.batch.len() >= 20_000 {
            g.batch.flush(store).await?;
        }
    }
    g.batch.flush(store).await?;
    g.report.elapsed = started.elapsed();
    Ok(g.report)
}
