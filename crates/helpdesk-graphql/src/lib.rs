//! The help desk's GraphQL API.
//!
//! The schema lives here, in a library, so the server binary, the tests and
//! the `helpdesk schema` command all serve the same one. It resolves against
//! the domain's ports only: no SQL type ever reaches a resolver.
//!
//! # Layout
//!
//! - [`query`]: the root query (search box, look-ups by ID, number, order;
//!   agents and the audit log for partner admins).
//! - [`mutation`]: verification codes, suppression list, read-only admin
//!   sessions, Help Desk role.
//! - [`context`]: the request's caller and the role checks.
//! - `types/`: one module per area (customer, user, device, phone number,
//!   order, search), each wrapping a domain value.
//! - [`loaders`]: per-request dataloaders, one batch query per relation.
//! - [`auth`]: bearer tokens and the Help Desk role check.
//! - [`ids`]: opaque global IDs, cursors and page sizes.
//! - [`limits`]: body, batch, alias and depth limits.
//! - [`work`]: the work a document asks for, fragments expanded, measured before validation.
//! - [`cost`]: what an operation costs, the budget it must fit, `extensions.cost`.
//! - [`documents`]: parsed documents kept by their text, so a known one is not parsed again.
//! - [`error`]: the one mapping of every failure to `extensions.code`.
//! - [`http`]: the axum router, `/graphql` and the embedded GraphiQL.
//! - `answer`: how an answer is written: JSON, status, request ID, cache headers.
//! - [`edge`]: request IDs, the time limit and load shedding in front of `/graphql`.
//! - [`ops`]: `/healthz`, `/readyz` and `/metrics`.

mod answer;
pub mod auth;
pub mod context;
pub mod cost;
pub mod documents;
pub mod edge;
pub mod error;
mod graphiql;
pub mod http;
pub mod ids;
pub mod limits;
pub mod loaders;
pub mod mutation;
pub mod ops;
pub mod query;
pub mod trusted;
pub mod types;
pub mod work;

use async_graphql::{EmptySubscription, Schema};

pub use auth::TokenIssuer;
pub use context::Services;
pub use error::{ApiError, ErrorCode};
pub use http::{AppState, Routers, router};
pub use limits::Limits;

/// The served schema.
pub type HelpdeskSchema = Schema<query::Query, mutation::Mutation, EmptySubscription>;

/// Builds the schema with its depth and complexity limits, keeping parsed
/// documents in `documents` (shared with the HTTP layer's checks).
pub fn schema(limits: &Limits, documents: &documents::ParsedDocuments) -> HelpdeskSchema {
    Schema::build(query::Query, mutation::Mutation, EmptySubscription)
        .limit_depth(limits.depth)
        .extension(cost::CostBudget::new(limits.cost))
        .limit_recursive_depth(32)
        .limit_directives(10)
        .extension(documents.clone())
        .extension(ops::FieldsResolved)
        .finish()
}

/// The schema in SDL, as checked in at the repository root (`schema.graphql`).
pub fn sdl() -> String {
    schema(&Limits::default(), &documents::ParsedDocuments::new()).sdl()
}
