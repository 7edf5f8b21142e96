//! The shared cache and rate limits on a Redis Cluster: three real nodes on
//! loopback (`tests/support/start-redis-cluster`). Gateways share summaries
//! and invalidations through it, and a node that dies costs no answer.

use std::sync::atomic::Ordering;

use helpdesk_domain::Clock;
use helpdesk_server::config::ServeConfig;
use helpdesk_store::seed::Scale;
use helpdesk_tests::cluster::RedisCluster;
use helpdesk_tests::load::Agents;
use helpdesk_tests::{TestApp, e2e_backends, eventually, fixtures::*, spawn_app_configured};
use serde_json::{Value, json};

const DETAIL: &str = "query($c: ID!) { customer(id: $c) { name readOnlyAccess { authorized } } }";

/// Gateways on `cluster`'s nodes, under a key prefix of the test's own.
fn on_cluster(cluster: &RedisCluster, prefix: &str) -> impl Fn(&mut ServeConfig) {
    let (nodes, prefix) = (cluster.nodes(), prefix.to_string());
    move |c| {
        c.database.cache.redis_cluster_nodes = nodes.clone();
        c.database.cache.redis_prefix = prefix.clone();
    }
}

fn stats(app: &TestApp) -> &helpdesk_store::cache::CacheStats {
    &app.server().store.cache().stats
}

/// Every customer of the demo agent's partner: its GraphQL ID and name.
async fn customers(app: &TestApp) -> Vec<(Value, String)> {
    let names = app
        .sql_texts(&format!(
            "SELECT c.name FROM customers c JOIN partners p ON p.id = c.partner_id WHERE p.name = '{PARTNER_A}'"
        ))
        .await;
    let mut all = Vec::new();
    for name in names {
        all.push((app.customer_id(&name).await, name));
    }
    all
}

e2e_backends!(
    /// Two gateways on one cluster: the second is served the first's summary
    /// from Redis, and hears at once (over sharded pub/sub) that a grant was revoked.
    two_gateways_sharing_a_cluster_share_summaries_and_invalidations, |target| async move {
    let cluster = RedisCluster::shared().await;
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    // A 10-minute in-process TTL: only the published invalidation can make the second gateway forget.
    let config = |c: &mut ServeConfig| {
        on_cluster(&cluster, &prefix)(c);
        c.database.cache.cache_local_ttl_ms = 600_000;
    };
    let a = spawn_app_configured(target, Scale::Demo, config).await;
    let b = a.another_gateway(config).await;
    let channel = format!("{prefix}:customer:invalidations");
    eventually("both gateways to subscribe", || async {
        (cluster.shard_subscribers(&channel).await >= 2).then_some(())
    })
    .await;
    let (_, ready) = a.get("/readyz").await;
    assert!(ready.contains("in-process and Redis Cluster"), "{ready}");

    let nan = a.customer_id(CUSTOMER).await;
    let res = a.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], true, "{res}");
    let res = b.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], true, "{res}");
    assert!(stats(&b).redis_hits.load(Ordering::Relaxed) >= 1, "the second gateway read the first's summary from the cluster");

    let org = a.organization(&nan).await;
    a.server().store.revoke_read_only_access(org, a.clock.now()).await.unwrap();
    let res = a.query(DETAIL, json!({ "c": nan })).await;
    assert_eq!(res["data"]["customer"]["readOnlyAccess"]["authorized"], false, "the writer's gateway sees it at once");
    eventually("the other gateway to hear the invalidation", || async {
        let res = b.query(DETAIL, json!({ "c": nan })).await;
        (res["data"]["customer"]["readOnlyAccess"]["authorized"] == false).then_some(())
    })
    .await;

    let (_, metrics) = a.get("/metrics").await;
    assert!(metrics.contains("helpdesk_redis_errors_total 0\n"), "{metrics}");

    // The agents' rate-limit buckets live in the cluster too.
    let limited = a.another_gateway(|c| {
        config(c);
        c.rate_limit_per_second = 1_000;
    })
    .await;
    assert_eq!(limited.search(USER_EMAIL).await["edges"][0]["node"]["email"], USER_EMAIL);
    let (_, metrics) = limited.get("/metrics").await;
    assert!(metrics.contains("helpdesk_rate_limit_redis_calls_total "), "{metrics}");
    assert!(!metrics.contains("helpdesk_rate_limit_redis_calls_total 0\n"), "the bucket was asked: {metrics}");
    assert!(metrics.contains("helpdesk_rate_limit_redis_errors_total 0\n"), "{metrics}");
});

e2e_backends!(
    /// A cluster node killed while eight agents keep reading every customer:
    /// every answer stays right, and the cache comes back when the node does.
    a_cluster_node_killed_under_load_costs_no_answer, |target| async move {
    let cluster = RedisCluster::private().await;
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    let a = spawn_app_configured(target, Scale::Demo, |c| {
        on_cluster(&cluster, &prefix)(c);
        // Redis only, so every read asks the cluster.
        c.database.cache.cache_local_capacity = 0;
        c.database.cache.redis_timeout_ms = 100;
    })
    .await;
    let all = customers(&a).await;
    assert!(all.len() >= 3, "{all:?}");
    let nan = a.customer_id(CUSTOMER).await;
    let key = a.server().store.cache().redis_key(a.organization(&nan).await).unwrap();
    let victim = cluster.node_owning(&key).await;
    for (id, _) in &all {
        // Warm: every summary is in the cluster before the node dies.
        a.query(DETAIL, json!({ "c": id })).await;
    }

    let a = std::sync::Arc::new(a);
    let agents = Agents::start(&a, 8, move |app, i| {
        let (id, name) = all[i % all.len()].clone();
        async move {
            let res = app.query(DETAIL, json!({ "c": id })).await;
            assert!(res["errors"].is_null(), "{res}");
            assert_eq!(res["data"]["customer"]["name"].as_str(), Some(name.as_str()), "{res}");
        }
    });
    let errors_before = stats(&a).redis_errors.load(Ordering::Relaxed);
    cluster.kill(victim);
    eventually("the dead node to cost a Redis call", || async {
        let res = a.query(DETAIL, json!({ "c": nan })).await;
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
        (stats(&a).redis_errors.load(Ordering::Relaxed) > errors_before).then_some(())
    })
    .await;
    assert!(agents.stop().await >= 8);
    let (status, ready) = a.get("/readyz").await;
    assert_eq!(status, 200, "a cluster node down does not make the gateway unready: {ready}");

    cluster.start(victim);
    let hits_before = stats(&a).redis_hits.load(Ordering::Relaxed);
    eventually("the cache to come back with the node", || async {
        let res = a.query(DETAIL, json!({ "c": nan })).await;
        assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
        (stats(&a).redis_hits.load(Ordering::Relaxed) > hits_before + 1).then_some(())
    })
    .await;
});
