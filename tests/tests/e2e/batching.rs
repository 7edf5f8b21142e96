//! Dataloaders batch: a page of N results costs the same SQL statements as a page of 1.

use helpdesk_store::seed::Scale;
use helpdesk_tests::{Backend, spawn_app_with};
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
    if helpdesk_tests::skip_postgres() {
        return;
    }
    page_cost_does_not_grow(Backend::Postgres).await;
}

/// The statements one request costs (the fewer of two runs: the agent's
/// roles are cached for a second).
async fn statements_for(app: &helpdesk_tests::TestApp, query: &str) -> u64 {
    let token = app.token(helpdesk_tests::fixtures::HELP_DESK_AGENT).await;
    let mut fewest = u64::MAX;
    for _ in 0..2 {
        let before = app.statements();
        let res = app.query_with_token(Some(&token), query, json!({})).await;
        assert!(res["errors"].is_null(), "{res}");
        assert_eq!(res["data"]["search"]["edges"].as_array().map(Vec::len), Some(1), "{res}");
        fewest = fewest.min(app.statements() - before);
    }
    fewest
}

helpdesk_tests::e2e!(
    /// The rows a search read are the rows its page shows: asking for the
    /// user's or the device's fields costs no statement beyond the search.
    a_search_hands_the_rows_it_read_to_its_page, |app| async move {
    use helpdesk_tests::fixtures::{DEVICE_MAC, USER_EMAIL};
    for (text, kind, fields) in [(USER_EMAIL, "USER", "... on User { email displayName status firstName }"), (DEVICE_MAC, "DEVICE", "... on Device { macAddress model status }")] {
        let bare = format!(r#"{{ search(query: "{text}", kinds: [{kind}]) {{ edges {{ score }} }} }}"#);
        let shown = format!(r#"{{ search(query: "{text}", kinds: [{kind}]) {{ edges {{ score node {{ {fields} }} }} }} }}"#);
        assert_eq!(statements_for(&app, &shown).await, statements_for(&app, &bare).await, "{text}: the record was read twice");
    }
});
