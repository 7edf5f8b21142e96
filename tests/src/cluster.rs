//! The Redis Cluster tests' clusters: three real `redis-server` nodes in
//! cluster mode on loopback, made by `tests/support/start-redis-cluster`.
//!
//! Tests that only share a cluster use the machine's (127.0.0.1:7001-7003,
//! started here when absent, as `.ci/run` does), each under a key prefix of
//! its own. A test that kills a node gets a private cluster on free ports.

use std::process::Command;

use tokio::sync::OnceCell;

/// One row of `CLUSTER SLOTS`: from, to, and the primary (host, port, id, metadata).
type SlotRange = (u16, u16, (String, u16, String, Vec<String>));

/// A three-node Redis Cluster started by the script from `base` on.
pub struct RedisCluster {
    base: u16,
    private: bool,
}

static SHARED: OnceCell<()> = OnceCell::const_new();

impl RedisCluster {
    /// The machine's cluster on 7001-7003, started if it does not answer.
    pub async fn shared() -> RedisCluster {
        let cluster = RedisCluster { base: 7001, private: false };
        SHARED.get_or_init(|| async { cluster.script(&[]) }).await;
        cluster
    }

    /// A cluster of the test's own, stopped when dropped.
    pub async fn private() -> RedisCluster {
        let cluster = RedisCluster { base: free_base().await, private: true };
        cluster.script(&[]);
        cluster
    }

    /// Its nodes, `redis://127.0.0.1:PORT`.
    pub fn nodes(&self) -> Vec<String> {
        self.ports().map(|p| format!("redis://127.0.0.1:{p}")).collect()
    }

    pub fn ports(&self) -> impl Iterator<Item = u16> {
        self.base..self.base + 3
    }

    /// Kills the node on `port` (SIGKILL: no goodbye to clients).
    pub fn kill(&self, port: u16) {
        self.script(&["--kill", &port.to_string()]);
    }

    /// Starts the node on `port` again; it rejoins with its slots.
    pub fn start(&self, port: u16) {
        self.script(&["--start", &port.to_string()]);
    }

    /// The port of the node that owns `key`'s slot.
    pub async fn node_owning(&self, key: &str) -> u16 {
        let mut conn = redis::Client::open(format!("redis://127.0.0.1:{}", self.base))
            .unwrap()
            .get_multiplexed_async_connection()
            .await
            .unwrap();
        let slot: u16 = redis::cmd("CLUSTER").arg("KEYSLOT").arg(key).query_async(&mut conn).await.unwrap();
        let ranges: Vec<SlotRange> = redis::cmd("CLUSTER").arg("SLOTS").query_async(&mut conn).await.unwrap();
        ranges.into_iter().find(|(from, to, _)| (*from..=*to).contains(&slot)).map(|(_, _, node)| node.1).unwrap()
    }

    /// Pub/sub subscribers of the sharded channel `channel`, on every node.
    pub async fn shard_subscribers(&self, channel: &str) -> i64 {
        let mut total = 0;
        for port in self.ports() {
            let Ok(client) = redis::Client::open(format!("redis://127.0.0.1:{port}")) else { continue };
            let Ok(mut conn) = client.get_multiplexed_async_connection().await else { continue };
            let counts: Vec<(String, i64)> =
                redis::cmd("PUBSUB").arg("SHARDNUMSUB").arg(channel).query_async(&mut conn).await.unwrap_or_default();
            total += counts.first().map_or(0, |c| c.1);
        }
        total
    }

    fn script(&self, args: &[&str]) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/support/start-redis-cluster");
        let status = Command::new(script)
            .args(args)
            .env("REDIS_CLUSTER_PORT", self.base.to_string())
            .status()
            .expect("tests/support/start-redis-cluster runs");
        assert!(status.success(), "tests/support/start-redis-cluster {args:?} from port {} failed", self.base);
    }
}

impl Drop for RedisCluster {
    fn drop(&mut self) {
        if self.private {
            self.script(&["--stop"]);
        }
    }
}

/// Three ports in a row, each with its cluster bus port (+10,000), all free.
async fn free_base() -> u16 {
    loop {
        let base = crate::smtp::free_port().await;
        // Its bus ports (+10,000) must be ports too.
        if !(1024..=55_000).contains(&base) {
            continue;
        }
        let mut free = true;
        for port in (base..base + 3).chain(base + 10_000..base + 10_003) {
            free &= tokio::net::TcpListener::bind(("127.0.0.1", port)).await.is_ok();
        }
        if free {
            return base;
        }
    }
}
