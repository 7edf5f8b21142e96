//! A buggy or hostile client: one request costs what it says.
//!
//! Each test sends a request that once ran far more SQL than it looked like,
//! and asserts on the statements the gateway ran (never on time).

use helpdesk_domain::Clock;
use helpdesk_tests::{TestApp, e2e, e2e_backends, error_code, fixtures::*};
use serde_json::{Value, json};

/// A search as a console would send it, with enough of each result to show it.
fn search_field(first: u32) -> String {
    format!(
        "search(query: \"a\", first: {first}) {{ edges {{ cursor node {{ __typename ... on Customer {{ name }} ... on User {{ email }} }} }} }}"
    )
}

/// Runs `query` (after one warm-up of the same query, so caches are as a
/// working console finds them) and returns the response and the statements it
/// ran: the fewer of two runs in a row, since the agent's roles are cached for
/// a second and one of two requests in a row finds them there.
async fn statements_of(app: &TestApp, query: &str) -> (Value, u64) {
    let token = app.token(HELP_DESK_AGENT).await;
    app.query_with_token(Some(&token), query, json!({})).await;
    let mut fewest = u64::MAX;
    let mut res = Value::Null;
    for _ in 0..2 {
        let before = app.statements();
        res = app.query_with_token(Some(&token), query, json!({})).await;
        fewest = fewest.min(app.statements() - before);
    }
    (res, fewest)
}

fn refused_for_cost(res: &Value) {
    assert_eq!(error_code(res), "BAD_USER_INPUT", "{res}");
    let message = res["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("would cost") && message.contains("the limit is 5000"), "{message}");
    assert!(res["data"].is_null(), "nothing ran: {res}");
}

e2e!(
    /// A kind named 5,000 times is searched once: the request runs the SQL of `kinds: [USER]`.
    a_kind_named_five_thousand_times_is_searched_once, |app| async move {
    let once = "{ search(query: \"a\", first: 20, kinds: [USER]) { edges { cursor } } }";
    let kinds = vec!["USER"; 5000].join(", ");
    let many = format!("{{ search(query: \"a\", first: 20, kinds: [{kinds}]) {{ edges {{ cursor }} }} }}");
    let (one, one_statements) = statements_of(&app, once).await;
    let (res, many_statements) = statements_of(&app, &many).await;
    assert!(res["errors"].is_null(), "{res}");
    assert_eq!(res["data"], one["data"]);
    assert_eq!(many_statements, one_statements);
    assert_eq!(res["extensions"]["cost"], one["extensions"]["cost"], "and costs the same");
});

e2e!(
    /// The same search written 200 times, without aliases, is priced 200 times and refused.
    a_field_repeated_two_hundred_times_is_refused, |app| async move {
    let (_, plain) = statements_of(&app, "{ me { name } }").await;
    let repeated = format!("{{ {} }}", vec![search_field(20); 200].join(" "));
    let (res, statements) = statements_of(&app, &repeated).await;
    refused_for_cost(&res);
    assert_eq!(statements, plain, "refused before a search ran");
});

e2e!(
    /// Fragments spread inside fragments (4 × 4 × 4 searches in a 300-byte body) are priced expanded
    /// (at 8 × 8 × 8 the work bound refuses them before they are priced).
    a_fragment_bomb_is_priced_expanded_and_refused, |app| async move {
    let body = format!(
        "{{ ...L3 }} fragment L0 on Query {{ {} }} fragment L1 on Query {{ {} }} fragment L2 on Query {{ {} }} fragment L3 on Query {{ {} }}",
        search_field(1),
        ["...L0"; 4].join(" "),
        ["...L1"; 4].join(" "),
        ["...L2"; 4].join(" "),
    );
    let res = app.query(&body, json!({})).await;
    refused_for_cost(&res);
});

e2e!(
    /// A page size of a billion is refused before it is priced (it could never run), and a
    /// nest of the largest pages allowed is priced without wrapping the cost round.
    huge_page_sizes_cannot_wrap_the_cost_round, |app| async move {
    let nested = "{ search(query: \"a\", first: 1073741823) { edges { node { ... on Customer { users(first: 1073741823) { edges { node { customer { users(first: 1073741823) { edges { node { email } } } } } } } } } } } }";
    let res = app.query(nested, json!({})).await;
    assert_eq!(error_code(&res), "BAD_USER_INPUT", "{res}");
    assert!(res["errors"][0]["message"].as_str().unwrap().contains("between 0 and 100"), "{res}");
    assert!(res.get("data").is_none(), "nothing ran: {res}");
    let largest = nested.replace("1073741823", "100");
    refused_for_cost(&app.query(&largest, json!({})).await);
});

e2e!(
    /// Every accepted operation reports its cost and the budget in `extensions.cost`.
    an_accepted_operation_reports_its_cost, |app| async move {
    let small = app.query("{ search(query: \"a\", first: 5, kinds: [USER]) { edges { cursor } } }", json!({})).await;
    let large = app.query("{ search(query: \"a\", first: 50) { edges { cursor node { __typename } } } }", json!({})).await;
    for res in [&small, &large] {
        assert!(res["errors"].is_null(), "{res}");
        assert_eq!(res["extensions"]["cost"]["maximumQueryCost"], 5000, "{res}");
    }
    let cost = |r: &Value| r["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap();
    assert!(cost(&small) > 0 && cost(&small) < cost(&large), "{} vs {}", cost(&small), cost(&large));
});

e2e!(
    /// The most repeats the budget accepts run at most 20 times the SQL of one plain search.
    the_costliest_accepted_repetition_stays_within_twenty_searches, |app| async move {
    let (one, plain) = statements_of(&app, &format!("{{ {} }}", search_field(1))).await;
    assert!(one["errors"].is_null(), "{one}");
    let mut accepted = 1;
    let mut worst = plain;
    for copies in 2..=200 {
        let (res, statements) = statements_of(&app, &format!("{{ {} }}", vec![search_field(1); copies].join(" "))).await;
        if !res["errors"].is_null() {
            refused_for_cost(&res);
            break;
        }
        accepted = copies;
        worst = statements;
    }
    assert!(accepted < 200, "the budget stops repetition somewhere");
    assert!(worst <= 20 * plain, "{accepted} copies ran {worst} statements; one search runs {plain}");
});

e2e!(
    /// Whatever `operationName` a client sends, `/metrics` labels operations by the schema's root fields.
    a_client_cannot_create_metric_series, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    for i in 0..20 {
        let body = json!({ "query": format!("query Probe{i}x {{ me {{ name }} }}"), "operationName": format!("Probe{i}x") });
        app.http().post(app.url()).bearer_auth(&token).json(&body).send().await.unwrap();
    }
    app.query("{ noSuchField }", json!({})).await;
    let (_, metrics) = app.get("/metrics").await;
    assert!(!metrics.contains("Probe"), "client text became a label");
    assert!(metrics.contains("operation=\"me\""), "{metrics}");
    assert!(metrics.contains("operation=\"other\""), "{metrics}");
});

/// PostgreSQL hangs (connections accepted, never answered). With room for two
/// requests at a time and 300 ms each, ten at once: two time out, eight are
/// shed at once, all `SERVICE_UNAVAILABLE`; nothing waits for the database's own timeouts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_database_costs_a_time_limit_and_sheds_the_rest() {
    let Some((app, proxy)) = helpdesk_tests::faults::app_behind_a_proxy(|c| {
        c.request_timeout_ms = 300;
        c.max_concurrent_requests = 2;
    })
    .await
    else {
        return;
    };
    let token = app.token(HELP_DESK_AGENT).await;
    let search = json!({ "query": "{ search(query: \"nanpizza.com\") { edges { cursor } } }" });
    let res = app.query_with_token(Some(&token), "{ me { name } }", json!({})).await;
    assert!(res["errors"].is_null(), "{res}");

    proxy.hang().await;
    let requests = (0..10).map(|_| async {
        let res = app.http().post(app.url()).bearer_auth(&token).json(&search).send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json::<Value>().await.unwrap())
    });
    let answers = futures::future::join_all(requests).await;
    let message = |a: &(u16, Value)| a.1["errors"][0]["message"].as_str().unwrap_or_default().to_string();
    for a in &answers {
        assert_eq!(a.0, 503, "{a:?}");
        assert_eq!(error_code(&a.1), "SERVICE_UNAVAILABLE", "{a:?}");
    }
    let shed = answers.iter().filter(|a| message(a).contains("at capacity")).count();
    let timed_out = answers.iter().filter(|a| message(a).contains("longer than 300 ms")).count();
    assert_eq!((shed, timed_out), (8, 2), "{answers:?}");

    // The operator endpoints still answer.
    let (status, _) = app.get("/healthz").await;
    assert_eq!(status, 200);
    proxy.restore();
}

e2e!(
    /// The caller's `x-request-id` (or a `traceparent`'s trace ID) names the request in the
    /// response header and in every error.
    a_request_keeps_the_id_its_caller_gave_it, |app| async move {
    let token = app.token(HELP_DESK_AGENT).await;
    let body = json!({ "query": "{ customer(id: \"nope\") { name } }" });
    let res = app.http().post(app.url()).bearer_auth(&token).header("x-request-id", "console-7f3a").json(&body).send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "console-7f3a");
    let json: Value = res.json().await.unwrap();
    assert_eq!(json["errors"][0]["extensions"]["requestId"], "console-7f3a");

    let tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let res = app.http().post(app.url()).bearer_auth(&token).header("traceparent", tp).json(&body).send().await.unwrap();
    assert_eq!(res.headers()["x-request-id"], "4bf92f3577b34da6a3ce929d0e0e4736");
});

e2e_backends!(
    /// An agent that spends its bucket of query cost is refused with RATE_LIMITED and a
    /// `retryAt`; another agent of the same partner is not; a second gateway on the same
    /// Redis refuses the first agent too.
    an_agent_that_spends_its_budget_waits, |target| async move {
    let prefix = format!("helpdesk-test-{}", uuid::Uuid::new_v4().simple());
    let limited = |c: &mut helpdesk_server::config::ServeConfig| {
        c.max_cost = 1_000;
        c.rate_limit_burst = 1_000;
        c.rate_limit_per_second = 1;
        c.database.cache.redis_url = Some("redis://127.0.0.1:6379".into());
        c.database.cache.redis_prefix = prefix.clone();
    };
    let app = helpdesk_tests::spawn_app_configured(target, helpdesk_store::seed::Scale::Demo, limited).await;
    let search = format!("{{ {} }}", search_field(5));
    let mut spent = 0;
    let refused = loop {
        let res = app.query(&search, json!({})).await;
        if !res["errors"].is_null() {
            break res;
        }
        spent += res["extensions"]["cost"]["requestedQueryCost"].as_u64().unwrap();
        assert!(spent <= 1_100, "spent {spent} of a 1,000 bucket");
    };
    assert_eq!(error_code(&refused), "RATE_LIMITED", "{refused}");
    let retry_at = refused["errors"][0]["extensions"]["retryAt"].as_str().unwrap_or_else(|| panic!("{refused}"));
    let retry_at: chrono::DateTime<chrono::Utc> = chrono::DateTime::parse_from_rfc3339(retry_at).unwrap().into();
    assert!(retry_at > app.clock.now(), "{retry_at}");
    assert!(spent >= 700, "the bucket let {spent} through before refusing");

    let lead = app.query_as("lead@northwind-partners.com", &search, json!({})).await;
    assert!(lead["errors"].is_null(), "another agent has its own bucket: {lead}");
    let other_gateway = app.another_gateway(limited).await;
    let res = other_gateway.query(&search, json!({})).await;
    assert_eq!(error_code(&res), "RATE_LIMITED", "the bucket is shared through Redis: {res}");
});

/// PostgreSQL cut while sixteen requests at a time open the same customer (no
/// cache, so each loads it): every failure is SERVICE_UNAVAILABLE, never
/// INTERNAL, and answers come back once it returns. (The waiter of a failed
/// shared load is proved in the store's `cache::tests`, where the timing is
/// the test's to set.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_cut_under_load_is_service_unavailable_never_internal() {
    let Some((app, proxy)) = helpdesk_tests::faults::app_behind_a_proxy(helpdesk_tests::faults::fails_fast).await
    else {
        return;
    };
    let nan = app.customer_id(CUSTOMER).await;
    let token = app.token(HELP_DESK_AGENT).await;
    let detail = json!({ "query": "query($c: ID!) { customer(id: $c) { name readOnlyAccess { authorized } } }", "variables": { "c": nan } });
    let burst = || {
        futures::future::join_all((0..16).map(|_| async {
            let res = app.http().post(app.url()).bearer_auth(&token).json(&detail).send().await.unwrap();
            res.json::<Value>().await.unwrap()
        }))
    };
    let before = burst().await;
    assert!(before.iter().all(|r| r["data"]["customer"]["name"] == CUSTOMER), "{before:?}");

    proxy.cut().await;
    for _ in 0..3 {
        for res in burst().await {
            if !res["errors"].is_null() {
                assert_eq!(error_code(&res), "SERVICE_UNAVAILABLE", "{res}");
            }
        }
    }
    proxy.restore();
    helpdesk_tests::eventually("answers after the database returns", || async {
        let all = burst().await;
        all.iter().all(|r| r["data"]["customer"]["name"] == CUSTOMER).then_some(())
    })
    .await;
}

e2e_backends!(
    /// Partner B's agent probes partner A's customer ID while A's agent opens it, both
    /// loading it at the same moment (no in-process cache): A always finds it, B never does.
    another_partner_probing_an_id_never_hides_it_from_its_owner, |target| async move {
    let app = helpdesk_tests::spawn_app_configured(target, helpdesk_store::seed::Scale::Demo, |c| {
        c.database.cache.cache_local_capacity = 0;
    })
    .await;
    let nan = app.customer_id(CUSTOMER).await;
    let open = "query($c: ID!) { customer(id: $c) { name } }";
    let (owner, prober) = (app.token(HELP_DESK_AGENT).await, app.token(OTHER_PARTNER_AGENT).await);
    for _ in 0..15 {
        let probes = (0..4).map(|_| app.query_with_token(Some(&prober), open, json!({ "c": nan })));
        let opens = (0..4).map(|_| app.query_with_token(Some(&owner), open, json!({ "c": nan })));
        let (probes, opens) = futures::future::join(futures::future::join_all(probes), futures::future::join_all(opens)).await;
        for res in opens {
            assert_eq!(res["data"]["customer"]["name"], CUSTOMER, "{res}");
        }
        for res in probes {
            assert_eq!(error_code(&res), "NOT_FOUND", "{res}");
        }
    }
});
