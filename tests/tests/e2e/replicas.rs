//! Read replicas: a real streaming standby of the test PostgreSQL, made by
//! `tests/support/start-replica` (`pg_basebackup -R`). Searches and records
//! read from it; a partner that just wrote reads the primary; a replica that
//! stops costs no answer.

use helpdesk_tests::{fixtures::*, on_replica, replica_script, spawn_app_configured};
use serde_json::json;

/// The shared replica; tests that stop theirs use a port of their own.
const SHARED: u16 = 5433;

fn reads(app: &helpdesk_tests::TestApp) -> u64 {
    app.server().store.replicas().status().iter().map(|r| r.reads).sum()
}

async fn app_with_replica(port: u16) -> Option<helpdesk_tests::TestApp> {
    app_with_replica_lagging_up_to(port, 1_000).await
}

async fn app_with_replica_lagging_up_to(port: u16, max_lag_ms: u64) -> Option<helpdesk_tests::TestApp> {
    if helpdesk_tests::skip_postgres() {
        return None;
    }
    replica_script(port, None);
    Some(
        spawn_app_configured(helpdesk_tests::Backend::Postgres, helpdesk_store::seed::Scale::Demo, |c| {
            c.database.database_replica_urls = vec![on_replica(&c.database.database_url, port)];
            c.database.database_replica_max_lag_ms = max_lag_ms;
        })
        .await,
    )
}

/// Runs SQL on the standby at `port` (as the superuser: pausing replay needs it).
async fn on_standby(app: &helpdesk_tests::TestApp, port: u16, sql: &str) {
    helpdesk_tests::execute_sql(&on_replica(app.database_url(), port), sql).await.unwrap();
}

#[tokio::test]
async fn a_search_is_served_by_the_replica_and_a_writer_reads_its_write() {
    let Some(app) = app_with_replica(SHARED).await else { return };
    // The seeded data reaches the replica within its lag bound.
    let found = helpdesk_tests::eventually("the replica to take reads", || async {
        let before = reads(&app);
        let hit = app.search(DEVICE_MAC).await["edges"][0]["node"]["macAddress"].clone();
        (reads(&app) > before && hit == DEVICE_MAC).then_some(hit)
    })
    .await;
    assert_eq!(found, DEVICE_MAC);
    let status = app.server().store.replicas().status();
    assert!(status[0].usable, "{status:?}");

    // The agent removes a suppression; its next reads come from the primary, and see it.
    let user = app.user_id(BOUNCED_USER_EMAIL).await;
    let removed =
        app.query("mutation($u: ID!) { removeEmailSuppression(userId: $u) { removed } }", json!({ "u": user })).await;
    assert_eq!(removed["data"]["removeEmailSuppression"]["removed"], true, "{removed}");
    let res =
        app.query("query($u: ID!) { user(id: $u) { email emailSuppression { reason } } }", json!({ "u": user })).await;
    assert!(res["data"]["user"]["emailSuppression"].is_null(), "{res}");

    // A customer revokes its grant: the read-only session stops at once,
    // whatever the replica has replayed (grants are read from the primary).
    let nan = app.customer_id(CUSTOMER).await;
    let start = "mutation($c: ID!) { startReadOnlyAdminSession(customerId: $c, reason: \"INC-7\") { token } }";
    let res = app.query(start, json!({ "c": nan })).await;
    let token =
        res["data"]["startReadOnlyAdminSession"]["token"].as_str().unwrap_or_else(|| panic!("{res}")).to_string();
    let customer = "query($c: ID!) { customer(id: $c) { name } }";
    let res = app.query_with_token(Some(&token), customer, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    let organization = app.organization(&nan).await;
    app.server().store.revoke_read_only_access(organization, app.now()).await.unwrap();
    let res = app.query_with_token(Some(&token), customer, json!({ "c": nan })).await;
    assert_eq!(helpdesk_tests::error_code(&res), "UNAUTHENTICATED", "{res}");
}

#[tokio::test]
async fn a_replica_that_stops_costs_no_answer() {
    const OWN: u16 = 5434;
    let Some(app) = app_with_replica(OWN).await else { return };
    helpdesk_tests::eventually("the replica to take reads", || async {
        let before = reads(&app);
        app.search(USER_EMAIL).await;
        (reads(&app) > before).then_some(())
    })
    .await;
    // Eight agents keep searching while the replica stops: every answer
    // stays right while the gateway notices, and after.
    let app = std::sync::Arc::new(app);
    let agents = helpdesk_tests::load::Agents::start(&app, 8, |app, i| async move {
        let (text, field, value) =
            if i % 2 == 0 { (DEVICE_MAC, "macAddress", DEVICE_MAC) } else { (USER_EMAIL, "email", USER_EMAIL) };
        let found = app.search(text).await;
        assert_eq!(found["edges"][0]["node"][field], value, "{found}");
    });
    replica_script(OWN, Some("--stop"));
    let down = helpdesk_tests::eventually("the replica to be seen down", || async {
        let status = app.server().store.replicas().status();
        (!status[0].usable).then_some(status)
    })
    .await;
    assert!(agents.stop().await >= 8);
    let before = reads(&app);
    assert!(app.search(USER_EMAIL).await["edges"][0].is_object());
    assert_eq!(reads(&app), before, "a replica that is down gets no reads: {down:?}");
    let ready: serde_json::Value =
        app.http().get(app.url().replace("/graphql", "/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["ready"], true, "a replica down is not the gateway down: {ready}");
    assert!(ready["checks"].as_array().unwrap().iter().any(|c| c["name"] == "replica" && c["ok"] == false), "{ready}");

    replica_script(OWN, Some("--restart"));
    helpdesk_tests::eventually("reads to return to the replica", || async {
        let before = reads(&app);
        app.search(USER_EMAIL).await;
        (reads(&app) > before).then_some(())
    })
    .await;
    // Its replication slot would keep the primary's WAL for ever.
    replica_script(OWN, Some("--remove"));
}

#[tokio::test]
async fn a_writer_reads_the_primary_until_the_replica_has_replayed_its_write() {
    const OWN: u16 = 5435;
    // A lag bound of a minute: the paused replica stays usable, so only the
    // write's position keeps the writer off it.
    let Some(app) = app_with_replica_lagging_up_to(OWN, 60_000).await else { return };
    helpdesk_tests::eventually("the replica to take reads", || async {
        let before = reads(&app);
        app.search(USER_EMAIL).await;
        (reads(&app) > before).then_some(())
    })
    .await;
    let user = app.user_id(BOUNCED_USER_EMAIL).await;
    let suppression = "query($u: ID!) { user(id: $u) { emailSuppression { reason } } }";
    let res = app.query(suppression, json!({ "u": user })).await;
    assert!(res["data"]["user"]["emailSuppression"].is_object(), "{res}");

    on_standby(&app, OWN, "SELECT pg_wal_replay_pause()").await;
    let removed =
        app.query("mutation($u: ID!) { removeEmailSuppression(userId: $u) { removed } }", json!({ "u": user })).await;
    assert_eq!(removed["data"]["removeEmailSuppression"]["removed"], true, "{removed}");
    let before = reads(&app);
    for _ in 0..3 {
        let res = app.query(suppression, json!({ "u": user })).await;
        assert!(res["data"]["user"]["emailSuppression"].is_null(), "the writer sees its write: {res}");
    }
    assert_eq!(reads(&app), before, "the replica has not replayed the write: the writer reads the primary");

    on_standby(&app, OWN, "SELECT pg_wal_replay_resume()").await;
    helpdesk_tests::eventually(
        "the writer's reads to return to the replica once it has replayed the write",
        || async {
            let before = reads(&app);
            let res = app.query(suppression, json!({ "u": user })).await;
            assert!(res["data"]["user"]["emailSuppression"].is_null(), "{res}");
            (reads(&app) > before).then_some(())
        },
    )
    .await;
    replica_script(OWN, Some("--remove"));
}
