//! Server-side sessions. The cookie carries a random token; the table keeps
//! its SHA-256, so a copy of the database does not yield live sessions.

use crate::attachments::Attached;
use crate::batch::{Batch, Rows};
use crate::error::StorageError;
use crate::read::{self, Cells, Reads};
use crate::staff::Grant;
use crate::time::{instant, parse_instant};
use crate::users::{self, User};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};
use portalis_core::realm::Realm;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct Session {
    pub id: i64,
    /// Who it belongs to: the pages of a realm accept no other's.
    pub realm: Realm,
    pub user: User,
    pub id_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// What the pages of the session's realm read at every request, when it
    /// was read together with the session (`cached::session`).
    pub prefetched: Prefetched,
}

/// Read with a session, in the same round trip, where that saves one.
#[derive(Debug, Clone, Default)]
pub struct Prefetched {
    /// A litigant's attachments, as `cached::attachments` gives them: read
    /// with the session on PostgreSQL, or found in the page cache; `None`
    /// otherwise (SQLite reads them when a page needs them).
    pub attachments: Option<Arc<Vec<Attached>>>,
    /// An agent's roles, as `staff::roles_of` gives them.
    pub roles: Option<Vec<Grant>>,
}

/// The user signed in by the session whose token hash is `$1`, in the
/// realm `$2`: what the reads made with a session select by.
pub(crate) const SESSION_USER: &str = "(SELECT user_id FROM sessions WHERE token_hash = $1 AND realm = $2)";

/// # Errors
/// Database errors.
pub async fn create(
    conn: &mut Conn,
    realm: Realm,
    token_hash: &str,
    user_id: i64,
    id_token: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, id_token, created_at, last_seen_at, expires_at, realm)
         VALUES ($1, $2, $3, $4, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(id_token)
    .bind(instant(now))
    .bind(instant(expires_at))
    .bind(realm.code())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

const FIND: &str = "SELECT s.id AS session_id, s.realm, s.id_token, s.created_at, s.last_seen_at, s.expires_at,
                u.id, u.issuer, u.subject, u.given_name, u.family_name, u.preferred_username, u.birthdate, u.email
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1";

fn from_row(r: &dyn Cells) -> Result<Session, StorageError> {
    let realm = r.text("realm")?;
    Ok(Session {
        id: r.int("session_id")?,
        realm: Realm::parse(&realm).ok_or_else(|| crate::error::corrupt(format!("session realm {realm:?}")))?,
        user: users::from_row(r)?,
        id_token: r.text("id_token")?,
        created_at: parse_instant(&r.text("created_at")?)?,
        last_seen_at: parse_instant(&r.text("last_seen_at")?)?,
        expires_at: parse_instant(&r.text("expires_at")?)?,
        prefetched: Prefetched::default(),
    })
}

/// The session whose token has this hash, with its user.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &mut impl Reads, token_hash: &str) -> Result<Option<Session>, StorageError> {
    read::optional(conn, FIND, vec![token_hash.into()], from_row).await
}

/// [`find`], in a batch.
pub fn find_in(batch: &mut Batch, token_hash: &str) -> Rows<Session> {
    batch.add(FIND, vec![token_hash.into()], from_row)
}

/// Records activity (called only when the last record is old enough).
/// On PostgreSQL the commit does not wait for the disk: a request pays for
/// this once a minute, and a record lost in a crash only makes the
/// session look idle sooner (SQLite's commits in WAL mode never wait).
///
/// # Errors
/// Database errors.
pub async fn touch(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    if tx.backend == crate::Backend::Postgres {
        sqlx::query("SET LOCAL synchronous_commit = off").execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(instant(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// # Errors
/// Database errors.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// Removes a realm's sessions past their absolute lifetime or idle since
/// `idle_before` (each realm has its own idle time).
///
/// # Errors
/// Database errors.
pub async fn delete_expired(
    tx: &mut Tx,
    realm: Realm,
    now: DateTime<Utc>,
    idle_before: DateTime<Utc>,
) -> Result<u64, StorageError> {
    let deleted: Vec<(i64,)> = sqlx::query_as(
        "DELETE FROM sessions WHERE realm = $3 AND (expires_at <= $1 OR last_seen_at <= $2) RETURNING id",
    )
    .bind(instant(now))
    .bind(instant(idle_before))
    .bind(realm.code())
    .fetch_all(&mut **tx)
    .await?;
    Ok(deleted.len() as u64)
}
