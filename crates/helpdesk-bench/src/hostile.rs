//! `--hostile N`: what a hostile document of up to 2 KB costs the gateway.
//!
//! Sends the known worst shapes and `N` seeded random ones
//! ([`helpdesk_tests::hostile`], the generator the end-to-end tests use), each
//! `REPEAT` times, and reads the gateway process's CPU time around each
//! batch from `/proc/<pid>/task/*/schedstat` (nanoseconds of every thread,
//! not the 10 ms ticks of `/proc/<pid>/stat`). Prints the CPU per request of
//! the worst document, the median, and the worst document itself.

use std::time::Duration;

use helpdesk_tests::hostile::{Generator, worst_known};

use crate::Gateways;

/// Times each document is sent, to average its CPU time.
const REPEAT: u32 = 20;

/// Nanoseconds of CPU every thread of `pid` has run.
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else { return 0 };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

pub async fn run(gateways: &Gateways, count: usize) -> Result<(), Box<dyn std::error::Error>> {
    let (url, pid) = (format!("{}/graphql", gateways.urls[0]), gateways.pids()[0]);
    let client = reqwest::Client::builder().timeout(Duration::from_secs(120)).build()?;
    let mut generator = Generator::new(20261205);
    let known = worst_known();
    let documents: Vec<String> = known.iter().cloned().chain((0..count).map(|_| generator.document())).collect();
    let mut costs: Vec<(f64, bool, String)> = Vec::new();
    for (i, doc) in documents.into_iter().enumerate() {
        let body = serde_json::json!({ "query": doc });
        let before = cpu_ns(pid);
        let mut refused = false;
        for _ in 0..REPEAT {
            let res: serde_json::Value =
                client.post(&url).bearer_auth(&gateways.token).json(&body).send().await?.json().await?;
            refused = res.get("data").is_none();
        }
        let ms = (cpu_ns(pid) - before) as f64 / 1e6 / f64::from(REPEAT);
        if i < known.len() {
            let kind = if refused { "refused" } else { "answered" };
            println!(
                "known shape {i}: {ms:.2} ms {kind} ({} bytes): {}",
                doc.len(),
                doc.chars().take(100).collect::<String>()
            );
        }
        costs.push((ms, refused, doc));
    }
    costs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let median = costs[costs.len() / 2].0;
    let (worst, refused, doc) = &costs[0];
    println!(
        "{} documents of at most 2 KB: gateway CPU per request {worst:.2} ms at worst ({}), {median:.2} ms median",
        costs.len(),
        if *refused { "refused" } else { "answered" }
    );
    println!("worst ({} bytes): {doc}", doc.len());
    for (ms, refused, doc) in costs.iter().take(5) {
        let kind = if *refused { "refused" } else { "answered" };
        println!("  {ms:.2} ms {kind}: {}", doc.chars().take(160).collect::<String>());
    }
    Ok(())
}
