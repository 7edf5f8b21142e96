//! The audit trail records every opening of a user's or a customer's
//! details, whatever the path, once per request; and it stays small whatever
//! a client sends.

use helpdesk_tests::{TestApp, e2e, error_code, eventually, fixtures::*};
use serde_json::{Value, json};

/// The audit entries written since `since`, once `count` of them are, oldest first.
async fn entries(app: &TestApp, since: chrono::DateTime<chrono::Utc>, count: usize) -> Vec<Value> {
    let mut all = eventually("the audit entries written", || async {
        let edges = app.audit_since(since, "action outcome target detail customerId").await;
        (edges.len() >= count).then_some(edges)
    })
    .await;
    all.reverse();
    all.into_iter().map(|e| e["node"].clone()).collect()
}

fn opened<'a>(entries: &'a [Value], action: &str, key: &str) -> Vec<&'a Value> {
    entries.iter().filter(|e| e["action"] == action && e["target"] == key).collect()
}

/// The organisation key behind an API ID, as the audit trail names targets.
fn key(id: &Value) -> String {
    helpdesk_graphql::ids::decode(id.as_str().unwrap()).unwrap().1.to_string()
}

e2e!(
    /// One request reaches Davis Walker four ways (look-up, node, a search result and his
    /// phone's owner): one `open_user` entry. A device look-up alone records its owner too.
    a_user_opened_four_ways_in_one_request_is_recorded_once, |app| async move {
    let user = app.user_id(USER_EMAIL).await;
    let device = app.search(DEVICE_MAC).await["edges"][0]["node"]["id"].clone();
    let since = app.now();
    let four_ways = app.query(
        "query($u: ID!, $d: ID!) { user(id: $u) { email } node(id: $u) { id } search(query: \"davis.walker@nanpizza.com\", kinds: [USER]) { edges { node { ... on User { email } } } } device(id: $d) { owner { ... on User { email } } } }",
        json!({ "u": user, "d": device }),
    ).await;
    assert!(four_ways["errors"].is_null(), "{four_ways}");
    let this_request = entries(&app, since, 2).await;
    let this_request = &this_request[..];
    assert_eq!(opened(this_request, "open_user", &key(&user)).len(), 1, "{this_request:?}");
    // The customer is shown nowhere in that request: no open_customer.
    assert!(this_request.iter().all(|e| e["action"] != "open_customer"), "{this_request:?}");

    // The next request opens him again, through a device alone: a new entry.
    let again = app.now();
    let res = app.query("query($d: ID!) { device(id: $d) { owner { ... on User { email } } } }", json!({ "d": device })).await;
    assert!(res["errors"].is_null(), "{res}");
    let log = entries(&app, again, 1).await;
    assert_eq!(opened(&log, "open_user", &key(&user)).len(), 1, "{log:?}");
});

e2e!(
    /// A phone number's customer, an order's customer and a search result are openings of the customer.
    a_customer_reached_through_a_number_is_recorded, |app| async move {
    let nan = app.customer_id(CUSTOMER).await;
    let since = app.now();
    let res = app.query("query($n: String!) { phoneNumber(number: $n) { customer { name } } }", json!({ "n": PHONE_NUMBER })).await;
    assert!(res["errors"].is_null(), "{res}");
    let log = entries(&app, since, 1).await;
    assert_eq!(opened(&log, "open_customer", &key(&nan)).len(), 1, "{log:?}");
});

e2e!(
    /// A 20 KB search text, refused as too long, leaves an entry of a few hundred bytes;
    /// a garbage ID is recorded as such, not copied.
    audit_entries_stay_small_whatever_is_sent, |app| async move {
    let huge = "x".repeat(20_000);
    let res = app.query("query($q: String!) { search(query: $q) { edges { cursor } } }", json!({ "q": huge })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
    let garbage = "G".repeat(5_000);
    let res = app.query("query($u: ID!) { user(id: $u) { email } }", json!({ "u": garbage })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
    let log = entries(&app, app.seeded_at, 2).await;
    for e in &log {
        let size = serde_json::to_string(e).unwrap().len();
        assert!(size < 600, "an audit entry of {size} bytes: {e}");
    }
    let refused_search = log.iter().find(|e| e["action"] == "search" && e["outcome"] == "BAD_USER_INPUT").unwrap();
    assert!(refused_search["detail"].as_str().unwrap().len() <= 310 * 3, "{refused_search}");
    let garbage_open = log.iter().find(|e| e["action"] == "open_user").unwrap();
    assert_eq!(garbage_open["target"], "an ID that does not parse");
});

e2e!(
    /// A partner admin filtering the audit log by action sees only that
    /// action, newest first; searches record how their text was read.
    the_audit_log_filters_by_action, |app| async move {
    let since = app.now();
    app.search(USER_EMAIL).await;
    let user = app.user_id(USER_EMAIL).await;
    app.query("query($u: ID!) { user(id: $u) { email } }", json!({ "u": user })).await;
    entries(&app, since, 2).await;
    let query = "query($a: String) { auditLog(first: 100, action: $a) { nodes { action at readAs } } }";
    let res = app.query_as(PARTNER_ADMIN, query, json!({ "a": "search" })).await;
    let nodes = res["data"]["auditLog"]["nodes"].as_array().unwrap().clone();
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n["action"] == "search"), "{res}");
    assert_eq!(nodes[0]["readAs"], "EMAIL", "the newest is ours, read as an email: {res}");
    let times: Vec<&str> = nodes.iter().map(|n| n["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let res = app.query_as(PARTNER_ADMIN, query, json!({ "a": "open_user" })).await;
    let nodes = res["data"]["auditLog"]["nodes"].as_array().unwrap().clone();
    assert!(!nodes.is_empty() && nodes.iter().all(|n| n["action"] == "open_user" && n["readAs"].is_null()), "{res}");
});

e2e!(
    /// An agent sends 2,000 look-ups of IDs that do not exist, then reads five real users in
    /// the same request: the audit log names all five, and one entry counts the failures it
    /// did not record one by one.
    failed_look_ups_cannot_push_real_reads_out_of_the_audit_trail, |app| async move {
    let found = app.query(helpdesk_tests::SEARCH, json!({ "q": "a", "kinds": ["USER"], "first": 5 })).await;
    let users: Vec<Value> = helpdesk_tests::edges(&found["data"]["search"]).iter().map(|e| e["node"]["id"].clone()).collect();
    assert_eq!(users.len(), 5, "{found}");
    // 20 failed look-ups, spread 10 × 10 times: 2,000, in a document of under 2 KB.
    let misses: Vec<String> = (0..20).map(|i| format!("m{i}: user(id: \"missing-{i}\") {{ id }}")).collect();
    let reads: Vec<String> = users.iter().enumerate().map(|(i, u)| format!("r{i}: user(id: {u}) {{ email }}")).collect();
    let doc = format!(
        "{{ ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred ...Hundred {} }} \
         fragment Misses on Query {{ {} }} \
         fragment Hundred on Query {{ ...Misses ...Misses ...Misses ...Misses ...Misses ...Misses ...Misses ...Misses ...Misses ...Misses }}",
        reads.join(" "),
        misses.join(" "),
    );
    assert!(doc.len() < 2048, "{}", doc.len());
    let since = app.now();
    let res = app.query(&doc, json!({})).await;
    assert_eq!(res["errors"].as_array().map(Vec::len), Some(2000), "every miss is an error of its own");
    for i in 0..5 {
        assert!(res["data"][format!("r{i}")]["email"].is_string(), "{}", res["data"]);
    }
    let log = entries(&app, since, 56).await;
    for user in &users {
        assert_eq!(opened(&log, "open_user", &key(user)).len(), 1, "{user} is named: {log:?}");
    }
    let failures = log.iter().filter(|e| e["action"] == "open_user" && e["outcome"] == "BAD_USER_INPUT").count();
    assert_eq!(failures, 50, "failures recorded one by one, up to their own budget");
    let summary: Vec<&Value> = log.iter().filter(|e| e["action"] == "more_failures").collect();
    assert_eq!(summary.len(), 1, "{log:?}");
    assert!(summary[0]["detail"].as_str().unwrap().starts_with("1950 more failed look-ups"), "{}", summary[0]);
});

e2e!(
    /// Opening a device, a phone number or an order, by look-up, by node, or in a
    /// customer's lists, is recorded like opening a user: devices show SIP addresses and
    /// owners, numbers direct lines, orders what a customer bought.
    devices_numbers_and_orders_opened_are_recorded, |app| async move {
    let device = app.search(DEVICE_MAC).await["edges"][0]["node"]["id"].clone();
    let nan = app.customer_id(CUSTOMER).await;
    let since = app.now();
    let res = app.query(
        "query($d: ID!, $n: String!, $o: String!) { device(id: $d) { sipAddress } phoneNumber(number: $n) { number } order(webOrderNumber: $o) { webOrderNumber } }",
        json!({ "d": device, "n": PHONE_NUMBER, "o": WEB_ORDER }),
    ).await;
    assert!(res["errors"].is_null(), "{res}");
    let log = entries(&app, since, 3).await;
    assert_eq!(opened(&log, "open_device", &key(&device)).len(), 1, "{log:?}");
    assert_eq!(log.iter().filter(|e| e["action"] == "open_phone_number").count(), 1, "{log:?}");
    assert_eq!(log.iter().filter(|e| e["action"] == "open_order").count(), 1, "{log:?}");

    // The customer's lists show its devices and numbers: each one shown is recorded.
    let since = app.now();
    let res = app.query(
        "query($c: ID!) { node(id: $c) { ... on Customer { devices(first: 100) { edges { node { id } } } phoneNumbers(first: 100) { edges { node { id } } } } } }",
        json!({ "c": nan }),
    ).await;
    assert!(res["errors"].is_null(), "{res}");
    let devices = res["data"]["node"]["devices"]["edges"].as_array().unwrap().len();
    let numbers = res["data"]["node"]["phoneNumbers"]["edges"].as_array().unwrap().len();
    assert!(devices > 0 && numbers > 0, "{res}");
    let log = entries(&app, since, 1 + devices + numbers).await;
    assert_eq!(log.iter().filter(|e| e["action"] == "open_device").count(), devices, "{log:?}");
    assert_eq!(log.iter().filter(|e| e["action"] == "open_phone_number").count(), numbers, "{log:?}");

    // A number that is not the partner's is a failed look-up, recorded as one.
    let since = app.now();
    let res = app.query("query($n: String!) { phoneNumber(number: $n) { number } }", json!({ "n": OTHER_PHONE_NUMBER })).await;
    assert_eq!(error_code(&res), "NOT_FOUND", "{res}");
    let log = entries(&app, since, 1).await;
    assert!(log.iter().any(|e| e["action"] == "open_phone_number" && e["outcome"] == "NOT_FOUND"), "{log:?}");
});
