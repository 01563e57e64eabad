//! Events of a case ("Vie du dossier"), in the court's local time.

use crate::batch::{Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{Cells, Reads};
use crate::time::{date, instant, parse_date, parse_instant, parse_time_of_day, time_of_day};
use crate::{Conn, Outcome, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use portalis_core::event::{EventKind, EventStatus, EventTime};

/// What the court says of an event, parsed. `starts_at_utc` is `starts_at`
/// read in the court's time zone, kept for ordering and reminders.
#[derive(Debug, Clone, PartialEq)]
pub struct EventInput {
    pub kind: EventKind,
    pub starts_at: EventTime,
    pub starts_at_utc: DateTime<Utc>,
    pub label: Option<String>,
    pub room: Option<String>,
    pub status: EventStatus,
    pub approved_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub case_id: i64,
    pub event_ref: String,
    pub details: EventInput,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, case_id, event_ref, kind, starts_on, starts_time, starts_at_utc, label, room, status, approved_on, withdrawn_at";

fn from_row(row: &dyn Cells) -> Result<Event, StorageError> {
    let kind: String = row.text("kind")?;
    let status: String = row.text("status")?;
    let time: Option<String> = row.opt_text("starts_time")?;
    let approved: Option<String> = row.opt_text("approved_on")?;
    let withdrawn: Option<String> = row.opt_text("withdrawn_at")?;
    Ok(Event {
        id: row.int("id")?,
        case_id: row.int("case_id")?,
        event_ref: row.text("event_ref")?,
        details: EventInput {
            kind: EventKind::parse(&kind).map_err(|_| corrupt(format!("event kind {kind:?}")))?,
            starts_at: EventTime::from_parts(
                parse_date(&row.text("starts_on")?)?,
                time.as_deref().map(parse_time_of_day).transpose()?,
            ),
            starts_at_utc: parse_instant(&row.text("starts_at_utc")?)?,
            label: row.opt_text("label")?,
            room: row.opt_text("room")?,
            status: EventStatus::parse(&status).map_err(|_| corrupt(format!("event status {status:?}")))?,
            approved_on: approved.as_deref().map(parse_date).transpose()?,
        },
        withdrawn_at: withdrawn.as_deref().map(parse_instant).transpose()?,
    })
}

/// # Errors
/// Database errors.
pub async fn find(conn: &mut Conn, case_id: i64, event_ref: &str) -> Result<Option<Event>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE case_id = $1 AND event_ref = $2"))
        .bind(case_id)
        .bind(event_ref)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// The events of a case that are not withdrawn, in time order.
///
/// # Errors
/// Database errors.
pub async fn of_case(conn: &mut impl Reads, case_id: i64) -> Result<Vec<Event>, StorageError> {
    let sql =
        format!("SELECT {COLUMNS} FROM events WHERE case_id = $1 AND withdrawn_at IS NULL ORDER BY starts_at_utc, id");
    conn.rows(&sql, vec![case_id.into()], from_row).await
}

/// The events of several cases that are not withdrawn, in a batch (`case_ids`
/// not empty): case by case, each case's in time order — the order of the
/// index on (case_id, starts_at_utc), so that SQLite sorts nothing.
pub fn of_cases_in(batch: &mut Batch, case_ids: &[i64]) -> Rows<Event> {
    let (list, params) = crate::in_list(case_ids);
    batch.add(of_cases_sql(&list), params, from_row)
}

fn of_cases_sql(list: &str) -> String {
    format!(
        "SELECT {COLUMNS} FROM events WHERE case_id IN ({list}) AND withdrawn_at IS NULL ORDER BY case_id, starts_at_utc, id"
    )
}

/// The events of several cases still planned (not held, cancelled or
/// withdrawn) that start at `from` or later, in a batch (`case_ids` not
/// empty), in the order of [`of_cases_in`]: what the lists of cases show of
/// the events to come, `from` being `portalis_core::event::to_come_from`.
pub fn planned_of_cases_in(batch: &mut Batch, case_ids: &[i64], from: DateTime<Utc>) -> Rows<Event> {
    let (list, mut params) = crate::in_list(case_ids);
    params.push(instant(from).into());
    let sql = format!(
        "SELECT {COLUMNS} FROM events WHERE case_id IN ({list}) AND starts_at_utc >= ${} AND status = 'prevu' \
         AND withdrawn_at IS NULL ORDER BY case_id, starts_at_utc, id",
        params.len()
    );
    batch.add(sql, params, from_row)
}

/// # Errors
/// Database errors, `RowNotFound` when there is no such event.
pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Event, StorageError> {
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM events WHERE id = $1")).bind(id).fetch_one(&mut *conn).await?;
    from_row(&row)
}

/// What [`put`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The event as stored now.
    pub event: Event,
    pub outcome: Outcome,
    /// The version it replaced, when there was one and it was not withdrawn
    /// (what a litigant saw before).
    pub replaced: Option<Event>,
}

/// Creates the event or replaces it; the same input twice changes nothing.
/// Most events a court sends are new: the insert is tried first (one
/// statement), and only an existing event is read, compared and updated.
///
/// # Errors
/// Database errors.
pub async fn put(
    tx: &mut Tx,
    case_id: i64,
    event_ref: &str,
    input: &EventInput,
    now: DateTime<Utc>,
) -> Result<Written, StorageError> {
    let now = instant(now);
    let bind_details = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>| {
        q.bind(input.kind.code())
            .bind(date(input.starts_at.date()))
            .bind(input.starts_at.time().map(time_of_day))
            .bind(instant(input.starts_at_utc))
            .bind(input.label.clone())
            .bind(input.room.clone())
            .bind(input.status.code())
            .bind(input.approved_on.map(date))
            .bind(now.clone())
    };
    let inserted = bind_details(sqlx::query(
        "INSERT INTO events (kind, starts_on, starts_time, starts_at_utc, label, room, status, approved_on,
         updated_at, created_at, case_id, event_ref) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10, $11)
         ON CONFLICT (case_id, event_ref) DO NOTHING
         RETURNING id, case_id, event_ref, kind, starts_on, starts_time, starts_at_utc, label, room, status,
         approved_on, withdrawn_at",
    ))
    .bind(case_id)
    .bind(event_ref.to_owned())
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = inserted {
        return Ok(Written { event: from_row(&row)?, outcome: Outcome::Created, replaced: None });
    }
    let e = find(tx, case_id, event_ref).await?.ok_or_else(|| corrupt("an event in conflict vanished"))?;
    if e.details == *input && e.withdrawn_at.is_none() {
        return Ok(Written { event: e.clone(), outcome: Outcome::Unchanged, replaced: Some(e) });
    }
    let outcome = if e.withdrawn_at.is_some() { Outcome::Created } else { Outcome::Updated };
    let row = bind_details(sqlx::query(
        "UPDATE events SET kind = $1, starts_on = $2, starts_time = $3, starts_at_utc = $4, label = $5, room = $6,
         status = $7, approved_on = $8, updated_at = $9, withdrawn_at = NULL WHERE id = $10
         RETURNING id, case_id, event_ref, kind, starts_on, starts_time, starts_at_utc, label, room, status,
         approved_on, withdrawn_at",
    ))
    .bind(e.id)
    .fetch_one(&mut **tx)
    .await?;
    let replaced = e.withdrawn_at.is_none().then_some(e);
    Ok(Written { event: from_row(&row)?, outcome, replaced })
}

/// # Errors
/// Database errors.
pub async fn withdraw(tx: &mut Tx, event_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    let now = instant(now);
    sqlx::query("UPDATE events SET withdrawn_at = $1, updated_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(event_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
