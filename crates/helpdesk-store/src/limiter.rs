//! Each agent's budget of query cost: a token bucket per agent.
//!
//! Every accepted operation takes its cost from its agent's bucket, which
//! holds `burst` points and refills at `per_second`. One agent's script or
//! runaway dashboard then cannot take the gateway from the others.
//!
//! With Redis configured, the bucket lives there (one hash per agent, updated
//! by one Lua script, on Redis's own clock), so every gateway behind the load
//! balancer draws from the same bucket. Without Redis, or while Redis does not
//! answer, each gateway keeps its own bucket in process (`governor`): the
//! limit then holds per gateway instead of overall, and no request waits on a
//! dead Redis.
//!
//! A Redis round trip per request would cost a fifth of the gateway's
//! throughput, so a gateway takes points from the shared bucket a *lease* at
//! a time (a hundredth of the bucket, at most [`MAX_LEASE`]) and spends them
//! locally for up to [`LEASE_LIFETIME`]. Leased points count as spent for
//! every gateway at once, and unspent ones simply lapse, so an agent never
//! gets more than its bucket; near the limit, when a lease cannot be had, a
//! request asks Redis for exactly its own cost.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use helpdesk_domain::AgentId;
use helpdesk_domain::ports::CostLimiter;

/// How the buckets are set up.
#[derive(Debug, Clone)]
pub struct LimiterOptions {
    /// Points a bucket holds: the most an idle agent can spend at once.
    pub burst: u32,
    /// Points a bucket regains per second; 0 turns the limit off.
    pub per_second: u32,
    /// The shared Redis (one node or a cluster), if any, and its key prefix and call timeout.
    pub redis: Option<crate::redis_link::RedisTarget>,
    pub redis_prefix: String,
    pub redis_timeout: Duration,
}

/// The most points one lease takes from an agent's shared bucket.
pub const MAX_LEASE: u64 = 10_000;
/// How long leased points may be spent before they lapse.
pub const LEASE_LIFETIME: Duration = Duration::from_secs(1);

/// The buckets, in Redis or in process.
pub struct AgentLimiter {
    options: LimiterOptions,
    local: Option<DefaultKeyedRateLimiter<AgentId>>,
    redis: Option<crate::redis_link::RedisLink>,
    /// Points this gateway took from each agent's shared bucket and has not spent yet.
    leases: moka::sync::Cache<AgentId, Arc<AtomicU64>>,
    /// Redis calls that failed (the local bucket answered instead).
    pub redis_errors: AtomicU64,
    /// Redis calls made (each took a lease or one request's cost).
    pub redis_calls: AtomicU64,
}

impl std::fmt::Debug for AgentLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AgentLimiter").field("options", &self.options).finish()
    }
}

/// Takes ARGV[1] points from the bucket KEYS[1] (capacity ARGV[2], refill
/// ARGV[3] points per second) on Redis's clock; returns 0 when taken, else
/// the milliseconds until there are enough.
const SPEND: &str = r"
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local cost, capacity, rate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]) / 1000
local bucket = redis.call('HMGET', KEYS[1], 'points', 'at')
local points = tonumber(bucket[1]) or capacity
local at = tonumber(bucket[2]) or now_ms
points = math.min(capacity, points + math.max(0, now_ms - at) * rate)
if points < cost then
  return math.ceil((cost - points) / rate)
end
redis.call('HSET', KEYS[1], 'points', tostring(points - cost), 'at', tostring(now_ms))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
return 0
";

/// [`SPEND`], sent by its SHA once Redis knows it (`EVALSHA`).
static SPEND_SCRIPT: std::sync::LazyLock<redis::Script> = std::sync::LazyLock::new(|| redis::Script::new(SPEND));

impl AgentLimiter {
    /// Buckets set up by `options` (Redis is connected on first use).
    pub fn new(options: LimiterOptions) -> Result<AgentLimiter, crate::StoreError> {
        let local = match (NonZeroU32::new(options.per_second), NonZeroU32::new(options.burst)) {
            (Some(rate), Some(burst)) => Some(RateLimiter::keyed(Quota::per_second(rate).allow_burst(burst))),
            _ => None,
        };
        let redis = match (&options.redis, &local) {
            (Some(target), Some(_)) => Some(crate::redis_link::RedisLink::new(target, options.redis_timeout)?),
            _ => None,
        };
        let leases = moka::sync::Cache::builder().max_capacity(100_000).time_to_live(LEASE_LIFETIME).build();
        Ok(AgentLimiter {
            options,
            local,
            redis,
            leases,
            redis_errors: AtomicU64::new(0),
            redis_calls: AtomicU64::new(0),
        })
    }

    /// Spends `cost` from this gateway's lease of the agent's points, if it holds enough.
    fn spend_leased(&self, agent: AgentId, cost: u64) -> bool {
        self.leases.get(&agent).is_some_and(|points| {
            points.fetch_update(Ordering::AcqRel, Ordering::Acquire, |p| p.checked_sub(cost)).is_ok()
        })
    }

    /// The shared bucket's answer for `cost`, taking a lease of more when it can.
    async fn spend_shared(&self, agent: AgentId, cost: u64) -> Option<Result<(), Duration>> {
        let lease = (u64::from(self.options.burst) / 100).min(MAX_LEASE);
        if lease > cost && self.spend_in_redis(agent, lease).await?.is_ok() {
            self.leases.insert(agent, Arc::new(AtomicU64::new(lease - cost)));
            return Some(Ok(()));
        }
        // No lease (a small bucket, or not a whole lease left): this request's own cost may still be.
        self.spend_in_redis(agent, cost).await
    }

    /// The Redis bucket's answer: `Some(Ok)` taken, `Some(Err(wait))` refused,
    /// `None` Redis did not answer.
    async fn spend_in_redis(&self, agent: AgentId, cost: u64) -> Option<Result<(), Duration>> {
        let link = self.redis.as_ref()?;
        // One key per agent: a cluster routes the script to the node of its slot.
        let key = format!("{}:cost-bucket:{}", self.options.redis_prefix, agent.0);
        let (burst, per_second) = (self.options.burst, self.options.per_second);
        let wait_ms = link
            .call(&self.redis_errors, |mut c| async move {
                // Counted here: a call the breaker skips is not made.
                self.redis_calls.fetch_add(1, Ordering::Relaxed);
                SPEND_SCRIPT.key(key).arg(cost).arg(burst).arg(per_second).invoke_async::<u64>(&mut c).await
            })
            .await?;
        Some(if wait_ms == 0 { Ok(()) } else { Err(Duration::from_millis(wait_ms)) })
    }
}

#[async_trait]
impl CostLimiter for AgentLimiter {
    async fn spend(&self, agent: AgentId, cost: u64) -> Result<(), Duration> {
        let Some(local) = &self.local else { return Ok(()) };
        // An operation costs at least a point; none costs more than a full bucket.
        let cost = cost.clamp(1, u64::from(self.options.burst));
        if self.redis.is_some() && self.spend_leased(agent, cost) {
            return Ok(());
        }
        if let Some(answer) = self.spend_shared(agent, cost).await {
            return answer;
        }
        let n = NonZeroU32::new(cost as u32).unwrap_or(NonZeroU32::MIN);
        match local.check_key_n(&agent, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(not_until.wait_time_from(DefaultClock::default().now())),
            // More than the bucket holds: cannot happen after the clamp above.
            Err(_) => Err(Duration::from_secs(1)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(redis_url: Option<&str>) -> LimiterOptions {
        LimiterOptions {
            burst: 1_000,
            per_second: 10,
            redis: redis_url.map(|url| crate::redis_link::RedisTarget::Node(url.to_string())),
            redis_prefix: format!("helpdesk-unit-{}", uuid::Uuid::new_v4().simple()),
            redis_timeout: Duration::from_secs(1),
        }
    }

    async fn drain(limiter: &AgentLimiter, agent: AgentId) -> Duration {
        assert!(limiter.spend(agent, 600).await.is_ok());
        assert!(limiter.spend(agent, 300).await.is_ok());
        limiter.spend(agent, 300).await.expect_err("1,200 points out of 1,000")
    }

    #[tokio::test]
    async fn an_agent_that_spent_its_bucket_waits_and_others_do_not() {
        for url in [None, Some("redis://127.0.0.1:6379")] {
            let limiter = AgentLimiter::new(options(url)).unwrap();
            let agent = AgentId::new_random();
            let wait = drain(&limiter, agent).await;
            // 200 points short at 10 a second: about 20 seconds.
            assert!(wait > Duration::from_secs(15) && wait <= Duration::from_secs(21), "{url:?}: {wait:?}");
            assert!(limiter.spend(AgentId::new_random(), 900).await.is_ok(), "{url:?}: another agent");
        }
    }

    #[tokio::test]
    async fn gateways_sharing_redis_share_the_bucket() {
        let first = AgentLimiter::new(options(Some("redis://127.0.0.1:6379"))).unwrap();
        let second = AgentLimiter::new(LimiterOptions {
            redis_prefix: first.options.redis_prefix.clone(),
            ..options(Some("redis://127.0.0.1:6379"))
        })
        .unwrap();
        let agent = AgentId::new_random();
        assert!(first.spend(agent, 900).await.is_ok());
        assert!(second.spend(agent, 200).await.is_err(), "the second gateway sees what the first spent");
    }

    #[tokio::test]
    async fn a_gateway_spends_a_lease_locally_and_the_others_see_it_spent() {
        let big = |prefix: Option<String>| LimiterOptions {
            burst: 1_000_000,
            redis_prefix: prefix.unwrap_or_else(|| options(None).redis_prefix),
            ..options(Some("redis://127.0.0.1:6379"))
        };
        let first = AgentLimiter::new(big(None)).unwrap();
        let second = AgentLimiter::new(big(Some(first.options.redis_prefix.clone()))).unwrap();
        let agent = AgentId::new_random();
        for _ in 0..50 {
            assert!(first.spend(agent, 100).await.is_ok());
        }
        assert_eq!(first.redis_calls.load(Ordering::Relaxed), 1, "5,000 points out of one lease of 10,000");
        // The whole lease counts as spent: 990,000 points are left for the second gateway.
        assert!(second.spend(agent, 990_000).await.is_ok());
        assert!(second.spend(agent, 1_000).await.is_err(), "the bucket is empty, leases included");
        assert!(first.spend(agent, 4_000).await.is_ok(), "the first still spends what it leased");
    }

    #[tokio::test]
    async fn a_dead_redis_falls_back_to_the_gateways_own_bucket() {
        let limiter = AgentLimiter::new(LimiterOptions {
            redis_timeout: Duration::from_millis(100),
            ..options(Some("redis://127.0.0.1:1"))
        })
        .unwrap();
        let agent = AgentId::new_random();
        drain(&limiter, agent).await;
        assert!(limiter.redis_errors.load(Ordering::Relaxed) > 0);
    }

    #[tokio::test]
    async fn zero_per_second_turns_the_limit_off() {
        let limiter = AgentLimiter::new(LimiterOptions { per_second: 0, ..options(None) }).unwrap();
        for _ in 0..100 {
            assert!(limiter.spend(AgentId::new_random(), 1_000_000).await.is_ok());
        }
    }
}
