//! Configuration: one struct per command, read once from CLI flags with
//! environment variables as fallbacks (`helpdesk serve --help` lists them).

use std::net::SocketAddr;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use helpdesk_graphql::Limits;
use helpdesk_store::StoreOptions;
use helpdesk_store::cache::CacheOptions;
use helpdesk_store::redis_link::RedisTarget;
use helpdesk_store::seed::Scale;

/// A secret anyone can read in this file: only ever used with `--demo`.
pub const DEMO_JWT_SECRET: &str = "helpdesk-demo-secret-not-for-production";

/// The help desk gateway.
#[derive(Debug, Parser)]
#[command(name = "helpdesk", version, about = "GraphQL gateway for a partner's help desk")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
// Parsed once at start-up and matched once: the size of the serve
// variant costs nothing, and boxing it would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the GraphQL API and GraphiQL.
    Serve(ServeConfig),
    /// Fill an empty database with deterministic demo data.
    Seed(SeedConfig),
    /// Mint a bearer token for an agent.
    Token(TokenConfig),
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Record a customer's authorisation of read-only access by its partner (demos, tests).
    Grant(GrantConfig),
    /// Revoke a customer's read-only access grants.
    RevokeGrant(RevokeGrantConfig),
}

/// `helpdesk grant`.
#[derive(Debug, Clone, Args)]
pub struct GrantConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The customer's organisation ID (a UUID).
    #[arg(long)]
    pub customer: uuid::Uuid,
    /// How long the grant lasts, in hours.
    #[arg(long, default_value_t = 24)]
    pub hours: i64,
}

/// `helpdesk revoke-grant`.
#[derive(Debug, Clone, Args)]
pub struct RevokeGrantConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// The customer's organisation ID (a UUID).
    #[arg(long)]
    pub customer: uuid::Uuid,
}

/// Where emails go.
#[derive(Debug, Clone, Args)]
pub struct MailConfig {
    /// The SMTP relay, `smtp://host:port`. Without it, emails are written as
    /// `.eml` files into `--mail-dir`.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of the service's emails.
    #[arg(long, env = "MAIL_FROM", default_value = "Help desk <no-reply@helpdesk.example.com>")]
    pub mail_from: String,
    /// Folder for `.eml` files when no SMTP relay is configured.
    #[arg(long, env = "MAIL_DIR", default_value = "mail")]
    pub mail_dir: std::path::PathBuf,
    /// First retry delay after a failed send, in milliseconds (doubles each time, up to 5 minutes).
    #[arg(long, env = "MAIL_RETRY_MS", default_value_t = 2_000)]
    pub mail_retry_ms: u64,
    /// How often the dispatcher looks for due emails, in milliseconds.
    #[arg(long, env = "MAIL_POLL_MS", default_value_t = 1_000)]
    pub mail_poll_ms: u64,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseConfig {
    /// `sqlite://FILE?mode=rwc` (embedded default) or `postgres://USER@HOST/DB`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://helpdesk.db?mode=rwc")]
    pub database_url: String,
    /// Largest number of pooled database connections.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,
    /// How long a request waits for a database connection, in milliseconds.
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT_MS", default_value_t = 5_000)]
    pub database_acquire_timeout_ms: u64,
    /// Longest a SQL statement may run (PostgreSQL), in milliseconds.
    #[arg(long, env = "DATABASE_STATEMENT_TIMEOUT_MS", default_value_t = 10_000)]
    pub database_statement_timeout_ms: u64,
    /// A streaming replica of the database (`postgres://…`) that takes the
    /// help desk's reads (searches, records, lists, the dashboard); repeat
    /// the flag or separate with commas. None by default: all reads go to
    /// the primary.
    #[arg(long = "database-replica-url", env = "DATABASE_REPLICA_URLS", value_delimiter = ',')]
    pub database_replica_urls: Vec<String>,
    /// How far behind the primary a replica may be and still get reads, in
    /// milliseconds; a partner that wrote reads only replicas that have
    /// replayed its write, and the primary for at most twice this.
    #[arg(long, env = "DATABASE_REPLICA_MAX_LAG_MS", default_value_t = 1_000)]
    pub database_replica_max_lag_ms: u64,
    #[command(flatten)]
    pub cache: CacheConfig,
}

/// The customer cache.
#[derive(Debug, Clone, Args)]
pub struct CacheConfig {
    /// Redis for the shared cache layer and rate limits, `redis://host:port`;
    /// without it (or a cluster) only the in-process layer runs.
    #[arg(long, env = "REDIS_URL", conflicts_with = "redis_cluster_nodes")]
    pub redis_url: Option<String>,
    /// A Redis Cluster instead of one Redis: some of its nodes,
    /// `redis://host:port`; repeat the flag or separate with commas. The
    /// client learns the other nodes and the slots from them.
    #[arg(long = "redis-cluster-node", env = "REDIS_CLUSTER_NODES", value_delimiter = ',')]
    pub redis_cluster_nodes: Vec<String>,
    /// Prefix of the gateway's Redis keys.
    #[arg(long, env = "REDIS_PREFIX", default_value = "helpdesk")]
    pub redis_prefix: String,
    /// How long a summary lives in Redis, in seconds (plus up to 10 % jitter).
    #[arg(long, env = "REDIS_TTL_SECS", default_value_t = 300)]
    pub redis_ttl_secs: u64,
    /// Longest wait for one Redis call, in milliseconds.
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 100)]
    pub redis_timeout_ms: u64,
    /// How long a summary lives in process, in milliseconds: the longest a
    /// gateway serves a summary another gateway changed.
    #[arg(long, env = "CACHE_LOCAL_TTL_MS", default_value_t = 2_000)]
    pub cache_local_ttl_ms: u64,
    /// Most summaries kept in process (0 turns the in-process layer off).
    #[arg(long, env = "CACHE_LOCAL_CAPACITY", default_value_t = 50_000)]
    pub cache_local_capacity: u64,
}

impl CacheConfig {
    /// The shared Redis: a cluster when nodes are given, else the one node, if any.
    pub fn redis_target(&self) -> Option<RedisTarget> {
        match (&self.redis_url, self.redis_cluster_nodes.is_empty()) {
            (_, false) => Some(RedisTarget::Cluster(self.redis_cluster_nodes.clone())),
            (Some(url), true) => Some(RedisTarget::Node(url.clone())),
            (None, true) => None,
        }
    }
}

impl DatabaseConfig {
    /// The store's connection options.
    pub fn store_options(&self) -> StoreOptions {
        StoreOptions {
            url: self.database_url.clone(),
            max_connections: self.database_max_connections,
            acquire_timeout: Duration::from_millis(self.database_acquire_timeout_ms),
            statement_timeout: Duration::from_millis(self.database_statement_timeout_ms),
            replica_urls: self.database_replica_urls.clone(),
            replica_max_lag: Duration::from_millis(self.database_replica_max_lag_ms.max(1)),
            cache: CacheOptions {
                local_capacity: self.cache.cache_local_capacity,
                local_ttl: Duration::from_millis(self.cache.cache_local_ttl_ms),
                redis: self.cache.redis_target(),
                redis_prefix: self.cache.redis_prefix.clone(),
                redis_ttl: Duration::from_secs(self.cache.redis_ttl_secs),
                redis_timeout: Duration::from_millis(self.cache.redis_timeout_ms),
            },
        }
    }
}

/// How to sign tokens.
#[derive(Debug, Clone, Args)]
pub struct SecretConfig {
    /// The HS256 secret that signs agent tokens (at least 16 bytes). Required
    /// unless `--demo`, which uses a published demo secret.
    #[arg(long, env = "HELPDESK_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Run with demo data and the demo secret: never in production.
    #[arg(long, env = "HELPDESK_DEMO")]
    pub demo: bool,
}

impl SecretConfig {
    /// The secret to sign with, or why there is none.
    pub fn secret(&self) -> Result<String, String> {
        match (&self.jwt_secret, self.demo) {
            (Some(s), _) if s.len() >= 16 => Ok(s.clone()),
            (Some(_), _) => Err("HELPDESK_JWT_SECRET must be at least 16 bytes long".into()),
            (None, true) => Ok(DEMO_JWT_SECRET.into()),
            (None, false) => Err("set HELPDESK_JWT_SECRET (or --jwt-secret), or run with --demo".into()),
        }
    }
}

/// Who may send free text from a browser (see [`helpdesk_graphql::trusted`]).
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FreeText {
    Anyone,
    PartnerAdmins,
    Nobody,
}

/// Log line format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// `helpdesk serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub secret: SecretConfig,
    #[command(flatten)]
    pub mail: MailConfig,
    /// The gateway's address as users reach it, for launch URLs (default: http://LISTEN).
    #[arg(long, env = "HELPDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Web origins whose pages may call `/graphql` from the browser (a
    /// partner's portal embedding a widget), e.g. `https://portal.example.com`;
    /// repeat the flag or separate with commas. None by default.
    #[arg(long = "cors-allow-origin", env = "HELPDESK_CORS_ALLOW_ORIGINS", value_delimiter = ',')]
    pub cors_allow_origins: Vec<String>,
    /// Origins whose pages may show a dashboard widget (`/widgets/<name>`) in an
    /// iframe, e.g. `https://portal.example.com`; repeat or separate with
    /// commas. The console itself is never framed.
    #[arg(long = "widget-frame-ancestor", env = "HELPDESK_WIDGET_FRAME_ANCESTORS", value_delimiter = ',')]
    pub widget_frame_ancestors: Vec<String>,
    /// Who may send GraphQL text (not one of the console's trusted documents)
    /// from a browser. Default: anyone with `--demo`, else partner
    /// administrators (GraphiQL). Clients that are not browsers are not limited.
    #[arg(long, env = "HELPDESK_BROWSER_FREE_TEXT", value_enum)]
    pub browser_free_text: Option<FreeText>,
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, env = "HELPDESK_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Address for the operator's endpoints (`/readyz`, `/metrics`, and
    /// `/healthz` again), e.g. `127.0.0.1:9091`: reachable by the monitoring
    /// system only. Without it they are served with the API, which suits a
    /// demo; the gateway warns about it when not in demo mode.
    #[arg(long, env = "HELPDESK_OPS_LISTEN")]
    pub ops_listen: Option<SocketAddr>,
    /// Log format.
    #[arg(long, env = "HELPDESK_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Largest request body, in bytes.
    #[arg(long, env = "HELPDESK_MAX_BODY_BYTES", default_value_t = Limits::default().body_bytes)]
    pub max_body_bytes: usize,
    /// Most operations in one batched request.
    #[arg(long, env = "HELPDESK_MAX_BATCH", default_value_t = Limits::default().batch)]
    pub max_batch: usize,
    /// Most aliases in one operation.
    #[arg(long, env = "HELPDESK_MAX_ALIASES", default_value_t = Limits::default().aliases)]
    pub max_aliases: usize,
    /// Deepest query accepted.
    #[arg(long, env = "HELPDESK_MAX_DEPTH", default_value_t = Limits::default().depth)]
    pub max_depth: usize,
    /// Largest cost of one operation (what it will execute: fields, pages, kinds searched).
    #[arg(long, env = "HELPDESK_MAX_COST", default_value_t = Limits::default().cost)]
    pub max_cost: usize,
    /// Most work one document may ask for: its selections, argument values and
    /// directives counted with every fragment expanded, measured before validation.
    #[arg(long, env = "HELPDESK_MAX_WORK", default_value_t = Limits::default().work)]
    pub max_work: usize,
    /// Longest a GraphQL request may take, in milliseconds; then it is answered SERVICE_UNAVAILABLE.
    #[arg(long, env = "HELPDESK_REQUEST_TIMEOUT_MS", default_value_t = Limits::default().request_timeout.as_millis() as u64)]
    pub request_timeout_ms: u64,
    /// Most GraphQL requests served at once; more are refused at once with SERVICE_UNAVAILABLE.
    #[arg(long, env = "HELPDESK_MAX_CONCURRENT_REQUESTS", default_value_t = Limits::default().concurrent_requests)]
    pub max_concurrent_requests: usize,
    /// Query cost an agent may spend at once (its bucket's size); see `--rate-limit-per-second`.
    #[arg(long, env = "HELPDESK_RATE_LIMIT_BURST", default_value_t = 100_000)]
    pub rate_limit_burst: u32,
    /// Query cost an agent's bucket regains per second, shared by all gateways through
    /// REDIS_URL when set; 0 turns the per-agent limit off (load benchmarks).
    #[arg(long, env = "HELPDESK_RATE_LIMIT_PER_SECOND", default_value_t = 10_000)]
    pub rate_limit_per_second: u32,
    /// How long in-flight requests may take to finish on shutdown, in seconds.
    #[arg(long, env = "HELPDESK_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,
}

impl ServeConfig {
    /// The trusted-documents policy for browsers: open in demo mode, partner admins otherwise.
    pub fn browser_free_text(&self) -> helpdesk_graphql::trusted::BrowserFreeText {
        use helpdesk_graphql::trusted::BrowserFreeText as B;
        match (self.browser_free_text, self.secret.demo) {
            (Some(FreeText::Anyone), _) | (None, true) => B::Anyone,
            (Some(FreeText::PartnerAdmins), _) | (None, false) => B::PartnerAdmins,
            (Some(FreeText::Nobody), _) => B::Nobody,
        }
    }

    /// Each agent's bucket of query cost.
    pub fn limiter_options(&self) -> helpdesk_store::limiter::LimiterOptions {
        let cache = &self.database.cache;
        helpdesk_store::limiter::LimiterOptions {
            // A bucket always holds at least one operation of the largest cost.
            burst: self.rate_limit_burst.max(u32::try_from(self.max_cost).unwrap_or(u32::MAX)),
            per_second: self.rate_limit_per_second,
            redis: cache.redis_target(),
            redis_prefix: cache.redis_prefix.clone(),
            redis_timeout: Duration::from_millis(cache.redis_timeout_ms),
        }
    }

    /// The request limits.
    pub fn limits(&self) -> Limits {
        Limits {
            body_bytes: self.max_body_bytes,
            batch: self.max_batch,
            aliases: self.max_aliases,
            depth: self.max_depth,
            cost: self.max_cost,
            work: self.max_work,
            request_timeout: Duration::from_millis(self.request_timeout_ms.max(1)),
            concurrent_requests: self.max_concurrent_requests.max(1),
        }
    }

    /// The defaults for `database_url`, with a random free port: what tests start.
    pub fn for_tests(database_url: &str, secret: &str) -> Self {
        let cli = Cli::parse_from([
            "helpdesk",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            database_url,
            "--jwt-secret",
            secret,
        ]);
        match cli.command {
            Command::Serve(c) => c,
            _ => unreachable!("parsed a serve command"),
        }
    }
}

/// `helpdesk seed`.
#[derive(Debug, Clone, Args)]
pub struct SeedConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    /// demo (a few dozen customers), small (500) or large (20,000 customers, 1,000,000 users).
    #[arg(long, env = "HELPDESK_SEED_SCALE", default_value = "demo")]
    pub scale: Scale,
}

/// `helpdesk token`.
#[derive(Debug, Clone, Args)]
pub struct TokenConfig {
    #[command(flatten)]
    pub database: DatabaseConfig,
    #[command(flatten)]
    pub secret: SecretConfig,
    /// The agent's email address.
    #[arg(long)]
    pub agent: String,
    /// How long the token is valid, in hours (1 to 12: a working day at most).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=12))]
    pub hours: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_hours(hours: &str) -> Result<u64, clap::Error> {
        let cli = Cli::try_parse_from(["helpdesk", "token", "--agent", "a@b.com", "--hours", hours])?;
        match cli.command {
            Command::Token(t) => Ok(t.hours),
            _ => unreachable!("parsed a token command"),
        }
    }

    #[test]
    fn a_token_lasts_one_to_twelve_hours() {
        assert_eq!(token_hours("12").unwrap(), 12);
        for bad in ["0", "13", "18446744073709551615", "-1"] {
            assert!(token_hours(bad).is_err(), "{bad}");
        }
    }
}
