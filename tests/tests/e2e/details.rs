//! Opening a result: a user's (U1) and a customer's (C1–C3) details, and `node`.

use helpdesk_tests::{e2e, edges, fixtures::*};
use serde_json::json;

const USER: &str = r#"query($id: ID!) { user(id: $id) {
  email firstName lastName displayName status createdAt
  lastEmail { status subject reply at }
  licenses features adminRoles
  devices { macAddress model }
  customer { name }
} }"#;

const CUSTOMER_DETAIL: &str = r#"query($id: ID!) { customer(id: $id) {
  name status createdAt organizationId
  settings { calling messaging meetings singleSignOn directorySync }
  domains { name verified }
  meetingSites
  subscriptions { webOrderNumber status startsAt endsAt licenses { offer quantity consumed available } }
  licenseSummary { offer quantity consumed available }
  admins { role user { email displayName } }
  users(first: 2) { edges { cursor node { email } } pageInfo { hasNextPage endCursor } }
  devices(first: 100) { edges { node { macAddress thirdParty } } }
} }"#;

async fn user_id(app: &helpdesk_tests::TestApp, email: &str) -> serde_json::Value {
    edges(&app.search(email).await).into_iter().find(|e| e["node"]["__typename"] == "User").unwrap()["node"]["id"]
        .clone()
}

e2e!(
    /// U1: status, last email, licenses, devices, features, roles and customer.
    agent_opens_a_users_details, |app| async move {
    let id = user_id(&app, USER_EMAIL).await;
    let res = app.query(USER, json!({ "id": id })).await;
    assert!(res["errors"].is_null(), "{res}");
    let u = &res["data"]["user"];
    assert_eq!(u["email"], USER_EMAIL);
    assert_eq!(u["firstName"], USER_FIRST);
    assert_eq!(u["customer"]["name"], CUSTOMER);
    assert_eq!(u["adminRoles"], json!(["FULL_ADMIN"]));
    assert_eq!(u["devices"][0]["macAddress"], DEVICE_MAC);
    assert!(!u["licenses"].as_array().unwrap().is_empty());
    assert!(!u["features"].as_array().unwrap().is_empty());
});

e2e!(
    /// U1: a bounced address shows the mail server's reply.
    a_bounced_users_last_email_shows_the_servers_reply, |app| async move {
    let id = user_id(&app, BOUNCED_USER_EMAIL).await;
    let res = app.query(USER, json!({ "id": id })).await;
    let last = &res["data"]["user"]["lastEmail"];
    assert_eq!(last["status"], "ERROR");
    assert!(last["reply"].as_str().unwrap().starts_with("550 5.1.1"), "{last}");
});

e2e!(
    /// C1–C3: set-up, domains, sites, subscriptions with licenses, admins with emails.
    agent_opens_a_customers_details, |app| async move {
    let id = edges(&app.search(CUSTOMER).await)[0]["node"]["id"].clone();
    let res = app.query(CUSTOMER_DETAIL, json!({ "id": id })).await;
    assert!(res["errors"].is_null(), "{res}");
    let c = &res["data"]["customer"];
    assert_eq!(c["name"], CUSTOMER);
    assert_eq!(c["domains"], json!([
        { "name": CUSTOMER_CLAIMED_DOMAIN, "verified": false },
        { "name": CUSTOMER_DOMAIN, "verified": true },
    ]));
    assert_eq!(c["meetingSites"], json!([CUSTOMER_SITE]));
    assert_eq!(c["subscriptions"][0]["webOrderNumber"], WEB_ORDER);
    assert!(!c["subscriptions"][0]["licenses"].as_array().unwrap().is_empty());
    // The license summary adds up the active subscriptions' licenses per offer.
    let mut expected: std::collections::BTreeMap<String, (i64, i64)> = Default::default();
    for sub in c["subscriptions"].as_array().unwrap().iter().filter(|s| s["status"] == "ACTIVE") {
        for l in sub["licenses"].as_array().unwrap() {
            let e = expected.entry(l["offer"].as_str().unwrap().to_string()).or_default();
            e.0 += l["quantity"].as_i64().unwrap();
            e.1 += l["consumed"].as_i64().unwrap();
        }
    }
    let summary: std::collections::BTreeMap<String, (i64, i64)> = c["licenseSummary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["offer"].as_str().unwrap().to_string(), (l["quantity"].as_i64().unwrap(), l["consumed"].as_i64().unwrap())))
        .collect();
    assert_eq!(summary, expected);
    let admins: Vec<&str> = c["admins"].as_array().unwrap().iter().map(|a| a["user"]["email"].as_str().unwrap()).collect();
    assert!(admins.contains(&USER_EMAIL), "{admins:?}");
    // Users page by two, without overlap.
    assert_eq!(c["users"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(c["users"]["pageInfo"]["hasNextPage"], true);
    let q = r#"query($id: ID!, $after: String) { customer(id: $id) { users(first: 2, after: $after) { edges { node { email } } } } }"#;
    let next = app.query(q, json!({ "id": id, "after": c["users"]["pageInfo"]["endCursor"] })).await;
    let first_page: Vec<_> = c["users"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["email"].clone()).collect();
    for e in next["data"]["customer"]["users"]["edges"].as_array().unwrap() {
        assert!(!first_page.contains(&e["node"]["email"]));
    }
    // The customer's own device list includes the third-party phone search never shows.
    let devices = c["devices"]["edges"].as_array().unwrap();
    assert!(devices.iter().any(|d| d["node"]["thirdParty"] == true));
});

e2e!(
    /// `node(id:)` fetches any result again by its opaque ID.
    node_fetches_any_result_by_its_global_id, |app| async move {
    for text in [CUSTOMER, USER_EMAIL, DEVICE_MAC, PHONE_NUMBER, WEB_ORDER] {
        for edge in edges(&app.search(text).await) {
            let res = app.query(r#"query($id: ID!) { node(id: $id) { __typename id } }"#, json!({ "id": edge["node"]["id"] })).await;
            assert_eq!(res["data"]["node"]["id"], edge["node"]["id"], "{text}");
            assert_eq!(res["data"]["node"]["__typename"], edge["node"]["__typename"]);
        }
    }
});

e2e!(
    /// Paging a customer's users, devices and numbers two at a time visits
    /// every row once, in the order of one long page: the cursor is the last
    /// row's sort key (many devices share a model, so the ID breaks ties);
    /// `totalCount` is the length of the whole list, on every page.
    paging_by_cursor_visits_every_row_once, |app| async move {
    let id = edges(&app.search("Blue Bakery Group").await)[0]["node"]["id"].clone();
    for (list, field) in [("users", "email"), ("devices", "id"), ("phoneNumbers", "number")] {
        let q = format!(r#"query($id: ID!, $first: Int!, $after: String) {{ customer(id: $id) {{ {list}(first: $first, after: $after) {{
            totalCount edges {{ node {{ {field} }} }} pageInfo {{ hasNextPage hasPreviousPage endCursor }} }} }} }}"#);
        let page = |first: i32, after: serde_json::Value| {
            let q = q.clone();
            let id = id.clone();
            let app = &app;
            async move { app.query(&q, json!({ "id": id, "first": first, "after": after })).await["data"]["customer"][list].clone() }
        };
        let nodes = |p: &serde_json::Value| p["edges"].as_array().unwrap().iter().map(|e| e["node"][field].clone()).collect::<Vec<_>>();
        let long = page(100, serde_json::Value::Null).await;
        let all = nodes(&long);
        assert!(all.len() > 4, "{list}: {}", all.len());
        assert_eq!(long["totalCount"], all.len(), "{list}: totalCount is the whole list");
        let (mut walked, mut after) = (Vec::new(), serde_json::Value::Null);
        loop {
            let p = page(2, after.clone()).await;
            assert_eq!(p["pageInfo"]["hasPreviousPage"], !after.is_null());
            assert_eq!(p["totalCount"], all.len(), "{list}");
            walked.extend(nodes(&p));
            if p["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = p["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(walked, all, "{list}");
    }
});
