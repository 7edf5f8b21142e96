//! The partner's dashboard (`partnerOverview`): its figures are the
//! partner's own, counted at the gateway's time.

use helpdesk_tests::{e2e, fixtures::*};
use serde_json::{Value, json};

const OVERVIEW: &str = r#"{ partnerOverview {
  at customersByStatus { status count } phoneNumbersByState { state count }
  devicesOffline devicesUnseenFor7Days emailsInErrorLast24Hours addressesSuppressedLast24Hours
  readOnlyGrantsEnding { customerId customerName endsAt } mostActiveAgents { agentId name actions }
  activityByDay { day action count }
} }"#;

/// A number the SQL returns as text on both backends.
async fn count(app: &helpdesk_tests::TestApp, sql: &str) -> u64 {
    let partner = "(SELECT id FROM partners WHERE name = 'Northwind Partners')";
    app.sql_texts(&format!("SELECT CAST(({}) AS TEXT)", sql.replace("$PARTNER", partner))).await[0].parse().unwrap()
}

fn sum(list: &Value) -> u64 {
    list.as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum()
}

e2e!(
    /// The dashboard of Northwind's agent counts Northwind's customers,
    /// numbers and devices, never Globex's.
    the_dashboard_counts_only_the_agents_partner, |app| async move {
    let res = app.query(OVERVIEW, json!({})).await;
    assert!(res["errors"].is_null(), "{res}");
    let o = &res["data"]["partnerOverview"];
    assert_eq!(sum(&o["customersByStatus"]), count(&app, "SELECT COUNT(*) FROM customers WHERE partner_id = $PARTNER").await);
    assert_eq!(o["customersByStatus"].as_array().unwrap().len(), 3, "every status is listed");
    assert_eq!(sum(&o["phoneNumbersByState"]), count(&app, "SELECT COUNT(*) FROM phone_numbers WHERE partner_id = $PARTNER").await);
    let offline = count(&app, "SELECT COUNT(*) FROM devices WHERE partner_id = $PARTNER AND status = 'offline'").await;
    assert_eq!(o["devicesOffline"], offline);
    assert!(offline > 0, "the demo has offline devices");
    let all = count(&app, "SELECT COUNT(*) FROM customers").await;
    assert!(sum(&o["customersByStatus"]) < all, "Globex's customers are not counted");
});

e2e!(
    /// Grants that end within a week show once the week comes: the demo's
    /// grants run 30 days, so 25 days later they are ending, soonest first.
    grants_ending_within_a_week_appear_as_time_passes, |app| async move {
    let ending = |res: Value| res["data"]["partnerOverview"]["readOnlyGrantsEnding"].as_array().unwrap().clone();
    assert_eq!(ending(app.query(OVERVIEW, json!({})).await), Vec::<Value>::new());
    app.advance_clock(chrono::Duration::days(25));
    let soon = ending(app.query(OVERVIEW, json!({})).await);
    assert!(soon.iter().any(|g| g["customerName"] == CUSTOMER), "{soon:?}");
    let ends: Vec<&str> = soon.iter().map(|g| g["endsAt"].as_str().unwrap()).collect();
    assert!(ends.windows(2).all(|w| w[0] <= w[1]), "soonest first: {ends:?}");
});

e2e!(
    /// The agents who did the most this week lead the list, with what they did
    /// counted, and the day's searches are counted in the day's bucket.
    the_most_active_agents_are_counted_from_the_audit_trail, |app| async move {
    for _ in 0..3 {
        app.search(CUSTOMER).await;
    }
    let active = helpdesk_tests::eventually("the searches to reach the audit trail", || async {
        let res = app.query(OVERVIEW, json!({})).await;
        let agents = res["data"]["partnerOverview"]["mostActiveAgents"].as_array().cloned().unwrap_or_default();
        agents.first().filter(|a| a["actions"].as_u64() >= Some(3)).cloned()
    })
    .await;
    assert!(!active["name"].as_str().unwrap().is_empty(), "{active}");
    // The same searches, counted per day (summed: the run may cross midnight).
    let res = app.query(OVERVIEW, json!({})).await;
    let days = res["data"]["partnerOverview"]["activityByDay"].as_array().unwrap().clone();
    let searches: u64 = days.iter().filter(|d| d["action"] == "search").map(|d| d["count"].as_u64().unwrap()).sum();
    assert!(searches >= 3, "{days:?}");
    assert!(days.iter().all(|d| d["day"].as_str().unwrap().contains("T00:00:00")), "whole days: {days:?}");
});

e2e!(
    /// The dashboard's answer may be kept by the agent's browser for a minute,
    /// never by a shared cache; a search's answer is not stored at all.
    the_dashboard_may_be_kept_a_minute_and_nothing_else_is, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let cache_control = |query: &'static str| {
        let request = app.http().post(app.url()).bearer_auth(&token).json(&json!({ "query": query }));
        async move { request.send().await.unwrap().headers()["cache-control"].to_str().unwrap().to_string() }
    };
    assert_eq!(cache_control("{ partnerOverview { devicesOffline } }").await, "max-age=60, private");
    assert_eq!(cache_control(r#"{ search(query: "nan") { edges { score } } }"#).await, "no-store");
    assert_eq!(cache_control(r#"{ partnerOverview { devicesOffline } search(query: "nan") { edges { score } } }"#).await, "no-store", "the shortest hint wins");
});

helpdesk_tests::e2e_backends!(
    /// A partner's portal listed with `--cors-allow-origin` may call the API
    /// from its pages (the preflight is answered, the answer names the origin);
    /// any other site's page may not read it.
    only_listed_origins_may_call_the_api_from_a_browser, |target| async move {
    let portal = "https://portal.northwind.example";
    let app = helpdesk_tests::spawn_app_configured(target, helpdesk_store::seed::Scale::Demo, |c| {
        c.cors_allow_origins = vec![portal.to_string()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.http()
            .request(reqwest::Method::OPTIONS, app.url())
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };
    let allowed = preflight(portal).await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], portal);
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
    let token = app.token(HELP_DESK_AGENT).await;
    let res = app.http().post(app.url()).bearer_auth(&token).header("origin", portal).json(&json!({ "query": "{ me { name } }" })).send().await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], portal);
    assert_eq!(res.status(), 200);
});
