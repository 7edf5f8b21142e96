//! A small document cannot ask for a lot of work: the work bound measures a
//! document with its fragments expanded before anything else reads it, and
//! the cost model prices what each field runs.
//!
//! These tests count what the gateway did (fields resolved, statements run),
//! never how long it took.

use helpdesk_graphql::work::MAX_WORK;
use helpdesk_store::seed::Scale;
use helpdesk_tests::hostile::{Generator, worst_known};
use helpdesk_tests::{TestApp, e2e, e2e_backends, error_code, fixtures::*, spawn_app_configured};
use serde_json::{Value, json};

/// Most fields an accepted document may make the gateway resolve: the work
/// bound for what it writes, plus the cost budget for what lists multiply.
const FIELD_BUDGET: u64 = (MAX_WORK + 5000) as u64;

/// Fragment `F0` selects `__typename`; each next fragment spreads the one before twice.
fn doubling_chain(levels: usize) -> String {
    let mut text = format!("{{ ...F{levels} }} fragment F0 on Query {{ __typename }}");
    for n in 1..=levels {
        text.push_str(&format!(" fragment F{n} on Query {{ ...F{m} ...F{m} }}", m = n - 1));
    }
    text
}

/// Sends `query` as `agent`; the response, the fields it resolved and the statements it ran.
async fn measured(app: &TestApp, agent: &str, query: &str) -> (Value, u64, u64) {
    let (fields, statements) = (app.fields_resolved().await, app.statements());
    let res = app.query_as(agent, query, json!({})).await;
    (res, app.fields_resolved().await - fields, app.statements() - statements)
}

/// Whether a response is a refusal of the whole request: no `data` entry at
/// all, as the GraphQL specification asks of errors raised before execution.
fn refused(res: &Value) -> bool {
    res.get("data").is_none()
}

/// Refused before validation or execution: no data, nothing resolved.
fn refused_before_anything_ran(res: &Value, fields: u64) {
    assert!(refused(res), "{res}");
    assert_eq!(fields, 0, "no resolver ran: {res}");
}

e2e!(
    /// An agent without any role sends a 1.3 KB chain of 30 fragments, each spreading the next
    /// twice (a billion `__typename`s): refused at once, before any resolver runs.
    a_doubling_fragment_chain_is_refused_before_anything_runs, |app| async move {
    let chain = doubling_chain(30);
    assert!(chain.len() < 1400, "{}", chain.len());
    let (res, fields, _) = measured(&app, AGENT_WITHOUT_ROLE, &chain).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    let message = res["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("fragments expanded") && message.contains(&format!("limit is {MAX_WORK}")), "{message}");
    refused_before_anything_ran(&res, fields);
    // The count is real: a plain look-up resolves its fields.
    let (res, fields, _) = measured(&app, HELP_DESK_AGENT, "{ me { name email } }").await;
    assert!(res["errors"].is_null() && fields >= 3, "{fields} fields for {res}");
    // A short chain is within the bound and answers as usual.
    let (res, fields, _) = measured(&app, HELP_DESK_AGENT, &doubling_chain(4)).await;
    assert_eq!(res["data"]["__typename"], "Query", "{res}");
    assert!(fields <= FIELD_BUDGET, "{fields}");
});

e2e!(
    /// Hostile documents of every shape, up to 2 KB (fragment chains and diamonds, aliases,
    /// nesting, directives, long lists, every root field): each one the gateway accepts resolves
    /// at most a fixed number of fields, and each one it refuses runs no resolver.
    no_hostile_document_gets_more_than_a_fixed_budget_of_fields, |app| async move {
    let mut generator = Generator::new(20261205);
    let documents: Vec<String> = worst_known().into_iter().chain((0..60).map(|_| generator.document())).collect();
    let (mut accepted, mut refusals) = (0, 0);
    for doc in &documents {
        let (res, fields, _) = measured(&app, HELP_DESK_AGENT, doc).await;
        if refused(&res) {
            refused_before_anything_ran(&res, fields);
            refusals += 1;
        } else {
            assert!(fields <= FIELD_BUDGET, "{fields} fields resolved for {doc}");
            accepted += 1;
        }
    }
    assert!(accepted > 5 && refusals > 5, "both kinds were tried: {accepted} accepted, {refusals} refused");
});

e2e!(
    /// Thirty aliases of `auditLog(first: 100)` would return 3,000 entries: priced by page and refused.
    the_audit_log_is_priced_by_its_page, |app| async move {
    let one = app.query_as(PARTNER_ADMIN, "{ auditLog(first: 100) { edges { node { action target } } } }", json!({})).await;
    assert!(one["errors"].is_null(), "{one}");
    let cost = one["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap();
    assert!(cost >= 200, "a page of 100 entries costs at least its rows: {cost}");
    let aliases: Vec<String> = (0..30).map(|i| format!("a{i}: auditLog(first: 100) {{ edges {{ node {{ action target }} }} }}")).collect();
    let res = app.query_as(PARTNER_ADMIN, &format!("{{ {} }}", aliases.join(" ")), json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("would cost"), "{res}");
});

e2e!(
    /// Each dashboard figure is a statement, and costs like one.
    each_dashboard_figure_is_priced_as_a_statement, |app| async move {
    let cost = |res: &Value| res["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap();
    let one = app.query("{ partnerOverview { devicesOffline } }", json!({})).await;
    let three = app.query("{ partnerOverview { devicesOffline emailsInErrorLast24Hours addressesSuppressedLast24Hours } }", json!({})).await;
    assert!(one["errors"].is_null() && three["errors"].is_null(), "{one} {three}");
    let statement = helpdesk_graphql::cost::STATEMENT as u64;
    assert!(cost(&one) >= statement, "{one}");
    assert!(cost(&three) >= cost(&one) + 2 * statement, "two more statements cost two statements more: {one} {three}");
    // Fifteen copies of three figures (45 statements over the whole partner) are refused.
    let copies: Vec<String> = (0..15).map(|i| format!("a{i}: partnerOverview {{ devicesOffline customersByStatus {{ status count }} licenseUsage {{ offer bought used }} }}")).collect();
    let res = app.query(&format!("{{ {} }}", copies.join(" ")), json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
});

e2e_backends!(
    /// An agent sends twenty searches with a page size out of range: each is refused, none
    /// is charged, and the agent's next real search goes through.
    a_refused_page_size_is_not_charged, |target| async move {
    let app = spawn_app_configured(target, Scale::Demo, |c| {
        c.rate_limit_per_second = 1;
        c.rate_limit_burst = 0;
    })
    .await;
    let too_big = "{ search(query: \"nan\", first: 1000) { edges { cursor node { __typename ... on User { email displayName } } } } }";
    for _ in 0..20 {
        let res = app.query(too_big, json!({})).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
        assert!(res["errors"][0]["message"].as_str().unwrap().contains("between 0 and 100"), "{res}");
    }
    let res = app.query("{ search(query: \"nan\", first: 100) { edges { cursor node { __typename ... on User { email displayName } } } } }", json!({})).await;
    assert!(res["errors"].is_null(), "not rate limited: {res}");
});

#[test]
fn the_consoles_largest_document_is_far_below_the_work_bound() {
    let documents: serde_json::Map<String, Value> = serde_json::from_str(helpdesk_console::TRUSTED_DOCUMENTS).unwrap();
    let largest = documents
        .values()
        .map(|text| {
            let doc = async_graphql::parser::parse_query(text.as_str().unwrap()).unwrap();
            helpdesk_graphql::work::check(&doc, &Default::default(), usize::MAX).unwrap()
        })
        .max()
        .unwrap();
    assert!(largest * 10 <= MAX_WORK, "the console's largest document asks for {largest}");
}
