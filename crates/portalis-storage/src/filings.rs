//! Online filings (`portalis_core::filing`): a litigant's drafts and the
//! requests he sent. Every read and every change of a litigant names his
//! user: a filing of another is not found, as one that does not exist.

use crate::error::{StorageError, corrupt};
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};
use portalis_core::filing::{DRAFT_DAYS, FilingNumber, FilingStatus, Procedure};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filing {
    pub id: i64,
    /// What URLs carry: unguessable.
    pub public_id: String,
    pub user_id: i64,
    pub procedure: Procedure,
    pub status: FilingStatus,
    pub court_id: Option<i64>,
    /// The answers of its steps, as JSON; read by its procedure's parser.
    pub answers: String,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub filing_number: Option<FilingNumber>,
    pub refusal_reason: Option<String>,
}

const COLUMNS: &str = "id, public_id, user_id, procedure, status, court_id, answers, started_at, updated_at, sent_at, \
                       filing_number, refusal_reason";

fn from_row(r: &dyn Cells) -> Result<Filing, StorageError> {
    let procedure = r.text("procedure")?;
    let status = r.text("status")?;
    let optional_instant = |v: Option<String>| v.map(|s| parse_instant(&s)).transpose();
    Ok(Filing {
        id: r.int("id")?,
        public_id: r.text("public_id")?,
        user_id: r.int("user_id")?,
        procedure: Procedure::parse(&procedure).map_err(|_| corrupt(format!("filing procedure {procedure:?}")))?,
        status: FilingStatus::parse(&status).map_err(|_| corrupt(format!("filing status {status:?}")))?,
        court_id: r.opt_int("court_id")?,
        answers: r.text("answers")?,
        started_at: parse_instant(&r.text("started_at")?)?,
        updated_at: parse_instant(&r.text("updated_at")?)?,
        sent_at: optional_instant(r.opt_text("sent_at")?)?,
        filing_number: r
            .opt_text("filing_number")?
            .map(|n| FilingNumber::parse(&n).map_err(|_| corrupt(format!("filing number {n:?}"))))
            .transpose()?,
        refusal_reason: r.opt_text("refusal_reason")?,
    })
}

/// Starts a draft of `procedure` for the user.
///
/// # Errors
/// Database errors.
pub async fn start(
    tx: &mut Tx,
    user_id: i64,
    procedure: Procedure,
    public_id: &str,
    now: DateTime<Utc>,
) -> Result<Filing, StorageError> {
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "INSERT INTO filings (public_id, user_id, procedure, started_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         RETURNING {COLUMNS}"
    ))
    .bind(public_id)
    .bind(user_id)
    .bind(procedure.code())
    .bind(instant(now))
    .fetch_one(&mut *conn)
    .await?;
    from_row(&row)
}

/// The user's filing with this public id, if it is his.
///
/// # Errors
/// Database errors.
pub async fn of_user(conn: &mut impl Reads, user_id: i64, public_id: &str) -> Result<Option<Filing>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM filings WHERE public_id = $1 AND user_id = $2");
    Ok(conn.rows(&sql, vec![public_id.into(), user_id.into()], from_row).await?.into_iter().next())
}

/// The user's filings, the latest started first (« Mes démarches »).
///
/// # Errors
/// Database errors.
pub async fn list_of_user(conn: &mut impl Reads, user_id: i64) -> Result<Vec<Filing>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM filings WHERE user_id = $1 ORDER BY started_at DESC, id DESC");
    conn.rows(&sql, vec![user_id.into()], from_row).await
}

/// Saves a draft's answers (and the court they name); whether the filing
/// was still a draft of this user's. A sent filing never changes.
///
/// # Errors
/// Database errors.
pub async fn save_draft(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    answers: &str,
    court_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "UPDATE filings SET answers = $1, court_id = $2, updated_at = $3
         WHERE id = $4 AND user_id = $5 AND status = 'brouillon'",
    )
    .bind(answers)
    .bind(court_id)
    .bind(instant(now))
    .bind(id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Deletes a draft of the user's; whether there was one.
///
/// # Errors
/// Database errors.
pub async fn delete_draft(tx: &mut Tx, user_id: i64, id: i64) -> Result<bool, StorageError> {
    let r = sqlx::query("DELETE FROM filings WHERE id = $1 AND user_id = $2 AND status = 'brouillon'")
        .bind(id)
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Sends the filing: it gets its number and the status `envoyee`, once.
/// The status is checked by the same statement that changes it, so that
/// two « Envoyer » at once send it once: the second finds it sent (`None`).
/// So is the version the sender checked (`seen`, its `updated_at`): a step
/// saved meanwhile from another tab is not sent unchecked (`None` too).
///
/// # Errors
/// Database errors.
pub async fn send(
    tx: &mut Tx,
    user_id: i64,
    id: i64,
    number: &FilingNumber,
    seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Filing>, StorageError> {
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "UPDATE filings SET status = 'envoyee', filing_number = $1, sent_at = $2, updated_at = $2
         WHERE id = $3 AND user_id = $4 AND status IN ('brouillon', 'echec') AND updated_at = $5 RETURNING {COLUMNS}"
    ))
    .bind(number.as_str())
    .bind(instant(now))
    .bind(id)
    .bind(user_id)
    .bind(instant(seen))
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// Deletes the drafts past their keeping ([`DRAFT_DAYS`] after they were
/// started); how many. Instants are stored to the microsecond: a draft goes
/// at the first housekeeping strictly after its term, never before.
///
/// # Errors
/// Database errors.
pub async fn forget_expired_drafts(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    let started_before = now - chrono::Duration::days(DRAFT_DAYS);
    let r = sqlx::query("DELETE FROM filings WHERE status = 'brouillon' AND started_at < $1")
        .bind(instant(started_before))
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}
