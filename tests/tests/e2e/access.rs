//! Who may use the help desk (A1) and what each agent can see (A2).

use helpdesk_domain::Clock;
use helpdesk_tests::{SEARCH, e2e, edges, error_code, fixtures::*};
use serde_json::json;

e2e!(
    /// A1: no token, a forged token, an expired token, a token issued in the future and
    /// one that would live a month are all UNAUTHENTICATED.
    a_caller_without_a_valid_token_is_unauthenticated, |app| async move {
    let res = app.query_with_token(None, "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");
    assert!(res["data"].is_null());

    let forged = {
        let good = app.token(HELP_DESK_AGENT).await;
        let mut parts: Vec<String> = good.split('.').map(String::from).collect();
        parts[2] = "c2lnbmVkLWJ5LXNvbWVvbmUtZWxzZQ".into();
        parts.join(".")
    };
    let res = app.query_with_token(Some(&forged), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");

    // Tokens our secret signed for the demo agent, with times the gateway refuses.
    let agents = app.query_as(PARTNER_ADMIN, "{ agents { id email } }", json!({})).await;
    let me = agents["data"]["agents"].as_array().unwrap().iter().find(|a| a["email"] == HELP_DESK_AGENT).unwrap()["id"].clone();
    let agent = helpdesk_graphql::ids::decode(me.as_str().unwrap()).unwrap().1.to_string();
    let now = app.clock.now().timestamp();
    let signed = |iat: i64, exp: i64| {
        let claims = json!({ "sub": agent, "iss": "helpdesk-gateway", "iat": iat, "exp": exp });
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &jsonwebtoken::EncodingKey::from_secret(helpdesk_tests::SECRET.as_bytes())).unwrap()
    };
    let res = app.query_with_token(Some(&signed(now - 7200, now - 3600)), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("expired"));
    for (iat, exp) in [(now + 3600, now + 7200), (now, now + 30 * 24 * 3600), (now, i64::MAX)] {
        let res = app.query_with_token(Some(&signed(iat, exp)), "{ me { name } }", json!({})).await;
        assert_eq!(error_code(&res), "UNAUTHENTICATED", "iat {iat}, exp {exp}");
    }
    let res = app.query_with_token(Some(&signed(now, now + 3600)), "{ me { name } }", json!({})).await;
    assert!(res["errors"].is_null(), "the same agent with sane times is in: {res}");

    let res = app.http().post(app.url()).json(&json!({ "query": "{ me { name } }" })).send().await.unwrap();
    assert_eq!(res.status(), 401);
});

e2e!(
    /// A1: an agent the partner did not give the Help Desk role is FORBIDDEN, even a partner admin.
    an_agent_without_the_help_desk_role_is_forbidden, |app| async move {
    for agent in [AGENT_WITHOUT_ROLE, PARTNER_ADMIN] {
        let res = app.query_as(agent, SEARCH, json!({ "q": CUSTOMER })).await;
        assert_eq!(error_code(&res), "FORBIDDEN", "{agent}");
        assert!(res["data"].is_null());
    }
    let res = app.query_as(HELP_DESK_AGENT, "{ me { email } }", json!({})).await;
    assert_eq!(res["data"]["me"]["email"], HELP_DESK_AGENT);
});

e2e!(
    /// A2: agent of partner A probes partner B's MAC, email, number, order, domain and name and finds nothing.
    an_agent_never_sees_another_partners_customers, |app| async move {
    for text in [OTHER_DEVICE_MAC, OTHER_USER_EMAIL, OTHER_PHONE_NUMBER, OTHER_WEB_ORDER, OTHER_DOMAIN, OTHER_CUSTOMER, "Peter Gibbons"] {
        let mine = app.search(text).await;
        assert!(edges(&mine).is_empty(), "partner A sees {text}: {mine}");
        // The data is there: partner B's agent finds it.
        let theirs = app.search_as(OTHER_PARTNER_AGENT, text).await;
        assert!(!edges(&theirs).is_empty(), "partner B should find {text}");
    }
});

e2e!(
    /// A2: another partner's IDs behave exactly like IDs that do not exist.
    another_partners_ids_are_not_found, |app| async move {
    let theirs = app.search_as(OTHER_PARTNER_AGENT, OTHER_DEVICE_MAC).await;
    let device_id = edges(&theirs)[0]["node"]["id"].clone();
    let res = app.query_as(OTHER_PARTNER_AGENT, r#"query($id: ID!) { device(id: $id) { customer { id } owner { id } } }"#, json!({ "id": device_id })).await;
    let customer_id = res["data"]["device"]["customer"]["id"].clone();
    let user_id = res["data"]["device"]["owner"]["id"].clone();

    use helpdesk_graphql::ids::{NodeType, encode};
    for (field, ty, id) in [
        ("customer", NodeType::Customer, &customer_id),
        ("user", NodeType::User, &user_id),
        ("device", NodeType::Device, &device_id),
        ("node", NodeType::Device, &device_id),
    ] {
        let q = format!("query($id: ID!) {{ {field}(id: $id) {{ id }} }}");
        let theirs = app.query(&q, json!({ "id": id })).await;
        assert_eq!(error_code(&theirs), "NOT_FOUND", "{field}: {theirs}");
        // Exactly what an ID that does not exist gets.
        let nonexistent = app.query(&q, json!({ "id": encode(ty, uuid::Uuid::new_v4()) })).await;
        assert_eq!(theirs["errors"][0]["message"], nonexistent["errors"][0]["message"]);
        assert_eq!(theirs["data"], nonexistent["data"]);
    }
    let res = app.query(r#"query($n: String!) { phoneNumber(number: $n) { number } }"#, json!({ "n": OTHER_PHONE_NUMBER })).await;
    assert_eq!(error_code(&res), "NOT_FOUND");
    let res = app.query(r#"query($n: String!) { order(webOrderNumber: $n) { webOrderNumber } }"#, json!({ "n": OTHER_WEB_ORDER })).await;
    assert_eq!(error_code(&res), "NOT_FOUND");
    let res = app.query(SEARCH, json!({ "q": "a", "customerId": customer_id })).await;
    assert_eq!(error_code(&res), "NOT_FOUND");
});

e2e!(
    /// The bearer scheme is read as HTTP says (any case); another scheme is UNAUTHENTICATED with how to send it.
    the_authorization_header_is_read_as_http_says, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let send = |value: String| {
        let req = app.http().post(app.url()).header("authorization", value).json(&json!({ "query": "{ me { name } }" }));
        async move { req.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    for scheme in ["Bearer", "bearer", "BEARER"] {
        let res = send(format!("{scheme} {token}")).await;
        assert!(res["errors"].is_null(), "{scheme}: {res}");
    }
    let res = send(format!("Basic {token}")).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("Bearer <token>"), "{res}");
});
