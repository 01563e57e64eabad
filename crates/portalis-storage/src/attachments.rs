//! Attachments: a party's identification number attached to an account.

use crate::batch::{Batch, Rows};
use crate::error::StorageError;
use crate::read::{Cells, Reads};
use crate::sessions::SESSION_USER;
use crate::time::{instant, parse_instant};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};
use portalis_core::realm::Realm;

/// The account a party is attached to, if any.
///
/// # Errors
/// Database errors.
pub async fn owner(conn: &mut Conn, party_id: i64) -> Result<Option<i64>, StorageError> {
    let r: Option<(i64,)> = sqlx::query_as("SELECT user_id FROM attachments WHERE party_id = $1")
        .bind(party_id)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(r.map(|(u,)| u))
}

/// # Errors
/// Database errors, a unique violation if the party is attached already.
pub async fn create(tx: &mut Tx, user_id: i64, party_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO attachments (user_id, party_id, attached_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(party_id)
        .bind(instant(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Why an attachment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// The court re-issued the party's number: whoever had the old one
    /// attaches again with the new one.
    NumberReissued,
    /// The court withdrew the party.
    PartyWithdrawn,
    /// The court detached the party's accounts.
    DetachedByCourt,
}

impl EndReason {
    pub fn code(self) -> &'static str {
        match self {
            EndReason::NumberReissued => "number_reissued",
            EndReason::PartyWithdrawn => "party_withdrawn",
            EndReason::DetachedByCourt => "detached_by_court",
        }
    }
}

/// Ends the attachments of a party: the accounts lose the case at once
/// (their pages are told, in this transaction), the attachments are kept
/// on record in `ended_attachments`, and codes asked for the party are
/// void. Returns the users who were attached.
///
/// # Errors
/// Database errors.
pub async fn end_for_party(
    tx: &mut Tx,
    party_id: i64,
    reason: EndReason,
    now: DateTime<Utc>,
) -> Result<Vec<i64>, StorageError> {
    // Held, so that an attachment under way (which holds the party too)
    // either commits before and is ended here, or sees the party changed.
    tx.lock_row("parties", party_id).await?;
    let now = instant(now);
    sqlx::query(
        "INSERT INTO ended_attachments (user_id, party_id, attached_at, first_viewed_at, ended_at, reason)
         SELECT user_id, party_id, attached_at, first_viewed_at, $2, $3 FROM attachments WHERE party_id = $1",
    )
    .bind(party_id)
    .bind(&now)
    .bind(reason.code())
    .execute(&mut **tx)
    .await?;
    let users: Vec<(i64,)> = sqlx::query_as("DELETE FROM attachments WHERE party_id = $1 RETURNING user_id")
        .bind(party_id)
        .fetch_all(&mut **tx)
        .await?;
    crate::attach_codes::void_for_party(tx, party_id, &now).await?;
    Ok(users.into_iter().map(|(u,)| u).collect())
}

/// A user's attached party, with its case and court.
#[derive(Debug, Clone)]
pub struct Attached {
    pub party_id: i64,
    pub case_id: i64,
    pub identification_number: String,
    pub attached_at: DateTime<Utc>,
    pub first_viewed_at: Option<DateTime<Utc>>,
}

/// A user's attachments, newest first, the user selected by `user` (a
/// placeholder or a subquery), each with whether its party is withdrawn.
fn of_user_sql(user: &str) -> String {
    format!(
        "SELECT a.party_id, p.case_id, p.identification_number, a.attached_at, a.first_viewed_at, p.withdrawn_at
         FROM attachments a JOIN parties p ON p.id = a.party_id
         WHERE a.user_id = {user} ORDER BY a.attached_at DESC, a.id DESC"
    )
}

fn from_row(r: &dyn Cells) -> Result<(Attached, bool), StorageError> {
    let viewed = r.opt_text("first_viewed_at")?;
    let attached = Attached {
        party_id: r.int("party_id")?,
        case_id: r.int("case_id")?,
        identification_number: r.text("identification_number")?,
        attached_at: parse_instant(&r.text("attached_at")?)?,
        first_viewed_at: viewed.as_deref().map(parse_instant).transpose()?,
    };
    Ok((attached, r.opt_text("withdrawn_at")?.is_some()))
}

/// The attachments whose party is not withdrawn, and the cases of all
/// (what the page cache tags them with: a party withdrawn changes them).
pub fn not_withdrawn(rows: Vec<(Attached, bool)>) -> (Vec<Attached>, Vec<i64>) {
    let cases = rows.iter().map(|(a, _)| a.case_id).collect();
    (rows.into_iter().filter(|(_, withdrawn)| !withdrawn).map(|(a, _)| a).collect(), cases)
}

/// What the user has attached whose party is not withdrawn, newest first,
/// and the cases of all his attachments.
///
/// # Errors
/// Database errors.
pub async fn of_user(conn: &mut impl Reads, user_id: i64) -> Result<(Vec<Attached>, Vec<i64>), StorageError> {
    Ok(not_withdrawn(conn.rows(&of_user_sql("$1"), vec![user_id.into()], from_row).await?))
}

/// The attachments of the litigant signed in by the session whose token
/// has this hash, in a batch (for [`not_withdrawn`]).
pub fn of_session_in(batch: &mut Batch, token_hash: &str) -> Rows<(Attached, bool)> {
    batch.add(of_user_sql(SESSION_USER), vec![token_hash.into(), Realm::Litigant.code().into()], from_row)
}

/// Records the user's first opening of a case (the card stops saying it was
/// just attached).
///
/// # Errors
/// Database errors.
pub async fn mark_first_viewed(
    tx: &mut Tx,
    user_id: i64,
    case_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE attachments SET first_viewed_at = $1
         WHERE user_id = $2 AND first_viewed_at IS NULL AND party_id IN (SELECT id FROM parties WHERE case_id = $3)",
    )
    .bind(instant(now))
    .bind(user_id)
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
