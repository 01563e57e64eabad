//! A party's contact details changed at the court's console, and the
//! court's feed of them: its system learns from it what the SAUJ changed
//! (`GET /api/v1/contact-changes`), and a court's later publication that
//! still carries the values replaced does not undo the change.

use crate::batch::{Batch, Rows};
use crate::error::StorageError;
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};

/// A change of a party's e-mail and mobile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactChange {
    pub id: i64,
    pub party_id: i64,
    /// The new e-mail (canonical form); `None`: none declared now.
    pub email: Option<String>,
    /// The new mobile (E.164); `None`: none declared now.
    pub mobile: Option<String>,
    pub previous_email: Option<String>,
    pub previous_mobile: Option<String>,
    pub changed_at: DateTime<Utc>,
    /// Who changed them: the agent's professional address.
    pub changed_by: String,
    /// When the court's system published the party carrying none of the
    /// values its pending changes replaced; a party's pending changes are
    /// acknowledged together (`None`: not yet).
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// A change in the court's feed, with the case and party it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedEntry {
    pub change: ContactChange,
    pub case_ref: String,
    pub party_ref: String,
}

const COLUMNS: &str = "x.id, x.party_id, x.email, x.mobile, x.previous_email, x.previous_mobile, x.changed_at, \
                       x.changed_by, x.acknowledged_at";

fn from_row(r: &dyn Cells) -> Result<ContactChange, StorageError> {
    Ok(ContactChange {
        id: r.int("id")?,
        party_id: r.int("party_id")?,
        email: r.opt_text("email")?,
        mobile: r.opt_text("mobile")?,
        previous_email: r.opt_text("previous_email")?,
        previous_mobile: r.opt_text("previous_mobile")?,
        changed_at: parse_instant(&r.text("changed_at")?)?,
        changed_by: r.text("changed_by")?,
        acknowledged_at: r.opt_text("acknowledged_at")?.as_deref().map(parse_instant).transpose()?,
    })
}

fn feed_from_row(r: &dyn Cells) -> Result<FeedEntry, StorageError> {
    Ok(FeedEntry { change: from_row(r)?, case_ref: r.text("case_ref")?, party_ref: r.text("party_ref")? })
}

/// The new contact details of a party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact<'a> {
    pub email: Option<&'a str>,
    pub mobile: Option<&'a str>,
}

/// Changes the party's e-mail and mobile and records the change in its
/// court's feed. The court's changes are written one at a time, so that
/// the feed's ids follow the order they commit in. The party is read and
/// locked by the caller, who passes its current values as `previous`.
///
/// # Errors
/// Database errors.
pub async fn record(
    tx: &mut Tx,
    court_id: i64,
    party_id: i64,
    previous: Contact<'_>,
    new: Contact<'_>,
    changed_by: &str,
    now: DateTime<Utc>,
) -> Result<ContactChange, StorageError> {
    tx.lock_key(&format!("contact_changes:{court_id}")).await?;
    let now_s = instant(now);
    let conn: &mut Conn = tx;
    sqlx::query("UPDATE parties SET email = $1, mobile = $2, updated_at = $3 WHERE id = $4")
        .bind(new.email.map(str::to_owned))
        .bind(new.mobile.map(str::to_owned))
        .bind(now_s.clone())
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    let row = sqlx::query(
        "INSERT INTO contact_changes (court_id, party_id, email, mobile, previous_email, previous_mobile, changed_at, changed_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(court_id)
    .bind(party_id)
    .bind(new.email.map(str::to_owned))
    .bind(new.mobile.map(str::to_owned))
    .bind(previous.email.map(str::to_owned))
    .bind(previous.mobile.map(str::to_owned))
    .bind(now_s)
    .bind(changed_by.to_owned())
    .fetch_one(&mut *conn)
    .await?;
    let id = row.int("id")?;
    Ok(ContactChange {
        id,
        party_id,
        email: new.email.map(str::to_owned),
        mobile: new.mobile.map(str::to_owned),
        previous_email: previous.email.map(str::to_owned),
        previous_mobile: previous.mobile.map(str::to_owned),
        changed_at: parse_instant(&instant(now))?,
        changed_by: changed_by.to_owned(),
        acknowledged_at: None,
    })
}

/// The party's latest change, if any.
///
/// # Errors
/// Database errors.
pub async fn latest(conn: &mut impl Reads, party_id: i64) -> Result<Option<ContactChange>, StorageError> {
    Ok(conn.rows(&latest_sql(), vec![party_id.into()], from_row).await?.pop())
}

/// [`latest`] in a batch (no row or one).
pub fn latest_in(batch: &mut Batch, party_id: i64) -> Rows<ContactChange> {
    batch.add(latest_sql(), vec![party_id.into()], from_row)
}

fn latest_sql() -> String {
    format!("SELECT {COLUMNS} FROM contact_changes x WHERE x.party_id = $1 ORDER BY x.id DESC LIMIT 1")
}

/// The party's changes its court's system has not taken up yet, oldest
/// first.
///
/// # Errors
/// Database errors.
pub async fn pending(conn: &mut impl Reads, party_id: i64) -> Result<Vec<ContactChange>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM contact_changes x WHERE x.party_id = $1 AND x.acknowledged_at IS NULL ORDER BY x.id"
    );
    conn.rows(&sql, vec![party_id.into()], from_row).await
}

/// Marks the party's pending changes as taken up by the court's system.
///
/// # Errors
/// Database errors.
pub async fn acknowledge(conn: &mut Conn, party_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("UPDATE contact_changes SET acknowledged_at = $1 WHERE party_id = $2 AND acknowledged_at IS NULL")
        .bind(instant(now))
        .bind(party_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The court's changes after the change `after` (its id), oldest first.
///
/// # Errors
/// Database errors.
pub async fn of_court(
    conn: &mut impl Reads,
    court_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<FeedEntry>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS}, c.case_ref, p.party_ref
         FROM contact_changes x JOIN parties p ON p.id = x.party_id JOIN cases c ON c.id = p.case_id
         WHERE x.court_id = $1 AND x.id > $2 ORDER BY x.id LIMIT $3"
    );
    conn.rows(&sql, vec![court_id.into(), after.into(), limit.into()], feed_from_row).await
}
