//! Codes sent by SMS to attach a party to an account.

use crate::Conn;
use crate::error::StorageError;
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachCode {
    pub id: i64,
    pub code_hash: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub failed_attempts: i64,
}

/// # Errors
/// Database errors.
pub async fn create(
    conn: &mut Conn,
    user_id: i64,
    party_id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    // A new code replaces the ones sent before for this user and party.
    sqlx::query(
        "UPDATE attach_codes SET voided_at = $1 WHERE user_id = $2 AND party_id = $3 AND used_at IS NULL AND voided_at IS NULL",
    )
    .bind(instant(now))
    .bind(user_id)
    .bind(party_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO attach_codes (user_id, party_id, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(party_id)
    .bind(code_hash)
    .bind(instant(now))
    .bind(instant(expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Voids every code still usable for a party, whoever asked for it (its
/// number was re-issued, or its accounts detached). `now` is a stored
/// instant.
///
/// # Errors
/// Database errors.
pub async fn void_for_party(conn: &mut Conn, party_id: i64, now: &str) -> Result<(), StorageError> {
    sqlx::query("UPDATE attach_codes SET voided_at = $1 WHERE party_id = $2 AND used_at IS NULL AND voided_at IS NULL")
        .bind(now)
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The code still usable for this user and party: not used, not voided,
/// not expired.
///
/// # Errors
/// Database errors.
pub async fn active(
    conn: &mut Conn,
    user_id: i64,
    party_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<AttachCode>, StorageError> {
    let row = sqlx::query(
        "SELECT id, code_hash, created_at, expires_at, failed_attempts FROM attach_codes
         WHERE user_id = $1 AND party_id = $2 AND used_at IS NULL AND voided_at IS NULL AND expires_at > $3
         ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(party_id)
    .bind(instant(now))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(AttachCode {
        id: row.try_get("id")?,
        code_hash: row.try_get("code_hash")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        expires_at: parse_instant(&row.try_get::<String, _>("expires_at")?)?,
        failed_attempts: row.try_get("failed_attempts")?,
    }))
}

/// Records a wrong entry; the code is voided at `max_failures`.
///
/// # Errors
/// Database errors.
pub async fn record_failure(
    conn: &mut Conn,
    id: i64,
    max_failures: i64,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE attach_codes SET failed_attempts = failed_attempts + 1,
           voided_at = CASE WHEN failed_attempts + 1 >= $1 THEN $2 ELSE voided_at END
         WHERE id = $3",
    )
    .bind(max_failures)
    .bind(instant(now))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Uses a code: false when it was used or voided meanwhile.
///
/// # Errors
/// Database errors.
pub async fn mark_used(conn: &mut Conn, id: i64, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let r = sqlx::query("UPDATE attach_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND voided_at IS NULL")
        .bind(instant(now))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// The latest code sent for this user and party, used or not (for the
/// minimum gap between two codes).
///
/// # Errors
/// Database errors.
pub async fn latest_sent(conn: &mut Conn, user_id: i64, party_id: i64) -> Result<Option<DateTime<Utc>>, StorageError> {
    let t: Option<(String,)> = sqlx::query_as(
        "SELECT created_at FROM attach_codes WHERE user_id = $1 AND party_id = $2 ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?;
    t.map(|(s,)| parse_instant(&s)).transpose()
}

/// How many codes were sent since `since` for a party (any user), and the
/// oldest of them.
///
/// # Errors
/// Database errors.
pub async fn sent_for_party_since(
    conn: &mut Conn,
    party_id: i64,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StorageError> {
    // Not those sent before the SAUJ unblocked the party.
    let (n, oldest): (i64, Option<String>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM attach_codes WHERE party_id = $1 AND created_at > $2
           AND created_at > COALESCE((SELECT codes_unblocked_at FROM parties WHERE id = $1), '')",
    )
    .bind(party_id)
    .bind(instant(since))
    .fetch_one(&mut *conn)
    .await?;
    Ok((n, oldest.as_deref().map(parse_instant).transpose()?))
}

/// « Débloquer »: the codes sent for the party until now no longer count
/// against its limit, and those still usable are voided (a fresh one is
/// to be asked for).
///
/// # Errors
/// Database errors.
pub async fn unblock_party(conn: &mut Conn, party_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    let now = instant(now);
    sqlx::query("UPDATE parties SET codes_unblocked_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    void_for_party(conn, party_id, &now).await
}

/// How many codes were sent since `since` to a user's requests.
///
/// # Errors
/// Database errors.
pub async fn sent_for_user_since(
    conn: &mut Conn,
    user_id: i64,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StorageError> {
    count(conn, "user_id", user_id, since).await
}

async fn count(
    conn: &mut Conn,
    column: &str,
    id: i64,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), StorageError> {
    let (n, oldest): (i64, Option<String>) = sqlx::query_as(&format!(
        "SELECT COUNT(*), MIN(created_at) FROM attach_codes WHERE {column} = $1 AND created_at > $2"
    ))
    .bind(id)
    .bind(instant(since))
    .fetch_one(&mut *conn)
    .await?;
    Ok((n, oldest.as_deref().map(parse_instant).transpose()?))
}
