//! The outbox: messages written with the change that causes them, delivered
//! by a worker that claims them with a lease.

use crate::Conn;
use crate::db::Backend;
use crate::error::{StorageError, corrupt};
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};
use sqlx::Row;
use sqlx::any::AnyRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    fn parse(s: &str) -> Result<Self, StorageError> {
        match s {
            "email" => Ok(Channel::Email),
            "sms" => Ok(Channel::Sms),
            other => Err(corrupt(format!("channel {other:?}"))),
        }
    }
}

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub channel: Channel,
    pub recipient: String,
    pub subject: Option<String>,
    pub body: String,
    /// What the message is about (`identification_number`, `attach_code`).
    pub kind: String,
    /// The part of the body that must not outlive its delivery (an
    /// identification number, a code): masked in the stored body once the
    /// message is delivered or given up ([`forget_secret`]).
    pub secret: Option<String>,
    /// The party it is about, if any: listed on the party's page at the
    /// court's console (a filing's messages go to a filer, not a party).
    pub party_id: Option<i64>,
}

/// What replaces a message's secret in its stored body.
pub const MASK: &str = "[masqué après envoi]";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: i64,
    pub message: NewMessage,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Drawn when a worker first claims it: the message's identifier for
    /// mail systems and the SMS gateway, the same at every attempt.
    pub reference: Option<String>,
}

const COLUMNS: &str = "id, channel, recipient, subject, body, kind, status, attempts, next_attempt_at, last_error, created_at, sent_at, secret, reference, party_id";

fn from_row(row: &AnyRow) -> Result<Message, StorageError> {
    let sent: Option<String> = row.try_get("sent_at")?;
    Ok(Message {
        id: row.try_get("id")?,
        message: NewMessage {
            channel: Channel::parse(&row.try_get::<String, _>("channel")?)?,
            recipient: row.try_get("recipient")?,
            subject: row.try_get("subject")?,
            body: row.try_get("body")?,
            kind: row.try_get("kind")?,
            secret: row.try_get("secret")?,
            party_id: row.try_get("party_id")?,
        },
        status: row.try_get("status")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: parse_instant(&row.try_get::<String, _>("next_attempt_at")?)?,
        last_error: row.try_get("last_error")?,
        created_at: parse_instant(&row.try_get::<String, _>("created_at")?)?,
        sent_at: sent.as_deref().map(parse_instant).transpose()?,
        reference: row.try_get("reference")?,
    })
}

/// Adds a message, in the caller's transaction.
///
/// # Errors
/// Database errors.
pub async fn enqueue(conn: &mut Conn, m: &NewMessage, now: DateTime<Utc>) -> Result<i64, StorageError> {
    let row = sqlx::query(
        "INSERT INTO outbox (channel, recipient, subject, body, kind, status, attempts, next_attempt_at, created_at, secret,
                             party_id)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7, $8) RETURNING id",
    )
    .bind(m.channel.code())
    .bind(&m.recipient)
    .bind(&m.subject)
    .bind(&m.body)
    .bind(&m.kind)
    .bind(instant(now))
    .bind(&m.secret)
    .bind(m.party_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get("id")?)
}

/// Claims up to `limit` messages that are due (pending and due, or whose
/// lease ran out), for `lease` seconds. On PostgreSQL, `FOR UPDATE SKIP
/// LOCKED` lets several workers claim at once without taking the same
/// message; SQLite has one writer at a time.
///
/// # Errors
/// Database errors.
pub async fn claim_due(
    conn: &mut Conn,
    backend: Backend,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Message>, StorageError> {
    let lock = match backend {
        Backend::Postgres => "FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let rows = sqlx::query(&format!(
        "UPDATE outbox SET status = 'sending', locked_until = $2, attempts = attempts + 1
         WHERE id IN (SELECT id FROM outbox
                      WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until <= $1)
                      ORDER BY id LIMIT $3 {lock})
         RETURNING {COLUMNS}"
    ))
    .bind(instant(now))
    .bind(instant(lease_until))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let mut out: Vec<Message> = rows.iter().map(from_row).collect::<Result<_, _>>()?;
    out.sort_by_key(|m| m.id);
    Ok(out)
}

/// Records a delivery.
///
/// # Errors
/// Database errors.
pub async fn mark_sent(
    conn: &mut Conn,
    id: i64,
    provider_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, provider_id = $2, locked_until = NULL, last_error = NULL WHERE id = $3",
    )
    .bind(instant(now))
    .bind(provider_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records a failed attempt: the message is tried again at `retry_at`, or
/// given up (`failed`) when `retry_at` is `None`.
///
/// # Errors
/// Database errors.
pub async fn mark_attempt_failed(
    conn: &mut Conn,
    id: i64,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> Result<(), StorageError> {
    let (status, next) = match retry_at {
        Some(t) => ("pending", Some(instant(t))),
        None => ("failed", None),
    };
    sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), locked_until = NULL, last_error = $3
         WHERE id = $4",
    )
    .bind(status)
    .bind(next)
    .bind(error.chars().take(500).collect::<String>())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The reference of a claimed message: the one it has, or `candidate`
/// kept as its reference if it has none yet.
///
/// # Errors
/// Database errors.
pub async fn reference(conn: &mut Conn, id: i64, candidate: &str) -> Result<String, StorageError> {
    sqlx::query("UPDATE outbox SET reference = $1 WHERE id = $2 AND reference IS NULL")
        .bind(candidate)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let (reference,): (String,) =
        sqlx::query_as("SELECT reference FROM outbox WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    Ok(reference)
}

/// Masks the message's secret in its stored body and forgets it: once a
/// message is delivered or given up, the outbox of a copy of the database
/// no longer holds the number or the code it carried.
///
/// # Errors
/// Database errors.
pub async fn forget_secret(conn: &mut Conn, id: i64) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE outbox SET body = REPLACE(body, secret, $1), secret = NULL WHERE id = $2 AND secret IS NOT NULL",
    )
    .bind(MASK)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// How many messages [`forget_some_before`] deletes at once.
pub const FORGET_BATCH: i64 = 1000;

/// Deletes up to [`FORGET_BATCH`] messages delivered or given up before
/// `before`, but the avis de mise à disposition, whose sending is a legal
/// record of the document's receipts (`document_notices`); the reminders
/// and updates that named them keep their rows. Returns how many: call
/// again, in a new transaction, while it is a whole batch.
///
/// # Errors
/// Database errors.
pub async fn forget_some_before(conn: &mut Conn, before: DateTime<Utc>) -> Result<u64, StorageError> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM outbox o WHERE status IN ('sent', 'failed') AND created_at < $1
         AND NOT EXISTS (SELECT 1 FROM document_notices n WHERE n.outbox_id = o.id) ORDER BY id LIMIT $2",
    )
    .bind(instant(before))
    .bind(FORGET_BATCH)
    .fetch_all(&mut *conn)
    .await?;
    if ids.is_empty() {
        return Ok(0);
    }
    // Ids read from the database: numbers only.
    let list = ids.iter().map(|(id,)| id.to_string()).collect::<Vec<_>>().join(", ");
    for table in ["hearing_reminders", "case_updates"] {
        sqlx::query(&format!("UPDATE {table} SET outbox_id = NULL WHERE outbox_id IN ({list})"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(sqlx::query(&format!("DELETE FROM outbox WHERE id IN ({list})")).execute(&mut *conn).await?.rows_affected())
}

/// The latest messages, newest first (the development outbox, tests).
///
/// # Errors
/// Database errors.
pub async fn latest(conn: &mut Conn, limit: i64) -> Result<Vec<Message>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM outbox ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(from_row).collect()
}
