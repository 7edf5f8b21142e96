//! The floor: the smallest honest GraphQL server for "a user by email".
//!
//! async-graphql on axum, one resolver, one SQL statement per request; no
//! authentication, no audit, no cost limits. What the gateway does beyond
//! this is what its protections cost; nothing built this way can be faster
//! on the same machine and database.

use async_graphql::{EmptyMutation, EmptySubscription, Object, Schema, SimpleObject};
use async_graphql_axum::GraphQL;
use sea_orm::sqlx::{PgPool, Row};
use uuid::Uuid;

#[derive(SimpleObject)]
struct User {
    id: Uuid,
    email: String,
    display_name: String,
}

struct Query;

#[Object]
impl Query {
    async fn user_by_email(
        &self,
        ctx: &async_graphql::Context<'_>,
        partner: Uuid,
        email: String,
    ) -> async_graphql::Result<Option<User>> {
        let pool = ctx.data::<PgPool>()?;
        let row =
            sea_orm::sqlx::query("SELECT id, email, display_name FROM users WHERE partner_id = $1 AND email = $2")
                .bind(partner)
                .bind(email)
                .fetch_optional(pool)
                .await?;
        Ok(row.map(|r| User { id: r.get(0), email: r.get(1), display_name: r.get(2) }))
    }
}

/// The query the benchmark sends it.
pub const QUERY: &str = "query($p:UUID!,$q:String!){userByEmail(partner:$p,email:$q){email}}";

/// Serves the floor on `listen` until the process ends.
pub async fn serve(database_url: &str, listen: std::net::SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let pool = sea_orm::sqlx::postgres::PgPoolOptions::new().max_connections(10).connect(database_url).await?;
    let schema = Schema::build(Query, EmptyMutation, EmptySubscription).data(pool).finish();
    let app = axum::Router::new().route_service("/graphql", GraphQL::new(schema));
    let listener = tokio::net::TcpListener::bind(listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
