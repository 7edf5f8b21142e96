//! Dataloaders batch: a page of N results costs the same SQL statements as a page of 1.

use helpdesk_store::seed::Scale;
use helpdesk_tests::{Backend, postgres_url, spawn_app_with};
use serde_json::json;

/// A search page as the console shows it: every result with its customer,
/// and each user's licenses, features, roles, devices and last email.
const PAGE: &str = r#"query($first: Int!) { search(query: "a", first: $first, kinds: [USER]) {
  edges { node { ... on User {
    email status licenses features adminRoles
    lastEmail { status }
    devices { model }
    customer { name domains { name } meetingSites admins { role } subscriptions { webOrderNumber licenses { offer } } }
  } } }
} }"#;

async fn statements_for_page(app: &helpdesk_tests::TestApp, first: usize) -> u64 {
    let token = app.token(helpdesk_tests::fixtures::HELP_DESK_AGENT).await;
    let before = app.statements();
    let res = app.query_with_token(Some(&token), PAGE, json!({ "first": first })).await;
    let after = app.statements();
    assert!(res["errors"].is_null(), "{res}");
    assert_eq!(res["data"]["search"]["edges"].as_array().unwrap().len(), first);
    after - before
}

async fn page_cost_does_not_grow(backend: Backend) {
    let app = spawn_app_with(backend, Scale::Small).await;
    // Each size twice, keeping the smaller count: the agent's roles are cached
    // for a second, and one of two requests in a row finds them there.
    let one = statements_for_page(&app, 1).await.min(statements_for_page(&app, 1).await);
    let fifty = statements_for_page(&app, 50).await.min(statements_for_page(&app, 50).await);
    assert_eq!(one, fifty, "a page of 50 must cost what a page of 1 costs");
    assert!(fifty <= 24, "{fifty} statements for one page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_fifty_costs_the_statements_of_a_page_of_one_on_sqlite() {
    page_cost_does_not_grow(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_of_fifty_costs_the_statements_of_a_page_of_one_on_postgres() {
    if postgres_url().is_none() {
        eprintln!("TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    }
    page_cost_does_not_grow(Backend::Postgres).await;
}
