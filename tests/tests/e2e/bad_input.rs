//! Bad input gets a clear error with a stable code, never a 500 or a panic.

use helpdesk_tests::{SEARCH, e2e, error_code, fixtures::*};
use serde_json::json;

e2e!(
    /// Malformed arguments: IDs, cursors, page sizes, search text, kinds.
    malformed_arguments_are_bad_user_input, |app| async move {
    let cases = [
        (SEARCH, json!({ "q": "a".repeat(257) })),
        (SEARCH, json!({ "q": "   " })),
        (SEARCH, json!({ "q": "a", "first": 101 })),
        (SEARCH, json!({ "q": "a", "first": -1 })),
        (SEARCH, json!({ "q": "a", "after": "not-a-cursor" })),
        (SEARCH, json!({ "q": "a", "kinds": [] })),
        (SEARCH, json!({ "q": "a", "kinds": ["SPACESHIP"] })),
        (SEARCH, json!({ "q": "a", "customerId": "garbage" })),
        (SEARCH, json!({ "q": "+1-212" })),
        ("query($id: ID!) { customer(id: $id) { id } }", json!({ "id": "Q3VzdG9tZXI6bm90LWEtdXVpZA" })),
        ("query($id: ID!) { user(id: $id) { id } }", json!({ "id": "%%%" })),
        ("query($n: String!) { phoneNumber(number: $n) { id } }", json!({ "n": "212 456 7890" })),
        ("query($n: String!) { order(webOrderNumber: $n) { id } }", json!({ "n": "12ab" })),
        ("{ search(query: \"a\") { nope } }", json!({})),
        ("{ search(query: ", json!({})),
    ];
    for (q, vars) in cases {
        let res = app.query(q, vars.clone()).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{vars}: {res}");
        assert!(res["errors"][0]["extensions"]["requestId"].is_string());
    }
    let res = app.query(SEARCH, json!({ "q": "+1-212" })).await;
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("8 to 15 digits"), "{res}");
});

e2e!(
    /// Too deep, too complex, too many aliases, too large a batch: refused before running.
    oversized_queries_are_refused, |app| async move {
    let mut deep = String::from("customer { name }");
    for _ in 0..6 {
        deep = format!("customer {{ admins {{ user {{ {deep} }} }} }}");
    }
    let deep = format!("{{ search(query: \"a\") {{ edges {{ node {{ ... on User {{ {deep} }} }} }} }} }}");
    let res = app.query(&deep, json!({})).await;
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("deep"), "{res}");
    assert_eq!(error_code(&res), "BAD_USER_INPUT");

    let aliases: String = (0..31).map(|i| format!("a{i}: me {{ name }} ")).collect();
    let res = app.query(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("aliases"));

    // Each page multiplies the cost of what it holds: 100 users × 100 users is too much.
    let costly = "{ search(query: \"a\", first: 100) { edges { node { ... on Customer { users(first: 100) { edges { node { email devices { model } } } } } } } } }";
    let res = app.query(costly, json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("limit is 5000"), "{res}");

    let token = app.token(HELP_DESK_AGENT).await;
    let batch: Vec<_> = (0..11).map(|_| json!({ "query": "{ me { name } }" })).collect();
    let res = app.http().post(app.url()).bearer_auth(&token).json(&batch).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    // A batch within the limit runs every operation.
    let batch: Vec<_> = (0..3).map(|_| json!({ "query": "{ me { email } }" })).collect();
    let body: serde_json::Value = app.http().post(app.url()).bearer_auth(&token).json(&batch).send().await.unwrap().json().await.unwrap();
    assert_eq!(body.as_array().unwrap().len(), 3);
    assert_eq!(body[2]["data"]["me"]["email"], HELP_DESK_AGENT);
});

e2e!(
    /// The HTTP layer: body cap, JSON only, no mutations over GET, preflight for GET.
    the_http_layer_refuses_what_a_browser_could_forge, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let huge = json!({ "query": format!("{{ me {{ name }} }} # {}", "x".repeat(70 * 1024)) });
    let res = app.http().post(app.url()).bearer_auth(&token).json(&huge).send().await.unwrap();
    assert_eq!(res.status(), 413);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");

    // A cross-site form post is a "simple" request: refused.
    let res = app.http().post(app.url()).bearer_auth(&token).header("content-type", "text/plain").body(r#"{"query":"{ me { name } }"}"#).send().await.unwrap();
    assert_eq!(res.status(), 415);

    let res = app.http().post(app.url()).bearer_auth(&token).header("content-type", "application/json").body("{not json").send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(error_code(&res.json().await.unwrap()), "BAD_USER_INPUT");

    // GET runs queries when preflighted, never mutations.
    let get = |q: &str| app.http().get(app.url()).query(&[("query", q)]).bearer_auth(&token);
    let body: serde_json::Value = get("{ me { email } }").header("apollo-require-preflight", "1").send().await.unwrap().json().await.unwrap();
    assert_eq!(body["data"]["me"]["email"], HELP_DESK_AGENT);
    let body: serde_json::Value = get("{ me { email } }").send().await.unwrap().json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT", "GET without preflight header");
    let body: serde_json::Value = get("mutation { x }").header("apollo-require-preflight", "1").send().await.unwrap().json().await.unwrap();
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("POST"));
});

e2e!(
    /// GraphiQL is served with its scripts from the gateway itself: no CDN.
    graphiql_works_without_internet_access, |app| async move {
    let page = app.http().get(app.url()).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("/graphiql/graphiql.min.js"));
    assert!(!page.contains("unpkg") && !page.contains("cdn"), "no third-party script");
    let base = app.url().trim_end_matches("/graphql").to_string();
    for asset in ["graphiql.min.js", "graphiql.min.css", "react.production.min.js", "react-dom.production.min.js"] {
        let res = app.http().get(format!("{base}/graphiql/{asset}")).send().await.unwrap();
        assert_eq!(res.status(), 200, "{asset}");
        assert!(res.bytes().await.unwrap().len() > 1000, "{asset}");
    }
});

e2e!(
    /// GraphQL over HTTP: a client that accepts `application/graphql-response+json` gets it,
    /// with 400 and no `data` when the document does not parse, validate or coerce its
    /// variables; a client that accepts only JSON gets 200, also without `data`.
    request_errors_follow_graphql_over_http, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let post = |body: serde_json::Value, accept: &'static str| {
        app.http().post(app.url()).bearer_auth(&token).header("accept", accept).json(&body).send()
    };
    let cases = [
        json!({ "query": "{ search(query: " }),
        json!({ "query": "{ noSuchField }" }),
        json!({ "query": "query($n: Int!) { search(query: \"a\", first: $n) { edges { cursor } } }", "variables": { "n": "many" } }),
    ];
    for body in cases {
        let res = post(body.clone(), "application/graphql-response+json").await.unwrap();
        assert_eq!(res.status(), 400, "{body}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/graphql-response+json"));
        let json: serde_json::Value = res.json().await.unwrap();
        assert!(json.get("data").is_none(), "{json}");
        assert_eq!(error_code(&json), "BAD_USER_INPUT");

        let res = post(body.clone(), "application/json").await.unwrap();
        assert_eq!(res.status(), 200, "{body}");
        let json: serde_json::Value = res.json().await.unwrap();
        assert!(json.get("data").is_none(), "{json}");
    }
    // An error while running is a 200 with data, in either media type.
    let res = post(json!({ "query": "{ customer(id: \"nope\") { name } }" }), "application/graphql-response+json").await.unwrap();
    assert_eq!(res.status(), 200);
    let json: serde_json::Value = res.json().await.unwrap();
    assert!(json.get("data").is_some(), "{json}");
});

e2e!(
    /// A list's cursor that the gateway did not give out for that list (garbage,
    /// a search's position, a key with a bad ID or time) is bad input, not an error page.
    a_cursor_from_elsewhere_is_bad_user_input, |app| async move {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let id = helpdesk_tests::edges(&app.search(CUSTOMER).await)[0]["node"]["id"].clone();
    let users = "query($id: ID!, $after: String) { customer(id: $id) { users(after: $after) { totalCount } } }";
    for after in ["garbage".to_string(), b64("o:3"), b64("k:not-a-uuid:davis"), b64("k:")] {
        let res = app.query(users, json!({ "id": id, "after": after })).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{after}: {res}");
    }
    let audit = "query($after: String) { auditLog(after: $after) { edges { cursor } } }";
    let bad_time = b64(&format!("k:{}:yesterday", uuid::Uuid::nil()));
    let res = app.query_as(PARTNER_ADMIN, audit, json!({ "after": bad_time })).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
});
