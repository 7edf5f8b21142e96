//! The HTTP face of the gateway: `/graphql` and the offline GraphiQL.
//!
//! - `POST /graphql` runs queries. The body must be JSON
//!   (`Content-Type: application/json`): browsers can send "simple" cross-site
//!   form posts without asking, but not JSON, so this refuses cross-site
//!   request forgery. The body is read here, with a size cap, so the cap
//!   covers exactly what the GraphQL request is parsed from; async-graphql-axum's
//!   extractor then parses it.
//! - `GET /graphql?query=…` runs queries (never mutations) when the request
//!   carries a header a browser would only send after a preflight.
//! - `GET /graphql` otherwise serves GraphiQL (`graphiql.rs`), whose scripts are embedded in
//!   the binary: the playground works without internet access.
//!
//! Each request gets an ID (`x-request-id`), its own dataloaders and the
//! scope of the agent its token names.

use std::sync::Arc;

use async_graphql::parser::types::OperationType;
use async_graphql::{BatchRequest, Request, Response, ServerError};
use async_graphql_axum::{GraphQLBatchRequest, GraphQLRequest};
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tracing::Instrument;

use crate::HelpdeskSchema;
use crate::answer::{accepts_graphql_response, json_response_as, private, refuse, refuse_with_status, response_json};
use crate::auth::{AGENT_TOKEN_LIFETIME, authenticate};
use crate::context::RequestContext;
use crate::context::Services;
use crate::error::{ApiError, finalize};
use crate::limits::{Limits, count_aliases, operation_type};
use crate::loaders::Loaders;
use crate::ops::{Metrics, Probe};

/// What the HTTP layer needs, shared by all requests.
pub struct AppState {
    pub schema: HelpdeskSchema,
    pub services: Arc<Services>,
    pub limits: Limits,
    pub metrics: Arc<Metrics>,
    pub probe: Arc<dyn Probe>,
    /// In demo mode, the agent GraphiQL opens signed in as (a fresh token per page load).
    pub graphiql_agent: Option<helpdesk_domain::AgentId>,
    /// Parsed documents, shared with the schema.
    pub documents: crate::documents::ParsedDocuments,
    /// Origins whose pages may call `/graphql` (CORS); none by default.
    pub cors_origins: Vec<String>,
    /// The console's operations by hash, and who may send free text from a browser.
    pub trusted: crate::trusted::TrustedDocuments,
}

/// The gateway's routes: the API's (`/graphql`, GraphiQL, `/healthz`) and
/// the operator's (`/readyz`, `/metrics`), which the server serves on the
/// same listener or, with `--ops-listen`, on a private one of their own.
pub struct Routers {
    pub api: Router,
    pub ops: Router,
}

/// The gateway's routes.
pub fn router(state: AppState) -> Routers {
    let body_limit = state.limits.body_bytes;
    let timeout = state.limits.request_timeout;
    // Time and concurrency limits on /graphql only: the operator endpoints
    // must answer when the gateway is busiest.
    // Outermost, CORS: a browser's preflight is answered before any limit.
    let guard =
        tower::ServiceBuilder::new()
            .layer(crate::edge::cors(&state.cors_origins))
            .layer(axum::error_handling::HandleErrorLayer::new(
                move |headers: HeaderMap, error: axum::BoxError| async move {
                    crate::edge::refused(&headers, &error, timeout)
                },
            ))
            .load_shed()
            .concurrency_limit(state.limits.concurrent_requests)
            .timeout(timeout);
    let state = Arc::new(state);
    let api = Router::new()
        .route("/graphql", get(get_graphql).post(post_graphql).layer(guard))
        .route("/graphiql/{file}", get(crate::graphiql::asset))
        .route("/healthz", get(|| async { "ok" }))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
        // Belt and braces: also cap bodies for any extractor added later.
        .layer(axum::extract::DefaultBodyLimit::max(body_limit))
        .layer(crate::edge::request_ids())
        .with_state(state.clone());
    let ops = Router::new().route("/readyz", get(readyz)).route("/metrics", get(metrics)).with_state(state);
    Routers { api, ops }
}

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let request_id = uuid::Uuid::new_v4().to_string();
    tracing::error!(request_id, "a request handler panicked");
    refuse(ApiError::Domain(helpdesk_domain::Error::Internal("panic".into())), &request_id)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v == "application/graphql-response+json")
}

/// async-graphql-axum's parse failure, kept for the handler to answer in
/// the gateway's own error shape (with the request's ID).
struct Unparsed(async_graphql::ParseRequestError);

impl From<async_graphql::ParseRequestError> for Unparsed {
    fn from(e: async_graphql::ParseRequestError) -> Self {
        Unparsed(e)
    }
}

impl IntoResponse for Unparsed {
    fn into_response(self) -> axum::response::Response {
        refuse(ApiError::Rejected(format!("not a GraphQL request: {}", self.0)), &uuid::Uuid::new_v4().to_string())
    }
}

/// `POST /graphql`. The CSRF and body-size rules run first; then
/// async-graphql-axum's extractor reads the GraphQL request (or batch).
async fn post_graphql(State(app): State<Arc<AppState>>, request: axum::extract::Request) -> axum::response::Response {
    let headers = request.headers().clone();
    let request_id = crate::edge::request_id(&headers);
    let span = tracing::info_span!("graphql", request_id = %request_id, method = "POST");
    async move {
        if !is_json(&headers) {
            return refuse_with_status(
                415,
                ApiError::Rejected("send GraphQL requests as JSON, with Content-Type: application/json".into()),
                &request_id,
            );
        }
        // The cap covers exactly the bytes the GraphQL request is parsed from.
        let (parts, body) = request.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, app.limits.body_bytes).await else {
            return refuse_with_status(
                413,
                ApiError::Rejected(format!("the request is larger than {} bytes", app.limits.body_bytes)),
                &request_id,
            );
        };
        let request = axum::extract::Request::from_parts(parts, Body::from(bytes));
        let batch = match GraphQLBatchRequest::<Unparsed>::from_request(request, &()).await {
            Ok(batch) => batch.into_inner(),
            Err(_) => {
                return refuse(
                    ApiError::Rejected(
                        "the body is not a GraphQL request: send {\"query\": \"…\", \"variables\": {…}}".into(),
                    ),
                    &request_id,
                );
            }
        };
        let (requests, batched) = match batch {
            BatchRequest::Single(r) => (vec![r], false),
            BatchRequest::Batch(v) if v.is_empty() || v.len() > app.limits.batch => {
                return refuse(
                    ApiError::Rejected(format!("a batch holds 1 to {} operations", app.limits.batch)),
                    &request_id,
                );
            }
            BatchRequest::Batch(v) => (v, true),
        };
        execute(&app, &headers, requests, batched, &request_id, false).await
    }
    .instrument(span)
    .await
}

/// Headers a browser only sends cross-site after a CORS preflight.
fn preflighted(headers: &HeaderMap) -> bool {
    is_json(headers) || headers.contains_key("apollo-require-preflight") || headers.contains_key("x-helpdesk-client")
}

/// `GET /graphql`: GraphiQL without a `query` parameter; with one, a query
/// (never a mutation) read by async-graphql-axum's extractor, once the
/// request shows it passed a CORS preflight.
async fn get_graphql(State(app): State<Arc<AppState>>, request: axum::extract::Request) -> axum::response::Response {
    let headers = request.headers().clone();
    let request_id = crate::edge::request_id(&headers);
    let has_query =
        request.uri().query().is_some_and(|q| q.split('&').any(|pair| pair == "query" || pair.starts_with("query=")));
    if !has_query {
        let token = app.graphiql_agent.and_then(|a| app.services.issuer.mint(a, AGENT_TOKEN_LIFETIME).ok());
        return crate::graphiql::page(token.as_deref());
    }
    let span = tracing::info_span!("graphql", request_id = %request_id, method = "GET");
    async move {
        if !preflighted(&headers) {
            return refuse(
                ApiError::Rejected(
                    "GET queries need a Content-Type: application/json or apollo-require-preflight header".into(),
                ),
                &request_id,
            );
        }
        match GraphQLRequest::<Unparsed>::from_request(request, &()).await {
            Ok(graphql) => execute(&app, &headers, vec![graphql.into_inner()], false, &request_id, true).await,
            Err(_) => refuse(ApiError::Rejected("the query string is not a GraphQL request".into()), &request_id),
        }
    }
    .instrument(span)
    .await
}

/// Checks the per-operation limits the schema does not check itself, and
/// names the operation for metrics and logs by its first root field
/// (`search`). A known document comes from the cache of parsed documents; a
/// new one is parsed here once and handed to the schema with the request.
///
/// Also says whether a browser may keep the answer ([`crate::limits::only_cacheable_roots`]).
fn check_operation(request: &mut Request, app: &AppState, over_get: bool) -> Result<(String, bool), ApiError> {
    let (limits, metrics) = (&app.limits, &app.metrics);
    let doc = match app.documents.get(&request.query) {
        Some(doc) => doc,
        // A document that does not parse is reported by the schema, with position.
        None => match async_graphql::parser::parse_query(&request.query) {
            Ok(doc) => {
                request.set_parsed_query(doc.clone());
                doc
            }
            Err(_) => return Ok(("unparsed".into(), false)),
        },
    };
    // First, before anything walks the document with its fragments expanded.
    crate::work::check(&doc, &request.variables, limits.work)?;
    if count_aliases(&doc) > limits.aliases {
        return Err(ApiError::Rejected(format!("an operation may use at most {} aliases", limits.aliases)));
    }
    if over_get && operation_type(&doc, request.operation_name.as_deref()) != Some(OperationType::Query) {
        return Err(ApiError::Rejected("only queries can be sent with GET; send mutations with POST".into()));
    }
    let cacheable = crate::limits::only_cacheable_roots(&doc, request.operation_name.as_deref());
    Ok((metrics.operation_label(&doc).to_string(), cacheable))
}

async fn execute(
    app: &AppState,
    headers: &HeaderMap,
    requests: Vec<Request>,
    batched: bool,
    request_id: &str,
    over_get: bool,
) -> axum::response::Response {
    let services = &app.services;
    let caller = match authenticate(headers, &services.issuer, services.helpdesk.as_ref()).await {
        Ok(v) => v,
        Err(e) => return refuse(e, request_id),
    };
    let mut responses = Vec::with_capacity(requests.len());
    let mut cacheable = false;
    let partner_admin = caller.agent.has(helpdesk_domain::Role::PartnerAdmin);
    for mut request in requests {
        let trusted = app.trusted.resolve(&mut request, headers, partner_admin);
        let operation = match trusted.and_then(|()| check_operation(&mut request, app, over_get)) {
            Ok((label, may_keep)) => {
                cacheable = may_keep;
                label
            }
            Err(e) if batched => {
                responses.push(Response::from_errors(vec![e.into_server_error(request_id)]));
                continue;
            }
            Err(e) => return refuse(e, request_id),
        };
        let context = Arc::new(RequestContext::new(
            caller.agent.clone(),
            caller.read_only,
            services.clone(),
            request_id.to_string(),
        ));
        let (loader, batches) =
            Loaders::for_request(services.helpdesk.clone(), caller.agent.partner_id, caller.read_only);
        let started = std::time::Instant::now();
        let request = request.data(context.clone()).data(loader).data(app.metrics.clone());
        // One span per operation, inside the request's span: every resolver span nests in it.
        let span = tracing::info_span!("operation", name = %operation, agent = %caller.agent.id);
        let mut response = batches.drive(app.schema.execute(request)).instrument(span).await;
        // Before the answer goes out: a full audit queue holds the request here.
        services.audit.record(context.take_audit()).await;
        finalize(&mut response, request_id);
        let outcome = response
            .errors
            .first()
            .and_then(|e| e.extensions.as_ref()?.get("code").map(|c| c.to_string().trim_matches('"').to_string()))
            .unwrap_or_else(|| "ok".into());
        let elapsed = started.elapsed();
        app.metrics.requests.with_label_values(&[operation.as_str(), outcome.as_str()]).inc();
        app.metrics.latency.with_label_values(&[operation.as_str(), outcome.as_str()]).observe(elapsed.as_secs_f64());
        tracing::info!(operation, outcome, elapsed_ms = elapsed.as_millis() as u64, "graphql operation");
        responses.push(response);
    }
    let graphql_over_http = accepts_graphql_response(headers);
    let media = if graphql_over_http {
        "application/graphql-response+json; charset=utf-8"
    } else {
        "application/json; charset=utf-8"
    };
    if batched {
        let bodies: Vec<serde_json::Value> = responses.iter().map(response_json).collect();
        return json_response_as(200, serde_json::to_vec(&bodies).unwrap_or_default(), request_id, media);
    }
    let single = responses.pop().unwrap_or_else(|| Response::from_errors(Vec::<ServerError>::new()));
    let status = match crate::error::request_error_status(&single) {
        Some(status) if graphql_over_http => status,
        _ => 200,
    };
    let answer =
        json_response_as(status, serde_json::to_vec(&response_json(&single)).unwrap_or_default(), request_id, media);
    // An answer is an agent's own: never stored by a shared cache, and only
    // kept by the browser when every field asked for allows it (a dashboard's
    // figures, for a minute); anything else is not stored at all.
    let cache = match single.cache_control.value() {
        Some(hint) if cacheable && single.errors.is_empty() => hint,
        _ => "no-store".to_string(),
    };
    private(answer, &cache)
}

async fn readyz(State(app): State<Arc<AppState>>) -> axum::response::Response {
    let checks = app.probe.readiness().await;
    let ready = checks.iter().all(|(c, required)| c.ok || !required);
    let body = serde_json::json!({
        "ready": ready,
        "checks": checks.iter().map(|(c, _)| c).collect::<Vec<_>>(),
    });
    let status = if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn metrics(State(app): State<Arc<AppState>>) -> axum::response::Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], app.metrics.render(app.probe.as_ref())).into_response()
}
