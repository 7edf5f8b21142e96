//! The Redis layer: a shared cache of summaries, and the channel that tells
//! the other gateways what changed. Every call has a timeout, and a circuit
//! breaker stops waiting on a Redis that keeps failing.

use std::time::Duration;

use helpdesk_domain::CustomerId;

use super::CacheStats;
use super::stored::SUMMARY_VERSION;
use crate::redis_link::{RedisConn, RedisLink};

pub(super) struct RedisLayer {
    pub(super) link: RedisLink,
    pub(super) prefix: String,
    pub(super) ttl: Duration,
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
        // The hash tag `{id}` keeps a customer's keys in one cluster slot.
        format!("{}:customer:v{}:{{{}}}", self.prefix, SUMMARY_VERSION, id.0)
    }

    /// Runs one Redis call under the link's timeout and breaker; `None`
    /// when skipped or failed (the caller falls through to the database).
    pub(super) async fn call<T, F, Fut>(&self, stats: &CacheStats, f: F) -> Option<T>
    where
        F: FnOnce(RedisConn) -> Fut,
        Fut: std::future::Future<Output = Result<T, redis::RedisError>>,
    {
        self.link.call(&stats.redis_errors, f).await
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
        format!("{}:customer:generation:{{{}}}", self.prefix, id.0)
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

    /// Invalidates `ids`: counts the invalidation and deletes the summary
    /// of each (one round trip per customer, as a customer's keys share a
    /// slot but different customers' may not), then tells the other
    /// gateways; `false` if Redis did not take it all.
    pub(super) async fn invalidate(&self, stats: &CacheStats, ids: &[CustomerId]) -> bool {
        // The counter outlives any summary written under an older value of it.
        let keep = 2 * self.ttl.as_secs().max(1) + 60;
        let pipes: Vec<redis::Pipeline> = ids
            .iter()
            .map(|id| {
                let mut pipe = redis::pipe();
                pipe.cmd("INCR").arg(self.generation_key(*id)).ignore();
                pipe.cmd("EXPIRE").arg(self.generation_key(*id)).arg(keep).ignore();
                pipe.cmd("DEL").arg(self.key(*id)).ignore();
                pipe
            })
            .collect();
        let payload = ids.iter().map(|id| id.0.to_string()).collect::<Vec<_>>().join(",");
        let publish = self.link.publish(&self.channel(), &payload);
        let done: Option<()> = self
            .call(stats, |mut c| async move {
                let each = pipes.into_iter().map(|pipe| {
                    let mut c = c.clone();
                    async move { pipe.query_async::<()>(&mut c).await }
                });
                futures::future::try_join_all(each).await?;
                publish.query_async::<()>(&mut c).await
            })
            .await;
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
