//! Online filings (`portalis_core::filing`): a litigant's drafts and the
//! requests he sent. Every read and every change of a litigant names his
//! user: a filing of another is not found, as one that does not exist.

use crate::batch::{Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use crate::users::Claims;
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
    /// Where the filer is told of the court's answer (kept when sent).
    pub contact_email: Option<String>,
    /// The filer's FranceConnect identity when he sent it (empty for a
    /// draft): what the request and the court's intake state.
    pub filer: Claims,
    /// The case and party the court opened for it, once registered.
    pub case_ref: Option<String>,
    pub party_ref: Option<String>,
    /// When the court registered or refused it.
    pub decided_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, public_id, user_id, procedure, status, court_id, answers, started_at, updated_at, sent_at, \
                       filing_number, refusal_reason, contact_email, case_ref, party_ref, decided_at, \
                       filer_given_name, filer_family_name, filer_usage_name, filer_birthdate";

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
        contact_email: r.opt_text("contact_email")?,
        filer: Claims {
            given_name: r.opt_text("filer_given_name")?,
            family_name: r.opt_text("filer_family_name")?,
            preferred_username: r.opt_text("filer_usage_name")?,
            birthdate: r.opt_text("filer_birthdate")?,
            email: None,
        },
        case_ref: r.opt_text("case_ref")?,
        party_ref: r.opt_text("party_ref")?,
        decided_at: optional_instant(r.opt_text("decided_at")?)?,
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

/// How many drafts the user keeps.
///
/// # Errors
/// Database errors.
pub async fn count_drafts(conn: &mut impl Reads, user_id: i64) -> Result<usize, StorageError> {
    let sql = "SELECT COUNT(*) AS n FROM filings WHERE user_id = $1 AND status = 'brouillon'";
    let n = conn.rows(sql, vec![user_id.into()], |r| r.int("n")).await?;
    Ok(n.first().copied().unwrap_or(0).max(0) as usize)
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
    conn.rows(&list_of_user_sql(), vec![user_id.into()], from_row).await
}

/// [`list_of_user`] in a batch.
pub fn list_of_user_in(batch: &mut Batch, user_id: i64) -> Rows<Filing> {
    batch.add(list_of_user_sql(), vec![user_id.into()], from_row)
}

fn list_of_user_sql() -> String {
    format!("SELECT {COLUMNS} FROM filings WHERE user_id = $1 ORDER BY started_at DESC, id DESC")
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

/// Deletes a draft of the user's, its files queued for deletion from the
/// store; whether there was one.
///
/// # Errors
/// Database errors.
pub async fn delete_draft(tx: &mut Tx, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<bool, StorageError> {
    // Held first, still a draft: a draft sent meanwhile keeps its files.
    let held = sqlx::query(
        "UPDATE filings SET updated_at = updated_at WHERE id = $1 AND user_id = $2 AND status = 'brouillon'",
    )
    .bind(id)
    .bind(user_id)
    .execute(&mut **tx)
    .await?;
    if held.rows_affected() != 1 {
        return Ok(false);
    }
    delete_held_draft(tx, id, now).await?;
    Ok(true)
}

async fn delete_held_draft(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    crate::filing_attachments::queue_deletions_of(tx, id, now).await?;
    sqlx::query("DELETE FROM filings WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}

/// What sending writes on a filing.
#[derive(Debug, Clone, Copy)]
pub struct Sending<'a> {
    pub number: &'a FilingNumber,
    /// Where the filer is told of the court's answer.
    pub contact_email: &'a str,
    /// His FranceConnect identity now, kept as the filing's.
    pub filer: &'a Claims,
    /// The version the sender checked (its `updated_at`).
    pub seen: DateTime<Utc>,
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
    sending: &Sending<'_>,
    now: DateTime<Utc>,
) -> Result<Option<Filing>, StorageError> {
    let Sending { number, contact_email, filer, seen } = sending;
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "UPDATE filings SET status = 'envoyee', filing_number = $1, contact_email = $2, sent_at = $3, updated_at = $3,
           filer_given_name = $7, filer_family_name = $8, filer_usage_name = $9, filer_birthdate = $10
         WHERE id = $4 AND user_id = $5 AND status IN ('brouillon', 'echec') AND updated_at = $6 RETURNING {COLUMNS}"
    ))
    .bind(number.as_str())
    .bind(*contact_email)
    .bind(instant(now))
    .bind(id)
    .bind(user_id)
    .bind(instant(*seen))
    .bind(&filer.given_name)
    .bind(&filer.family_name)
    .bind(&filer.preferred_username)
    .bind(&filer.birthdate)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// The filings sent to a court, oldest sent first (a tie by number), after
/// the position `after` (cursor paging: the instant and number of the last
/// filing of the previous page), of one status (or of any once sent) and
/// one procedure (or any).
///
/// # Errors
/// Database errors.
pub async fn of_court(
    conn: &mut impl Reads,
    court_id: i64,
    status: Option<FilingStatus>,
    procedure: Option<Procedure>,
    after: Option<(DateTime<Utc>, &FilingNumber)>,
    limit: i64,
) -> Result<Vec<Filing>, StorageError> {
    let mut sql = format!("SELECT {COLUMNS} FROM filings WHERE court_id = $1 AND status <> 'brouillon'");
    let mut params: Vec<crate::read::Param> = vec![court_id.into()];
    if let Some(s) = status {
        params.push(s.code().into());
        sql.push_str(&format!(" AND status = ${}", params.len()));
    }
    if let Some(p) = procedure {
        params.push(p.code().into());
        sql.push_str(&format!(" AND procedure = ${}", params.len()));
    }
    // After a position in the order (which need not be a filing any more).
    if let Some((sent_at, number)) = after {
        params.push(instant(sent_at).into());
        params.push(number.as_str().into());
        let (t, n) = (params.len() - 1, params.len());
        sql.push_str(&format!(" AND (sent_at > ${t} OR (sent_at = ${t} AND filing_number > ${n}))"));
    }
    params.push(limit.into());
    sql.push_str(&format!(" ORDER BY sent_at, filing_number LIMIT ${}", params.len()));
    conn.rows(&sql, params, from_row).await
}

/// The court's filing of this number, once sent (another court's, or a
/// draft, is not found).
///
/// # Errors
/// Database errors.
pub async fn by_number(
    conn: &mut impl Reads,
    court_id: i64,
    number: &FilingNumber,
) -> Result<Option<Filing>, StorageError> {
    let sql =
        format!("SELECT {COLUMNS} FROM filings WHERE filing_number = $1 AND court_id = $2 AND status <> 'brouillon'");
    Ok(conn.rows(&sql, vec![number.as_str().into(), court_id.into()], from_row).await?.into_iter().next())
}

/// Holds what a registration and the publication of its party both read
/// (the court's case and party references), until the transaction ends: a
/// party published while a filing is registered under it is seen by one
/// or the other. SQLite's transactions run one at a time already.
///
/// # Errors
/// Database errors.
pub async fn lock_party_slot(tx: &mut Tx, court_id: i64, case_ref: &str, party_ref: &str) -> Result<(), StorageError> {
    tx.lock_key(&format!("party-slot:{court_id}:{case_ref}:{party_ref}")).await
}

/// Holds the filing's row until the transaction ends: an answer that
/// writes more than the filing (a case opened for it) reads it again
/// after, one answer at a time.
///
/// # Errors
/// Database errors.
pub async fn lock(tx: &mut Tx, filing_id: i64) -> Result<(), StorageError> {
    tx.lock_row("filings", filing_id).await
}

/// Registers a sent filing under the case and party the court opened;
/// `None` when it is not waiting for an answer any more (the statement
/// that changes it checks it, so that two answers at once count once).
///
/// # Errors
/// Database errors.
pub async fn register(
    tx: &mut Tx,
    id: i64,
    case_ref: &str,
    party_ref: &str,
    now: DateTime<Utc>,
) -> Result<Option<Filing>, StorageError> {
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "UPDATE filings SET status = 'enregistree', case_ref = $1, party_ref = $2, decided_at = $3, updated_at = $3
         WHERE id = $4 AND status = 'envoyee' RETURNING {COLUMNS}"
    ))
    .bind(case_ref)
    .bind(party_ref)
    .bind(instant(now))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// Refuses a sent filing with the court's reason; `None` when it is not
/// waiting for an answer any more.
///
/// # Errors
/// Database errors.
pub async fn refuse(tx: &mut Tx, id: i64, reason: &str, now: DateTime<Utc>) -> Result<Option<Filing>, StorageError> {
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "UPDATE filings SET status = 'refusee', refusal_reason = $1, decided_at = $2, updated_at = $2
         WHERE id = $3 AND status = 'envoyee' RETURNING {COLUMNS}"
    ))
    .bind(reason)
    .bind(instant(now))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// The filings registered under this case and party of the court, whose
/// filers are attached to the party when it is published.
///
/// # Errors
/// Database errors.
pub async fn registered_for_party(
    conn: &mut impl Reads,
    court_id: i64,
    case_ref: &str,
    party_ref: &str,
) -> Result<Vec<Filing>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM filings
         WHERE court_id = $1 AND case_ref = $2 AND party_ref = $3 AND status = 'enregistree' ORDER BY id"
    );
    conn.rows(&sql, vec![court_id.into(), case_ref.into(), party_ref.into()], from_row).await
}

/// Deletes the drafts past their keeping ([`DRAFT_DAYS`] after they were
/// started); how many. Instants are stored to the microsecond: a draft goes
/// at the first housekeeping strictly after its term, never before.
///
/// # Errors
/// Database errors.
pub async fn forget_expired_drafts(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    let started_before = instant(now - chrono::Duration::days(DRAFT_DAYS));
    let expired: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM filings WHERE status = 'brouillon' AND started_at < $1 ORDER BY id")
            .bind(&started_before)
            .fetch_all(&mut **tx)
            .await?;
    let mut forgotten = 0;
    for (id,) in expired {
        // Held and checked again: one sent meanwhile is kept.
        let held = sqlx::query(
            "UPDATE filings SET updated_at = updated_at WHERE id = $1 AND status = 'brouillon' AND started_at < $2",
        )
        .bind(id)
        .bind(&started_before)
        .execute(&mut **tx)
        .await?;
        if held.rows_affected() == 1 {
            delete_held_draft(tx, id, now).await?;
            forgotten += 1;
        }
    }
    Ok(forgotten)
}

/// The most sent filings one housekeeping deletes (the next takes the
/// rest): the write lock is never held long.
pub const FORGET_BATCH: i64 = 500;

/// Deletes the sent filings past their retention — answered by the court
/// (or, without an answer, sent) before `before` — with their files queued
/// for deletion; how many.
///
/// # Errors
/// Database errors.
pub async fn forget_past_retention(
    tx: &mut Tx,
    before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    let past: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM filings WHERE status <> 'brouillon' AND COALESCE(decided_at, sent_at) < $1 ORDER BY id LIMIT $2",
    )
    .bind(instant(before))
    .bind(FORGET_BATCH)
    .fetch_all(&mut **tx)
    .await?;
    for (id,) in &past {
        crate::filing_attachments::queue_deletions_of(tx, *id, now).await?;
        sqlx::query("DELETE FROM filings WHERE id = $1").bind(id).execute(&mut **tx).await?;
    }
    Ok(past.len() as u64)
}
