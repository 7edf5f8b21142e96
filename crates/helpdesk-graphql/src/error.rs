//! The one place where every failure becomes a GraphQL error code.
//!
//! Resolvers return [`ApiError`] (or a domain error, which converts into it).
//! async-graphql keeps the original error as the error's `source`; after a
//! request has run, [`finalize`] walks the response's errors, finds that
//! source and writes the stable `extensions.code` and a message fit for an
//! agent's screen. Errors async-graphql raises itself (a query that does not
//! parse, an unknown field, a query too deep or too complex) have no source:
//! they are the caller's mistake, `BAD_USER_INPUT`.
//!
//! Internal errors are logged with their detail and returned as `INTERNAL`
//! with only the request ID: no SQL, no stack, nothing an attacker can use.

use async_graphql::{ErrorExtensionValues, Response, ServerError};
use helpdesk_domain::Error as DomainError;

/// A stable, documented error code (`extensions.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// No token, a bad signature or an expired token.
    Unauthenticated,
    /// Authenticated, but not allowed (no Help Desk role).
    Forbidden,
    /// Does not exist, or belongs to another partner.
    NotFound,
    /// The request or an argument is malformed or over a limit.
    BadUserInput,
    /// The customer has not authorised read-only access.
    AccessNotAuthorized,
    /// Too many attempts; retry later (`extensions.retryAt`).
    RateLimited,
    /// The user's address is on the email suppression list: clear it first.
    EmailSuppressed,
    /// A document hash that is not in the trusted-documents manifest (an
    /// older or newer console than this gateway's).
    PersistedQueryNotFound,
    /// Free text where this gateway runs only trusted documents.
    OperationNotTrusted,
    /// A dependency is down; retry later.
    ServiceUnavailable,
    /// A bug. Quote the request ID.
    Internal,
}

impl ErrorCode {
    /// The SCREAMING_SNAKE form clients match on.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Unauthenticated => "UNAUTHENTICATED",
            ErrorCode::Forbidden => "FORBIDDEN",
            ErrorCode::NotFound => "NOT_FOUND",
            ErrorCode::BadUserInput => "BAD_USER_INPUT",
            ErrorCode::AccessNotAuthorized => "ACCESS_NOT_AUTHORIZED",
            ErrorCode::RateLimited => "RATE_LIMITED",
            ErrorCode::EmailSuppressed => "EMAIL_SUPPRESSED",
            ErrorCode::PersistedQueryNotFound => "PERSISTED_QUERY_NOT_FOUND",
            ErrorCode::OperationNotTrusted => "OPERATION_NOT_TRUSTED",
            ErrorCode::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            ErrorCode::Internal => "INTERNAL",
        }
    }

    /// The HTTP status of a request refused as a whole with this code.
    pub fn http_status(self) -> u16 {
        match self {
            ErrorCode::Unauthenticated => 401,
            ErrorCode::Forbidden | ErrorCode::AccessNotAuthorized | ErrorCode::OperationNotTrusted => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::BadUserInput | ErrorCode::EmailSuppressed | ErrorCode::PersistedQueryNotFound => 400,
            ErrorCode::RateLimited => 429,
            ErrorCode::ServiceUnavailable => 503,
            ErrorCode::Internal => 500,
        }
    }
}

/// Everything a resolver or the HTTP layer can fail with.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ApiError {
    /// A rule of the domain said no, or the store failed.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A malformed argument of the API itself (an ID, a cursor, `first`).
    #[error("{0}")]
    BadInput(String),
    /// A request refused before it ran (body too large, wrong content type …).
    #[error("{0}")]
    Rejected(String),
    /// The gateway cannot take the request now (at capacity, too slow): the
    /// message is for the client, who should try again.
    #[error("{0}")]
    Busy(String),
    /// A trusted-document hash the gateway does not know.
    #[error("{0}")]
    UnknownDocument(String),
    /// Free text refused by the trusted-documents policy.
    #[error("{0}")]
    Untrusted(String),
}

impl ApiError {
    /// Shorthand for a malformed argument.
    pub fn bad_input(message: impl Into<String>) -> Self {
        ApiError::BadInput(message.into())
    }

    /// The code clients see.
    pub fn code(&self) -> ErrorCode {
        match self {
            ApiError::Domain(e) => match e {
                DomainError::InvalidInput(_) => ErrorCode::BadUserInput,
                DomainError::NotFound(_) => ErrorCode::NotFound,
                DomainError::Unauthenticated(_) => ErrorCode::Unauthenticated,
                DomainError::Forbidden(_) => ErrorCode::Forbidden,
                DomainError::Unavailable(_) => ErrorCode::ServiceUnavailable,
                DomainError::Internal(_) => ErrorCode::Internal,
                DomainError::AccessNotAuthorized(_) => ErrorCode::AccessNotAuthorized,
                DomainError::RateLimited { .. } => ErrorCode::RateLimited,
                DomainError::EmailSuppressed(_) => ErrorCode::EmailSuppressed,
            },
            ApiError::BadInput(_) | ApiError::Rejected(_) => ErrorCode::BadUserInput,
            ApiError::Busy(_) => ErrorCode::ServiceUnavailable,
            ApiError::UnknownDocument(_) => ErrorCode::PersistedQueryNotFound,
            ApiError::Untrusted(_) => ErrorCode::OperationNotTrusted,
        }
    }

    /// The message clients see: the agent-readable one, or a generic one for
    /// failures whose detail is only for the logs.
    pub fn public_message(&self) -> String {
        if let ApiError::Busy(message) = self {
            return message.clone();
        }
        match self.code() {
            ErrorCode::Internal => "something went wrong on our side; quote the request ID to support".into(),
            ErrorCode::ServiceUnavailable => "the service is temporarily unavailable; try again in a moment".into(),
            _ => self.to_string(),
        }
    }

    /// A GraphQL error with this error's code, for responses built by hand
    /// (a request refused before it reached the schema).
    pub fn into_server_error(self, request_id: &str) -> ServerError {
        let mut e = ServerError::new(self.public_message(), None);
        set_extensions(&mut e, Some(&self), request_id);
        e
    }
}

/// `code`, `requestId` and, when rate limited, `retryAt`.
fn set_extensions(e: &mut ServerError, api: Option<&ApiError>, request_id: &str) {
    let ext = e.extensions.get_or_insert_with(ErrorExtensionValues::default);
    ext.set("code", api.map_or(ErrorCode::BadUserInput, ApiError::code).as_str());
    ext.set("requestId", request_id);
    if let Some(ApiError::Domain(DomainError::RateLimited { retry_at, .. })) = api {
        ext.set("retryAt", retry_at.to_rfc3339());
    }
}

/// Every error under `error`, down to the driver's own words, one per line
/// of the chain (`database: … ← error returned from database: …`).
fn causes(error: &dyn std::error::Error) -> String {
    let mut chain = Vec::new();
    let mut next = error.source();
    while let Some(e) = next {
        chain.push(e.to_string());
        next = e.source();
    }
    chain.join(" ← ")
}

/// Writes the code (and the request ID) into every error of a response,
/// replacing internal detail with a generic message and logging it.
pub fn finalize(response: &mut Response, request_id: &str) {
    for e in &mut response.errors {
        let api = e.source::<ApiError>().cloned().or_else(|| e.source::<DomainError>().cloned().map(ApiError::Domain));
        if let Some(api) = &api {
            if matches!(api.code(), ErrorCode::Internal | ErrorCode::ServiceUnavailable) {
                tracing::error!(request_id, error = %api, causes = %causes(api), path = ?e.path, "request failed");
            }
            e.message = api.public_message();
        }
        // No source: async-graphql's own errors (parse, validation, limits).
        set_extensions(e, api.as_ref(), request_id);
    }
}

/// Whether nothing of the operation ran: its document did not parse or
/// validate, its variables did not coerce, or it was refused before running
/// (its cost, its agent's budget). Then, with the HTTP status its first error
/// calls for. Such a response has no `data` entry, and a client that speaks
/// GraphQL over HTTP (`application/graphql-response+json`) gets that status.
pub fn request_error_status(response: &Response) -> Option<u16> {
    let request_error = !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| e.path.is_empty());
    if !request_error {
        return None;
    }
    let first = &response.errors[0];
    let api =
        first.source::<ApiError>().cloned().or_else(|| first.source::<DomainError>().cloned().map(ApiError::Domain));
    Some(api.map_or(400, |a| a.code().http_status()))
}

/// Resolver result.
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_failure_keeps_its_chain_for_the_log() {
        #[derive(Debug, thiserror::Error)]
        #[error("connection refused by 10.0.0.5:5432")]
        struct Driver;
        #[derive(Debug, thiserror::Error)]
        #[error("database: {0}")]
        struct Store(#[source] Driver);
        let e = ApiError::Domain(DomainError::Unavailable(helpdesk_domain::error::Cause::of(Store(Driver))));
        let chain = causes(&e);
        assert!(chain.contains("database:") && chain.ends_with("connection refused by 10.0.0.5:5432"), "{chain}");
    }

    #[test]
    fn internal_detail_never_reaches_the_client() {
        let e = ApiError::Domain(DomainError::Internal("SELECT * FROM users failed".into()));
        assert_eq!(e.code().as_str(), "INTERNAL");
        assert!(!e.public_message().contains("SELECT"));
    }

    #[test]
    fn another_partners_record_is_not_found() {
        assert_eq!(ApiError::Domain(DomainError::NotFound("customer")).code(), ErrorCode::NotFound);
    }
}
