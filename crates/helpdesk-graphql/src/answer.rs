//! How the gateway answers a GraphQL request over HTTP: the JSON body, its
//! media type and status, the request's ID, and the cache headers every
//! answer carries. The handlers (`http.rs`) and the edge's refusals
//! (`edge.rs`, before a request reaches a handler) answer through here.

use async_graphql::Response;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;

use crate::error::ApiError;

/// The media type of GraphQL over HTTP: a client that accepts it gets it,
/// with request errors as 4xx statuses; others get `application/json`, always 200.
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

pub(crate) fn accepts_graphql_response(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|v| v.contains(GRAPHQL_RESPONSE))
}

pub(crate) fn json_response(status: u16, body: Vec<u8>, request_id: &str) -> axum::response::Response {
    json_response_as(status, body, request_id, "application/json; charset=utf-8")
}

pub(crate) fn json_response_as(
    status: u16,
    body: Vec<u8>,
    request_id: &str,
    media: &'static str,
) -> axum::response::Response {
    let mut res = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    if let Ok(v) = HeaderValue::from_str(request_id) {
        res.headers_mut().insert("x-request-id", v);
    }
    private(res, "no-store")
}

/// A request refused as a whole, as a GraphQL error body.
pub(crate) fn refuse(error: ApiError, request_id: &str) -> axum::response::Response {
    let status = error.code().http_status();
    let response = Response::from_errors(vec![error.into_server_error(request_id)]);
    json_response(status, serde_json::to_vec(&response_json(&response)).unwrap_or_default(), request_id)
}

pub(crate) fn refuse_with_status(status: u16, error: ApiError, request_id: &str) -> axum::response::Response {
    let mut res = refuse(error, request_id);
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    res
}

/// An agent's answer: how long its browser may keep it (`no-store`, the
/// default of every answer, batches and refusals included; or the
/// dashboard's `private, max-age=60`), and that it is only ever the answer to
/// this token (`Vary: Authorization`), so no cache serves it to another.
pub(crate) fn private(mut answer: axum::response::Response, cache_control: &str) -> axum::response::Response {
    let headers = answer.headers_mut();
    if let Ok(value) = HeaderValue::from_str(cache_control) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    headers.insert(header::VARY, HeaderValue::from_static("authorization"));
    answer
}

/// A response as JSON. One where nothing ran has no `data` entry, as the
/// GraphQL specification asks of errors raised before execution.
pub(crate) fn response_json(response: &Response) -> serde_json::Value {
    let mut json = serde_json::to_value(response).unwrap_or_default();
    if crate::error::request_error_status(response).is_some()
        && let Some(object) = json.as_object_mut()
    {
        object.remove("data");
    }
    json
}
