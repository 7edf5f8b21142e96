//! The one error enum of the domain crate.
//!
//! Every other crate converts its failures into this enum at its boundary
//! (the store) or maps it to a GraphQL `extensions.code` (the API), so a help
//! desk agent always gets the same answer for the same kind of problem.

/// Something the help desk cannot do, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The agent typed something that cannot be what it claims to be. The
    /// message is written for the agent ("a MAC address has 12 hexadecimal digits").
    #[error("{0}")]
    InvalidInput(String),
    /// Does not exist, or belongs to another partner: the two look the same.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// No valid credentials.
    #[error("{0}")]
    Unauthenticated(String),
    /// Valid credentials, but the agent may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The customer has not authorised its partner's read-only access.
    #[error("{0}")]
    AccessNotAuthorized(String),
    /// Too many attempts; the agent may retry at `retry_at`.
    #[error("{message}")]
    RateLimited { message: String, retry_at: chrono::DateTime<chrono::Utc> },
    /// The user's address is on the suppression list: clear it first.
    #[error("{0}")]
    EmailSuppressed(String),
    /// A dependency (the database) is not answering; try again later.
    #[error("the service is temporarily unavailable: {0}")]
    Unavailable(#[source] Cause),
    /// A bug or an unexpected failure. The detail is for the logs only.
    #[error("internal error: {0}")]
    Internal(#[source] Cause),
}

/// What went wrong below the domain (the database's own error, say), kept
/// whole: its message for the log line, and its error as the source, so
/// the log shows the chain down to the driver's words.
#[derive(Debug, Clone)]
pub struct Cause {
    message: String,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl Cause {
    /// The failure `source`, described by its own message.
    pub fn of(source: impl std::error::Error + Send + Sync + 'static) -> Cause {
        Cause { message: source.to_string(), source: Some(std::sync::Arc::new(source)) }
    }
}

impl std::fmt::Display for Cause {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// Two causes are the same when they say the same.
impl PartialEq for Cause {
    fn eq(&self, other: &Cause) -> bool {
        self.message == other.message
    }
}

impl Eq for Cause {}

impl From<String> for Cause {
    fn from(message: String) -> Cause {
        Cause { message, source: None }
    }
}

impl From<&str> for Cause {
    fn from(message: &str) -> Cause {
        Cause { message: message.to_string(), source: None }
    }
}

impl Error {
    /// Shorthand for an input error with an agent-readable message.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::InvalidInput(message.into())
    }
}

/// Result of a domain operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;
