//! Shared helpers of the end-to-end tests: start the real gateway on
//! `127.0.0.1:0` over its own fresh database, and talk to it over HTTP
//! the way the help desk console does.
//!
//! Every test runs on SQLite and, when `TEST_DATABASE_URL` names a
//! PostgreSQL server, on PostgreSQL too, each in a database of its own so
//! tests run in parallel.
//!
//! Every gateway runs on an [`AdjustableClock`] of its test's: seeding and
//! serving read the same clock, a test steps it to make time pass (a code
//! expiring, a grant ending) instead of sleeping, and the tests marked
//! `on any day` also run with the clock started a year from today, so none
//! depends on the calendar date.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod cluster;
pub mod faults;
pub mod load;
pub mod smtp;

use std::sync::Arc;
use std::time::Duration;

use helpdesk_domain::{AdjustableClock, Clock};
use helpdesk_server::Running;
use helpdesk_server::config::ServeConfig;
use helpdesk_store::seed::{self, Scale};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

pub use helpdesk_store::seed::fixtures;

mod console;
mod replica;
pub use console::trusted_document_hash;
pub use replica::{on_replica, replica_script};

/// The secret test servers sign tokens with.
pub const SECRET: &str = "end-to-end-test-secret-0123456789";

/// A database backend under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Where and when a test's gateway runs: a backend, and a clock started
/// `clock_ahead` from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Target {
    pub backend: Backend,
    pub clock_ahead: chrono::Duration,
}

impl Target {
    /// The gateway runs as if it were a year from today.
    pub fn a_year_ahead(backend: Backend) -> Target {
        Target { backend, clock_ahead: chrono::Duration::days(365) }
    }
}

impl From<Backend> for Target {
    fn from(backend: Backend) -> Target {
        Target { backend, clock_ahead: chrono::Duration::zero() }
    }
}

/// The PostgreSQL server to test against, if any (`.ci/run` always sets it).
pub fn postgres_url() -> Option<String> {
    std::env::var("TEST_DATABASE_URL").ok().filter(|s| !s.is_empty())
}

/// A running gateway with its own database, seeded with demo data.
pub struct TestApp {
    pub server: Option<Running>,
    pub backend: Backend,
    /// The clock the gateway and its seeding run on; step it to make time pass.
    pub clock: Arc<AdjustableClock>,
    /// When the gateway's data was seeded, on its clock: the seed writes a
    /// month of audit history before it, which tests of the audit trail skip.
    pub seeded_at: chrono::DateTime<chrono::Utc>,
    client: reqwest::Client,
    url: String,
    database_url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(std::path::PathBuf),
    Database { admin_url: String, name: String, dir: std::path::PathBuf },
}

impl Drop for TestApp {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Database { admin_url, name, dir } => {
                let _ = std::fs::remove_dir_all(dir);
                // Drop needs its own runtime: the test's is shutting down.
                let (admin_url, name) = (admin_url.clone(), name.clone());
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                    rt.block_on(async {
                        if let Ok(db) = Database::connect(&admin_url).await {
                            let _ =
                                db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                        }
                    });
                })
                .join();
            }
        }
    }
}

/// Starts a gateway on `target` with the demo data set.
pub async fn spawn_app(target: impl Into<Target>) -> TestApp {
    spawn_app_with(target, Scale::Demo).await
}

/// Starts a gateway on `target` with the data set of `scale`.
pub async fn spawn_app_with(target: impl Into<Target>, scale: Scale) -> TestApp {
    spawn_app_mailing(target, scale, None).await
}

/// Starts a gateway whose emails go to the SMTP relay at `smtp_url` (or, with
/// none, into `.eml` files), retrying every 50 ms or so when the relay is down.
pub async fn spawn_app_mailing(target: impl Into<Target>, scale: Scale, smtp_url: Option<String>) -> TestApp {
    spawn_app_configured(target, scale, |c| c.mail.smtp_url = smtp_url).await
}

/// Starts a gateway with its configuration adjusted by `adjust` (a Redis,
/// cache TTLs, timeouts …). The database is created and seeded first, on
/// the gateway's clock.
pub async fn spawn_app_configured(
    target: impl Into<Target>,
    scale: Scale,
    adjust: impl FnOnce(&mut ServeConfig),
) -> TestApp {
    spawn(target.into(), scale, None, adjust, async |_: &str| ()).await.0
}

/// Starts a gateway on a database that was seeded when only the first
/// `migrations` migrations existed: the gateway applies the others as it
/// starts, as a new release does on a production database. `before` looks at
/// the database (its URL) after the seeding, before the upgrade.
pub async fn spawn_app_upgrading<T>(
    target: impl Into<Target>,
    migrations: u32,
    before: impl AsyncFnOnce(&str) -> T,
) -> (TestApp, T) {
    spawn(target.into(), Scale::Demo, Some(migrations), |_| (), before).await
}

async fn spawn<T>(
    target: Target,
    scale: Scale,
    migrations: Option<u32>,
    adjust: impl FnOnce(&mut ServeConfig),
    before: impl AsyncFnOnce(&str) -> T,
) -> (TestApp, T) {
    let Target { backend, clock_ahead } = target;
    let clock = Arc::new(AdjustableClock::shifted(clock_ahead));
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("helpdesk-test-{id}"));
    std::fs::create_dir_all(&dir).unwrap();
    let (url, cleanup) = match backend {
        Backend::Sqlite => {
            (format!("sqlite://{}?mode=rwc", dir.join("helpdesk.db").display()), Cleanup::Dir(dir.clone()))
        }
        Backend::Postgres => {
            let admin_url = postgres_url().expect("TEST_DATABASE_URL is set for PostgreSQL tests");
            let name = format!("helpdesk_test_{id}");
            let admin = Database::connect(&admin_url).await.expect("PostgreSQL at TEST_DATABASE_URL is reachable");
            admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.unwrap();
            let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap();
            (format!("{base}/{name}"), Cleanup::Database { admin_url, name, dir: dir.clone() })
        }
    };
    let mut config = ServeConfig::for_tests(&url, SECRET);
    config.mail.mail_dir = dir.join("mail");
    config.mail.mail_retry_ms = 50;
    config.mail.mail_poll_ms = 50;
    // Tests send many requests as one agent; the per-agent limit is tested on its own.
    config.rate_limit_per_second = 0;
    let store = match migrations {
        None => helpdesk_server::open_store(&config.database).await.unwrap(),
        Some(steps) => {
            let db = Database::connect(&url).await.unwrap();
            <helpdesk_migrations::Migrator as helpdesk_migrations::MigratorTrait>::up(&db, Some(steps)).await.unwrap();
            db.close().await.unwrap();
            helpdesk_store::Store::connect(&config.database.store_options()).await.unwrap()
        }
    };
    seed::seed(&store, scale, clock.now()).await.unwrap();
    let looked = before(&url).await;
    adjust(&mut config);
    let server = helpdesk_server::start_on_clock(&config, clock.clone()).await.unwrap();
    let app = TestApp {
        url: server.graphql_url(),
        database_url: url,
        server: Some(server),
        backend,
        seeded_at: clock.now(),
        clock,
        client: reqwest::Client::builder().timeout(Duration::from_secs(60)).build().unwrap(),
        cleanup,
    };
    (app, looked)
}

/// Runs SQL on the database at `url`; the database's refusal as text.
pub async fn execute_sql(url: &str, sql: &str) -> Result<(), String> {
    let db = Database::connect(url).await.map_err(|e| e.to_string())?;
    db.execute_unprepared(sql).await.map(|_| ()).map_err(|e| e.to_string())
}

/// Runs `$body` against a fresh app on SQLite, and on PostgreSQL when
/// `TEST_DATABASE_URL` is set: `e2e!(name, |app| async move { … })`.
/// Written `e2e!(name, on any day, |app| …)`, it also runs with the app's
/// clock a year ahead.
#[macro_export]
macro_rules! e2e {
    ($(#[$doc:meta])* $name:ident, $(on $any:ident $day:ident,)? |$app:ident| $body:expr) => {
        $crate::e2e_backends!($(#[$doc])* $name, $(on $any $day,)? |target| async move {
            let $app = $crate::spawn_app(target).await;
            $body.await
        });
    };
}

/// Runs `$body` with each backend under test: `e2e_backends!(name, |target| async move { … })`,
/// for tests that start their app themselves (with an SMTP relay, say).
/// `$target` is a [`Target`]: a backend, and how far ahead the clock starts.
/// Written `e2e_backends!(name, on any day, |target| …)`, it also runs with
/// the clock a year ahead.
#[macro_export]
macro_rules! e2e_backends {
    ($(#[$doc:meta])* $name:ident, |$target:ident| $body:expr) => {
        $(#[$doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::e2e_case!(on_sqlite, Sqlite, today, |$target| $body);
            $crate::e2e_case!(on_postgres, Postgres, today, |$target| $body);
        }
    };
    ($(#[$doc:meta])* $name:ident, on any day, |$target:ident| $body:expr) => {
        $(#[$doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $crate::e2e_case!(on_sqlite, Sqlite, today, |$target| $body);
            $crate::e2e_case!(on_postgres, Postgres, today, |$target| $body);
            $crate::e2e_case!(a_year_ahead_on_sqlite, Sqlite, a_year_ahead, |$target| $body);
            $crate::e2e_case!(a_year_ahead_on_postgres, Postgres, a_year_ahead, |$target| $body);
        }
    };
}

/// One test function of [`e2e_backends!`]: `$body` on one backend and day.
#[doc(hidden)]
#[macro_export]
macro_rules! e2e_case {
    ($fn:ident, $backend:ident, $day:ident, |$target:ident| $body:expr) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $fn() {
            let backend = $crate::Backend::$backend;
            if backend == $crate::Backend::Postgres && $crate::postgres_url().is_none() {
                eprintln!("TEST_DATABASE_URL is not set: PostgreSQL run skipped");
                return;
            }
            let $target = $crate::e2e_day!($day, backend);
            $body.await
        }
    };
}

/// The [`Target`] of a backend on a day of [`e2e_case!`].
#[doc(hidden)]
#[macro_export]
macro_rules! e2e_day {
    (today, $backend:expr) => {
        $crate::Target::from($backend)
    };
    (a_year_ahead, $backend:expr) => {
        $crate::Target::a_year_ahead($backend)
    };
}

/// Waits until `check` returns `Some`, for effects that land after the
/// response (an email recorded as delivered, an audit entry written), and
/// fails after 30 seconds.
pub async fn eventually<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what} did not happen within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

impl TestApp {
    /// A second gateway process on the same database (and whatever Redis
    /// `adjust` names), as behind a load balancer. It shares no memory with the first.
    pub async fn another_gateway(&self, adjust: impl FnOnce(&mut ServeConfig)) -> TestApp {
        let mut config = ServeConfig::for_tests(&self.database_url, SECRET);
        config.mail.mail_dir =
            std::env::temp_dir().join(format!("helpdesk-test-mail-{}", uuid::Uuid::new_v4().simple()));
        adjust(&mut config);
        let server = helpdesk_server::start_on_clock(&config, self.clock.clone()).await.unwrap();
        TestApp {
            url: server.graphql_url(),
            database_url: self.database_url.clone(),
            server: Some(server),
            backend: self.backend,
            clock: self.clock.clone(),
            seeded_at: self.seeded_at,
            client: self.client.clone(),
            cleanup: Cleanup::Dir(config.mail.mail_dir.clone()),
        }
    }

    /// The database URL of this app (to start another gateway on it).
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// GETs one of the operator endpoints (`/healthz`, `/readyz`, `/metrics`).
    pub async fn get(&self, path: &str) -> (u16, String) {
        let url = format!("{}{path}", self.url.trim_end_matches("/graphql"));
        let res = self.client.get(url).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }

    /// Runs SQL on the app's database, as a customer-side change the API
    /// does not offer.
    pub async fn execute_sql(&self, sql: &str) {
        execute_sql(&self.database_url, sql).await.unwrap();
    }

    /// The first column of every row `sql` returns, as text: to look at what
    /// the gateway stored (an outbox row's body, say).
    pub async fn sql_texts(&self, sql: &str) -> Vec<String> {
        let db = Database::connect(&self.database_url).await.unwrap();
        let rows = db.query_all_raw(sea_orm::Statement::from_string(db.get_database_backend(), sql)).await.unwrap();
        rows.iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
    }

    /// The server.
    pub fn server(&self) -> &Running {
        self.server.as_ref().unwrap()
    }

    /// The `/graphql` URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A plain HTTP client, for requests the helpers don't cover.
    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }

    /// A token for the agent with this email address, minted on the app's clock.
    pub async fn token(&self, agent: &str) -> String {
        let clock = self.clock.clone();
        helpdesk_server::mint_token(&self.server().store, SECRET, agent, Duration::from_secs(3600), clock)
            .await
            .unwrap()
    }

    /// Makes `step` of time pass for the gateway (and its other gateways).
    pub fn advance_clock(&self, step: chrono::Duration) {
        self.clock.advance(step);
    }

    /// POSTs a GraphQL query as `agent` and returns the whole JSON response.
    /// The audit entries written since the data was seeded, newest first, as
    /// the partner admin reads them: each node with `fields`.
    /// The gateway's time now.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub async fn audit_since_seeding(&self, fields: &str) -> Vec<Value> {
        self.audit_since(self.seeded_at, fields).await
    }

    /// The audit entries written at `since` or later on the gateway's clock, newest first.
    pub async fn audit_since(&self, since: chrono::DateTime<chrono::Utc>, fields: &str) -> Vec<Value> {
        let query = format!(
            "query($since: DateTime) {{ auditLog(first: 100, since: $since) {{ edges {{ node {{ {fields} }} }} }} }}"
        );
        let since = since.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true);
        let res = self.query_as(fixtures::PARTNER_ADMIN, &query, json!({ "since": since })).await;
        res["data"]["auditLog"]["edges"].as_array().cloned().unwrap_or_default()
    }

    pub async fn query_as(&self, agent: &str, query: &str, variables: Value) -> Value {
        let token = self.token(agent).await;
        self.query_with_token(Some(&token), query, variables).await
    }

    /// POSTs a GraphQL query as the demo help desk agent.
    pub async fn query(&self, query: &str, variables: Value) -> Value {
        self.query_as(fixtures::HELP_DESK_AGENT, query, variables).await
    }

    /// POSTs a GraphQL query with this bearer token (or none).
    pub async fn query_with_token(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req = self.client.post(&self.url).json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap().json().await.unwrap()
    }

    /// Searches as the demo help desk agent; returns the `search` object.
    pub async fn search(&self, text: &str) -> Value {
        self.search_as(fixtures::HELP_DESK_AGENT, text).await
    }

    /// Searches as `agent`; returns the `search` object.
    pub async fn search_as(&self, agent: &str, text: &str) -> Value {
        let res = self.query_as(agent, SEARCH, json!({ "q": text })).await;
        assert!(res["errors"].is_null(), "search {text:?} failed: {res}");
        res["data"]["search"].clone()
    }

    /// The ID of the customer named `name`, found by a search as an agent would.
    pub async fn customer_id(&self, name: &str) -> Value {
        let s = self.query(SEARCH, json!({ "q": name, "kinds": ["CUSTOMER"] })).await;
        let found = edges(&s["data"]["search"]).into_iter().find(|e| e["node"]["name"] == name);
        found.unwrap_or_else(|| panic!("no customer {name:?}: {s}"))["node"]["id"].clone()
    }

    /// The ID of the user with this email address, found by a search.
    pub async fn user_id(&self, email: &str) -> Value {
        let s = self.search(email).await;
        let found = edges(&s).into_iter().find(|e| e["node"]["__typename"] == "User");
        found.unwrap_or_else(|| panic!("no user {email:?}: {s}"))["node"]["id"].clone()
    }

    /// The organisation ID (the customer's own key) behind a customer's API ID.
    pub async fn organization(&self, customer: &Value) -> helpdesk_domain::CustomerId {
        let r = self.query("query($c: ID!) { customer(id: $c) { organizationId } }", json!({ "c": customer })).await;
        let id = r["data"]["customer"]["organizationId"].as_str().unwrap_or_else(|| panic!("no customer: {r}"));
        helpdesk_domain::CustomerId(uuid::Uuid::parse_str(id).unwrap())
    }

    /// How many SQL statements the server has run so far.
    pub fn statements(&self) -> u64 {
        self.server().store.statements_executed()
    }
}

/// The search the console runs, with enough of each result to recognise it.
pub const SEARCH: &str = r#"
query Search($q: String!, $first: Int, $after: String, $kinds: [SearchKind!], $customerId: ID) {
  search(query: $q, first: $first, after: $after, kinds: $kinds, customerId: $customerId) {
    interpretedAs { kind value }
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges {
      cursor matchedField score
      node {
        __typename
        ... on Customer { id name }
        ... on User { id email displayName }
        ... on Device { id macAddress sipAddress serialNumber thirdParty }
        ... on PhoneNumber { id number kind customer { name } }
        ... on Order { id webOrderNumber customer { name } }
      }
    }
  }
}"#;

/// The typenames of a search's results, in order.
pub fn typenames(search: &Value) -> Vec<String> {
    edges(search).iter().map(|e| e["node"]["__typename"].as_str().unwrap_or_default().to_string()).collect()
}

/// The edges of a search.
pub fn edges(search: &Value) -> Vec<Value> {
    search["edges"].as_array().cloned().unwrap_or_default()
}

/// The `extensions.code` of the first error of a response.
pub fn error_code(response: &Value) -> String {
    response["errors"][0]["extensions"]["code"].as_str().unwrap_or("<no code>").to_string()
}
