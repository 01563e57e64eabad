use thiserror::Error;

/// What can go wrong below the domain.
#[derive(Debug, Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("stored value does not parse: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration {version} failed: {source}")]
    Migration { version: i64, source: sqlx::Error },
}

impl StorageError {
    /// True when the database cannot be reached (as opposed to a query that
    /// failed): the caller answers 503 and the pool recovers by itself.
    pub fn is_unavailable(&self) -> bool {
        if let StorageError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) = self {
            use rusqlite::ErrorCode::{CannotOpen, DatabaseBusy, DatabaseLocked, SystemIoFailure};
            return matches!(e.code, CannotOpen | DatabaseBusy | DatabaseLocked | SystemIoFailure);
        }
        matches!(
            self,
            StorageError::Database(
                sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::WorkerCrashed
            )
        )
    }

    /// True when the database refused a write because of a unique constraint.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            StorageError::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub(crate) fn corrupt(what: impl std::fmt::Display) -> StorageError {
    StorageError::Corrupt(what.to_string())
}
