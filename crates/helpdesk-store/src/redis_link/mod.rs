//! The link to the shared Redis: one node (the default) or a Redis Cluster.
//!
//! Two parts of the gateway share state through Redis: the customer cache
//! (summaries, and the channel that tells the other gateways what changed)
//! and the agents' rate-limit buckets. Neither cares whether Redis is one
//! node or a cluster; this module hides the difference.
//!
//! A Redis Cluster splits the key space into 16,384 hash slots spread over
//! its primaries. A command, a pipeline or a Lua script may only touch keys
//! of one slot, so keys that are used together carry the same *hash tag*:
//! only the part between `{` and `}` is hashed, and
//! `helpdesk:customer:v3:{42}` and `helpdesk:customer:generation:{42}` live
//! on the same node. `MGET` over many customers is split by slot by the
//! client. Invalidations go over *sharded* pub/sub (`SPUBLISH` /
//! `SSUBSCRIBE`), which a cluster delivers within the shard that owns the
//! channel instead of broadcasting every message to every node.
//!
//! Redis is an optimisation, never a dependency: every call has a timeout,
//! and a circuit breaker ([`breaker`]) stops waiting on a Redis (or a
//! cluster node) that keeps failing. A cluster that lost a node still
//! answers for the slots of the others; the calls that need the lost node
//! fail like calls to a dead single Redis, and the caller reads the database.

mod breaker;
mod pubsub;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redis::aio::ConnectionLike;
use redis::{Cmd, Pipeline, RedisFuture, Value};
use tokio::sync::Mutex;

pub(crate) use breaker::Breaker;

/// Where the shared Redis is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisTarget {
    /// One Redis, `redis://host:port/db`.
    Node(String),
    /// A Redis Cluster, by some of its nodes (`redis://host:port`); the
    /// client learns the rest, and the slots, from them.
    Cluster(Vec<String>),
}

/// The client of a [`RedisTarget`], before any connection.
#[derive(Clone)]
enum Client {
    Node(redis::Client),
    Cluster(Box<redis::cluster::ClusterClient>, Vec<String>),
}

/// A connection to either kind of Redis; cheap to clone, and commands,
/// pipelines and scripts run on it the same way.
#[derive(Clone)]
pub(crate) enum RedisConn {
    Node(redis::aio::ConnectionManager),
    Cluster(redis::cluster_async::ClusterConnection),
}

impl ConnectionLike for RedisConn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        match self {
            RedisConn::Node(c) => c.req_packed_command(cmd),
            RedisConn::Cluster(c) => c.req_packed_command(cmd),
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        pipeline: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match self {
            RedisConn::Node(c) => c.req_packed_commands(pipeline, offset, count),
            RedisConn::Cluster(c) => c.req_packed_commands(pipeline, offset, count),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            RedisConn::Node(c) => c.get_db(),
            RedisConn::Cluster(c) => c.get_db(),
        }
    }
}

/// A lazily opened, shared connection to the Redis of a [`RedisTarget`],
/// with a timeout on every call and a circuit breaker.
pub(crate) struct RedisLink {
    client: Client,
    conn: Mutex<Option<RedisConn>>,
    timeout: Duration,
    breaker: Breaker,
}

impl RedisLink {
    /// A link to `target` (nothing is connected yet: Redis may be down at start-up).
    pub(crate) fn new(target: &RedisTarget, timeout: Duration) -> Result<RedisLink, crate::StoreError> {
        let bad = |e: redis::RedisError| crate::StoreError::Cache(e.to_string());
        let client = match target {
            RedisTarget::Node(url) => Client::Node(redis::Client::open(url.as_str()).map_err(bad)?),
            RedisTarget::Cluster(nodes) => {
                Client::Cluster(Box::new(cluster_client(nodes, timeout, None).map_err(bad)?), nodes.clone())
            }
        };
        Ok(RedisLink { client, conn: Mutex::new(None), timeout, breaker: Breaker::default() })
    }

    /// Whether this is a cluster (which publishes with `SPUBLISH`).
    pub(crate) fn is_cluster(&self) -> bool {
        matches!(self.client, Client::Cluster(..))
    }

    /// Whether the breaker is open: Redis failed and is not being asked.
    pub(crate) fn is_down(&self) -> bool {
        self.breaker.is_open()
    }

    /// The shared connection, opened on first use.
    async fn connection(&self) -> Result<RedisConn, redis::RedisError> {
        let mut guard = self.conn.lock().await;
        if let Some(c) = guard.as_ref() {
            return Ok(c.clone());
        }
        let c = match &self.client {
            Client::Node(client) => {
                let config = redis::aio::ConnectionManagerConfig::new()
                    .set_connection_timeout(Some(self.timeout))
                    .set_response_timeout(Some(self.timeout))
                    .set_number_of_retries(1);
                RedisConn::Node(redis::aio::ConnectionManager::new_with_config(client.clone(), config).await?)
            }
            Client::Cluster(client, _) => RedisConn::Cluster(client.get_async_connection().await?),
        };
        *guard = Some(c.clone());
        Ok(c)
    }

    /// Runs one Redis call under the timeout and the breaker; `None` when
    /// skipped or failed, counted in `errors` (the caller falls back: the
    /// database for the cache, the gateway's own bucket for the limiter).
    pub(crate) async fn call<T, F, Fut>(&self, errors: &AtomicU64, f: F) -> Option<T>
    where
        F: FnOnce(RedisConn) -> Fut,
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
                tracing::warn!(error = %e, "redis call failed; falling back");
                errors.fetch_add(1, Ordering::Relaxed);
                self.breaker.failed();
                None
            }
            Err(_) => {
                tracing::warn!("redis call timed out; falling back");
                errors.fetch_add(1, Ordering::Relaxed);
                self.breaker.failed();
                None
            }
        }
    }

    /// Publishes `payload` on `channel` for the other gateways: sharded
    /// (`SPUBLISH`) on a cluster, plain `PUBLISH` on one node.
    pub(crate) fn publish(&self, channel: &str, payload: &str) -> Cmd {
        let mut cmd = redis::cmd(if self.is_cluster() { "SPUBLISH" } else { "PUBLISH" });
        cmd.arg(channel).arg(payload);
        cmd
    }
}

/// A cluster client that gives up quickly on a node that is gone (the
/// caller has a fallback), optionally delivering pushed messages.
fn cluster_client(
    nodes: &[String],
    timeout: Duration,
    pushes: Option<tokio::sync::mpsc::UnboundedSender<redis::PushInfo>>,
) -> redis::RedisResult<redis::cluster::ClusterClient> {
    let mut builder = redis::cluster::ClusterClientBuilder::new(nodes.to_vec())
        .connection_timeout(timeout)
        .response_timeout(timeout)
        .retries(1)
        .min_retry_wait(10)
        .max_retry_wait(timeout.as_millis() as u64);
    if let Some(tx) = pushes {
        builder = builder.use_protocol(redis::ProtocolVersion::RESP3).push_sender(tx);
    }
    builder.build()
}
