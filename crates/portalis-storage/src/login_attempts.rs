//! Logins under way: state, nonce and PKCE verifier kept until the callback,
//! bound to the browser by a cookie (only its hash is stored), used once.

use crate::Conn;
use crate::error::StorageError;
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};
use portalis_core::realm::Realm;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    /// Whose login: it is finished only at that realm's return address.
    pub realm: Realm,
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: Option<String>,
    pub return_to: String,
    pub created_at: DateTime<Utc>,
}

/// # Errors
/// Database errors.
pub async fn create(conn: &mut Conn, token_hash: &str, attempt: &LoginAttempt) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO login_attempts (token_hash, state, nonce, pkce_verifier, return_to, created_at, realm)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token_hash)
    .bind(&attempt.state)
    .bind(&attempt.nonce)
    .bind(&attempt.pkce_verifier)
    .bind(&attempt.return_to)
    .bind(instant(attempt.created_at))
    .bind(attempt.realm.code())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether a login of `realm` is under way for this cookie (a read: an
/// unsolicited callback writes nothing).
///
/// # Errors
/// Database errors.
pub async fn exists(conn: &mut impl crate::read::Reads, realm: Realm, token_hash: &str) -> Result<bool, StorageError> {
    let found = crate::read::optional(
        conn,
        "SELECT id FROM login_attempts WHERE token_hash = $1 AND realm = $2",
        vec![token_hash.into(), realm.code().into()],
        |r| r.int("id"),
    )
    .await?;
    Ok(found.is_some())
}

/// Takes the attempt out: a second callback with the same cookie finds
/// nothing.
///
/// # Errors
/// Database errors.
pub async fn take(conn: &mut Conn, realm: Realm, token_hash: &str) -> Result<Option<LoginAttempt>, StorageError> {
    let row = sqlx::query(
        "DELETE FROM login_attempts WHERE token_hash = $1 AND realm = $2
         RETURNING state, nonce, pkce_verifier, return_to, created_at",
    )
    .bind(token_hash)
    .bind(realm.code())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(LoginAttempt {
        realm,
        state: row.try_get("state")?,
        nonce: row.try_get("nonce")?,
        pkce_verifier: row.try_get("pkce_verifier")?,
        return_to: row.try_get("return_to")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
    }))
}

/// Forgets attempts started before `before` (abandoned logins).
///
/// # Errors
/// Database errors.
pub async fn delete_older_than(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let r = sqlx::query("DELETE FROM login_attempts WHERE created_at < $1")
        .bind(instant(before))
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected())
}
