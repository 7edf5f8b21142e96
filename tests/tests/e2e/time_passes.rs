//! Time passes: grants end, and a demo seeded long ago still works.
//!
//! The gateway takes "now" from its clock; these tests step the app's clock
//! instead of sleeping or editing dates in the database.

use chrono::Duration;
use helpdesk_domain::Clock;
use helpdesk_tests::{TestApp, e2e, error_code, fixtures::*};
use serde_json::{Value, json};

const ACCESS: &str = "query($c: ID!) { customer(id: $c) { readOnlyAccess { authorized since until } } }";
const START: &str =
    "mutation($c: ID!, $r: String!) { startReadOnlyAdminSession(customerId: $c, reason: $r) { token expiresAt } }";

async fn access(app: &TestApp, customer: &Value) -> Value {
    let res = app.query(ACCESS, json!({ "c": customer })).await;
    res["data"]["customer"]["readOnlyAccess"].clone()
}

fn date(v: &Value) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap_or_else(|| panic!("not a date: {v}"))).unwrap().into()
}

e2e!(
    /// C4: a customer authorises read-only access for two hours; when they are over,
    /// the customer shows no access, no session starts and the one started before stops.
    a_grant_ends_when_its_time_is_up, on any day, |app| async move {
    // Golden Bakery Group's own grant ran out before the demo was seeded.
    let golden = app.customer_id("Golden Bakery Group").await;
    assert_eq!(access(&app, &golden).await["authorized"], false);

    let organization = app.organization(&golden).await;
    app.server().store.grant_read_only_access(organization, 2, "admin@goldenbakery.com", app.clock.now()).await.unwrap();
    let now = access(&app, &golden).await;
    assert_eq!(now["authorized"], true, "{now}");
    assert_eq!(date(&now["until"]) - date(&now["since"]), Duration::hours(2));
    let res = app.query(START, json!({ "c": golden, "r": "ticket INC-2001" })).await;
    let token = res["data"]["startReadOnlyAdminSession"]["token"].as_str().unwrap_or_else(|| panic!("{res}")).to_string();

    app.advance_clock(Duration::minutes(30));
    let res = app.query_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert!(res["errors"].is_null(), "half an hour in, the session works: {res}");

    app.advance_clock(Duration::hours(2));
    assert_eq!(access(&app, &golden).await["authorized"], false);
    let res = app.query(START, json!({ "c": golden, "r": "ticket INC-2002" })).await;
    assert_eq!(error_code(&res), "ACCESS_NOT_AUTHORIZED");
    let res = app.query_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");
});

e2e!(
    /// `serve --demo` on a database seeded 400 days ago: the grants that ran out since
    /// are moved forward, so Nan Pizza Group allows read-only access again and a session
    /// starts; a grant that had ended before seeding, or that was revoked, stays ended.
    a_demo_seeded_long_ago_still_shows_read_only_access, |app| async move {
    let nan = app.customer_id(CUSTOMER).await;
    let golden = app.customer_id("Golden Bakery Group").await;
    let blue = app.customer_id("Blue Bakery Group").await;
    assert_eq!(access(&app, &blue).await["authorized"], true, "seeded with an active grant");
    app.server().store.revoke_read_only_access(app.organization(&blue).await, app.clock.now()).await.unwrap();

    app.advance_clock(Duration::days(400));
    assert_eq!(access(&app, &nan).await["authorized"], false, "400 days on, the seeded grant is over");

    let demo = app.another_gateway(|c| c.secret.demo = true).await;
    let token = demo.server().demo_token.clone().expect("a demo token");
    let nan_access = demo.query_with_token(Some(&token), ACCESS, json!({ "c": nan })).await;
    let nan_access = &nan_access["data"]["customer"]["readOnlyAccess"];
    assert_eq!(nan_access["authorized"], true, "{nan_access}");
    assert!(date(&nan_access["until"]) > app.clock.now() + Duration::days(29), "{nan_access}");
    let res = demo.query_with_token(Some(&token), START, json!({ "c": nan, "r": "demo" })).await;
    assert!(res["data"]["startReadOnlyAdminSession"]["token"].is_string(), "{res}");

    assert_eq!(access(&demo, &golden).await["authorized"], false, "ended before seeding");
    assert_eq!(access(&demo, &blue).await["authorized"], false, "revoked");

    // A second start the same day changes nothing.
    let again = demo.another_gateway(|c| c.secret.demo = true).await;
    assert_eq!(access(&again, &nan).await, access(&demo, &nan).await);
});
