//! The server's answers to `/readyz` and `/metrics`: the store's state.

use std::sync::atomic::Ordering;

use async_trait::async_trait;
use helpdesk_graphql::ops::{Check, Probe, Sample};
use helpdesk_store::Store;
use helpdesk_store::cache::RedisState;

/// Reads readiness and counters off the request-path store, the audit
/// entries the writer lost, and the rate limiter's use of Redis.
pub struct StoreProbe(
    pub Store,
    pub std::sync::Arc<std::sync::atomic::AtomicU64>,
    pub std::sync::Arc<helpdesk_store::limiter::AgentLimiter>,
);

#[async_trait]
impl Probe for StoreProbe {
    async fn readiness(&self) -> Vec<(Check, bool)> {
        let database = match self.0.readiness().await {
            Ok(()) => Check {
                name: "database",
                ok: true,
                detail: format!("{} reachable, migrations applied", self.0.backend_name()),
            },
            Err(e) => Check { name: "database", ok: false, detail: e.to_string() },
        };
        let cache = match self.0.cache().ping_redis().await {
            RedisState::Off => Check { name: "cache", ok: true, detail: "in-process only (no REDIS_URL)".into() },
            RedisState::Up if self.0.cache().redis_is_cluster() => {
                Check { name: "cache", ok: true, detail: "in-process and Redis Cluster".into() }
            }
            RedisState::Up => Check { name: "cache", ok: true, detail: "in-process and Redis".into() },
            RedisState::Down => {
                Check { name: "cache", ok: false, detail: "Redis unreachable: serving from the database".into() }
            }
        };
        // A dead Redis slows the gateway down; it does not make it wrong.
        let mut checks = vec![(database, true), (cache, false)];
        // Nor does a replica that is down or behind: its reads go to the primary.
        for replica in self.0.replicas().status() {
            let detail = if replica.usable {
                format!("{}: taking reads, {} ms behind", replica.name, replica.lag_ms)
            } else if replica.lag_ms == u64::MAX {
                format!("{}: not answering; its reads go to the primary", replica.name)
            } else {
                format!("{}: {} ms behind, past the bound; its reads go to the primary", replica.name, replica.lag_ms)
            };
            checks.push((Check { name: "replica", ok: replica.usable, detail }, false));
        }
        checks
    }

    fn samples(&self) -> Vec<Sample> {
        let stats = &self.0.cache().stats;
        let counter = |name, help, labels: Vec<(&'static str, String)>, value: u64| Sample {
            name,
            help,
            labels,
            value: value as f64,
            kind: "counter",
        };
        let load = |a: &std::sync::atomic::AtomicU64| a.load(Ordering::Relaxed);
        let (open, idle) = self.0.pool_usage();
        let mut samples = Vec::new();
        for replica in self.0.replicas().status() {
            let label = || vec![("replica", replica.name.clone())];
            samples.push(counter("helpdesk_replica_reads_total", "Reads sent to a replica", label(), replica.reads));
            let gauge = |name, help, value: f64| Sample { name, help, labels: label(), value, kind: "gauge" };
            samples.push(gauge(
                "helpdesk_replica_usable",
                "1 when a replica takes reads",
                f64::from(u8::from(replica.usable)),
            ));
            let lag = if replica.lag_ms == u64::MAX { f64::NAN } else { replica.lag_ms as f64 };
            samples.push(gauge(
                "helpdesk_replica_lag_ms",
                "How far behind the primary a replica was at the last probe",
                lag,
            ));
        }
        samples.extend([
            counter(
                "helpdesk_cache_hits_total",
                "Customer summaries found, by cache layer",
                vec![("layer", "local".into())],
                load(&stats.local_hits),
            ),
            counter(
                "helpdesk_cache_hits_total",
                "Customer summaries found, by cache layer",
                vec![("layer", "redis".into())],
                load(&stats.redis_hits),
            ),
            counter(
                "helpdesk_cache_misses_total",
                "Customer summaries not found, by cache layer",
                vec![("layer", "local".into())],
                load(&stats.local_misses),
            ),
            counter(
                "helpdesk_cache_misses_total",
                "Customer summaries not found, by cache layer",
                vec![("layer", "redis".into())],
                load(&stats.redis_misses),
            ),
            counter(
                "helpdesk_audit_entries_lost_total",
                "Audit entries that could not be written before shutdown",
                vec![],
                load(&self.1),
            ),
            counter(
                "helpdesk_cache_database_loads_total",
                "Customer summaries read from the database",
                vec![],
                load(&stats.database_loads),
            ),
            counter(
                "helpdesk_redis_errors_total",
                "Redis calls that failed or timed out",
                vec![],
                load(&stats.redis_errors),
            ),
            counter(
                "helpdesk_rate_limit_redis_calls_total",
                "Calls to the shared rate-limit buckets in Redis (each takes a lease or one request's cost)",
                vec![],
                load(&self.2.redis_calls),
            ),
            counter(
                "helpdesk_rate_limit_redis_errors_total",
                "Rate-limit calls Redis failed (the gateway's own bucket answered)",
                vec![],
                load(&self.2.redis_errors),
            ),
            counter(
                "helpdesk_sql_statements_total",
                "SQL statements run for requests",
                vec![],
                self.0.statements_executed(),
            ),
            counter("helpdesk_database_errors_total", "SQL statements that failed", vec![], self.0.statements_failed()),
            Sample {
                name: "helpdesk_db_pool_connections",
                help: "Database pool connections",
                labels: vec![("state", "open".into())],
                value: f64::from(open),
                kind: "gauge",
            },
            Sample {
                name: "helpdesk_db_pool_connections",
                help: "Database pool connections",
                labels: vec![("state", "idle".into())],
                value: idle as f64,
                kind: "gauge",
            },
        ]);
        samples
    }
}
