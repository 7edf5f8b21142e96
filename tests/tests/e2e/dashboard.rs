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

/// The help desk agent's actions this week, and today's searches read as emails.
async fn agent_and_email_searches(app: &helpdesk_tests::TestApp) -> (u64, u64) {
    let query = "{ partnerOverview { mostActiveAgents { name actions } searchesByDay { day kind count } } }";
    let res = app.query(query, json!({})).await;
    let o = &res["data"]["partnerOverview"];
    let agent = o["mostActiveAgents"].as_array().unwrap().iter().find(|a| a["name"] == "Hana Helpdesk");
    let actions = agent.map_or(0, |a| a["actions"].as_u64().unwrap());
    let today = helpdesk_domain::Clock::now(app.clock.as_ref()).format("%Y-%m-%dT00:00:00").to_string();
    let emails = o["searchesByDay"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["kind"] == "EMAIL" && d["day"].as_str().unwrap().starts_with(&today));
    (actions, emails.map(|d| d["count"].as_u64().unwrap()).sum())
}

e2e!(
    /// Three searches of an email raise the agent's count of the week's
    /// actions by three, and today's searches read as emails by three: both
    /// from the audit trail's per-day counters (the seed wrote a month before).
    searches_are_counted_per_agent_and_per_kind_of_input, |app| async move {
    let (actions, emails) = agent_and_email_searches(&app).await;
    assert!(actions > 0, "the seeded month of history shows");
    for _ in 0..3 {
        app.search(USER_EMAIL).await;
    }
    let (now_actions, now_emails) = helpdesk_tests::eventually("the searches to reach the counters", || async {
        let counted = agent_and_email_searches(&app).await;
        (counted.1 >= emails + 3).then_some(counted)
    })
    .await;
    assert_eq!(now_emails, emails + 3);
    assert!(now_actions >= actions + 3, "{actions} → {now_actions}");
    let res = app.query("{ partnerOverview { activityByDay { day action count } } }", json!({})).await;
    let days = res["data"]["partnerOverview"]["activityByDay"].as_array().unwrap().clone();
    assert!(days.iter().all(|d| d["day"].as_str().unwrap().contains("T00:00:00")), "whole days: {days:?}");
});

e2e!(
    /// License use against purchase adds up what Northwind's subscriptions
    /// bought and assigned; the customers most over and most under their
    /// purchase are really over and under, furthest first.
    license_use_is_summed_per_offer_and_the_outliers_are_listed, |app| async move {
    let query = "{ partnerOverview { licenseUsage { offer bought used }
        customersMostOverLicensed { customerName bought used } customersMostUnderUsed { customerName bought used } } }";
    let res = app.query(query, json!({})).await;
    assert!(res["errors"].is_null(), "{res}");
    let o = &res["data"]["partnerOverview"];
    let total = |field: &str| o["licenseUsage"].as_array().unwrap().iter().map(|u| u[field].as_u64().unwrap()).sum::<u64>();
    assert_eq!(total("bought"), count(&app, "SELECT SUM(quantity) FROM licenses WHERE partner_id = $PARTNER").await);
    assert_eq!(total("used"), count(&app, "SELECT SUM(consumed) FROM licenses WHERE partner_id = $PARTNER").await);
    let gap = |c: &Value| c["used"].as_i64().unwrap() - c["bought"].as_i64().unwrap();
    let over: Vec<i64> = o["customersMostOverLicensed"].as_array().unwrap().iter().map(gap).collect();
    let under: Vec<i64> = o["customersMostUnderUsed"].as_array().unwrap().iter().map(gap).collect();
    assert!(over.iter().all(|g| *g > 0) && over.windows(2).all(|w| w[0] >= w[1]), "{over:?}");
    assert!(!under.is_empty() && under.iter().all(|g| *g < 0) && under.windows(2).all(|w| w[0] <= w[1]), "{under:?}");
});

e2e!(
    /// A widget asking for one figure gets that figure; the others are not computed.
    a_widget_gets_the_figure_it_asks_for, |app| async move {
    let res = app.query("{ partnerOverview { devicesOffline } }", json!({})).await;
    let offline = count(&app, "SELECT COUNT(*) FROM devices WHERE partner_id = $PARTNER AND status = 'offline'").await;
    assert_eq!(res["data"]["partnerOverview"]["devicesOffline"], offline, "{res}");
    let before = app.statements();
    app.query("{ partnerOverview { devicesOffline } }", json!({})).await;
    let ran = app.statements() - before;
    assert!(ran <= 3, "one figure's statement (and the agent's, at most), not the whole dashboard's 13: {ran}");
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
    // The portal's widget sends the console's trusted document, as browsers must.
    let hash = helpdesk_tests::trusted_document_hash("DevicesWidget");
    let widget = json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash.trim_start_matches("sha256:") } } });
    let res = app.http().post(app.url()).bearer_auth(&token).header("origin", portal).json(&widget).send().await.unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], portal);
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert!(body["data"]["partnerOverview"]["devicesOffline"].is_u64(), "{body}");
});
