//! Shared helpers of the end-to-end tests: start the real gateway on
//! `127.0.0.1:0` over its own fresh database, and talk to it over HTTP
//! the way the help desk console does.
//!
//! Every test runs on SQLite and, when `TEST_DATABASE_URL` names a
//! PostgreSQL server, on PostgreSQL too, each in a database of its own so
//! tests run in parallel.
//!
//! Every gateway runs on an [`AdjustableClock`](helpdesk_domain::AdjustableClock) of its test's: seeding and
//! serving read the same clock, a test steps it to make time pass (a code
//! expiring, a grant ending) instead of sleeping, and the tests marked
//! `on any day` also run with the clock started a year from today, so none
//! depends on the calendar date.

#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod cluster;
pub mod faults;
pub mod hostile;
pub mod load;
pub mod smtp;

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;

pub use helpdesk_store::seed::fixtures;

mod app;
mod console;
mod replica;
pub use app::{TestApp, spawn_app, spawn_app_configured, spawn_app_mailing, spawn_app_upgrading, spawn_app_with};
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

/// Whether a PostgreSQL half of a test is skipped: only when no server is
/// named and none is required. In CI (`CI` set, as `.ci/run` sets it) a
/// missing `TEST_DATABASE_URL` fails the test instead of letting it pass
/// without having tested anything.
pub fn skip_postgres() -> bool {
    if postgres_url().is_some() {
        return false;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set but TEST_DATABASE_URL is not: the PostgreSQL half of this test cannot run"
    );
    eprintln!("TEST_DATABASE_URL is not set: PostgreSQL run skipped");
    true
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
            if backend == $crate::Backend::Postgres && $crate::skip_postgres() {
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
