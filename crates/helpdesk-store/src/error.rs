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
    /// The demo data could not be written.
    #[error("seeding: {0}")]
    Seed(String),
}

impl StoreError {
    /// Whether the database is unreachable (as opposed to a bug or bad data).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Db(DbErr::Conn(_) | DbErr::ConnectionAcquire(_)))
    }
}

impl From<StoreError> for helpdesk_domain::Error {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            helpdesk_domain::Error::Unavailable(e.to_string())
        } else {
            helpdesk_domain::Error::Internal(e.to_string())
        }
    }
}
