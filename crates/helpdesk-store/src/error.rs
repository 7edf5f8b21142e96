//! The one error enum of the store.

use sea_orm::DbErr;

/// What can go wrong between the gateway and its database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement, or could not be reached.
    #[error("database: {0}")]
    Db(#[from] DbErr),
    /// A stored value does not parse back into its domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The cache could not be set up or answer.
    #[error("cache: {0}")]
    Cache(String),
    /// The demo data could not be written.
    #[error("seeding: {0}")]
    Seed(String),
}

impl StoreError {
    /// Whether the database is unreachable (as opposed to a bug or bad data).
    pub fn is_unavailable(&self) -> bool {
        use sea_orm::RuntimeErr;
        use sea_orm::sqlx::Error as Sqlx;
        match self {
            StoreError::Db(DbErr::Conn(_) | DbErr::ConnectionAcquire(_)) => true,
            // A statement that failed because the connection broke, or timed out.
            StoreError::Db(DbErr::Query(RuntimeErr::SqlxError(e)) | DbErr::Exec(RuntimeErr::SqlxError(e))) => {
                match e.as_ref() {
                    Sqlx::Io(_) | Sqlx::PoolTimedOut | Sqlx::PoolClosed | Sqlx::WorkerCrashed | Sqlx::Tls(_) => true,
                    // PostgreSQL: 57014 statement timeout, 57P01-57P03 shutting down, 08xxx connection.
                    Sqlx::Database(db) => {
                        db.code().is_some_and(|c| c == "57014" || c.starts_with("57P") || c.starts_with("08"))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

impl From<StoreError> for helpdesk_domain::Error {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            helpdesk_domain::Error::Unavailable(helpdesk_domain::error::Cause::of(e))
        } else {
            helpdesk_domain::Error::Internal(helpdesk_domain::error::Cause::of(e))
        }
    }
}
