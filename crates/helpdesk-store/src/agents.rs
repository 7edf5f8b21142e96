//! Agents and their roles, kept in memory while the database says at once
//! when they change.
//!
//! Every request authenticates its agent, so reading the agent and its roles
//! from the primary is one statement on every request: a quarter of the
//! email look-up's throughput (BENCHMARKS.md). Keeping them in memory is safe
//! only if a change reaches the memory as soon as it is committed, whoever
//! made it. PostgreSQL tells: migration 9's triggers `NOTIFY` the agent's ID
//! on the `helpdesk_agents` channel for every change to `agents` or
//! `agent_roles`, and this gateway `LISTEN`s.
//!
//! The memory is trusted only while the listener is connected and the
//! triggers exist. Until then, after the connection drops (a notification
//! may have been missed), and always on SQLite (no notifications), the agent
//! is read from the database on every request. Each notification also bumps
//! a generation, and a read that started before a notification is not kept,
//! so a read racing a change cannot put the old roles back.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use helpdesk_domain::{Agent, AgentId};
use sea_orm::sqlx::postgres::PgListener;

use helpdesk_migrations::m20261205_000009_agent_changes::CHANNEL;
/// How long an agent is kept without being asked for: the listener drops a
/// changed one at once, so this only bounds memory.
const IDLE: Duration = Duration::from_secs(600);

/// The agents this gateway has seen, and whether the listener vouches for them.
pub(crate) struct AgentCache {
    agents: moka::future::Cache<AgentId, Agent>,
    /// Set while the listener is connected and the triggers are in place.
    live: AtomicBool,
    /// Bumped by every notification and every reconnection.
    generation: AtomicU64,
    /// The listener is started by the first read (a store that never
    /// authenticates, like the mailer's, never opens one).
    started: std::sync::Once,
    url: Option<String>,
}

impl AgentCache {
    /// A cache for the database at `url`: one that can listen when it is PostgreSQL.
    pub(crate) fn new(url: &str) -> Arc<AgentCache> {
        let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
        Arc::new(AgentCache {
            agents: moka::future::Cache::builder().max_capacity(10_000).time_to_idle(IDLE).build(),
            live: AtomicBool::new(false),
            generation: AtomicU64::new(0),
            started: std::sync::Once::new(),
            url: postgres.then(|| url.to_string()),
        })
    }

    /// The agent, from memory when the listener vouches for it, else from `load`.
    pub(crate) async fn get<E, F>(self: &Arc<Self>, id: AgentId, load: F) -> Result<Option<Agent>, E>
    where
        F: std::future::Future<Output = Result<Option<Agent>, E>>,
    {
        self.start();
        if !self.live.load(Ordering::Acquire) {
            return load.await;
        }
        if let Some(agent) = self.agents.get(&id).await {
            return Ok(Some(agent));
        }
        let generation = self.generation.load(Ordering::Acquire);
        let agent = load.await?;
        if let Some(agent) = &agent {
            // Kept only if no change was announced while it was read.
            if self.live.load(Ordering::Acquire) && self.generation.load(Ordering::Acquire) == generation {
                self.agents.insert(id, agent.clone()).await;
            }
        }
        Ok(agent)
    }

    /// Drops an agent this gateway just changed (the notification follows).
    pub(crate) async fn forget(&self, id: AgentId) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.agents.invalidate(&id).await;
    }

    /// Whether agents are kept: the listener is connected and the triggers are in place.
    pub(crate) fn is_live(&self) -> bool {
        self.live.load(Ordering::Acquire)
    }

    /// Starts the listener, once (on PostgreSQL).
    pub(crate) fn start(self: &Arc<Self>) {
        let Some(url) = self.url.clone() else { return };
        let cache = self.clone();
        self.started.call_once(move || {
            tokio::spawn(async move { cache.listen(url).await });
        });
    }

    /// Listens for as long as the process runs, reconnecting after a loss.
    async fn listen(self: Arc<Self>, url: String) {
        loop {
            if let Err(e) = self.listen_once(&url).await {
                tracing::warn!(error = %e, "agent change listener lost: agents are read from the database until it is back");
            }
            self.distrust().await;
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    async fn listen_once(&self, url: &str) -> Result<(), sea_orm::sqlx::Error> {
        let mut listener = PgListener::connect(url).await?;
        listener.listen(CHANNEL).await?;
        // Without the triggers (a database not migrated yet) nothing would be announced.
        let triggers: i64 = sea_orm::sqlx::query_scalar(
            "SELECT count(*) FROM pg_trigger WHERE tgname IN ('agents_changed', 'agent_roles_changed')",
        )
        .fetch_one(&mut listener)
        .await?;
        if triggers < 2 {
            return Err(sea_orm::sqlx::Error::Protocol("the agent change triggers are not installed yet".into()));
        }
        self.live.store(true, Ordering::Release);
        loop {
            // `None`: the connection was lost (and is being remade): what was
            // announced meanwhile is unknown, so nothing kept is trusted.
            match listener.try_recv().await? {
                Some(notification) => {
                    self.generation.fetch_add(1, Ordering::AcqRel);
                    match uuid::Uuid::parse_str(notification.payload()) {
                        Ok(id) => self.agents.invalidate(&AgentId(id)).await,
                        Err(_) => self.agents.invalidate_all(),
                    }
                }
                None => return Ok(()),
            }
        }
    }

    /// Trusts nothing kept until the listener is back.
    async fn distrust(&self) {
        self.live.store(false, Ordering::Release);
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.agents.invalidate_all();
    }
}
