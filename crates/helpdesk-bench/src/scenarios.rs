//! What the benchmark asks: each lookup as a GraphQL request to the gateway,
//! the record the answer must hold, and the same lookup as SQL run directly.

use helpdesk_domain::text::fold;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::sqlx::PgPool;
use serde_json::{Value, json};

use crate::keys::{Keys, UserKey};

/// One line of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// A user by email address.
    Email,
    /// A user by email, with their customer and licenses.
    UserCustomerLicenses,
    /// A device by MAC address.
    DeviceByMac,
    /// Customers by one word of 3 to 6 letters, 20 rows.
    CustomerPrefix,
    /// Users by "first last", 20 rows.
    FirstLast,
    /// An email address over every kind (user, SIP address, domain).
    EmailEveryKind,
    /// "first last" with two neighbouring letters of one word swapped.
    Typo,
    /// A customer's details (served by the customer cache).
    CustomerDetail,
    /// The help desk mix: emails over every kind, customer details, "first + three letters of the last".
    Mix,
    /// The partner's dashboard figures (`partnerOverview`), all 13 at once; not
    /// in the default run, and its SQL baseline is its longest statement only.
    Overview,
    /// The console's eight dashboard widgets, in turn, each sent as its
    /// trusted document's hash as the console sends it; not in the default run.
    Widgets,
}

impl Scenario {
    pub const ALL: [Scenario; 9] = [
        Scenario::Email,
        Scenario::UserCustomerLicenses,
        Scenario::DeviceByMac,
        Scenario::CustomerPrefix,
        Scenario::FirstLast,
        Scenario::EmailEveryKind,
        Scenario::Typo,
        Scenario::CustomerDetail,
        Scenario::Mix,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Scenario::Email => "user by email",
            Scenario::UserCustomerLicenses => "user + customer + licenses",
            Scenario::DeviceByMac => "device by MAC",
            Scenario::CustomerPrefix => "customer name prefix (one word, 20 rows)",
            Scenario::FirstLast => "user \"first last\" (20 rows)",
            Scenario::EmailEveryKind => "email without `kinds`",
            Scenario::Typo => "one-typo name (20 rows)",
            Scenario::CustomerDetail => "customer detail (cache)",
            Scenario::Mix => "help desk mix",
            Scenario::Overview => "partnerOverview (dashboard)",
            Scenario::Widgets => "dashboard widgets, in turn",
        }
    }
}

/// The record an answer must hold.
#[derive(Debug, Clone)]
pub enum Expect {
    User(String),
    Device(String),
    CustomerNamePrefix(String),
    UserNamed(String),
    Customer {
        id: uuid::Uuid,
        name: String,
    },
    Overview,
    /// Some figure of `partnerOverview`, and no error.
    Widget,
}

/// The hashes of the console's widget operations (`…Widget`), from its manifest.
fn widgets() -> &'static [String] {
    static WIDGETS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    WIDGETS.get_or_init(|| {
        let manifest: serde_json::Map<String, Value> =
            serde_json::from_str(helpdesk_console::TRUSTED_DOCUMENTS).unwrap_or_default();
        let mut hashes: Vec<String> = manifest
            .into_iter()
            .filter(|(_, text)| text.as_str().is_some_and(|t| t.starts_with("query ") && t.contains("Widget")))
            .map(|(hash, _)| hash)
            .collect();
        hashes.sort();
        hashes
    })
}

/// One request: the GraphQL body, and what its answer must hold.
#[derive(Debug)]
pub struct Request {
    pub body: Value,
    pub expect: Expect,
}

const USER: &str = "query($q:String!){search(query:$q,kinds:[USER],first:1){edges{node{...on User{email}}}}}";
const USER_FULL: &str = "query($q:String!){search(query:$q,kinds:[USER],first:1){edges{node{...on User{email displayName customer{name} licenses}}}}}";
const DEVICE: &str =
    "query($q:String!){search(query:$q,kinds:[DEVICE],first:1){edges{node{...on Device{macAddress}}}}}";
const CUSTOMERS: &str =
    "query($q:String!){search(query:$q,kinds:[CUSTOMER],first:20){edges{node{...on Customer{name}}}}}";
const USERS: &str = "query($q:String!){search(query:$q,kinds:[USER],first:20){edges{node{...on User{displayName}}}}}";
const EVERY: &str = "query($q:String!){search(query:$q,first:5){edges{node{__typename ...on User{email} ...on Customer{name} ...on Device{macAddress}}}}}";
const OVERVIEW: &str = "{partnerOverview{customersByStatus{status count} phoneNumbersByState{state count} devicesOffline devicesUnseenFor7Days emailsInErrorLast24Hours addressesSuppressedLast24Hours readOnlyGrantsEnding{customerName endsAt} mostActiveAgents{name actions} activityByDay{day action count} searchesByDay{day kind count} licenseUsage{offer bought used} customersMostOverLicensed{customerName} customersMostUnderUsed{customerName}}}";
const CUSTOMER: &str = "query($id:ID!){customer(id:$id){name status licenseSummary{offer quantity consumed} subscriptions{webOrderNumber}}}";

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// "first last" with letters 3 and 4 of its longest word swapped (a word of
/// 5 letters or more, so the typo is one the gateway must forgive).
fn with_typo(u: &UserKey) -> Option<String> {
    let full = fold(&format!("{} {}", u.first, u.last));
    let words: Vec<String> = full.split(' ').map(str::to_string).collect();
    let (i, w) = words.iter().enumerate().max_by_key(|(_, w)| w.chars().count())?;
    let mut letters: Vec<char> = w.chars().collect();
    if letters.len() < 5 || letters[2] == letters[3] {
        return None;
    }
    letters.swap(2, 3);
    let mut typed = words.clone();
    typed[i] = letters.into_iter().collect();
    Some(typed.join(" "))
}

/// The global ID the gateway gives a customer.
fn customer_id(id: uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("Customer:{id}"))
}

impl Scenario {
    /// The `n`th request of this scenario, its key drawn at random.
    pub fn request(self, keys: &Keys, n: u64) -> Request {
        let mut rng = StdRng::seed_from_u64(n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ self as u64);
        let user = pick(&mut rng, &keys.users).clone();
        let q = |query: &str, text: &str, expect| Request {
            body: json!({ "query": query, "variables": { "q": text } }),
            expect,
        };
        match self {
            Scenario::Email => q(USER, &user.email, Expect::User(user.email.clone())),
            Scenario::UserCustomerLicenses => q(USER_FULL, &user.email, Expect::User(user.email.clone())),
            Scenario::DeviceByMac => {
                let mac = pick(&mut rng, &keys.macs).clone();
                let typed: String = mac
                    .chars()
                    .collect::<Vec<_>>()
                    .chunks(2)
                    .map(|c| c.iter().collect::<String>())
                    .collect::<Vec<_>>()
                    .join(":");
                q(DEVICE, &typed, Expect::Device(mac))
            }
            Scenario::CustomerPrefix => {
                let (_, name) = pick(&mut rng, &keys.customers);
                let first = fold(name).split(' ').next().unwrap_or_default().to_string();
                let len = rng.gen_range(3..=6).min(first.chars().count());
                let prefix: String = first.chars().take(len).collect();
                q(CUSTOMERS, &prefix, Expect::CustomerNamePrefix(prefix.clone()))
            }
            Scenario::FirstLast => {
                let full = format!("{} {}", user.first, user.last);
                q(USERS, &full, Expect::UserNamed(fold(&full)))
            }
            Scenario::EmailEveryKind => q(EVERY, &user.email, Expect::User(user.email.clone())),
            Scenario::Typo => {
                let user = (0..100)
                    .map(|_| pick(&mut rng, &keys.users).clone())
                    .find(|u| with_typo(u).is_some())
                    .unwrap_or(user);
                let typed = with_typo(&user).unwrap_or_else(|| format!("{} {}", user.first, user.last));
                q(USERS, &typed, Expect::UserNamed(fold(&format!("{} {}", user.first, user.last))))
            }
            Scenario::CustomerDetail => {
                let (id, name) = pick(&mut rng, &keys.customers);
                Request {
                    body: json!({ "query": CUSTOMER, "variables": { "id": customer_id(*id) } }),
                    expect: Expect::Customer { id: *id, name: name.clone() },
                }
            }
            Scenario::Overview => Request { body: json!({ "query": OVERVIEW }), expect: Expect::Overview },
            Scenario::Widgets => {
                let widgets = widgets();
                let hash = &widgets[(n % widgets.len().max(1) as u64) as usize];
                let persisted = json!({ "version": 1, "sha256Hash": hash.trim_start_matches("sha256:") });
                Request { body: json!({ "extensions": { "persistedQuery": persisted } }), expect: Expect::Widget }
            }
            Scenario::Mix => match n % 3 {
                0 => Scenario::EmailEveryKind.request(keys, n),
                1 => Scenario::CustomerDetail.request(keys, n),
                _ => {
                    let partial = format!("{} {}", user.first, user.last.chars().take(3).collect::<String>());
                    q(USERS, &partial, Expect::UserNamed(fold(&partial)))
                }
            },
        }
    }
}

impl Expect {
    /// Whether a GraphQL answer is right: no errors, and the record is there.
    pub fn check(&self, answer: &Value) -> Result<(), String> {
        if !answer["errors"].is_null() {
            return Err(format!("errors: {}", answer["errors"]));
        }
        let edges = answer["data"]["search"]["edges"].as_array().cloned().unwrap_or_default();
        let nodes = || edges.iter().map(|e| &e["node"]);
        let found = match self {
            Expect::User(email) => nodes().any(|n| n["email"] == email.as_str()),
            Expect::Device(mac) => {
                nodes().any(|n| n["macAddress"].as_str().map(|m| m.replace(':', "")) == Some(mac.clone()))
            }
            Expect::CustomerNamePrefix(p) => {
                nodes().next().is_some_and(|n| fold(n["name"].as_str().unwrap_or_default()).starts_with(p.as_str()))
            }
            Expect::UserNamed(full) => {
                nodes().any(|n| fold(n["displayName"].as_str().unwrap_or_default()).starts_with(full.as_str()))
            }
            Expect::Customer { name, .. } => answer["data"]["customer"]["name"] == name.as_str(),
            Expect::Overview => {
                answer["data"]["partnerOverview"]["customersByStatus"].as_array().is_some_and(|a| !a.is_empty())
            }
            Expect::Widget => {
                answer["errors"].is_null()
                    && answer["data"]["partnerOverview"].as_object().is_some_and(|o| !o.is_empty())
            }
        };
        if found { Ok(()) } else { Err(format!("{self:?} not in {answer}")) }
    }
}

/// The same lookup as SQL, run directly: the statements the answer needs, no
/// more. Returns whether the record was found.
pub async fn sql(scenario: Scenario, keys: &Keys, n: u64, pool: &PgPool) -> Result<(), String> {
    use sea_orm::sqlx::query;
    let request = scenario.request(keys, n);
    let text = request.body["variables"]["q"].as_str().unwrap_or_default().to_string();
    let partner = keys.partner;
    let range = |p: &str| (p.to_string(), format!("{p}\u{10FFFF}"));
    let e = |e: sea_orm::sqlx::Error| e.to_string();
    let rows = match (scenario, &request.expect) {
        (Scenario::Email, _) => query("SELECT id, email, display_name FROM users WHERE partner_id = $1 AND email = $2").bind(partner).bind(&text).fetch_all(pool).await.map_err(e)?.len(),
        (Scenario::UserCustomerLicenses, _) => query("SELECT u.id, u.email, u.display_name, c.name, (SELECT array_agg(l.offer) FROM user_licenses l WHERE l.user_id = u.id) FROM users u JOIN customers c ON c.id = u.customer_id WHERE u.partner_id = $1 AND u.email = $2").bind(partner).bind(&text).fetch_all(pool).await.map_err(e)?.len(),
        (Scenario::DeviceByMac, Expect::Device(mac)) => query("SELECT id, mac FROM devices WHERE partner_id = $1 AND mac = $2 AND NOT third_party").bind(partner).bind(mac).fetch_all(pool).await.map_err(e)?.len(),
        (Scenario::CustomerPrefix, Expect::CustomerNamePrefix(p)) => {
            let (lo, hi) = range(p);
            query("SELECT id, name FROM customers WHERE partner_id = $1 AND name_key >= $2 AND name_key < $3 ORDER BY name_key LIMIT 20").bind(partner).bind(lo).bind(hi).fetch_all(pool).await.map_err(e)?.len()
        }
        (Scenario::FirstLast | Scenario::Typo | Scenario::Mix, Expect::UserNamed(full)) => {
            let (lo, hi) = range(full);
            query("SELECT id, display_name FROM users WHERE partner_id = $1 AND full_key >= $2 AND full_key < $3 ORDER BY full_key LIMIT 20").bind(partner).bind(lo).bind(hi).fetch_all(pool).await.map_err(e)?.len()
        }
        (Scenario::EmailEveryKind | Scenario::Mix, Expect::User(email)) => {
            let domain = email.split('@').nth(1).unwrap_or_default();
            let users = query("SELECT id, email FROM users WHERE partner_id = $1 AND email = $2").bind(partner).bind(email).fetch_all(pool).await.map_err(e)?.len();
            query("SELECT id FROM devices WHERE partner_id = $1 AND sip_address = $2 AND NOT third_party").bind(partner).bind(email).fetch_all(pool).await.map_err(e)?;
            query("SELECT c.id, c.name FROM customer_domains d JOIN customers c ON c.id = d.customer_id WHERE d.partner_id = $1 AND d.domain = $2").bind(partner).bind(domain).fetch_all(pool).await.map_err(e)?;
            users
        }
        (Scenario::CustomerDetail | Scenario::Mix, Expect::Customer { id, .. }) => {
            let id = *id;
            let found = query("SELECT name, status FROM customers WHERE partner_id = $1 AND id = $2").bind(partner).bind(id).fetch_all(pool).await.map_err(e)?.len();
            query("SELECT l.offer, sum(l.quantity), sum(l.consumed) FROM licenses l JOIN subscriptions s ON s.id = l.subscription_id WHERE s.customer_id = $1 GROUP BY l.offer").bind(id).fetch_all(pool).await.map_err(e)?;
            query("SELECT web_order_number FROM subscriptions WHERE customer_id = $1").bind(id).fetch_all(pool).await.map_err(e)?;
            found
        }
        (Scenario::Overview | Scenario::Widgets, _) => query("SELECT count(*) FROM devices WHERE partner_id = $1 AND (last_seen_at < now() - interval '7 days' OR last_seen_at IS NULL)").bind(partner).fetch_all(pool).await.map_err(e)?.len(),
        _ => 0,
    };
    if rows > 0 { Ok(()) } else { Err(format!("no row for {text:?}")) }
}
