//! Where trust ends: revocations that apply to the very next request,
//! answers no cache may keep or share, pages no portal may frame, tokens
//! with demands the gateway cannot meet, operator endpoints kept apart, and
//! free text that could forge a log line. Each test is a finding of a
//! security review, reproduced through HTTP.

use helpdesk_store::seed::Scale;
use helpdesk_tests::{Backend, TestApp, e2e, e2e_backends, error_code, eventually, fixtures::*, spawn_app_configured};
use serde_json::json;

const START: &str =
    "mutation($c: ID!, $r: String!) { startReadOnlyAdminSession(customerId: $c, reason: $r) { token } }";

/// The gateway's root URL.
fn root(app: &TestApp) -> String {
    app.url().trim_end_matches("/graphql").to_string()
}

e2e!(
    /// The customer's grant ends in the database (its own system, another process): the
    /// read-only session that just read is refused on its very next request.
    a_read_only_session_ends_with_the_next_request_after_its_grant_ends, |app| async move {
    let nan = app.customer_id(CUSTOMER).await;
    let res = app.query(START, json!({ "c": nan, "r": "INC-1042" })).await;
    let token = res["data"]["startReadOnlyAdminSession"]["token"].as_str().unwrap_or_else(|| panic!("{res}")).to_string();
    let read = "query($c: ID!) { customer(id: $c) { name } }";
    let res = app.query_with_token(Some(&token), read, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    app.execute_sql(&format!(
        "UPDATE read_only_grants SET expires_at = granted_at WHERE customer_id IN (SELECT id FROM customers WHERE name = '{CUSTOMER}')"
    )).await;
    let res = app.query_with_token(Some(&token), read, json!({ "c": nan })).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
});

e2e!(
    /// The partner takes the Help Desk role away in its own directory (another process,
    /// plain SQL): the agent who just searched is refused at once on SQLite, where the
    /// gateway reads the agent on every request, and within PostgreSQL's notification of
    /// the change on PostgreSQL, where the gateway keeps the agent in memory meanwhile.
    a_role_removed_elsewhere_applies_at_once_or_on_its_notification, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let search = "{ search(query: \"nan\") { edges { cursor } } }";
    let me = "{ me { name } }";
    let res = app.query_with_token(Some(&token), search, json!({})).await;
    assert!(res["errors"].is_null(), "{res}");
    if app.backend == Backend::Postgres {
        // Once the gateway listens, an agent's request reads no agent from the database.
        eventually("the agent is kept in memory", || async {
            let before = app.statements();
            let res = app.query_with_token(Some(&token), me, json!({})).await;
            (res["errors"].is_null() && app.statements() == before).then_some(())
        })
        .await;
    }
    app.execute_sql(&format!(
        "DELETE FROM agent_roles WHERE agent_id IN (SELECT id FROM agents WHERE email = '{HELP_DESK_AGENT}')"
    )).await;
    if app.backend == Backend::Sqlite {
        let res = app.query_with_token(Some(&token), search, json!({})).await;
        assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
    } else {
        eventually("the role's removal reaches the gateway", || async {
            let res = app.query_with_token(Some(&token), search, json!({})).await;
            (error_code(&res) == "FORBIDDEN").then_some(())
        })
        .await;
    }
    // And it stays removed: nothing kept puts it back.
    for _ in 0..20 {
        let res = app.query_with_token(Some(&token), search, json!({})).await;
        assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
    }
});

e2e!(
    /// PostgreSQL: the connection the gateway listens on is cut, and a role is removed
    /// meanwhile (its notification is lost with the connection). The gateway stops trusting
    /// what it kept, so the removal applies all the same.
    a_role_removed_while_the_listener_is_down_still_applies, |app| async move {
    if app.backend == Backend::Sqlite {
        return; // SQLite keeps nothing: every request reads the agent.
    }
    let token = app.token(HELP_DESK_AGENT).await;
    let me = "{ me { name roles } }";
    eventually("the agent is kept in memory", || async {
        let before = app.statements();
        let res = app.query_with_token(Some(&token), me, json!({})).await;
        (res["errors"].is_null() && app.statements() == before).then_some(())
    })
    .await;
    app.execute_sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND query LIKE '%pg_trigger%' AND pid <> pg_backend_pid()",
    )
    .await;
    app.execute_sql(&format!(
        "DELETE FROM agent_roles WHERE agent_id IN (SELECT id FROM agents WHERE email = '{HELP_DESK_AGENT}')"
    ))
    .await;
    eventually("the removal applies without its notification", || async {
        let res = app.query_with_token(Some(&token), me, json!({})).await;
        (res["data"]["me"]["roles"] == json!([])).then_some(())
    })
    .await;
    let res = app.query_with_token(Some(&token), "{ search(query: \"nan\") { edges { cursor } } }", json!({})).await;
    assert_eq!(error_code(&res), "FORBIDDEN", "{res}");
});

e2e!(
    /// No answer is kept by a shared cache: batches are `no-store`, and the dashboard's
    /// answer, which a browser may keep a minute, varies with the token that asked.
    answers_are_never_kept_for_another_token, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let batch = json!([{ "query": "{ me { name } }" }, { "query": "{ partnerOverview { devicesOffline } }" }]);
    let res = app.http().post(app.url()).bearer_auth(&token).json(&batch).send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "no-store");
    assert_eq!(res.headers()["vary"].to_str().unwrap().to_ascii_lowercase(), "authorization");
    let res = app.http().get(app.url())
        .query(&[("query", "{ partnerOverview { devicesOffline } }")])
        .header("apollo-require-preflight", "1")
        .bearer_auth(&token)
        .send().await.unwrap();
    assert_eq!(res.headers()["cache-control"], "max-age=60, private");
    assert!(res.headers().get_all("vary").iter().any(|v| v.to_str().unwrap().eq_ignore_ascii_case("authorization")), "{:?}", res.headers());
    let refused = app.http().post(app.url()).json(&json!({ "query": "{ me { name } }" })).send().await.unwrap();
    assert_eq!(refused.headers()["cache-control"], "no-store");
});

e2e_backends!(
    /// Only the dashboard's widgets may be framed by a partner's portal; any other path
    /// under `/widgets/` would be the whole console in a frame, and is 404.
    only_the_known_widgets_may_be_framed, |target| async move {
    let app = spawn_app_configured(target, Scale::Demo, |c| c.widget_frame_ancestors = vec!["https://portal.example.com".into()]).await;
    for name in helpdesk_console::WIDGETS {
        let res = app.http().get(format!("{}/widgets/{name}", root(&app))).send().await.unwrap();
        assert_eq!(res.status(), 200, "{name}");
        assert!(res.headers()["content-security-policy"].to_str().unwrap().contains("https://portal.example.com"));
    }
    for path in ["/widgets/admin", "/widgets/../admin/agents", "/widgets/devices/extra", "/widgets/users"] {
        let res = app.http().get(format!("{}{path}", root(&app))).send().await.unwrap();
        let framable = res.headers().get("content-security-policy").is_some_and(|p| p.to_str().unwrap().contains("portal.example.com"));
        assert!(!framable, "{path} may be framed by the portal");
        if path.starts_with("/widgets/") && !path.contains("..") {
            assert_eq!(res.status(), 404, "{path}");
        }
    }
});

e2e!(
    /// GraphiQL, which carries a live token in demo mode and a read-only session's in its
    /// launch URL, is never framed, stored or referred, runs only the gateway's scripts, and
    /// wipes a launch token from the address bar once it has read it.
    graphiql_has_the_consoles_protections, |app| async move {
    let res = app.http().get(app.url()).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let headers = res.headers().clone();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'self';"), "{policy}");
    assert_eq!(headers["x-frame-options"], "DENY");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>"), "no inline script: {html}");
    let init = app.http().get(format!("{}/graphiql/init.js", root(&app))).send().await.unwrap().text().await.unwrap();
    assert!(init.contains("history.replaceState"), "{init}");
});

e2e!(
    /// A token signed with the gateway's secret that names a critical extension (`crit`)
    /// the gateway does not understand is refused.
    a_token_with_a_critical_extension_is_refused, |app| async move {
    let good = app.token(HELP_DESK_AGENT).await;
    let claims: serde_json::Value = {
        use base64::Engine;
        let payload = good.split('.').nth(1).unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
    };
    let key = jsonwebtoken::EncodingKey::from_secret(helpdesk_tests::SECRET.as_bytes());
    let plain = jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key).unwrap();
    let res = app.query_with_token(Some(&plain), "{ me { name } }", json!({})).await;
    assert!(res["errors"].is_null(), "the same claims without crit are fine: {res}");
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let header = b64.encode(r#"{"alg":"HS256","typ":"JWT","crit":["x-must-understand"],"x-must-understand":true}"#);
    let payload = plain.split('.').nth(1).unwrap();
    let signed = jsonwebtoken::crypto::sign(format!("{header}.{payload}").as_bytes(), &key, jsonwebtoken::Algorithm::HS256).unwrap();
    let res = app.query_with_token(Some(&format!("{header}.{payload}.{signed}")), "{ me { name } }", json!({})).await;
    assert_eq!(error_code(&res), "UNAUTHENTICATED", "{res}");
});

e2e_backends!(
    /// With `--ops-listen`, `/metrics` and `/readyz` answer on the operator's address only:
    /// the public one says 404, while `/healthz` stays on both for load balancers.
    operator_endpoints_can_be_kept_off_the_public_address, |target| async move {
    let app = spawn_app_configured(target, Scale::Demo, |c| c.ops_listen = Some("127.0.0.1:0".parse().unwrap())).await;
    let ops = app.server().ops_addr.expect("an operator address");
    for path in ["/metrics", "/readyz"] {
        let public = app.http().get(format!("{}{path}", root(&app))).send().await.unwrap();
        assert_eq!(public.status(), 404, "{path} on the public address");
        assert!(!public.text().await.unwrap().contains("helpdesk_"), "{path}");
        let private = app.http().get(format!("http://{ops}{path}")).send().await.unwrap();
        assert_eq!(private.status(), 200, "{path} on the operator's address");
    }
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200);
});

e2e!(
    /// A read-only session's reason with a NUL, an escape sequence or a line break (which
    /// could forge a log line or repaint an operator's terminal) is refused, and no session starts.
    a_reason_with_control_characters_is_refused, |app| async move {
    let nan = app.customer_id(CUSTOMER).await;
    for reason in ["INC-1\u{0}", "INC-1\u{1b}[2J", "INC-1\r\n2026-12-05 INFO forged line", "INC\u{202e}1"] {
        let res = app.query(START, json!({ "c": nan, "r": reason })).await;
        assert_eq!(error_code(&res), "BAD_USER_INPUT", "{reason:?}: {res}");
    }
    let sessions = app.sql_texts("SELECT reason FROM read_only_sessions").await;
    assert!(sessions.iter().all(|r| !r.chars().any(char::is_control)), "{sessions:?}");
    let res = app.query(START, json!({ "c": nan, "r": "INC-1: caller cannot sign in" })).await;
    assert!(res["errors"].is_null(), "{res}");
});
