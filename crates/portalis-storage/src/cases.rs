//! Cases, as their court publishes them.

use crate::batch::{Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{self, Cells, Reads};
use crate::time::{date, instant, parse_date, parse_instant};
use crate::{Conn, Outcome, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use portalis_core::case::CaseStatus;
use portalis_core::portalis_number::PortalisNumber;

/// What the court says of a case (the body of `PUT /cases/{case_ref}`), parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseInput {
    pub portalis_number: PortalisNumber,
    pub rg_number: Option<String>,
    pub nature_code: String,
    pub nature_label: String,
    pub status: CaseStatus,
    pub filed_on: NaiveDate,
    pub chamber: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: i64,
    pub court_id: i64,
    pub case_ref: String,
    pub details: CaseInput,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, court_id, case_ref, portalis_number, rg_number, nature_code, nature_label, status, \
                       filed_on, chamber, created_at, updated_at";

fn from_row(row: &dyn Cells) -> Result<Case, StorageError> {
    let status: String = row.text("status")?;
    let number: String = row.text("portalis_number")?;
    Ok(Case {
        id: row.int("id")?,
        court_id: row.int("court_id")?,
        case_ref: row.text("case_ref")?,
        details: CaseInput {
            portalis_number: PortalisNumber::parse(&number)
                .map_err(|_| corrupt(format!("case portalis_number {number:?}")))?,
            rg_number: row.opt_text("rg_number")?,
            nature_code: row.text("nature_code")?,
            nature_label: row.text("nature_label")?,
            status: CaseStatus::parse(&status).map_err(|_| corrupt(format!("case status {status:?}")))?,
            filed_on: parse_date(&row.text("filed_on")?)?,
            chamber: row.opt_text("chamber")?,
        },
        created_at: parse_instant(&row.text("created_at")?)?,
        updated_at: parse_instant(&row.text("updated_at")?)?,
    })
}

/// A court's case by the court's own reference.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &mut Conn, court_id: i64, case_ref: &str) -> Result<Option<Case>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM cases WHERE court_id = $1 AND case_ref = $2"))
        .bind(court_id)
        .bind(case_ref)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// # Errors
/// Database errors.
pub async fn by_id(conn: &mut impl Reads, id: i64) -> Result<Option<Case>, StorageError> {
    read::optional(conn, &format!("SELECT {COLUMNS} FROM cases WHERE id = $1"), vec![id.into()], from_row).await
}

/// The case of the party `party_id`, in a batch.
pub fn of_party_in(batch: &mut Batch, party_id: i64) -> Rows<Case> {
    let sql = format!("SELECT {COLUMNS} FROM cases WHERE id = (SELECT case_id FROM parties WHERE id = $1)");
    batch.add(sql, vec![party_id.into()], from_row)
}

/// The cases of `ids` that exist, in a batch (`ids` not empty); their
/// courts are read apart (`courts::of_cases_in`), each once.
pub fn by_ids_in(batch: &mut Batch, ids: &[i64]) -> Rows<Case> {
    let (list, params) = crate::in_list(ids);
    batch.add(format!("SELECT {COLUMNS} FROM cases WHERE id IN ({list})"), params, from_row)
}

/// How many cases a court has published.
///
/// # Errors
/// Database errors.
pub async fn count(conn: &mut Conn) -> Result<i64, StorageError> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases").fetch_one(&mut *conn).await?;
    Ok(n)
}

/// Creates the case or replaces it; the same input twice changes nothing.
///
/// # Errors
/// Database errors.
pub async fn put(
    tx: &mut Tx,
    court_id: i64,
    case_ref: &str,
    input: &CaseInput,
    now: DateTime<Utc>,
) -> Result<(Case, Outcome), StorageError> {
    let conn: &mut Conn = tx;
    let existing = find(conn, court_id, case_ref).await?;
    let now = instant(now);
    let bind_details = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>| {
        q.bind(input.portalis_number.as_str().to_owned())
            .bind(input.rg_number.clone())
            .bind(input.nature_code.clone())
            .bind(input.nature_label.clone())
            .bind(input.status.code())
            .bind(date(input.filed_on))
            .bind(input.chamber.clone())
            .bind(now.clone())
    };
    match existing {
        Some(c) if c.details == *input => Ok((c, Outcome::Unchanged)),
        Some(c) => {
            let row = bind_details(sqlx::query(
                "UPDATE cases SET portalis_number = $1, rg_number = $2, nature_code = $3, nature_label = $4, status = $5,
                 filed_on = $6, chamber = $7, updated_at = $8 WHERE id = $9 RETURNING id",
            ))
            .bind(c.id)
            .fetch_one(&mut *conn)
            .await?;
            let id: i64 = row.int("id")?;
            let case = by_id(conn, id).await?.ok_or_else(|| corrupt("updated case vanished"))?;
            Ok((case, Outcome::Updated))
        }
        None => {
            let row = bind_details(sqlx::query(
                "INSERT INTO cases (portalis_number, rg_number, nature_code, nature_label, status, filed_on, chamber,
                 updated_at, created_at, court_id, case_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id",
            ))
            .bind(court_id)
            .bind(case_ref.to_owned())
            .fetch_one(&mut *conn)
            .await?;
            let id: i64 = row.int("id")?;
            Ok((by_id(conn, id).await?.ok_or_else(|| corrupt("inserted case vanished"))?, Outcome::Created))
        }
    }
}
