//! API keys of court systems. Only a key's SHA-256 is stored: a key is 256
//! random bits, so the hash cannot be reversed and needs no salt.

use crate::courts::{self, Court};
use crate::error::StorageError;
use crate::time::instant;
use crate::Conn;
use chrono::{DateTime, Utc};

/// Records a new key for a court.
///
/// # Errors
/// Database errors.
pub async fn create(conn: &mut Conn, court_id: i64, key_hash: &str, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO api_keys (court_id, key_hash, created_at) VALUES ($1, $2, $3)")
        .bind(court_id)
        .bind(key_hash)
        .bind(instant(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The court a key (by its hash) belongs to, if the key exists and is not
/// revoked.
///
/// # Errors
/// Database errors.
pub async fn court_for(conn: &mut Conn, key_hash: &str) -> Result<Option<Court>, StorageError> {
    let court_id: Option<(i64,)> =
        sqlx::query_as("SELECT court_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
            .bind(key_hash)
            .fetch_optional(&mut *conn)
            .await?;
    match court_id {
        Some((id,)) => courts::by_id(conn, id).await,
        None => Ok(None),
    }
}
