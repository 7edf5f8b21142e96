//! The `helpdesk` program: configuration, start-up, seeding, tokens and shutdown.
//!
//! `main.rs` only parses the command line and calls [`run`]. Everything
//! else is a library so that tests start the very same server, on
//! `127.0.0.1:0`, with [`start`].
//!
//! # Layout
//!
//! - [`config`]: the CLI and its environment fallbacks, one struct per command.
//! - [`start`]: connect, migrate, seed (demo), bind, serve; returns a [`Running`] server.
//!   [`start_on_clock`] does the same on a clock of the caller's (tests run a year ahead).
//! - [`mint_token`]: what `helpdesk token` does.
//! - [`mailer`]: the email dispatcher (SMTP relay or `.eml` files).

pub mod config;
pub mod mailer;
mod probe;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use helpdesk_domain::ports::AgentDirectory;
use helpdesk_domain::verification::CodeHasher;
use helpdesk_domain::{Clock, Email, SystemClock};
use helpdesk_graphql::{AppState, Services, TokenIssuer};
use helpdesk_store::seed::{self, Scale, fixtures};
use helpdesk_store::{AuditWriter, Store, StoreError};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use config::{Cli, Command, LogFormat, ServeConfig};

/// The one error enum of the server crate.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("network: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Api(#[from] helpdesk_graphql::ApiError),
}

/// A server that is serving. Dropping it does not stop it; call [`Running::stop`].
pub struct Running {
    /// The address it listens on (the real port when started on port 0).
    pub addr: SocketAddr,
    /// Where `/readyz` and `/metrics` are served, when apart from the API (`--ops-listen`).
    pub ops_addr: Option<SocketAddr>,
    /// Its store, for tests that count statements or seed data.
    pub store: Store,
    /// The token GraphiQL opens with in demo mode.
    pub demo_token: Option<String>,
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<Result<(), std::io::Error>>,
}

impl Running {
    /// The GraphQL endpoint.
    pub fn graphql_url(&self) -> String {
        format!("http://{}/graphql", self.addr)
    }

    /// Stops accepting connections and waits for in-flight requests.
    pub async fn stop(self) -> Result<(), ServerError> {
        let _ = self.shutdown.send(());
        match self.task.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(ServerError::Config(format!("server task failed: {e}"))),
        }
    }

    /// Waits until the server stops by itself (it never does unless stopped).
    pub async fn wait(self) -> Result<(), ServerError> {
        match self.task.await {
            Ok(r) => Ok(r?),
            Err(e) => Err(ServerError::Config(format!("server task failed: {e}"))),
        }
    }
}

/// Opens the database and applies pending migrations.
pub async fn open_store(database: &config::DatabaseConfig) -> Result<Store, ServerError> {
    let store = Store::connect(&database.store_options()).await?;
    store.migrate().await?;
    Ok(store)
}

/// A token for the agent with this email address, valid for `ttl` from now on `clock`.
pub async fn mint_token(
    store: &Store,
    secret: &str,
    agent_email: &str,
    ttl: Duration,
    clock: Arc<dyn Clock>,
) -> Result<String, ServerError> {
    let agent = agent_id(store, agent_email).await?;
    Ok(TokenIssuer::new(secret.as_bytes(), clock).mint(agent, ttl)?)
}

/// The ID of the agent with this email address.
async fn agent_id(store: &Store, agent_email: &str) -> Result<helpdesk_domain::AgentId, ServerError> {
    let email = Email::parse(agent_email).map_err(|e| ServerError::Config(e.to_string()))?;
    let agent = store
        .agent_by_email(&email)
        .await
        .map_err(|e| ServerError::Config(e.to_string()))?
        .ok_or_else(|| ServerError::Config(format!("no agent has the address {email}")))?;
    Ok(agent.id)
}

/// Starts serving: connects, migrates, seeds demo data when asked and the
/// database is empty, binds `config.listen` and serves until stopped.
pub async fn start(config: &ServeConfig) -> Result<Running, ServerError> {
    start_on_clock(config, Arc::new(SystemClock)).await
}

/// [`start`], telling the time by `clock`: every "now" of this gateway
/// (tokens, codes, grants, the mailer, the audit trail, demo seeding) is its.
pub async fn start_on_clock(config: &ServeConfig, clock: Arc<dyn Clock>) -> Result<Running, ServerError> {
    let secret = config.secret.secret().map_err(ServerError::Config)?;
    let store = open_store(&config.database).await?;
    let issuer = TokenIssuer::new(secret.as_bytes(), clock.clone());
    store.watch_agents();
    let demo_agent = if config.secret.demo {
        prepare_demo(&store, clock.now()).await?;
        Some(agent_id(&store, fixtures::HELP_DESK_AGENT).await?)
    } else {
        None
    };
    let demo_token = demo_agent.map(|a| issuer.mint(a, helpdesk_graphql::auth::AGENT_TOKEN_LIFETIME)).transpose()?;
    let limits = config.limits();
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let transport = mailer::Transport::from_config(config.mail.smtp_url.as_deref(), config.mail.mail_dir.clone())
        .map_err(ServerError::Config)?;
    // Background workers (mailer, audit writer) use a small pool of their own.
    let mut background_options = config.database.store_options();
    background_options.max_connections = 2;
    background_options.cache.redis = None;
    // They write, and read what decides their writes: the primary only.
    background_options.replica_urls.clear();
    let background = Store::connect(&background_options).await?.sharing_outbox_waker(&store);
    let mailer = mailer::Mailer::start(
        background.clone(),
        mailer::MailerConfig {
            transport,
            from: config.mail.mail_from.clone(),
            retry_base: Duration::from_millis(config.mail.mail_retry_ms),
            poll: Duration::from_millis(config.mail.mail_poll_ms),
            clock: clock.clone(),
        },
    );
    let (audit, audit_task) = AuditWriter::start(background);
    let audit_lost = audit.lost_entries();
    let limiter = Arc::new(helpdesk_store::limiter::AgentLimiter::new(config.limiter_options())?);
    let services = Services {
        helpdesk: Arc::new(store.clone()),
        audit: Arc::new(audit),
        issuer,
        // The code hash key is derived from the secret, for a separate use.
        hasher: CodeHasher::new(format!("verification-code:{secret}").as_bytes()),
        public_url: config.public_url.clone().unwrap_or_else(|| format!("http://{addr}")),
        clock,
        limiter: limiter.clone(),
    };
    let console = helpdesk_console::Console {
        widget_frame_ancestors: config.widget_frame_ancestors.clone(),
        demo_token: {
            let issuer = services.issuer.clone();
            Arc::new(move || demo_agent.and_then(|a| issuer.mint(a, helpdesk_graphql::auth::AGENT_TOKEN_LIFETIME).ok()))
        },
    };
    let trusted = helpdesk_graphql::trusted::TrustedDocuments::from_manifest(
        helpdesk_console::TRUSTED_DOCUMENTS,
        config.browser_free_text(),
    )
    .map_err(|e| ServerError::Config(format!("the console's trusted documents: {e}")))?;
    let documents = helpdesk_graphql::documents::ParsedDocuments::new();
    let schema = helpdesk_graphql::schema(&limits, &documents);
    let metrics = helpdesk_graphql::ops::Metrics::new(&schema.sdl());
    let state = AppState {
        schema,
        services: Arc::new(services),
        limits,
        metrics,
        probe: Arc::new(probe::StoreProbe(store.clone(), audit_lost, limiter)),
        graphiql_agent: demo_agent,
        cors_origins: config.cors_allow_origins.clone(),
        documents,
        trusted,
    };
    let routes = helpdesk_graphql::router(state);
    let (app, ops_addr, ops_task) = match config.ops_listen {
        Some(ops_listen) => {
            let ops = TcpListener::bind(ops_listen).await?;
            let ops_addr = ops.local_addr()?;
            let ops_routes = routes.ops.route("/healthz", axum::routing::get(|| async { "ok" }));
            // Stopped with the API's listener, below.
            let ops_task = tokio::spawn(async move { axum::serve(ops, ops_routes).await });
            // Not the console's page either: the public address has no such paths.
            let not_here = || axum::routing::get(|| async { axum::http::StatusCode::NOT_FOUND });
            let api = routes.api.route("/metrics", not_here()).route("/readyz", not_here());
            (api.merge(console.router()), Some(ops_addr), Some(ops_task))
        }
        None => {
            if !config.secret.demo {
                tracing::warn!(
                    "/readyz and /metrics are served on the public address: set --ops-listen to serve them apart"
                );
            }
            (routes.api.merge(routes.ops).merge(console.router()), None, None)
        }
    };
    let (tx, rx) = oneshot::channel::<()>();
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let stopping = Arc::new(tokio::sync::Notify::new());
    let stopping_tx = stopping.clone();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
            tokio::select! {
                _ = rx => {}
                _ = shutdown_signal() => {}
            }
            stopping_tx.notify_one();
        });
        // Once shutdown starts, in-flight requests get `grace` to finish.
        let deadline = async {
            stopping.notified().await;
            tokio::time::sleep(grace).await;
        };
        let result = tokio::select! {
            r = serve => r,
            _ = deadline => {
                tracing::warn!("shutdown grace period over: dropping unfinished requests");
                Ok(())
            }
        };
        if let Some(ops) = ops_task {
            ops.abort();
        }
        // The router (and with it every audit sender) is gone: write what is queued.
        audit_task.close().await;
        mailer.stop().await;
        result
    });
    Ok(Running { addr, ops_addr, store, demo_token, shutdown: tx, task })
}

/// Demo mode: seeds an empty database; on one seeded earlier, moves the
/// read-only grants that ran out since the last start forward, so the demo
/// still has customers that allow read-only access (and says so in the log).
async fn prepare_demo(store: &Store, now: chrono::DateTime<chrono::Utc>) -> Result<(), ServerError> {
    if store.is_empty().await? {
        let report = seed::seed(store, Scale::Demo, now).await?;
        tracing::info!(customers = report.customers, users = report.users, "seeded demo data");
        return Ok(());
    }
    match seed::resume_demo(store, now).await? {
        Some(resumed) if resumed.grants_moved > 0 => tracing::info!(
            seeded_at = %resumed.seeded_at.to_rfc3339(),
            grants = resumed.grants_moved,
            days = resumed.moved_by.num_days(),
            "demo: moved the read-only grants that ran out since the last start forward by the time since"
        ),
        Some(_) => {}
        None => tracing::warn!(
            "demo: no record of when this database was seeded (by an older version?), so its grants are left \
             as they are; seed an empty database (for SQLite, delete the file) for a demo that stays current"
        ),
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

/// Runs one command of the CLI.
pub async fn run(cli: Cli) -> Result<(), ServerError> {
    match cli.command {
        Command::Schema => {
            print!("{}", helpdesk_graphql::sdl());
            Ok(())
        }
        Command::Seed(c) => {
            init_tracing(LogFormat::Text);
            let store = open_store(&c.database).await?;
            let report = seed::seed(&store, c.scale, SystemClock.now()).await?;
            println!(
                "seeded {} customers, {} users, {} devices, {} phone numbers, {} orders in {:.1?}",
                report.customers, report.users, report.devices, report.phone_numbers, report.orders, report.elapsed
            );
            Ok(())
        }
        Command::Grant(c) => {
            let store = open_store(&c.database).await?;
            let grant = store
                .grant_read_only_access(
                    helpdesk_domain::CustomerId(c.customer),
                    c.hours,
                    "customer admin (CLI)",
                    SystemClock.now(),
                )
                .await?;
            println!("customer {} authorised read-only access until {}", c.customer, grant.expires_at.to_rfc3339());
            Ok(())
        }
        Command::RevokeGrant(c) => {
            let store = open_store(&c.database).await?;
            let n = store.revoke_read_only_access(helpdesk_domain::CustomerId(c.customer), SystemClock.now()).await?;
            println!("revoked {n} active grant(s) of customer {}", c.customer);
            Ok(())
        }
        Command::Token(c) => {
            let secret = c.secret.secret().map_err(ServerError::Config)?;
            let store = open_store(&c.database).await?;
            let ttl = Duration::from_secs(c.hours * 3600);
            println!("{}", mint_token(&store, &secret, &c.agent, ttl, Arc::new(SystemClock)).await?);
            Ok(())
        }
        Command::Serve(c) => {
            init_tracing(c.log_format);
            let running = start(&c).await?;
            println!("help desk gateway on {} ({} database)", running.addr, running.store.backend_name());
            println!("GraphiQL: http://{}/graphql", running.addr);
            if let Some(token) = &running.demo_token {
                println!("demo agent {}: Authorization: Bearer {token}", fixtures::HELP_DESK_AGENT);
            }
            running.wait().await
        }
    }
}
