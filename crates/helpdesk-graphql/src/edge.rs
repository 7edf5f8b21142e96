//! The HTTP edge, in front of `/graphql`: request IDs, a time limit and a
//! concurrency limit that sheds load.
//!
//! - Every request carries an ID, echoed in `x-request-id` and in every
//!   error's `extensions.requestId`. A caller's own `x-request-id` is kept
//!   when it is a sane token (a proxy's, a console's); otherwise the trace ID
//!   of a W3C `traceparent` header; otherwise a new UUID.
//! - A request that runs longer than `--request-timeout-ms` is dropped (its
//!   queries are cancelled) and answered `SERVICE_UNAVAILABLE`.
//! - At most `--max-concurrent-requests` run at once. One more is refused at
//!   once with `SERVICE_UNAVAILABLE`, rather than waiting in a queue that
//!   grows while the database is the bottleneck: a client retrying later
//!   does better than one whose request times out in a queue.

use std::time::Duration;

use axum::BoxError;
use axum::http::{HeaderMap, HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId, SetRequestIdLayer};

use crate::error::ApiError;

const X_REQUEST_ID: &str = "x-request-id";

/// Longest request ID kept from a caller.
const MAX_REQUEST_ID: usize = 128;

/// Makes the ID of a request that came without one: the trace ID of its
/// `traceparent`, else a new UUID.
#[derive(Clone, Copy, Default)]
pub struct TraceOrNew;

impl MakeRequestId for TraceOrNew {
    fn make_request_id<B>(&mut self, request: &Request<B>) -> Option<RequestId> {
        let id = trace_id(request.headers()).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The trace ID of a W3C `traceparent` (`00-<32 hex>-<16 hex>-<2 hex>`).
fn trace_id(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("traceparent")?.to_str().ok()?;
    let mut parts = value.trim().split('-');
    let (_version, trace) = (parts.next()?, parts.next()?);
    let valid = trace.len() == 32 && trace.bytes().all(|b| b.is_ascii_hexdigit()) && trace.bytes().any(|b| b != b'0');
    valid.then(|| trace.to_ascii_lowercase())
}

/// A sane request ID: short, and only characters safe in logs and headers.
fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The request's ID (see the module's rules).
pub fn request_id(headers: &HeaderMap) -> String {
    match headers.get(X_REQUEST_ID).and_then(|v| v.to_str().ok()) {
        Some(id) if sane(id) => id.to_string(),
        _ => trace_id(headers).unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
    }
}

/// Gives every request an ID before anything else sees it.
pub fn request_ids() -> SetRequestIdLayer<TraceOrNew> {
    SetRequestIdLayer::x_request_id(TraceOrNew)
}

/// The answer to a request the time or concurrency limit refused, in
/// GraphQL's own error shape.
pub(crate) fn refused(headers: &HeaderMap, error: &BoxError, timeout: Duration) -> axum::response::Response {
    let request_id = request_id(headers);
    let message = if error.is::<tower::load_shed::error::Overloaded>() {
        "the gateway is at capacity; try again in a moment".to_string()
    } else if error.is::<tower::timeout::error::Elapsed>() {
        tracing::warn!(request_id, "request took longer than its time limit");
        format!("the request took longer than {} ms; try again, or ask for less", timeout.as_millis())
    } else {
        tracing::error!(request_id, %error, "request failed at the edge");
        "the service is temporarily unavailable; try again in a moment".to_string()
    };
    crate::answer::refuse(ApiError::Busy(message), &request_id)
}

/// Cross-origin calls to `/graphql` from the listed origins only (a partner's
/// portal embedding a widget): their preflights are answered, and their
/// answers carry `Access-Control-Allow-Origin`. No origin is listed by
/// default, so browsers keep other sites' pages from reading the API.
pub fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use axum::http::{HeaderName, Method, header};
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o.trim()).ok()).collect();
    tower_http::cors::CorsLayer::new()
        .allow_origin(tower_http::cors::AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, header::ACCEPT])
        .expose_headers([HeaderName::from_static("x-request-id")])
        .max_age(Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn a_callers_request_id_is_kept_when_sane() {
        assert_eq!(request_id(&headers(&[("x-request-id", "console-42.a:b_c")])), "console-42.a:b_c");
        let long = "a".repeat(200);
        for bad in [long.as_str(), "has space", "quote\"d"] {
            let id = request_id(&headers(&[("x-request-id", bad)]));
            assert!(uuid::Uuid::parse_str(&id).is_ok(), "{bad:?} became {id}");
        }
    }

    #[test]
    fn a_traceparent_gives_its_trace_id() {
        let tp = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01";
        assert_eq!(request_id(&headers(&[("traceparent", tp)])), "4bf92f3577b34da6a3ce929d0e0e4736");
        let zeros = "00-00000000000000000000000000000000-00f067aa0ba902b7-01";
        assert!(uuid::Uuid::parse_str(&request_id(&headers(&[("traceparent", zeros)]))).is_ok());
        let own = request_id(&headers(&[("traceparent", tp), ("x-request-id", "mine")]));
        assert_eq!(own, "mine", "an explicit request ID wins");
    }
}
