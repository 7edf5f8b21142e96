//! What an operator sees: `/healthz`, `/readyz` and `/metrics`.
//!
//! `/healthz` says the process answers. `/readyz` says whether it should get
//! traffic: the database answers and its migrations are applied (the cache's
//! state is reported, but a dead Redis does not make the gateway unready —
//! it serves from the database). `/metrics` is Prometheus text: requests and
//! latency by operation and outcome, searches by recognised input kind, and
//! whatever the [`Probe`] adds (cache hits and misses, SQL statements …).

use std::sync::Arc;

use async_trait::async_trait;
use prometheus::{Encoder, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry, TextEncoder};

/// One line of `/readyz`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Check {
    pub name: &'static str,
    pub ok: bool,
    pub detail: String,
}

/// A gauge or counter read when `/metrics` is scraped.
#[derive(Debug, Clone)]
pub struct Sample {
    pub name: &'static str,
    pub help: &'static str,
    pub labels: Vec<(&'static str, String)>,
    pub value: f64,
    /// `counter` or `gauge`.
    pub kind: &'static str,
}

/// What the server knows of its dependencies; the GraphQL crate only asks.
#[async_trait]
pub trait Probe: Send + Sync {
    /// The readiness checks; the gateway is ready when every `required` one is ok.
    async fn readiness(&self) -> Vec<(Check, bool)>;
    /// Samples for `/metrics`.
    fn samples(&self) -> Vec<Sample>;
}

/// The gateway's own metrics.
pub struct Metrics {
    registry: Registry,
    /// The values the `operation` label may take: the schema's root fields.
    /// Anything else a client sends is `other`, so no client can create series.
    operations: std::collections::HashSet<String>,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub searches: IntCounterVec,
    /// Fields resolved, over all operations ([`FieldsResolved`]).
    pub fields_resolved: prometheus::IntCounter,
}

impl Metrics {
    /// Registers the metrics in a registry of their own (no global state);
    /// `schema_sdl` names the root fields that label operations.
    pub fn new(schema_sdl: &str) -> Arc<Metrics> {
        let registry = Registry::new();
        let requests = IntCounterVec::new(
            Opts::new("helpdesk_requests_total", "GraphQL operations by operation name and outcome"),
            &["operation", "outcome"],
        )
        .unwrap_or_else(|_| unreachable!("static metric definition"));
        let latency = HistogramVec::new(
            HistogramOpts::new("helpdesk_request_duration_seconds", "GraphQL operation latency")
                .buckets(vec![0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0]),
            &["operation", "outcome"],
        )
        .unwrap_or_else(|_| unreachable!("static metric definition"));
        let searches = IntCounterVec::new(
            Opts::new("helpdesk_searches_total", "Searches by how the input was read"),
            &["input_kind"],
        )
        .unwrap_or_else(|_| unreachable!("static metric definition"));
        let fields_resolved = prometheus::IntCounter::new(
            "helpdesk_graphql_fields_resolved_total",
            "Fields resolved by GraphQL operations: the work execution did, whatever the document looked like",
        )
        .unwrap_or_else(|_| unreachable!("static metric definition"));
        for m in [
            Box::new(fields_resolved.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(requests.clone()),
            Box::new(latency.clone()),
            Box::new(searches.clone()),
        ] {
            let _ = registry.register(m);
        }
        Arc::new(Metrics {
            registry,
            operations: root_fields(schema_sdl),
            requests,
            latency,
            searches,
            fields_resolved,
        })
    }

    /// The `operation` label of a document: its first root field when that
    /// is one of the schema's (`search`, `customer` …), else `other`. The
    /// client's `operationName` is never a label: it is free text.
    pub fn operation_label(&self, doc: &async_graphql::parser::types::ExecutableDocument) -> &str {
        use async_graphql::parser::types::Selection;
        let first = doc.operations.iter().next().and_then(|(_, op)| {
            op.node.selection_set.node.items.iter().find_map(|s| match &s.node {
                Selection::Field(f) => Some(f.node.name.node.as_str()),
                _ => None,
            })
        });
        match first.and_then(|name| self.operations.get(name)) {
            Some(known) => known,
            None => "other",
        }
    }

    /// Prometheus text of these metrics and the probe's samples.
    pub fn render(&self, probe: &dyn Probe) -> String {
        let mut out = Vec::new();
        let _ = TextEncoder::new().encode(&self.registry.gather(), &mut out);
        let mut text = String::from_utf8(out).unwrap_or_default();
        let mut last = "";
        for s in probe.samples() {
            if s.name != last {
                text.push_str(&format!("# HELP {} {}\n# TYPE {} {}\n", s.name, s.help, s.name, s.kind));
                last = s.name;
            }
            let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
            if labels.is_empty() {
                text.push_str(&format!("{} {}\n", s.name, s.value));
            } else {
                text.push_str(&format!("{}{{{}}} {}\n", s.name, labels.join(","), s.value));
            }
        }
        text
    }
}

/// The fields of the schema's root types (`Query`, `Mutation`).
fn root_fields(sdl: &str) -> std::collections::HashSet<String> {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let Ok(doc) = async_graphql::parser::parse_schema(sdl) else {
        return Default::default();
    };
    doc.definitions
        .iter()
        .filter_map(|d| match d {
            TypeSystemDefinition::Type(t) if matches!(t.node.name.node.as_str(), "Query" | "Mutation") => {
                match &t.node.kind {
                    TypeKind::Object(o) => {
                        Some(o.fields.iter().map(|f| f.node.name.node.to_string()).collect::<Vec<_>>())
                    }
                    _ => None,
                }
            }
            _ => None,
        })
        .flatten()
        .collect()
}

/// Counts the fields an operation resolves, into
/// `helpdesk_graphql_fields_resolved_total` once it is done: what execution
/// really did, to watch the work bound ([`crate::work`]) and the cost model
/// hold in production, and for the tests that attack them.
pub struct FieldsResolved;

impl async_graphql::extensions::ExtensionFactory for FieldsResolved {
    fn create(&self) -> Arc<dyn async_graphql::extensions::Extension> {
        Arc::new(FieldCounter(std::sync::atomic::AtomicU64::new(0)))
    }
}

/// One request's count.
struct FieldCounter(std::sync::atomic::AtomicU64);

#[async_trait::async_trait]
impl async_graphql::extensions::Extension for FieldCounter {
    async fn resolve(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        info: async_graphql::extensions::ResolveInfo<'_>,
        next: async_graphql::extensions::NextResolve<'_>,
    ) -> async_graphql::ServerResult<Option<async_graphql::Value>> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        next.run(ctx, info).await
    }

    // `execute`, not `request`: the request's data (the metrics) is attached by then.
    async fn execute(
        &self,
        ctx: &async_graphql::extensions::ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: async_graphql::extensions::NextExecute<'_>,
    ) -> async_graphql::Response {
        let response = next.run(ctx, operation_name).await;
        if let Some(metrics) = ctx.data_opt::<Arc<Metrics>>() {
            metrics.fields_resolved.inc_by(self.0.load(std::sync::atomic::Ordering::Relaxed));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_is_labelled_by_a_root_field_of_the_schema_or_other() {
        let metrics = Metrics::new(&crate::sdl());
        let label = |q: &str| metrics.operation_label(&async_graphql::parser::parse_query(q).unwrap()).to_string();
        assert_eq!(label("query AnythingTheClientLikes { search(query: \"a\") { edges { cursor } } }"), "search");
        assert_eq!(label("mutation { sendVerificationCode(userId: \"x\") { sentTo } }"), "sendVerificationCode");
        assert_eq!(label("{ a: customer(id: \"x\") { name } }"), "customer");
        assert_eq!(label("{ noSuchField_12345 }"), "other");
        assert_eq!(label("{ __typename }"), "other");
    }
}
