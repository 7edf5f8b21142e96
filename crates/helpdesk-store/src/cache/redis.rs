//! The Redis layer: a shared cache of summaries, and the channel that tells
//! the other gateways what changed. Every call has a timeout, and a circuit
//! breaker stops waiting on a Redis that keeps failing.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use helpdesk_domain::CustomerId;
use tokio::sync::Mutex;

use super::CacheStats;
use super::stored::SUMMARY_VERSION;

/// Stops calling a failing Redis: after `THRESHOLD` failures in a row it
/// opens for `PAUSE`, then lets one call through to see if Redis is back.
#[derive(Debug, Default)]
pub(super) struct Breaker {
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

    pub(super) fn is_open(&self) -> bool {
        self.open_until.lock().unwrap_or_else(|e| e.into_inner()).is_some()
    }
}

pub(super) struct RedisLayer {
    pub(super) client: redis::Client,
    pub(super) conn: Mutex<Option<redis::aio::ConnectionManager>>,
    pub(super) prefix: String,
    pub(super) ttl: Duration,
    pub(super) timeout: Duration,
    pub(super) breaker: Breaker,
    /// Invalidations Redis has not taken yet (it was down): retried before
    /// the next read, and read as misses until then.
    pub(super) pending: std::sync::Mutex<std::collections::HashSet<CustomerId>>,
}

impl RedisLayer {
    /// The channel invalidations are published on, for the other gateways.
    pub(super) fn channel(&self) -> String {
        format!("{}:customer:invalidations", self.prefix)
    }

    pub(super) fn pending(&self) -> std::sync::MutexGuard<'_, std::collections::HashSet<CustomerId>> {
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn key(&self, id: CustomerId) -> String {
        format!("{}:customer:v{}:{}", self.prefix, SUMMARY_VERSION, id.0)
    }

    /// A connection, opened on first use (Redis may be down at start-up).
    pub(super) async fn connection(&self) -> Result<redis::aio::ConnectionManager, redis::RedisError> {
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
    pub(super) async fn call<T, F, Fut>(&self, stats: &CacheStats, f: F) -> Option<T>
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

    pub(super) fn jittered_ttl(&self, id: CustomerId) -> u64 {
        // Up to 10 % more, spread by customer, so keys cached together don't expire together.
        let base = self.ttl.as_secs().max(1);
        base + (id.0.as_u128() % (base / 10 + 1) as u128) as u64
    }

    /// The key counting a customer's invalidations. A load reads it before
    /// it reads the database and writes its summary only if it is unchanged
    /// ([`RedisLayer::store_if_current`]), so a summary read before an
    /// invalidation is never written after it.
    pub(super) fn generation_key(&self, id: CustomerId) -> String {
        format!("{}:customer:generation:{}", self.prefix, id.0)
    }

    /// Writes a summary unless the customer was invalidated since `generation` was read.
    pub(super) async fn store_if_current(&self, stats: &CacheStats, id: CustomerId, generation: u64, json: String) {
        let (key, generation_key, ttl) = (self.key(id), self.generation_key(id), self.jittered_ttl(id));
        let _: Option<i64> = self
            .call(stats, |mut c| async move {
                redis::cmd("EVAL")
                    .arg(STORE_IF_CURRENT)
                    .arg(2)
                    .arg(key)
                    .arg(generation_key)
                    .arg(json)
                    .arg(generation)
                    .arg(ttl)
                    .query_async(&mut c)
                    .await
            })
            .await;
    }

    /// Invalidates `ids`: counts the invalidation, deletes the summaries and
    /// tells the other gateways, in one round trip; `false` if Redis did not take it.
    pub(super) async fn invalidate(&self, stats: &CacheStats, ids: &[CustomerId]) -> bool {
        let mut pipe = redis::pipe();
        for id in ids {
            // The counter outlives any summary written under an older value of it.
            let keep = 2 * self.ttl.as_secs().max(1) + 60;
            pipe.cmd("INCR").arg(self.generation_key(*id)).ignore();
            pipe.cmd("EXPIRE").arg(self.generation_key(*id)).arg(keep).ignore();
            pipe.cmd("DEL").arg(self.key(*id)).ignore();
        }
        let payload = ids.iter().map(|id| id.0.to_string()).collect::<Vec<_>>().join(",");
        pipe.cmd("PUBLISH").arg(self.channel()).arg(payload).ignore();
        let done: Option<()> = self.call(stats, |mut c| async move { pipe.query_async(&mut c).await }).await;
        done.is_some()
    }
}

/// SET the summary (KEYS[1]) only while the generation (KEYS[2]) is still
/// the one read before the load (ARGV[2]; a missing counter is 0).
const STORE_IF_CURRENT: &str = r"
if (redis.call('GET', KEYS[2]) or '0') == ARGV[2] then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
  return 1
end
return 0
";
