//! Read-your-writes on a replica, measured two ways.
//!
//! - `--replay-lag N`: N writes on the primary; for each, how long until the
//!   replica has replayed it (the least a reader waiting on the write's LSN
//!   waits), and what noting the write's LSN costs (one `pg_current_wal_lsn()`).
//! - `--read-your-writes N`: N writes through the gateway (an agent who is
//!   also a partner admin gives a colleague the Help Desk role); after each,
//!   how long until that agent's searches are served by the replica again.

use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use sea_orm::sqlx::PgPool;
use serde_json::{Value, json};

use crate::Gateways;
use crate::keys::Keys;

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    h.value_at_quantile(q) as f64 / 1000.0
}

fn row(label: &str, h: &Histogram<u64>) {
    println!("| {label} | {:.2} | {:.2} | {:.2} |", ms(h, 0.5), ms(h, 0.99), h.max() as f64 / 1000.0);
}

pub async fn replay_lag(primary: &PgPool, replica: &str, samples: usize) -> Result<(), Box<dyn std::error::Error>> {
    let replica = PgPool::connect(replica).await?;
    sea_orm::sqlx::query("CREATE TABLE IF NOT EXISTS bench_replay_probe (n BIGINT)").execute(primary).await?;
    let (mut replayed, mut noting) = (Histogram::<u64>::new(3)?, Histogram::<u64>::new(3)?);
    for n in 0..samples {
        sea_orm::sqlx::query("INSERT INTO bench_replay_probe VALUES ($1)").bind(n as i64).execute(primary).await?;
        let committed = Instant::now();
        let lsn: String =
            sea_orm::sqlx::query_scalar("SELECT CAST(pg_current_wal_lsn() AS TEXT)").fetch_one(primary).await?;
        noting.record(committed.elapsed().as_micros() as u64)?;
        loop {
            let caught_up: bool = sea_orm::sqlx::query_scalar("SELECT pg_last_wal_replay_lsn() >= CAST($1 AS pg_lsn)")
                .bind(&lsn)
                .fetch_one(&replica)
                .await?;
            if caught_up {
                break;
            }
            if committed.elapsed() > Duration::from_secs(10) {
                return Err("the replica did not replay a write within 10 s".into());
            }
        }
        replayed.record(committed.elapsed().as_micros() as u64)?;
    }
    sea_orm::sqlx::query("DROP TABLE bench_replay_probe").execute(primary).await?;
    println!("| {samples} writes | p50 ms | p99 ms | max ms |\n|---|---|---|---|");
    row("noting the LSN after the commit", &noting);
    row("commit → replayed on the replica", &replayed);
    Ok(())
}

pub async fn read_your_writes(
    gateways: &Gateways,
    keys: &Keys,
    samples: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::new();
    let url = &gateways.urls[0];
    let ask = async |query: &str, variables: Value| -> Result<Value, Box<dyn std::error::Error>> {
        let res = client
            .post(format!("{url}/graphql"))
            .bearer_auth(&gateways.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await?;
        let body: Value = res.json().await?;
        match body.get("errors") {
            Some(e) => Err(format!("{e}").into()),
            None => Ok(body),
        }
    };
    let agents = ask("{ agents { id roles } }", json!({})).await?;
    let colleague = agents["data"]["agents"]
        .as_array()
        .and_then(|a| a.iter().find(|a| a["roles"].as_array().is_some_and(|r| r.iter().any(|r| r == "HELP_DESK"))))
        .and_then(|a| a["id"].as_str())
        .ok_or("the agent must be a partner admin of a partner with a help desk agent")?
        .to_string();
    let assign = "mutation($a: ID!) { assignHelpDeskRole(agentId: $a) { agent { id } } }";
    let search = "query($q: String!) { search(query: $q, first: 1) { edges { node { __typename } } } }";
    let mut back = Histogram::<u64>::new(3)?;
    for n in 0..samples {
        ask(assign, json!({ "a": colleague })).await?;
        let wrote = Instant::now();
        loop {
            let before = gateways.replica_reads().await;
            ask(search, json!({ "q": keys.users[n % keys.users.len()].email })).await?;
            if gateways.replica_reads().await > before {
                break;
            }
            if wrote.elapsed() > Duration::from_secs(30) {
                return Err("the agent's reads never went back to the replica".into());
            }
        }
        back.record(wrote.elapsed().as_micros() as u64)?;
    }
    println!("| {samples} writes | p50 ms | p99 ms | max ms |\n|---|---|---|---|");
    row("write → the writer's next search served by the replica", &back);
    Ok(())
}
