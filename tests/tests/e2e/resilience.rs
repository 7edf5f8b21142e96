//! Hot customers in Redis, and a gateway that survives its dependencies.

use std::sync::atomic::Ordering;

use helpdesk_domain::Clock;
use helpdesk_store::seed::Scale;
use helpdesk_tests::faults::{CuttableProxy, PrivateRedis};
use helpdesk_tests::{
    SEARCH, Target, TestApp, e2e_backends, edges, error_code, eventually, fixtures::*, spawn_app_configured,
};
use serde_json::{Value, json};

const DETAIL: &str =
    "query($c: ID!) { customer(id: $c) { name domains { name } admins { role } readOnlyAccess { authorized } } }";

/// The machine's Redis (CI starts it), with a key prefix of this test's own.
fn shared_redis(prefix: &str) -> impl FnOnce(&mut helpdesk_server::config::ServeConfig) + '_ {
    move |c| {
        c.database.cache.redis_url = Some("redis://127.0.0.1:6379".into());
        c.database.cache.redis_prefix = prefix.to_string();
        c.database.cache.cache_local_ttl_ms = 200;
    }
}

async fn nan_pizza(app: &TestApp) -> Value {
    let s = app.query(SEARCH, json!({ "q": CUSTOMER, "kinds": ["CUSTOMER"] })).await;
    edges(&s["data"]["search"])[0]["node"]["id"].clone()
}

/// Both gateways cache Nan Pizza's summary (grant active); then the customer
/// revokes its grant, through gateway `a`'s store. Returns Nan Pizza's ID.
async fn cache_then_revoke_grant(a: &TestApp, b: &TestApp) -> Value {
    let nan = nan_pizza(a).await;
    for app in [a, b] {
        let res = app.query(DETAIL, json!({ "c": nan })).await;
        assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], true);
    }
    let org = a.query("query($c: ID!) { customer(id: $c) { organizationId } }", json!({ "c": nan })).await;
    let org = uuid::Uuid::parse_str(org["data"]["customer"]["organizationId"].as_str().unwrap()).unwrap();
    a.server().store.revoke_read_only_access(helpdesk_domain::CustomerId(org), a.clock.now()).await.unwrap();
    nan
}

/// An app whose cache is Redis only (no in-process layer, so every read asks
/// Redis), with a 100 ms Redis timeout.
async fn app_on_redis(target: Target, url: String) -> TestApp {
    spawn_app_configured(target, Scale::Demo, |c| {
        c.database.cache.redis_url = Some(url);
        c.database.cache.cache_local_capacity = 0;
        c.database.cache.redis_timeout_ms = 100;
    })
    .await
}

/// Waits until Redis serves hits again, checking every answer meanwhile.
async fn the_cache_comes_back(app: &TestApp, customer: &Value) {
    let hits_before = stats(app).redis_hits.load(Ordering::Relaxed);
    eventually("the cache to come back by itself", || async {
        let res = app.query(DETAIL, json!({ "c": customer })).await;
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER);
        (stats(app).redis_hits.load(Ordering::Relaxed) > hits_before).then_some(())
    })
    .await;
}

fn stats(app: &TestApp) -> &helpdesk_store::cache::CacheStats {
    &app.server().store.cache().stats
}

e2e_backends!(
    /// Each layer hits and misses: database, then in-process, then Redis for a second gateway.
    customer_summaries_are_served_from_each_layer, |target| async move {
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let a = spawn_app_configured(target, Scale::Demo, shared_redis(&prefix)).await;
    let nan = nan_pizza(&a).await; // search: loads Nan Pizza's summary from the database
    let loads = stats(&a).database_loads.load(Ordering::Relaxed);
    assert!(loads >= 1);
    let res = a.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    assert!(stats(&a).local_hits.load(Ordering::Relaxed) >= 1, "the second read is in-process");

    // A second gateway has nothing in process, but Redis has it.
    let b = a.another_gateway(shared_redis(&prefix)).await;
    let res = b.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["name"], CUSTOMER);
    assert_eq!(res["data"]["customer"]["domains"].as_array().unwrap().len(), 2);
    assert!(stats(&b).redis_hits.load(Ordering::Relaxed) >= 1, "served from Redis");
    assert_eq!(stats(&b).database_loads.load(Ordering::Relaxed), 0, "not from the database");

    let (status, metrics) = b.get("/metrics").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("helpdesk_cache_hits_total{layer=\"redis\"}"), "{metrics}");
    assert!(metrics.contains("helpdesk_requests_total{operation=\"customer\",outcome=\"ok\"} 1"), "{metrics}");
    let (_, metrics) = a.get("/metrics").await;
    assert!(metrics.contains("helpdesk_searches_total{input_kind=\"Name\"} 1"), "{metrics}");
    assert!(metrics.contains("helpdesk_cache_hits_total{layer=\"local\"}"), "{metrics}");
});

e2e_backends!(
    /// A grant revoked through one gateway is seen by the other once its short in-process TTL ends.
    an_invalidation_reaches_a_second_gateway, |target| async move {
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let a = spawn_app_configured(target, Scale::Demo, shared_redis(&prefix)).await;
    let b = a.another_gateway(shared_redis(&prefix)).await;
    let nan = cache_then_revoke_grant(&a, &b).await;

    // The writer's own gateway sees it at once.
    let res = a.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], false);
    // The other one within its in-process TTL (200 ms here).
    eventually("the second gateway to see the revoked grant", || async {
        let res = b.query(DETAIL, json!({ "c": nan })).await;
        (res["data"]["customer"]["readOnlyAccess"]["authorized"] == false).then_some(())
    })
    .await;
});

e2e_backends!(
    /// Garbage in a cache key is a miss, never an error for the agent.
    garbage_in_redis_is_a_miss, |target| async move {
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let a = spawn_app_configured(target, Scale::Demo, |c| {
        shared_redis(&prefix)(c);
        c.database.cache.cache_local_capacity = 0;
    })
    .await;
    let nan = nan_pizza(&a).await;
    let org = a.query("query($c: ID!) { customer(id: $c) { organizationId } }", json!({ "c": nan })).await;
    let org = helpdesk_domain::CustomerId(uuid::Uuid::parse_str(org["data"]["customer"]["organizationId"].as_str().unwrap()).unwrap());
    let key = a.server().store.cache().redis_key(org).unwrap();
    let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    for garbage in ["not json", "{\"partner\": 1}", "\u{0}\u{1}binary"] {
        let _: () = redis::cmd("SET").arg(&key).arg(garbage).query_async(&mut conn).await.unwrap();
        let res = a.query(DETAIL, json!({ "c": nan })).await;
        assert!(res["errors"].is_null(), "{res}");
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER);
    }
    let _: () = redis::cmd("DEL").arg(&key).query_async(&mut conn).await.unwrap();
});

e2e_backends!(
    /// Redis killed mid-test: answers stay right, readiness says so, and the cache comes back by itself.
    the_gateway_outlives_its_redis, |target| async move {
    let mut redis = PrivateRedis::start().await;
    let a = app_on_redis(target, redis.url()).await;
    let nan = nan_pizza(&a).await;
    let (status, ready) = a.get("/readyz").await;
    assert_eq!(status, 200, "{ready}");

    redis.kill();
    for _ in 0..5 {
        let res = a.query(DETAIL, json!({ "c": nan })).await;
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    }
    assert!(stats(&a).redis_errors.load(Ordering::Relaxed) >= 1);
    let (status, ready) = a.get("/readyz").await;
    assert_eq!(status, 200, "a dead Redis does not make the gateway unready: {ready}");
    assert!(ready.contains("Redis unreachable"), "{ready}");

    redis.restart().await;
    the_cache_comes_back(&a, &nan).await;
});

/// PostgreSQL made unreachable through a proxy the test cuts, then restored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_fails_fast_without_postgres_and_recovers() {
    let Some((app, proxy)) = helpdesk_tests::faults::app_behind_a_proxy(helpdesk_tests::faults::fails_fast).await
    else {
        return;
    };
    let token = app.token(HELP_DESK_AGENT).await;
    let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": DEVICE_MAC })).await;
    assert_eq!(edges(&res["data"]["search"]).len(), 1);

    proxy.cut().await;
    let started = std::time::Instant::now();
    let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": DEVICE_MAC })).await;
    assert_eq!(error_code(&res), "SERVICE_UNAVAILABLE", "{res}");
    assert!(!res.to_string().contains("5432"), "no internals in the message");
    assert!(started.elapsed() < std::time::Duration::from_secs(20), "failed fast, not hung");
    let (status, ready) = app.get("/readyz").await;
    assert_eq!(status, 503, "{ready}");

    proxy.restore();
    eventually("the gateway to recover without a restart", || async {
        let res = app.query_with_token(Some(&token), SEARCH, json!({ "q": DEVICE_MAC })).await;
        (edges(&res["data"]["search"]).len() == 1).then_some(())
    })
    .await;
    let (status, _) = app.get("/readyz").await;
    assert_eq!(status, 200);
}

e2e_backends!(
    /// The operator endpoints answer.
    health_readiness_and_metrics_answer, |target| async move {
    let app = spawn_app_configured(target, Scale::Demo, |_| {}).await;
    assert_eq!(app.get("/healthz").await, (200, "ok".to_string()));
    let (status, ready) = app.get("/readyz").await;
    assert_eq!(status, 200);
    let ready: Value = serde_json::from_str(&ready).unwrap();
    assert_eq!(ready["ready"], true);
    assert!(ready["checks"][1]["detail"].as_str().unwrap().contains("in-process only"));
    app.search(DEVICE_MAC).await;
    let (_, metrics) = app.get("/metrics").await;
    assert!(metrics.contains("helpdesk_searches_total{input_kind=\"MacAddress\"} 1"), "{metrics}");
    assert!(metrics.contains("helpdesk_request_duration_seconds_bucket"), "{metrics}");
    assert!(metrics.contains("helpdesk_sql_statements_total"), "{metrics}");
});

e2e_backends!(
    /// Shutdown stops accepting, but the request in flight gets its full answer.
    graceful_shutdown_finishes_the_request_in_flight, |target| async move {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut app = spawn_app_configured(target, Scale::Demo, |_| {}).await;
    let token = app.token(HELP_DESK_AGENT).await;
    let addr = app.server().addr;
    let body = json!({ "query": SEARCH, "variables": { "q": DEVICE_MAC } }).to_string();
    let (head, tail) = body.split_at(body.len() / 2);

    // A request whose body is half sent: it is in flight.
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    let headers = format!(
        "POST /graphql HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nAuthorization: Bearer {token}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    conn.write_all(headers.as_bytes()).await.unwrap();
    conn.write_all(head.as_bytes()).await.unwrap();
    conn.flush().await.unwrap();
    // The server has read the headers once it answers another request on a new connection.
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200);

    let server = app.server.take().unwrap();
    let stopping = tokio::spawn(server.stop());
    // New connections are refused once shutdown has begun…
    eventually("the listener to close", || async { tokio::net::TcpStream::connect(addr).await.err().map(|_| ()) }).await;
    assert!(!stopping.is_finished(), "shutdown waits for the request in flight");

    // …while the request in flight completes with the right answer.
    conn.write_all(tail.as_bytes()).await.unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("2C:54:91:88:C9:E3"), "{response}");
    stopping.await.unwrap().unwrap();

    // The audit entries queued before the shutdown were written: a new gateway lists the search.
    let after = app.another_gateway(|_| {}).await;
    let log = after.audit_since_seeding("action detail").await;
    let searched = log.iter().any(|e| {
        e["node"]["action"] == "search" && e["node"]["detail"].as_str().unwrap_or("").contains(DEVICE_MAC)
    });
    assert!(searched, "{log:?}");
});

e2e_backends!(
    /// Twenty concurrent misses for one customer reach the database once.
    concurrent_misses_for_one_customer_load_it_once, |target| async move {
    use helpdesk_domain::ports::{AgentDirectory, Directory};
    let app = spawn_app_configured(target, Scale::Demo, |_| {}).await;
    let store = app.server().store.clone();
    let agent = store.agent_by_email(&helpdesk_domain::Email::parse(HELP_DESK_AGENT).unwrap()).await.unwrap().unwrap();
    let hit = helpdesk_domain::search::recognise(CUSTOMER).unwrap();
    let filter = helpdesk_domain::ports::SearchFilter { kinds: vec![helpdesk_domain::search::SearchKind::Customer], customer: None, limit: 1 };
    let found = store.search(agent.partner_id, &hit, &filter).await.unwrap();
    let helpdesk_domain::search::HitTarget::Customer(id) = found[0].target else { panic!("not a customer") };

    let before = stats(&app).database_loads.load(Ordering::Relaxed);
    let calls = (0..20).map(|_| {
        let store = store.clone();
        tokio::spawn(async move { store.customers(agent.partner_id, &[id]).await.unwrap() })
    });
    for call in futures_join(calls).await {
        assert_eq!(call[0].name, CUSTOMER);
    }
    assert_eq!(stats(&app).database_loads.load(Ordering::Relaxed) - before, 1);
});

async fn futures_join<T: Send + 'static>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.unwrap());
    }
    out
}

e2e_backends!(
    /// A Redis that hangs (slow, not dead): calls time out, the breaker opens, answers stay right.
    a_hanging_redis_only_costs_a_timeout, |target| async move {
    let redis = PrivateRedis::start().await;
    let proxy = CuttableProxy::start(format!("127.0.0.1:{}", redis.port)).await;
    let a = app_on_redis(target, format!("redis://127.0.0.1:{}", proxy.port)).await;
    let nan = nan_pizza(&a).await;
    proxy.hang().await;
    for _ in 0..5 {
        let res = a.query(DETAIL, json!({ "c": nan })).await;
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
    }
    assert!(stats(&a).redis_errors.load(Ordering::Relaxed) >= 1, "the calls timed out");
    assert_eq!(a.server().store.cache().redis_state(), helpdesk_store::cache::RedisState::Down, "the breaker is open");

    proxy.restore();
    the_cache_comes_back(&a, &nan).await;
});

e2e_backends!(
    /// With a long in-process TTL, a change still reaches the other gateway at once: it is published.
    an_invalidation_is_published_to_the_other_gateways, |target| async move {
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let long_ttl = |c: &mut helpdesk_server::config::ServeConfig| {
        shared_redis(&prefix)(c);
        c.database.cache.cache_local_ttl_ms = 600_000;
    };
    let a = spawn_app_configured(target, Scale::Demo, long_ttl).await;
    let b = a.another_gateway(long_ttl).await;
    // Both gateways listen (each store subscribes once it starts).
    let client = redis::Client::open("redis://127.0.0.1:6379").unwrap();
    let conn = client.get_multiplexed_async_connection().await.unwrap();
    let channel = format!("{prefix}:customer:invalidations");
    eventually("both gateways to subscribe", || {
        let (mut conn, channel) = (conn.clone(), channel.clone());
        async move {
            let counts: Vec<(String, i64)> = redis::cmd("PUBSUB").arg("NUMSUB").arg(&channel).query_async(&mut conn).await.unwrap();
            (counts[0].1 >= 2).then_some(())
        }
    })
    .await;

    let nan = cache_then_revoke_grant(&a, &b).await;
    eventually("the other gateway to hear the invalidation", || async {
        let res = b.query(DETAIL, json!({ "c": nan })).await;
        (res["data"]["customer"]["readOnlyAccess"]["authorized"] == false).then_some(())
    })
    .await;
});
