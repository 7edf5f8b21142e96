//! The customer cache: hot customers' summaries, close to the gateway.
//!
//! Almost every search result and detail view needs its customer's summary
//! (name, domains, meeting sites, license totals, admins, read-only access). Reading it is a
//! read-through over two layers:
//!
//! 1. in-process (`moka`), short TTL (default 2 s): the hottest customers,
//!    no network at all;
//! 2. Redis (`REDIS_URL`, or a Redis Cluster: `REDIS_CLUSTER_NODES`),
//!    longer TTL with jitter, shared by every gateway process; keys are
//!    versioned (`…:customer:v3:{<id>}`) so a change of the summary's shape
//!    never reads an old one, and hash-tagged by customer so a customer's
//!    keys share a cluster slot;
//! 3. the database, in one batch for all the misses of a call.
//!
//! Concurrent misses for one customer reach the database once (single
//! flight, `flight`): the first caller loads, the others wait for its result.
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
//!
//! A load races with invalidations: it may read the database just before a
//! grant is revoked and want to cache what it read just after. Each layer
//! refuses such a write. In process, an invalidation epoch read before the
//! load must be unchanged when it stores; in Redis, a per-customer
//! generation counter, read with the summaries before the load, must be
//! unchanged when the summary is written (one Lua check-and-set). So once
//! `invalidate` returns, no summary read before it can reappear.
//!
//! # Layout
//!
//! - this module: the read-through, invalidation and the listener;
//! - `flight`: single flight with a guard that survives cancellation;
//! - `redis`: the Redis layer: keys, the guarded write, invalidations
//!   (over [`crate::redis_link`], which hides node vs cluster, timeouts and
//!   the circuit breaker);
//! - `stored`: the versioned JSON shape a summary has in Redis.

mod flight;
mod redis;
mod stored;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use helpdesk_domain::model::{
    Customer, CustomerDomain, CustomerMeetingSite, LicenseTotal, ReadOnlyGrant, UserAdminRole,
};
use helpdesk_domain::{CustomerId, PartnerId};
use uuid::Uuid;

use flight::Flights;
use redis::RedisLayer;
use stored::Stored;

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
    /// The shared Redis (one node or a cluster); none runs the in-process layer only.
    pub redis: Option<crate::redis_link::RedisTarget>,
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
            redis: None,
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
    /// No Redis configured: in-process layer only.
    Off,
    Up,
    /// Failing; calls are skipped until the breaker tries again.
    Down,
}

/// The two-layer read-through cache of customer summaries.
pub struct CustomerCache {
    local: Option<moka::future::Cache<CustomerId, Arc<CustomerSummary>>>,
    redis: Option<RedisLayer>,
    flights: Flights,
    /// Counts invalidations heard in this process (its own and other
    /// gateways'): a load stores in process only if it is unchanged.
    epoch: AtomicU64,
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
        let redis = match &options.redis {
            None => None,
            Some(target) => Some(RedisLayer {
                link: crate::redis_link::RedisLink::new(target, options.redis_timeout)?,
                prefix: options.redis_prefix.clone(),
                ttl: options.redis_ttl,
                pending: Default::default(),
            }),
        };
        Ok(CustomerCache {
            local,
            redis,
            flights: Flights::default(),
            epoch: AtomicU64::new(0),
            stats: CacheStats::default(),
        })
    }

    /// Whether Redis is configured, and answering.
    pub fn redis_state(&self) -> RedisState {
        match &self.redis {
            None => RedisState::Off,
            Some(r) if r.link.is_down() => RedisState::Down,
            Some(_) => RedisState::Up,
        }
    }

    /// Whether the shared layer is a Redis Cluster.
    pub fn redis_is_cluster(&self) -> bool {
        self.redis.as_ref().is_some_and(|r| r.link.is_cluster())
    }

    /// Pings Redis (for `/readyz`), through the breaker.
    pub async fn ping_redis(&self) -> RedisState {
        let Some(r) = &self.redis else { return RedisState::Off };
        let pong: Option<String> =
            r.call(&self.stats, |mut c| async move { ::redis::cmd("PING").query_async(&mut c).await }).await;
        if pong.is_some() { RedisState::Up } else { RedisState::Down }
    }

    /// The summaries of `ids` within `partner`, from the nearest layer that
    /// has them; `load` reads the rest from the database in one batch.
    pub(crate) async fn get_many<'a>(
        &self,
        partner: PartnerId,
        ids: &[CustomerId],
        load: impl Fn(Vec<CustomerId>) -> LoadFuture<'a>,
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
        // The Redis generation of each customer read from Redis: a summary
        // loaded now is written back only under it.
        let mut generations: HashMap<CustomerId, u64> = HashMap::new();
        if !missing.is_empty()
            && let Some(r) = &self.redis
        {
            self.flush_invalidations().await;
            // A summary whose invalidation Redis has not taken yet may be stale there.
            let pending = r.pending().clone();
            let (unsure, asked): (Vec<CustomerId>, Vec<CustomerId>) =
                missing.into_iter().partition(|id| pending.contains(id));
            missing = asked;
            let mut keys: Vec<String> = missing.iter().map(|id| r.key(*id)).collect();
            keys.extend(missing.iter().map(|id| r.generation_key(*id)));
            let values: Option<Vec<Option<String>>> = r
                .call(&self.stats, |mut c| async move { ::redis::cmd("MGET").arg(&keys).query_async(&mut c).await })
                .await;
            if let Some(mut values) = values.filter(|v| v.len() == 2 * missing.len()) {
                let counters = values.split_off(missing.len());
                let mut still = Vec::new();
                for ((id, value), counter) in missing.into_iter().zip(values).zip(counters) {
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
                            generations.insert(id, counter.and_then(|c| c.parse().ok()).unwrap_or(0));
                            still.push(id);
                        }
                    }
                }
                missing = still;
            }
            missing.extend(unsure);
        }
        if !missing.is_empty() {
            found.extend(self.load_once(partner, missing, &generations, &load).await?);
        }
        // A summary is only ever shown within its own partner.
        found.retain(|s| s.partner_id == partner);
        Ok(found)
    }

    /// Loads the ids nobody else in `partner` is loading, waits for the
    /// others, and loads itself those whose leader failed or went away.
    async fn load_once<'a>(
        &self,
        partner: PartnerId,
        missing: Vec<CustomerId>,
        generations: &HashMap<CustomerId, u64>,
        load: &impl Fn(Vec<CustomerId>) -> LoadFuture<'a>,
    ) -> Result<Vec<Arc<CustomerSummary>>, crate::StoreError> {
        let epoch = self.epoch.load(Ordering::SeqCst);
        let joined = self.flights.join(partner, missing);
        let mut found = Vec::new();
        if !joined.leading.ids().is_empty() {
            // On an error (or if this future is dropped) the guard ends the flights.
            let rows = load(joined.leading.ids().to_vec()).await?;
            self.stats.database_loads.fetch_add(rows.len() as u64, Ordering::Relaxed);
            let mut by_id: HashMap<CustomerId, Arc<CustomerSummary>> = HashMap::new();
            for s in rows {
                let s = Arc::new(s);
                self.store(&s, generations.get(&s.customer.id).copied(), epoch).await;
                by_id.insert(s.customer.id, s);
            }
            joined.leading.land(&by_id);
            found.extend(by_id.into_values());
        }
        let mut orphaned = Vec::new();
        for (id, rx) in joined.waiting {
            match Flights::wait(rx).await {
                Ok(summary) => found.extend(summary),
                Err(()) => orphaned.push(id),
            }
        }
        if !orphaned.is_empty() {
            // Read, not cached: the flight that would have cached them failed.
            found.extend(load(orphaned).await?.into_iter().map(Arc::new));
        }
        Ok(found)
    }

    /// Caches a summary loaded when the epoch was `epoch` (and the Redis
    /// generation `generation`), unless an invalidation came in between.
    async fn store(&self, s: &Arc<CustomerSummary>, generation: Option<u64>, epoch: u64) {
        let id = s.customer.id;
        if let Some(local) = &self.local
            && self.epoch.load(Ordering::SeqCst) == epoch
        {
            local.insert(id, s.clone()).await;
            // An invalidation between the check and the insert takes it out again.
            if self.epoch.load(Ordering::SeqCst) != epoch {
                local.invalidate(&id).await;
            }
        }
        if let (Some(r), Some(generation)) = (&self.redis, generation)
            && let Ok(json) = serde_json::to_string(&Stored::from(s.as_ref()))
        {
            r.store_if_current(&self.stats, id, generation, json).await;
        }
    }

    /// Forgets a customer's summary in both layers (after a write that
    /// changed it), and tells the other gateways to forget their in-process copy.
    pub async fn invalidate(&self, id: CustomerId) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        if let Some(local) = &self.local {
            local.invalidate(&id).await;
        }
        if let Some(r) = &self.redis {
            r.pending().insert(id);
            self.flush_invalidations().await;
        }
    }

    /// Invalidates the pending ids in Redis; keeps them pending if Redis does not answer.
    async fn flush_invalidations(&self) {
        let Some(r) = &self.redis else { return };
        let ids: Vec<CustomerId> = r.pending().iter().copied().collect();
        if ids.is_empty() {
            return;
        }
        if r.invalidate(&self.stats, &ids).await {
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
        let channel = r.channel();
        let weak = Arc::downgrade(cache);
        tokio::spawn(async move {
            use futures::StreamExt;
            loop {
                // Hold the cache only while subscribing: the loop must not keep it alive.
                let subscribed = match weak.upgrade() {
                    Some(cache) => match &cache.redis {
                        Some(r) => tokio::time::timeout(Duration::from_secs(2), r.link.subscribe(&channel)).await,
                        None => return,
                    },
                    None => return,
                };
                if let Ok(Ok(mut messages)) = subscribed {
                    while let Some(payload) = messages.next().await {
                        let Some(cache) = weak.upgrade() else { return };
                        cache.epoch.fetch_add(1, Ordering::SeqCst);
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

#[cfg(test)]
mod tests;
