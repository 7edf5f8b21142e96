//! A gateway under test: its own database (a SQLite file or a PostgreSQL
//! database), seeded with demo data on the test's clock, served over HTTP on
//! `127.0.0.1:0`, and the calls a test makes to it.

use std::sync::Arc;
use std::time::Duration;

use helpdesk_domain::{AdjustableClock, Clock};
use helpdesk_server::Running;
use helpdesk_server::config::ServeConfig;
use helpdesk_store::seed::{self, Scale};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};

use crate::{Backend, SEARCH, SECRET, Target, edges, execute_sql, fixtures, postgres_url};

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
    agents_kept(&server, backend).await;
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

/// Waits until a gateway on PostgreSQL keeps agents in memory (its
/// listener is up), so that what a test counts does not depend on when the
/// listener came up. SQLite keeps nothing: no wait.
async fn agents_kept(server: &Running, backend: Backend) {
    if backend == Backend::Postgres {
        crate::eventually("the gateway listens for agent changes", || async {
            server.store.agents_kept().then_some(())
        })
        .await;
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
        agents_kept(&server, self.backend).await;
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

    /// GETs one of the operator endpoints (`/healthz`, `/readyz`, `/metrics`),
    /// from the operator's address when the gateway has one (`--ops-listen`).
    pub async fn get(&self, path: &str) -> (u16, String) {
        let url = match self.server().ops_addr {
            Some(ops) if path != "/healthz" => format!("http://{ops}{path}"),
            _ => format!("{}{path}", self.url.trim_end_matches("/graphql")),
        };
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

    /// How many fields the gateway's GraphQL operations have resolved so far
    /// (`helpdesk_graphql_fields_resolved_total`).
    pub async fn fields_resolved(&self) -> u64 {
        let (_, metrics) = self.get("/metrics").await;
        let line = metrics.lines().find(|l| l.starts_with("helpdesk_graphql_fields_resolved_total "));
        line.and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            .unwrap_or_else(|| panic!("no field count: {metrics}"))
    }

    /// How many SQL statements the server has run so far.
    pub fn statements(&self) -> u64 {
        self.server().store.statements_executed()
    }
}
