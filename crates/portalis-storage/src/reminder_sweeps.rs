//! What the reminders' sweep remembers between two sweeps, so that it reads
//! a hearing of the days ahead again only when something may have changed
//! for it (migration `0026_reminder_sweeps`):
//!
//! - `hearings_swept`: a hearing swept at a time, with the instant its
//!   reminder becomes due when it was not due yet (`recheck_at`), without
//!   when every party to remind of it was reminded;
//! - `reminder_rechecks`: the cases whose parties may have become ones to
//!   remind since (attached, given a mobile, back from withdrawn, reminders
//!   turned back on), written by triggers; case [`EVERY_CASE`] for all.
//!
//! A sweep begins ([`begin`]: a generation), forgets the hearings of the
//! cases to recheck ([`forget_rechecked`]), then reads the hearings not
//! swept at their time or due again (`notices::hearings_to_come`), and
//! records them ([`record`]). A write that lands while a sweep reads is
//! seen by that sweep or leaves a recheck for the next one: the recheck is
//! deleted only at the version read, and a sweep records nothing once
//! another began (which may have consumed a recheck of what it read).

use crate::error::StorageError;
use crate::time::instant;
use crate::{Backend, Conn, Tx, placeholders};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The case of `reminder_rechecks` that stands for every case.
pub const EVERY_CASE: i64 = 0;

/// Rechecks read a transaction at most (the sweep goes on with the next
/// until none is left).
pub const RECHECKS_A_TRANSACTION: usize = 10_000;
/// Cases a statement at most.
const CASES_A_STATEMENT: usize = 500;

/// A hearing as a sweep leaves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub event_id: i64,
    pub starts_at_utc: DateTime<Utc>,
    /// When to read it again: its reminder not due yet; `None` when every
    /// party to remind of it was reminded.
    pub recheck_at: Option<DateTime<Utc>>,
}

/// Asks for the hearings of every case to be swept again (a load, which
/// turns the triggers off).
///
/// # Errors
/// Database errors.
pub async fn recheck_every_case(conn: &mut Conn) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO reminder_rechecks (case_id, version) VALUES ($1, 1)
         ON CONFLICT (case_id) DO UPDATE SET version = reminder_rechecks.version + 1",
    )
    .bind(EVERY_CASE)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Begins a sweep: its generation, after which a sweep begun earlier and
/// still running records nothing more ([`record`]), so that it cannot
/// record a hearing it read before a recheck this sweep consumes. A sweep
/// with another number of days of notice than the last forgets every
/// hearing swept (their instants due were reckoned with the other).
///
/// # Errors
/// Database errors.
pub async fn begin(tx: &mut Tx, reminder_days: i64) -> Result<i64, StorageError> {
    let lock = match tx.backend {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT generation, reminder_days FROM reminder_sweep_state WHERE one = 1{lock}");
    let row = sqlx::query(&sql).fetch_one(&mut **tx).await?;
    let generation = row.try_get::<i64, _>("generation")? + 1;
    if row.try_get::<Option<i64>, _>("reminder_days")? != Some(reminder_days) {
        sqlx::query("DELETE FROM hearings_swept").execute(&mut **tx).await?;
    }
    sqlx::query("UPDATE reminder_sweep_state SET generation = $1, reminder_days = $2 WHERE one = 1")
        .bind(generation)
        .bind(reminder_days)
        .execute(&mut **tx)
        .await?;
    Ok(generation)
}

/// Forgets the hearings swept of some cases to recheck (at most
/// [`RECHECKS_A_TRANSACTION`]), and deletes their rechecks as they were
/// read: how many cases (every case counts one). On PostgreSQL the rows
/// are locked as they are read, a row being written skipped (it waits for
/// the next sweep; no writer waits for the sweep).
///
/// # Errors
/// Database errors.
pub async fn forget_rechecked(tx: &mut Tx) -> Result<usize, StorageError> {
    let lock = match tx.backend {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT case_id, version FROM reminder_rechecks ORDER BY case_id LIMIT $1{lock}");
    let rows = sqlx::query(&sql).bind(RECHECKS_A_TRANSACTION as i64).fetch_all(&mut **tx).await?;
    let read: Vec<(i64, i64)> =
        rows.iter().map(|r| Ok((r.try_get("case_id")?, r.try_get("version")?))).collect::<Result<_, sqlx::Error>>()?;
    if read.first().is_some_and(|&(case, _)| case == EVERY_CASE) {
        sqlx::query("DELETE FROM hearings_swept").execute(&mut **tx).await?;
    }
    for some in read.chunks(CASES_A_STATEMENT) {
        let cases: Vec<i64> = some.iter().map(|&(case, _)| case).filter(|&case| case != EVERY_CASE).collect();
        if !cases.is_empty() {
            let sql = format!(
                "DELETE FROM hearings_swept WHERE event_id IN (SELECT id FROM events WHERE case_id IN ({}))",
                placeholders(cases.len())
            );
            let mut q = sqlx::query(&sql);
            for case in &cases {
                q = q.bind(*case);
            }
            q.execute(&mut **tx).await?;
        }
        // Each (case, version) read: a recheck written since is kept.
        let pairs: Vec<String> =
            (0..some.len()).map(|i| format!("(case_id = ${} AND version = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("DELETE FROM reminder_rechecks WHERE {}", pairs.join(" OR "));
        let mut q = sqlx::query(&sql);
        for &(case, version) in some {
            q = q.bind(case).bind(version);
        }
        q.execute(&mut **tx).await?;
    }
    Ok(read.len())
}

/// Records the hearings of a page as swept by the sweep of this
/// `generation`: `false`, recording nothing, when another sweep began
/// since (on PostgreSQL the state's row is locked until the commit, so
/// that a sweep beginning meanwhile waits for it and then forgets what it
/// must of it).
///
/// # Errors
/// Database errors.
pub async fn record(tx: &mut Tx, generation: i64, swept: &[Swept]) -> Result<bool, StorageError> {
    let still =
        sqlx::query("UPDATE reminder_sweep_state SET generation = generation WHERE one = 1 AND generation = $1")
            .bind(generation)
            .execute(&mut **tx)
            .await?;
    if still.rows_affected() == 0 {
        return Ok(false);
    }
    for some in swept.chunks(CASES_A_STATEMENT / 2) {
        let rows: Vec<String> =
            (0..some.len()).map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3)).collect();
        let sql = format!(
            "INSERT INTO hearings_swept (event_id, starts_at_utc, recheck_at) VALUES {}
             ON CONFLICT (event_id) DO UPDATE SET starts_at_utc = excluded.starts_at_utc,
                                                  recheck_at = excluded.recheck_at",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for s in some {
            q = q.bind(s.event_id).bind(instant(s.starts_at_utc)).bind(s.recheck_at.map(instant));
        }
        q.execute(&mut **tx).await?;
    }
    Ok(true)
}

/// Forgets the hearings swept that began before `now`: how many.
///
/// # Errors
/// Database errors.
pub async fn forget_past(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64, StorageError> {
    let r = sqlx::query("DELETE FROM hearings_swept WHERE starts_at_utc < $1")
        .bind(instant(now))
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}
