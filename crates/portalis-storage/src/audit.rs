//! The audit log: who did what, when, with what outcome. Never a secret.

use crate::Conn;
use crate::error::StorageError;
use crate::time::instant;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    /// `court:<code>`, `user:<id>`, `cli`, `anonymous`.
    pub actor: &'a str,
    /// A dotted verb: `case.put`, `party.number_reissued`.
    pub action: &'a str,
    pub target: Option<&'a str>,
    /// `ok`, `refused`, `failed`.
    pub outcome: &'a str,
    pub detail: Option<&'a str>,
    pub request_id: Option<&'a str>,
}

/// # Errors
/// Database errors.
pub async fn record(conn: &mut Conn, entry: &Entry<'_>, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor, action, target, outcome, detail, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(instant(now))
    .bind(entry.actor)
    .bind(entry.action)
    .bind(entry.target)
    .bind(entry.outcome)
    .bind(entry.detail)
    .bind(entry.request_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The latest entries, newest first (for tests and operators).
///
/// # Errors
/// Database errors.
pub async fn latest(
    conn: &mut Conn,
    limit: i64,
) -> Result<Vec<(String, String, Option<String>, String)>, StorageError> {
    Ok(sqlx::query_as("SELECT actor, action, target, outcome FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
}

/// Forgets entries older than `before` (the retention period).
///
/// # Errors
/// Database errors.
pub async fn forget_before(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let r = sqlx::query("DELETE FROM audit_log WHERE at < $1").bind(instant(before)).execute(&mut *conn).await?;
    Ok(r.rows_affected())
}
