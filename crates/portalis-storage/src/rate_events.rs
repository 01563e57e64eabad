//! Events that rate limits count: per address and per user.

use crate::Conn;
use crate::error::StorageError;
use crate::time::instant;
use chrono::{DateTime, Utc};

/// # Errors
/// Database errors.
pub async fn record(conn: &mut Conn, subject: &str, action: &str, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO rate_events (subject, action, at) VALUES ($1, $2, $3)")
        .bind(subject)
        .bind(action)
        .bind(instant(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How many `action`s `subject` did since `since`, and the oldest of them
/// (when the window frees up).
///
/// # Errors
/// Database errors.
pub async fn count_since(
    conn: &mut Conn,
    subject: &str,
    action: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StorageError> {
    let (n, oldest): (i64, Option<String>) =
        sqlx::query_as("SELECT COUNT(*), MIN(at) FROM rate_events WHERE subject = $1 AND action = $2 AND at > $3")
            .bind(subject)
            .bind(action)
            .bind(instant(since))
            .fetch_one(&mut *conn)
            .await?;
    Ok((n, oldest.as_deref().map(crate::time::parse_instant).transpose()?))
}

/// Forgets events older than `before`.
///
/// # Errors
/// Database errors.
pub async fn forget_before(conn: &mut Conn, before: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM rate_events WHERE at < $1").bind(instant(before)).execute(&mut *conn).await?;
    Ok(())
}
