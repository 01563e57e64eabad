//! Courts: the directory, and the owner of cases and API keys.

use crate::batch::{Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{self, Cells, Reads};
use crate::time::instant;
use crate::{Conn, Outcome, Tx};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use portalis_core::court::{CourtCode, CourtKind};
use portalis_core::postcode::PostCode;

/// What a court system or the directory import says of a court.
#[derive(Debug, Clone, PartialEq)]
pub struct CourtInput {
    pub code: CourtCode,
    pub name: String,
    pub kind: CourtKind,
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub department: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub sauj_hours: Option<String>,
    pub time_zone: Tz,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Court {
    pub id: i64,
    pub details: CourtInput,
}

const COLUMNS: &str = "id, code, name, kind, address, postcode, city, department, phone, email, sauj_hours, time_zone";

pub(crate) fn from_row(row: &dyn Cells) -> Result<Court, StorageError> {
    let code: String = row.text("code")?;
    let kind: String = row.text("kind")?;
    let tz: String = row.text("time_zone")?;
    Ok(Court {
        id: row.int("id")?,
        details: CourtInput {
            code: CourtCode::parse(&code).map_err(|_| corrupt(format!("court code {code:?}")))?,
            name: row.text("name")?,
            kind: CourtKind::parse(&kind).map_err(|_| corrupt(format!("court kind {kind:?}")))?,
            address: row.text("address")?,
            postcode: row.text("postcode")?,
            city: row.text("city")?,
            department: row.text("department")?,
            phone: row.opt_text("phone")?,
            email: row.opt_text("email")?,
            sauj_hours: row.opt_text("sauj_hours")?,
            time_zone: tz.parse().map_err(|_| corrupt(format!("time zone {tz:?}")))?,
        },
    })
}

/// # Errors
/// Database errors.
pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Court>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM courts WHERE code = $1"))
        .bind(code)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// # Errors
/// Database errors.
pub async fn by_id(conn: &mut impl Reads, id: i64) -> Result<Option<Court>, StorageError> {
    read::optional(conn, &format!("SELECT {COLUMNS} FROM courts WHERE id = $1"), vec![id.into()], from_row).await
}

/// The courts of `ids` (not empty), in a batch.
pub fn by_ids_in(batch: &mut Batch, ids: &[i64]) -> Rows<Court> {
    let (list, params) = crate::in_list(ids);
    batch.add(format!("SELECT {COLUMNS} FROM courts WHERE id IN ({list})"), params, from_row)
}

/// The courts of the cases of `case_ids` (not empty), in a batch: each
/// court once, however many of the cases it holds.
pub fn of_cases_in(batch: &mut Batch, case_ids: &[i64]) -> Rows<Court> {
    let (list, params) = crate::in_list(case_ids);
    let sql = format!("SELECT {COLUMNS} FROM courts WHERE id IN (SELECT court_id FROM cases WHERE id IN ({list}))");
    batch.add(sql, params, from_row)
}

/// The courts the user's filings name, in a batch.
pub fn of_filings_in(batch: &mut Batch, user_id: i64) -> Rows<Court> {
    let sql = format!("SELECT {COLUMNS} FROM courts WHERE id IN (SELECT court_id FROM filings WHERE user_id = $1)");
    batch.add(sql, vec![user_id.into()], from_row)
}

/// The court of the party `party_id`'s case, in a batch.
pub fn of_party_in(batch: &mut Batch, party_id: i64) -> Rows<Court> {
    let sql = format!(
        "SELECT {COLUMNS} FROM courts WHERE id =
         (SELECT c.court_id FROM parties p JOIN cases c ON c.id = p.case_id WHERE p.id = $1)"
    );
    batch.add(sql, vec![party_id.into()], from_row)
}

/// Every court, by code.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &mut Conn) -> Result<Vec<Court>, StorageError> {
    let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM courts ORDER BY code")).fetch_all(&mut *conn).await?;
    rows.iter().map(|r| from_row(r)).collect()
}

/// Creates the court or replaces what is known of it.
///
/// # Errors
/// Database errors.
pub async fn put(tx: &mut Tx, input: &CourtInput, now: DateTime<Utc>) -> Result<(Court, Outcome), StorageError> {
    let conn: &mut Conn = tx;
    let existing = by_code(conn, input.code.as_str()).await?;
    let outcome = match &existing {
        Some(c) if c.details == *input => return Ok((c.clone(), Outcome::Unchanged)),
        Some(_) => Outcome::Updated,
        None => Outcome::Created,
    };
    let now = instant(now);
    let row = sqlx::query(&format!(
        "INSERT INTO courts (code, name, kind, address, postcode, city, department, phone, email, sauj_hours, time_zone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, kind = excluded.kind, address = excluded.address,
           postcode = excluded.postcode, city = excluded.city, department = excluded.department, phone = excluded.phone,
           email = excluded.email, sauj_hours = excluded.sauj_hours, time_zone = excluded.time_zone, updated_at = excluded.updated_at
         RETURNING {COLUMNS}"
    ))
    .bind(input.code.as_str())
    .bind(&input.name)
    .bind(input.kind.code())
    .bind(&input.address)
    .bind(&input.postcode)
    .bind(&input.city)
    .bind(&input.department)
    .bind(&input.phone)
    .bind(&input.email)
    .bind(&input.sauj_hours)
    .bind(input.time_zone.name())
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    let court = from_row(&row)?;
    Ok((court, outcome))
}

/// What a court's administrator keeps of its directory entry at the
/// console; the rest is the Ministry's directory's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub address: String,
    pub postcode: String,
    pub city: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub sauj_hours: Option<String>,
}

impl Entry {
    pub fn of(details: &CourtInput) -> Self {
        Self {
            address: details.address.clone(),
            postcode: details.postcode.clone(),
            city: details.city.clone(),
            phone: details.phone.clone(),
            email: details.email.clone(),
            sauj_hours: details.sauj_hours.clone(),
        }
    }
}

/// Holds the court's row until the transaction ends (its entry is read
/// again and changed one writer at a time).
///
/// # Errors
/// Database errors.
pub async fn lock(tx: &mut Tx, court_id: i64) -> Result<(), StorageError> {
    tx.lock_row("courts", court_id).await
}

/// Changes the fields of the court's entry its administrator keeps, and
/// only those.
///
/// # Errors
/// Database errors.
pub async fn update_entry(tx: &mut Tx, court_id: i64, entry: &Entry, now: DateTime<Utc>) -> Result<(), StorageError> {
    let conn: &mut Conn = tx;
    sqlx::query(
        "UPDATE courts SET address = $1, postcode = $2, city = $3, phone = $4, email = $5, sauj_hours = $6, updated_at = $7
         WHERE id = $8",
    )
    .bind(entry.address.clone())
    .bind(entry.postcode.clone())
    .bind(entry.city.clone())
    .bind(entry.phone.clone())
    .bind(entry.email.clone())
    .bind(entry.sauj_hours.clone())
    .bind(instant(now))
    .bind(court_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Replaces the court's territory by these postal codes; whether it
/// changed.
///
/// # Errors
/// Database errors.
pub async fn set_territory(tx: &mut Tx, court_id: i64, postcodes: &[PostCode]) -> Result<bool, StorageError> {
    let mut wanted: Vec<&str> = postcodes.iter().map(PostCode::as_str).collect();
    wanted.sort_unstable();
    wanted.dedup();
    if territory(&mut **tx, court_id).await? == wanted {
        return Ok(false);
    }
    sqlx::query("DELETE FROM court_territories WHERE court_id = $1").bind(court_id).execute(&mut **tx).await?;
    for code in wanted {
        sqlx::query("INSERT INTO court_territories (postcode, court_id) VALUES ($1, $2)")
            .bind(code)
            .bind(court_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(true)
}

/// The court's territory, its postal codes in order.
///
/// # Errors
/// Database errors.
pub async fn territory(conn: &mut impl Reads, court_id: i64) -> Result<Vec<String>, StorageError> {
    conn.rows(
        "SELECT postcode FROM court_territories WHERE court_id = $1 ORDER BY postcode",
        vec![court_id.into()],
        |r| r.text("postcode"),
    )
    .await
}

/// The courts of `kind` whose territory holds the postal code, by code
/// (usually one; none where no territory was loaded).
///
/// # Errors
/// Database errors.
pub async fn for_postcode(
    conn: &mut impl Reads,
    postcode: &PostCode,
    kind: CourtKind,
) -> Result<Vec<Court>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM courts WHERE kind = $1
           AND id IN (SELECT court_id FROM court_territories WHERE postcode = $2) ORDER BY code"
    );
    conn.rows(&sql, vec![kind.code().into(), postcode.as_str().into()], from_row).await
}
