//! `helpdesk-bench`: the gateway under load, on a seeded database, beside
//! the same SQL run directly and the one-statement GraphQL server ([`floor`]).
//!
//! ```text
//! cargo build --release -p helpdesk-server -p helpdesk-bench
//! target/release/helpdesk-bench --database-url postgres://postgres@127.0.0.1/helpdesk_bench_large \
//!     --redis-url redis://127.0.0.1:6379 --concurrency 16 --duration 20s
//! ```
//!
//! It starts the release gateway as a production would run it (token
//! authentication, audit, cost limits, a per-agent rate limit high enough
//! not to refuse it, Redis), mints a token for the help desk agent, draws
//! every key at random from the agent's whole partner, drives keep-alive
//! HTTP/1.1 load from `--concurrency` workers and checks every answer for
//! errors and for the record it must hold. Its report is a Markdown table
//! for BENCHMARKS.md.

mod floor;
mod freshness;
mod hostile;
mod keys;
mod load;
mod names;
mod scenarios;
mod upgrade;

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use sea_orm::sqlx::PgPool;

use keys::Keys;
use load::Outcome;
use scenarios::Scenario;

#[derive(Debug, Parser)]
#[command(about = "Load benchmark of the help desk gateway")]
struct Args {
    /// A PostgreSQL database seeded with `helpdesk seed --scale large`.
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Redis for the gateway's cache and rate limiter.
    #[arg(long)]
    redis_url: Option<String>,
    /// A Redis Cluster instead (`--redis-cluster-node`, repeatable).
    #[arg(long = "redis-cluster-node")]
    redis_cluster_nodes: Vec<String>,
    /// Workers sending requests, each waiting for its answer.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// How long each measurement runs (`20s`, `500ms`).
    #[arg(long, default_value = "20s", value_parser = parse_duration)]
    duration: Duration,
    /// How many gateway processes share the load (requests go to them in turn).
    #[arg(long, default_value_t = 1)]
    gateways: usize,
    /// A streaming replica of the database for the gateways' reads (`--database-replica-url`).
    #[arg(long)]
    replica_url: Option<String>,
    /// The gateway binary.
    #[arg(long, default_value = "target/release/helpdesk")]
    gateway: PathBuf,
    /// The agent whose partner's keys are drawn.
    #[arg(long, default_value = "helpdesk@northwind-partners.com")]
    agent: String,
    /// Only these scenarios (all by default).
    #[arg(long, value_enum)]
    only: Vec<Scenario>,
    /// Skip the direct SQL baseline and the floor server.
    #[arg(long)]
    gateway_only: bool,
    /// Instead of the load: this many seeded hostile documents of up to 2 KB
    /// (and the known worst shapes), with the gateway's CPU time per request.
    #[arg(long)]
    hostile: Option<usize>,
    /// Instead of the load: search every customer of the partner by its full
    /// name, its first two words and its first word plus two letters of the next.
    #[arg(long)]
    check_names: bool,
    /// Instead of the load: this many writes on the primary, each timed
    /// until `--replica-url` has replayed it.
    #[arg(long)]
    replay_lag: Option<usize>,
    /// Instead of the load: this many writes through the gateway (the agent
    /// must also be a partner admin: `lead@northwind-partners.com`), each
    /// timed until the agent's searches are served by the replica again.
    #[arg(long)]
    read_your_writes: Option<usize>,
    /// Instead of the load: seed this empty database at `--scale` under the
    /// migrations before the partner keys, then time the upgrade to the rest.
    #[arg(long)]
    time_upgrade: bool,
    /// The data set `--time-upgrade` seeds.
    #[arg(long, default_value = "large")]
    scale: helpdesk_store::seed::Scale,
    /// Run the floor server instead (used by the benchmark itself).
    #[arg(long, hide = true)]
    serve_floor: Option<std::net::SocketAddr>,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let (n, unit) = s.find(|c: char| !c.is_ascii_digit()).map(|i| s.split_at(i)).unwrap_or((s, "s"));
    let n: u64 = n.parse().map_err(|_| format!("not a duration: {s}"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        _ => Err(format!("not a duration: {s}")),
    }
}

/// The URL without TLS to a loopback PostgreSQL, as the gateway connects.
fn plain(url: &str) -> String {
    if url.contains("sslmode=") {
        url.into()
    } else if url.contains('?') {
        format!("{url}&sslmode=disable")
    } else {
        format!("{url}?sslmode=disable")
    }
}

fn free_port() -> std::io::Result<std::net::SocketAddr> {
    std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()
}

/// A child process killed when dropped.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// CPU seconds a process has used, and its resident memory now and at peak (MB).
fn usage(pid: u32) -> (f64, f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    let cpu = (ticks(11) + ticks(12)) / 100.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (cpu, kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

/// CPU seconds used by every PostgreSQL process.
fn postgres_cpu() -> f64 {
    let Ok(dir) = std::fs::read_dir("/proc") else { return 0.0 };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.trim() == "postgres"))
        .map(|pid| usage(pid).0)
        .sum()
}

/// The gateways under test, their URLs, and a token they all accept.
struct Gateways {
    processes: Vec<Process>,
    urls: Vec<String>,
    token: String,
}

impl Gateways {
    fn pids(&self) -> Vec<u32> {
        self.processes.iter().map(|p| p.0.id()).collect()
    }

    /// CPU seconds of all the gateways, and the largest RSS and peak RSS of one.
    fn usage(&self) -> (f64, f64, f64) {
        self.pids()
            .into_iter()
            .map(usage)
            .fold((0.0, 0.0, 0.0), |(c, r, h), (c1, r1, h1)| (c + c1, r.max(r1), h.max(h1)))
    }

    /// Reads the gateways sent to replicas so far (their `/metrics`).
    async fn replica_reads(&self) -> f64 {
        let client = reqwest::Client::new();
        let mut total = 0.0;
        for url in &self.urls {
            let Ok(res) = client.get(format!("{url}/metrics")).send().await else { continue };
            let text = res.text().await.unwrap_or_default();
            total += text
                .lines()
                .filter(|l| l.starts_with("helpdesk_replica_reads_total"))
                .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
                .sum::<f64>();
        }
        total
    }
}

async fn start_gateways(args: &Args) -> Result<Gateways, Box<dyn std::error::Error>> {
    let secret = "bench-secret-bench-secret-bench-secret";
    let (mut processes, mut urls) = (Vec::new(), Vec::new());
    for _ in 0..args.gateways.max(1) {
        let addr = free_port()?;
        let mut cmd = Command::new(&args.gateway);
        cmd.args([
            "serve",
            "--database-url",
            &args.database_url,
            "--listen",
            &addr.to_string(),
            "--jwt-secret",
            secret,
        ])
        .args(["--rate-limit-per-second", "100000000", "--rate-limit-burst", "100000000"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null());
        if let Some(redis) = &args.redis_url {
            cmd.args(["--redis-url", redis]);
        }
        for node in &args.redis_cluster_nodes {
            cmd.args(["--redis-cluster-node", node]);
        }
        if let Some(replica) = &args.replica_url {
            cmd.args(["--database-replica-url", replica]);
        }
        processes.push(Process(cmd.spawn()?));
        let url = format!("http://{addr}");
        let client = reqwest::Client::new();
        for _ in 0..600 {
            if client.get(format!("{url}/readyz")).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        urls.push(url);
    }
    let out = Command::new(&args.gateway)
        .args([
            "token",
            "--database-url",
            &args.database_url,
            "--jwt-secret",
            secret,
            "--agent",
            &args.agent,
            "--hours",
            "1",
        ])
        .output()?;
    let token = String::from_utf8(out.stdout)?.trim().to_string();
    if token.is_empty() {
        return Err(format!("no token: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(Gateways { processes, urls, token })
}

/// Load on the gateway: one scenario, checked answers.
async fn gateway_run(
    args: &Args,
    keys: &Arc<Keys>,
    gateways: &Gateways,
    scenario: Scenario,
    duration: Duration,
) -> Outcome {
    let client =
        reqwest::Client::builder().http1_only().pool_max_idle_per_host(args.concurrency).build().unwrap_or_default();
    let endpoints: Vec<String> = gateways.urls.iter().map(|u| format!("{u}/graphql")).collect();
    let auth = format!("Bearer {}", gateways.token);
    let keys = keys.clone();
    load::drive(args.concurrency, duration, move |n| {
        let request = scenario.request(&keys, n);
        // The gateways in turn, as a load balancer would.
        let endpoint = &endpoints[(n % endpoints.len() as u64) as usize];
        let send = client.post(endpoint).header("authorization", &auth).json(&request.body).send();
        async move {
            let answer: serde_json::Value =
                send.await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
            request.expect.check(&answer)
        }
    })
    .await
}

/// The same lookups as SQL, from the same number of workers.
async fn sql_run(args: &Args, keys: &Arc<Keys>, pool: &PgPool, scenario: Scenario) -> Outcome {
    let (keys, pool) = (keys.clone(), pool.clone());
    load::drive(args.concurrency, args.duration, move |n| {
        let (keys, pool) = (keys.clone(), pool.clone());
        async move { scenarios::sql(scenario, &keys, n, &pool).await }
    })
    .await
}

/// "A user by email" against the one-statement server.
async fn floor_run(args: &Args, keys: &Arc<Keys>) -> Result<Outcome, Box<dyn std::error::Error>> {
    let addr = free_port()?;
    let _floor = Process(
        Command::new(std::env::current_exe()?)
            .args(["--database-url", &plain(&args.database_url), "--serve-floor", &addr.to_string()])
            .spawn()?,
    );
    let client = reqwest::Client::builder().http1_only().build()?;
    let endpoint = format!("http://{addr}/graphql");
    for _ in 0..100 {
        if client.post(&endpoint).json(&serde_json::json!({"query": "{__typename}"})).send().await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let keys = keys.clone();
    Ok(load::drive(args.concurrency, args.duration, move |n| {
        let request = Scenario::Email.request(&keys, n);
        let q = request.body["variables"]["q"].clone();
        let body = serde_json::json!({ "query": floor::QUERY, "variables": { "p": keys.partner, "q": q } });
        let send = client.post(&endpoint).json(&body).send();
        async move {
            let answer: serde_json::Value =
                send.await.map_err(|e| e.to_string())?.json().await.map_err(|e| e.to_string())?;
            if answer["data"]["userByEmail"]["email"] == q { Ok(()) } else { Err(answer.to_string()) }
        }
    })
    .await)
}

fn row(label: &str, o: &Outcome) -> String {
    format!("{label} | {:.0} req/s | {:.1} | {:.1} | {:.1} | {}", o.rate(), o.ms(50.0), o.ms(99.0), o.max_ms(), o.wrong)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Some(listen) = args.serve_floor {
        return floor::serve(&args.database_url, listen).await;
    }
    if args.time_upgrade {
        return upgrade::run(&args.database_url, args.scale).await;
    }
    let pool = sea_orm::sqlx::postgres::PgPoolOptions::new()
        .max_connections(args.concurrency as u32)
        .connect(&plain(&args.database_url))
        .await?;
    if let Some(samples) = args.replay_lag {
        let replica = args.replica_url.as_deref().ok_or("--replay-lag needs --replica-url")?;
        return freshness::replay_lag(&pool, &plain(replica), samples).await;
    }
    let keys = Arc::new(Keys::load(&pool, &args.agent).await?);
    if keys.is_empty() {
        return Err("the agent's partner has no users, devices or customers: seed the database first".into());
    }
    eprintln!("{} keys of partner {}", keys.len(), keys.partner);
    let gateways = start_gateways(&args).await?;
    if let Some(samples) = args.read_your_writes {
        return freshness::read_your_writes(&gateways, &keys, samples).await;
    }
    if let Some(count) = args.hostile {
        return hostile::run(&gateways, count).await;
    }
    if args.check_names {
        let (asked, missed, first) = names::check(&keys, &gateways.urls[0], &gateways.token, args.concurrency).await;
        println!(
            "{asked} name searches over {} customers; {missed} without their customer in the top 5",
            keys.customers.len()
        );
        for miss in first {
            println!("  missed: {miss}");
        }
        return Ok(());
    }
    let scenarios = if args.only.is_empty() { Scenario::ALL.to_vec() } else { args.only.clone() };

    println!(
        "| lookup | gateway | p50 ms | p99 ms | max ms | wrong | gateway CPU (cores) | PostgreSQL CPU (cores) | SQL baseline | gateway / SQL | replica reads |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let mut peak_rss: f64 = 0.0;
    for scenario in scenarios {
        // Warm the pools and the plan caches, unmeasured.
        gateway_run(&args, &keys, &gateways, scenario, Duration::from_secs(2)).await;
        let (cpu0, pg0, replica0) = (gateways.usage().0, postgres_cpu(), gateways.replica_reads().await);
        let g = gateway_run(&args, &keys, &gateways, scenario, args.duration).await;
        let (cpu1, rss, _) = gateways.usage();
        let replica_reads = gateways.replica_reads().await - replica0;
        let pg1 = postgres_cpu();
        peak_rss = peak_rss.max(rss);
        let secs = g.elapsed.as_secs_f64();
        let (sql, ratio) = if args.gateway_only {
            ("–".to_string(), "–".to_string())
        } else {
            let s = sql_run(&args, &keys, &pool, scenario).await;
            (format!("{:.0} /s", s.rate()), format!("{:.0} %", 100.0 * g.rate() / s.rate().max(1.0)))
        };
        println!(
            "| {} | {:.2} | {:.2} | {sql} | {ratio} | {:.0} /s |",
            row(scenario.label(), &g),
            (cpu1 - cpu0) / secs,
            (pg1 - pg0) / secs,
            replica_reads / secs
        );
        if let Some(wrong) = &g.first_wrong {
            eprintln!("{}: first wrong answer: {}", scenario.label(), wrong.chars().take(400).collect::<String>());
        }
    }
    let (_, _, hwm) = gateways.usage();
    println!();
    println!("Gateway RSS: {peak_rss:.0} MB at the end of a run, {hwm:.0} MB at peak.");
    if !args.gateway_only {
        let f = floor_run(&args, &keys).await?;
        println!("One-statement server (user by email): {} .", row("floor", &f).replace(" | ", ", "));
    }
    Ok(())
}
