//! The customer cache: hot customers' summaries, close to the gateway.
//!
//! Almost every search result and detail view needs its customer's summary
//! (name, domains, meeting sites, license totals, admins, read-only access). Reading it is a
//! read-through over two layers:
//!
//! 1. in-process (`moka`), short TTL (default 2 s): the hottest customers,
//!    no network at all;
//! 2. Redis (`REDIS_URL`), longer TTL with jitter, shared by every gateway
//!    process; keys are versioned (`…:customer:v3:<id>`) so a change of the
//!    summary's shape never reads an old one;
//! 3. the database, in one batch for all the misses of a call.
//!
//! Concurrent misses for one customer reach the database once (single
//! flight): the first caller loads, the others wait for its result.
//!
//! A write that changes a summary invalidates it in both layers and publishes
//! the invalidation; the other gateways drop their in-process copy when they
//! hear it, and in any case when its short TTL ends, so a gateway serves a
//! stale summary for at most that TTL. An invalidation Redis could not take
//! (it was down) stays pending: retried before the next read, and the summary
//! is read from the database meanwhile.
//!
//! Redis is an optimisation, never a dependency: every call has a short
//! timeout, a circuit breaker stops waiting on a dead Redis (and tries again
//! after a pause), and a value that does not parse is a miss. Without
//! `REDIS_URL` (the embedded default) only the in-process layer runs.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use helpdesk_domain::model::{
    AdminRole, Customer, CustomerDomain, CustomerMeetingSite, CustomerSettings, Labelled, LicenseTotal, ReadOnlyGrant,
    UserAdminRole,
};
use helpdesk_domain::{CustomerId, Domain, MeetingSite, PartnerId, UserId};
use serde::{Deserialize, Serialize};
use tokio::sync::{Mutex, watch};
use uuid::Uuid;

/// Everything the API shows of a customer at a glance.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSummary {
    pub partner_id: PartnerId,
    pub customer: Customer,
    pub domains: Vec<CustomerDomain>,
    pub sites: Vec<CustomerMeetingSite>,
    pub admins: Vec<UserAdminRole>,
    /// Licenses per offer over the active subscriptions.
    pub licenses: Vec<LicenseTotal>,
    /// The latest read-only grant, active or not.
    pub grant: Option<ReadOnlyGrant>,
}

/// How the cache is set up.
#[derive(Debug, Clone)]
pub struct CacheOptions {
    /// Most summaries kept in process; 0 turns the in-process layer off.
    pub local_capacity: u64,
    pub local_ttl: Duration,
    /// `redis://host:port/db`; none runs the in-process layer only.
    pub redis_url: Option<String>,
    /// Prefix of every Redis key (several deployments may share a Redis).
    pub redis_prefix: String,
    pub redis_ttl: Duration,
    /// Longest wait for one Redis call.
    pub redis_timeout: Duration,
}

impl Default for CacheOptions {
    fn default() -> Self {
        CacheOptions {
            local_capacity: 50_000,
            local_ttl: Duration::from_secs(2),
            redis_url: None,
            redis_prefix: "helpdesk".into(),
            redis_ttl: Duration::from_secs(300),
            redis_timeout: Duration::from_millis(100),
        }
    }
}

/// Counters of what the cache did, for `/metrics`.
#[derive(Debug, Default)]
pub struct CacheStats {
    pub local_hits: AtomicU64,
    pub local_misses: AtomicU64,
    pub redis_hits: AtomicU64,
    pub redis_misses: AtomicU64,
    pub redis_errors: AtomicU64,
    /// Summaries read from the database.
    pub database_loads: AtomicU64,
}

/// The state of the Redis layer, for `/readyz`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedisState {
    /// No `REDIS_URL`: in-process layer only.
    Off,
    Up,
    /// Failing; calls are skipped until the breaker tries again.
    Down,
}

/// Stops calling a failing Redis: after `THRESHOLD` failures in a row it
/// opens for `PAUSE`, then lets one call through to see if Redis is back.
#[derive(Debug, Default)]
struct Breaker {
    failures: AtomicU32,
    open_until: std::sync::Mutex<Option<Instant>>,
}

impl Breaker {
    const THRESHOLD: u32 = 3;
    const PAUSE: Duration = Duration::from_secs(2);

    fn allows(&self) -> bool {
        let mut open = self.open_until.lock().unwrap_or_else(|e| e.into_inner());
        match *open {
            Some(until) if Instant::now() < until => false,
            Some(_) => {
                // Half-open: this call is the probe; the next ones wait for its outcome.
                *open = Some(Instant::now() + Self::PAUSE);
                true
            }
            None => true,
        }
    }

    fn succeeded(&self) {
        self.failures.store(0, Ordering::Relaxed);
        *self.open_until.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    fn failed(&self) {
        if self.failures.fetch_add(1, Ordering::Relaxed) + 1 >= Self::THRESHOLD {
            *self.open_until.lock().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now() + Self::PAUSE);
        }
    }

    fn is_open(&self) -> bool {
        self.open_until.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

struct RedisLayer {
    client: redis::Client,
    conn: Mutex<Option<redis::aio::ConnectionManager>>,
    prefix: String,
    ttl: Duration,
    timeout: Duration,
    breaker: Breaker,
    /// Invalidations Redis has not taken yet (it was down): retried before
    /// the next read, and read as misses until then.
    pending: std::sync::Mutex<std::collections::HashSet<CustomerId>>,
}

/// The shape of [`Stored`]: part of every key, so a gateway never reads a
/// summary written in another shape (v2 added the license totals, v3 the grant's ID).
const SUMMARY_VERSION: u32 = 3;

/// The summary as stored in Redis (JSON). Only this module reads it back.
#[derive(Serialize, Deserialize)]
struct Stored {
    partner: Uuid,
    id: Uuid,
    name: String,
    status: String,
    created_at: DateTime<Utc>,
    settings: [bool; 5],
    domains: Vec<(String, bool)>,
    sites: Vec<String>,
    admins: Vec<(Uuid, String)>,
    licenses: Vec<(String, i32, i32)>,
    grant: Option<StoredGrant>,
}

/// A grant as stored: ID, granted by, granted at, expires at, revoked at.
type StoredGrant = (Uuid, String, DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>);

/// The result of a load in flight, as its waiters see it: `None` until it is
/// done, then the summary (or `None` if the customer is not there).
type InFlight = watch::Receiver<Option<Option<Arc<CustomerSummary>>>>;

impl From<&CustomerSummary> for Stored {
    fn from(s: &CustomerSummary) -> Self {
        let c = &s.customer;
        let st = c.settings;
        Stored {
            partner: s.partner_id.0,
            id: c.id.0,
            name: c.name.clone(),
            status: c.status.label().into(),
            created_at: c.created_at,
            settings: [st.calling, st.messaging, st.meetings, st.single_sign_on, st.directory_sync],
            domains: s.domains.iter().map(|d| (d.domain.to_string(), d.verified)).collect(),
            sites: s.sites.iter().map(|m| m.site.to_string()).collect(),
            admins: s.admins.iter().map(|a| (a.user_id.0, a.role.label().to_string())).collect(),
            licenses: s.licenses.iter().map(|l| (l.offer.clone(), l.quantity, l.consumed)).collect(),
            grant: s.grant.as_ref().map(|g| (g.id, g.granted_by.clone(), g.granted_at, g.expires_at, g.revoked_at)),
        }
    }
}

impl Stored {
    /// The summary, or `None` for anything that does not read back cleanly.
    fn into_summary(self) -> Option<CustomerSummary> {
        let id = CustomerId(self.id);
        let [calling, messaging, meetings, single_sign_on, directory_sync] = self.settings;
        Some(CustomerSummary {
            partner_id: PartnerId(self.partner),
            customer: Customer {
                id,
                name: self.name,
                status: Labelled::from_label(&self.status).ok()?,
                created_at: self.created_at,
                settings: CustomerSettings { calling, messaging, meetings, single_sign_on, directory_sync },
            },
            domains: self
                .domains
                .into_iter()
                .map(|(d, verified)| {
                    Some(CustomerDomain { customer_id: id, domain: Domain::parse(&d).ok()?, verified })
                })
                .collect::<Option<_>>()?,
            sites: self
                .sites
                .into_iter()
                .map(|s| Some(CustomerMeetingSite { customer_id: id, site: MeetingSite::parse(&s).ok()? }))
                .collect::<Option<_>>()?,
            admins: self
                .admins
                .into_iter()
                .map(|(u, r)| {
                    Some(UserAdminRole { user_id: UserId(u), customer_id: id, role: AdminRole::from_label(&r).ok()? })
                })
                .collect::<Option<_>>()?,
            licenses: self
                .licenses
                .into_iter()
                .map(|(offer, quantity, consumed)| LicenseTotal { customer_id: id, offer, quantity, consumed })
                .collect(),
            grant: self.grant.map(|(grant, granted_by, granted_at, expires_at, revoked_at)| ReadOnlyGrant {
                id: grant,
                customer_id: id,
                granted_by,
                granted_at,
                expires_at,
                revoked_at,
            }),
        })
    }
}

impl RedisLayer {
    /// The channel invalidations are published on, for the other gateways.
    fn channel(&self) -> String {
        format!("{}:customer:invalidations", self.prefix)
    }

    fn pending(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<CustomerId>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn key(&self, id: CustomerId) -> String {
        format!("{}:customer:v{}:{}", self.prefix, SUMMARY_VERSION, id.0)
    }

    /// A connection, opened on first use (Redis may be down at start-up).
    async fn connection(&self) -> Result<redis::aio::ConnectionManager, redis::RedisError> {
        let mut guard = self.conn.lock().await;
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout))
            .set_number_of_retries(1);
        let c = redis::aio::ConnectionManager::new_with_config(self.client.clone(), config).await?;
        *guard = Some(c.clone());
        Ok(c)
    }

    /// Runs one Redis call under the timeout and the breaker; `None` when
    /// skipped or failed (the caller falls through to the next layer).
    async fn call<T, F, Fut>(&self, stats: &CacheStats, f: F) -> Option<T>
    where
        F: FnOnce(redis::aio::ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = Result<T, redis::RedisError>>,
    {
        if !self.breaker.allows() {
            return None;
        }
        let result = tokio::time::timeout(self.timeout * 2, async {
            let conn = self.connection().await?;
            f(conn).await
        })
        .await;
        match result {
            Ok(Ok(v)) => {
                self.breaker.succeeded();
                Some(v)
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "redis call failed; serving from the database");
                stats.redis_errors.fetch_add(1, Ordering::Relaxed);
                self.breaker.failed();
                None
            }
            Err(_) => {
                tracing::warn!("redis call timed out; serving from the database");
                stats.redis_errors.fetch_add(1, Ordering::Relaxed);
                self.breaker.failed();
                None
            }
        }
    }

    fn jittered_ttl(&self, id: CustomerId) -> u64 {
        // Up to 10 % more, spread by customer, so keys cached together don't expire together.
        let base = self.ttl.as_secs().max(1);
        base + (id.0.as_u128() % (base / 10 + 1) as u128) as u64
    }
}

/// The two-layer read-through cache of customer summaries.
pub struct CustomerCache {
    local: Option<moka::future::Cache<CustomerId, Arc<CustomerSummary>>>,
    redis: Option<RedisLayer>,
    /// Loads in flight, for single flight: waiters subscribe to the loader's result.
    inflight: Mutex<HashMap<CustomerId, InFlight>>,
    pub stats: CacheStats,
}

impl std::fmt::Debug for CustomerCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerCache").field("redis", &self.redis_state()).finish()
    }
}

/// What loads summaries from the database, for the misses of a call.
pub(crate) type LoadFuture<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<CustomerSummary>, crate::StoreError>> + Send + 'a>>;

impl CustomerCache {
    /// A cache set up by `options` (Redis is connected lazily).
    pub fn new(options: &CacheOptions) -> Result<CustomerCache, crate::StoreError> {
        let local = (options.local_capacity > 0).then(|| {
            moka::future::Cache::builder().max_capacity(options.local_capacity).time_to_live(options.local_ttl).build()
        });
        let redis = match &options.redis_url {
            None => None,
            Some(url) => Some(RedisLayer {
                client: redis::Client::open(url.as_str()).map_err(|e| crate::StoreError::Cache(e.to_string()))?,
                conn: Mutex::new(None),
                prefix: options.redis_prefix.clone(),
                ttl: options.redis_ttl,
                timeout: options.redis_timeout,
                breaker: Breaker::default(),
                pending: Default::default(),
            }),
        };
        Ok(CustomerCache { local, redis, inflight: Mutex::new(HashMap::new()), stats: CacheStats::default() })
    }

    /// Whether Redis is configured, and answering.
    pub fn redis_state(&self) -> RedisState {
        match &self.redis {
            None => RedisState::Off,
            Some(r) if r.breaker.is_open() => RedisState::Down,
            Some(_) => RedisState::Up,
        }
    }

    /// Pings Redis (for `/readyz`), through the breaker.
    pub async fn ping_redis(&self) -> RedisState {
        let Some(r) = &self.redis else { return RedisState::Off };
        let pong: Option<String> =
            r.call(&self.stats, |mut c| async move { redis::cmd("PING").query_async(&mut c).await }).await;
        if pong.is_some() { RedisState::Up } else { RedisState::Down }
    }

    /// The summaries of `ids` within `partner`, from the nearest layer that
    /// has them; `load` reads the rest from the database in one batch.
    pub(crate) async fn get_many<'a>(
        &self,
        partner: PartnerId,
        ids: &[CustomerId],
        load: impl FnOnce(Vec<CustomerId>) -> LoadFuture<'a>,
    ) -> Result<Vec<Arc<CustomerSummary>>, crate::StoreError> {
        let mut found: Vec<Arc<CustomerSummary>> = Vec::with_capacity(ids.len());
        let mut missing: Vec<CustomerId> = Vec::new();
        for id in ids {
            match &self.local {
                Some(local) => match local.get(id).await {
                    Some(s) => {
                        self.stats.local_hits.fetch_add(1, Ordering::Relaxed);
                        found.push(s);
                    }
                    None => {
                        self.stats.local_misses.fetch_add(1, Ordering::Relaxed);
                        missing.push(*id);
                    }
                },
                None => missing.push(*id),
            }
        }
        if !missing.is_empty()
            && let Some(r) = &self.redis
        {
            self.flush_invalidations().await;
            // A summary whose invalidation Redis has not taken yet may be stale there.
            let pending = r.pending().clone();
            let (unsure, asked): (Vec<CustomerId>, Vec<CustomerId>) =
                missing.into_iter().partition(|id| pending.contains(id));
            missing = asked;
            let keys: Vec<String> = missing.iter().map(|id| r.key(*id)).collect();
            let values: Option<Vec<Option<String>>> = r
                .call(&self.stats, |mut c| async move { redis::cmd("MGET").arg(&keys).query_async(&mut c).await })
                .await;
            if let Some(values) = values {
                let mut still = Vec::new();
                for (id, value) in missing.into_iter().zip(values) {
                    // A value that does not parse is a miss, never an error.
                    let summary = value
                        .and_then(|v| serde_json::from_str::<Stored>(&v).ok())
                        .and_then(Stored::into_summary)
                        .filter(|s| s.customer.id == id);
                    match summary {
                        Some(s) => {
                            self.stats.redis_hits.fetch_add(1, Ordering::Relaxed);
                            let s = Arc::new(s);
                            if let Some(local) = &self.local {
                                local.insert(id, s.clone()).await;
                            }
                            found.push(s);
                        }
                        None => {
                            self.stats.redis_misses.fetch_add(1, Ordering::Relaxed);
                            still.push(id);
                        }
                    }
                }
                missing = still;
            }
            missing.extend(unsure);
        }
        if !missing.is_empty() {
            found.extend(self.load_once(missing, load).await?);
        }
        // A summary is only ever shown within its own partner.
        found.retain(|s| s.partner_id == partner);
        Ok(found)
    }

    /// Single flight: loads the ids nobody else is loading, waits for the others.
    async fn load_once<'a>(
        &self,
        missing: Vec<CustomerId>,
        load: impl FnOnce(Vec<CustomerId>) -> LoadFuture<'a>,
    ) -> Result<Vec<Arc<CustomerSummary>>, crate::StoreError> {
        let mut mine = Vec::new();
        let mut senders = HashMap::new();
        let mut theirs = Vec::new();
        {
            let mut inflight = self.inflight.lock().await;
            for id in missing {
                match inflight.get(&id) {
                    Some(rx) => theirs.push((id, rx.clone())),
                    None => {
                        let (tx, rx) = watch::channel(None);
                        inflight.insert(id, rx);
                        senders.insert(id, tx);
                        mine.push(id);
                    }
                }
            }
        }
        let mut found = Vec::new();
        let mut retry = Vec::new();
        if !mine.is_empty() {
            let loaded = load(mine.clone()).await;
            let mut by_id: HashMap<CustomerId, Arc<CustomerSummary>> = HashMap::new();
            if let Ok(rows) = &loaded {
                self.stats.database_loads.fetch_add(rows.len() as u64, Ordering::Relaxed);
                for s in rows {
                    let s = Arc::new(s.clone());
                    self.store(&s).await;
                    by_id.insert(s.customer.id, s);
                }
            }
            {
                let mut inflight = self.inflight.lock().await;
                for id in &mine {
                    inflight.remove(id);
                    if let (Some(tx), Ok(_)) = (senders.remove(id), &loaded) {
                        let _ = tx.send(Some(by_id.get(id).cloned()));
                    }
                }
            }
            loaded?;
            found.extend(by_id.into_values());
        }
        for (id, mut rx) in theirs {
            match rx.wait_for(|v| v.is_some()).await {
                Ok(v) => found.extend(v.clone().flatten()),
                // The loader failed: load it ourselves.
                Err(_) => retry.push(id),
            }
        }
        if !retry.is_empty() {
            return Err(crate::StoreError::Cache(format!("{} summaries could not be loaded", retry.len())));
        }
        Ok(found)
    }

    async fn store(&self, s: &Arc<CustomerSummary>) {
        let id = s.customer.id;
        if let Some(local) = &self.local {
            local.insert(id, s.clone()).await;
        }
        if let Some(r) = &self.redis
            && let Ok(json) = serde_json::to_string(&Stored::from(s.as_ref()))
        {
            let (key, ttl) = (r.key(id), r.jittered_ttl(id));
            let _: Option<()> = r
                .call(&self.stats, |mut c| async move {
                    redis::cmd("SET").arg(&key).arg(json).arg("EX").arg(ttl).query_async(&mut c).await
                })
                .await;
        }
    }

    /// Forgets a customer's summary in both layers (after a write that
    /// changed it), and tells the other gateways to forget their in-process copy.
    pub async fn invalidate(&self, id: CustomerId) {
        if let Some(local) = &self.local {
            local.invalidate(&id).await;
        }
        if let Some(r) = &self.redis {
            r.pending().insert(id);
            self.flush_invalidations().await;
        }
    }

    /// Deletes the pending invalidations' keys and publishes them; keeps them
    /// pending if Redis does not answer.
    async fn flush_invalidations(&self) {
        let Some(r) = &self.redis else { return };
        let ids: Vec<CustomerId> = r.pending().iter().copied().collect();
        if ids.is_empty() {
            return;
        }
        let keys: Vec<String> = ids.iter().map(|id| r.key(*id)).collect();
        let payload = ids.iter().map(|id| id.0.to_string()).collect::<Vec<_>>().join(",");
        let channel = r.channel();
        let done: Option<()> = r
            .call(&self.stats, |mut c| async move {
                redis::pipe()
                    .cmd("DEL")
                    .arg(&keys)
                    .ignore()
                    .cmd("PUBLISH")
                    .arg(&channel)
                    .arg(&payload)
                    .ignore()
                    .query_async(&mut c)
                    .await
            })
            .await;
        if done.is_some() {
            let mut pending = r.pending();
            for id in &ids {
                pending.remove(id);
            }
        }
    }

    /// Listens for other gateways' invalidations and drops the in-process
    /// copies they name, reconnecting while Redis is away. Runs until the
    /// cache is dropped.
    pub(crate) fn listen_for_invalidations(cache: &Arc<CustomerCache>) {
        let Some(r) = &cache.redis else { return };
        if cache.local.is_none() {
            return;
        }
        let (client, channel) = (r.client.clone(), r.channel());
        let weak = Arc::downgrade(cache);
        tokio::spawn(async move {
            use futures::StreamExt;
            loop {
                let subscribed = async {
                    let mut pubsub = client.get_async_pubsub().await?;
                    pubsub.subscribe(&channel).await?;
                    Ok::<_, redis::RedisError>(pubsub)
                };
                if let Ok(Ok(mut pubsub)) = tokio::time::timeout(Duration::from_secs(2), subscribed).await {
                    let mut messages = pubsub.on_message();
                    while let Some(msg) = messages.next().await {
                        let Some(cache) = weak.upgrade() else { return };
                        let payload: String = msg.get_payload().unwrap_or_default();
                        for id in payload.split(',').filter_map(|s| Uuid::parse_str(s).ok()) {
                            if let Some(local) = &cache.local {
                                local.invalidate(&CustomerId(id)).await;
                            }
                        }
                    }
                }
                if weak.strong_count() == 0 {
                    return;
                }
                // Redis is away: try again shortly.
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    /// The Redis key of a customer's summary (tests write garbage into it).
    pub fn redis_key(&self, id: CustomerId) -> Option<String> {
        self.redis.as_ref().map(|r| r.key(id))
    }
}
