//! API keys of court systems. Only a key's SHA-256 is stored, with its
//! first characters to tell keys apart: a key is 256 random bits, so the
//! hash cannot be reversed and needs no salt.

use crate::Conn;
use crate::courts::{self, Court};
use crate::error::StorageError;
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};

/// A key as an operator sees it: never the key itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: i64,
    pub court_code: String,
    /// `ptl_` and the key's first 8 hex digits; `None` for keys made
    /// before they were kept.
    pub prefix: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Records a new key for a court; returns its id.
///
/// # Errors
/// Database errors.
pub async fn create(
    conn: &mut Conn,
    court_id: i64,
    key_hash: &str,
    prefix: &str,
    now: DateTime<Utc>,
) -> Result<i64, StorageError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_keys (court_id, key_hash, key_prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(court_id)
    .bind(key_hash)
    .bind(prefix)
    .bind(instant(now))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
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

type Row = (i64, String, Option<String>, String, Option<String>);

fn from_row((id, court_code, prefix, created, revoked): Row) -> Result<ApiKey, StorageError> {
    Ok(ApiKey {
        id,
        court_code,
        prefix,
        created_at: parse_instant(&created)?,
        revoked_at: revoked.as_deref().map(parse_instant).transpose()?,
    })
}

const SELECT: &str =
    "SELECT k.id, c.code, k.key_prefix, k.created_at, k.revoked_at FROM api_keys k JOIN courts c ON c.id = k.court_id";

/// Every key, or a court's, oldest first.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &mut Conn, court_code: Option<&str>) -> Result<Vec<ApiKey>, StorageError> {
    let rows: Vec<Row> = match court_code {
        Some(code) => {
            sqlx::query_as(&format!("{SELECT} WHERE c.code = $1 ORDER BY k.id"))
                .bind(code)
                .fetch_all(&mut *conn)
                .await?
        }
        None => sqlx::query_as(&format!("{SELECT} ORDER BY k.id")).fetch_all(&mut *conn).await?,
    };
    rows.into_iter().map(from_row).collect()
}

/// Revokes a key: from now on it is refused. Returns the key as it is
/// now and whether this call revoked it (`false`: revoked earlier), or
/// `None` if there is no such key.
///
/// # Errors
/// Database errors.
pub async fn revoke(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<Option<(ApiKey, bool)>, StorageError> {
    let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(instant(now))
        .bind(id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1;
    let row: Option<Row> =
        sqlx::query_as(&format!("{SELECT} WHERE k.id = $1")).bind(id).fetch_optional(&mut *conn).await?;
    Ok(row.map(from_row).transpose()?.map(|k| (k, done)))
}
