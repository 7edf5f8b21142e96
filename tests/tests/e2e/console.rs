//! The console as the gateway serves it: the app's page with its security
//! headers on every route, its assets, the embeddable widgets, and the
//! trusted documents a browser must send in production.

use helpdesk_tests::{e2e, e2e_backends, fixtures::*};
use serde_json::{Value, json};

/// The gateway's root URL (the GraphQL endpoint's origin).
fn root(app: &helpdesk_tests::TestApp) -> String {
    app.url().trim_end_matches("/graphql").to_string()
}

/// A POST as a browser sends it (`Sec-Fetch-Mode`), with `agent`'s token.
async fn from_browser(app: &helpdesk_tests::TestApp, agent: &str, body: Value) -> Value {
    let token = app.token(agent).await;
    let res = app.http().post(app.url()).bearer_auth(token).header("sec-fetch-mode", "cors").json(&body).send().await;
    res.unwrap().json().await.unwrap()
}

e2e!(
    /// Every console route answers with the app's page: never framed, never
    /// stored, loading only the gateway's own scripts. Its assets are kept a year.
    every_console_route_serves_the_app_with_its_security_headers, |app| async move {
    for path in ["/", "/customers/anything", "/dashboard", "/admin/audit?action=search"] {
        let res = app.http().get(format!("{}{path}", root(&app))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let headers = res.headers().clone();
        let policy = headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self';"), "{policy}");
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["x-frame-options"], "DENY");
        let html = res.text().await.unwrap();
        assert!(html.contains("<div id=\"root\">"), "{html}");
        assert!(!html.contains("helpdesk-demo-token"), "no demo token outside demo mode");
        let script = html.split("src=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
        let asset = app.http().get(format!("{}{script}", root(&app))).send().await.unwrap();
        assert_eq!(asset.status(), 200);
        assert!(asset.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        assert!(asset.headers()["content-type"].to_str().unwrap().contains("javascript"));
    }
    let missing = app.http().get(format!("{}/assets/nothing.js", root(&app))).send().await.unwrap();
    assert_eq!(missing.status(), 404);
});

e2e_backends!(
    /// A widget may be framed by the gateway and the partner portals the
    /// operator listed, and by no one else.
    a_widget_may_be_framed_by_the_listed_portals_only, |target| async move {
    let app = helpdesk_tests::spawn_app_configured(target, helpdesk_store::seed::Scale::Demo, |c| {
        c.widget_frame_ancestors = vec!["https://portal.northwind.example".into()];
    })
    .await;
    let res = app.http().get(format!("{}/widgets/license-usage", root(&app))).send().await.unwrap();
    let policy = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(policy.ends_with("frame-ancestors 'self' https://portal.northwind.example"), "{policy}");
    assert!(res.headers().get("x-frame-options").is_none());
});

e2e!(
    /// In production a browser runs the console's operations by hash; free
    /// text from a browser is refused unless a partner admin sends it
    /// (GraphiQL); an unknown hash is named as such. Clients that are not
    /// browsers are not limited.
    a_browser_sends_the_consoles_operations_by_hash_not_free_text, |app| async move {
    let by_hash = json!({
        "variables": { "query": DEVICE_MAC },
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": helpdesk_tests::trusted_document_hash("Search").trim_start_matches("sha256:") } },
    });
    let res = from_browser(&app, HELP_DESK_AGENT, by_hash).await;
    assert!(res["errors"].is_null(), "{res}");
    assert_eq!(res["data"]["search"]["edges"][0]["node"]["macAddress"], DEVICE_MAC);

    let free_text = json!({ "query": "{ me { name } }" });
    let res = from_browser(&app, HELP_DESK_AGENT, free_text.clone()).await;
    assert_eq!(helpdesk_tests::error_code(&res), "OPERATION_NOT_TRUSTED", "{res}");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("only the console's own operations"));
    assert!(from_browser(&app, PARTNER_ADMIN, free_text.clone()).await["errors"].is_null(), "GraphiQL, as a partner admin");
    assert!(app.query("{ me { name } }", json!({})).await["errors"].is_null(), "not a browser");

    let unknown = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "0".repeat(64) } } });
    let res = from_browser(&app, HELP_DESK_AGENT, unknown).await;
    assert_eq!(helpdesk_tests::error_code(&res), "PERSISTED_QUERY_NOT_FOUND", "{res}");
});
