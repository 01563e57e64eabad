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
//! A sweep first forgets the hearings of the cases to recheck
//! ([`forget_rechecked`]), then reads the hearings not swept at their
//! time or due again (`notices::hearings_to_come`), and records them
//! ([`record`]). A write that lands while a sweep reads is seen by that
//! sweep or leaves a recheck for the next one: the recheck is deleted only
//! at the version read.

use crate::error::StorageError;
use crate::time::instant;
use crate::{Conn, placeholders};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// The case of `reminder_rechecks` that stands for every case.
pub const EVERY_CASE: i64 = 0;

/// Rechecks read a sweep at most: the rest waits for the next sweep.
const RECHECKS_A_SWEEP: i64 = 10_000;
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

/// Forgets the hearings swept of the cases to recheck, and the rechecks as
/// they were read: how many cases (every case counts one). In a
/// transaction.
///
/// # Errors
/// Database errors.
pub async fn forget_rechecked(tx: &mut Conn) -> Result<usize, StorageError> {
    let rows = sqlx::query("SELECT case_id, version FROM reminder_rechecks ORDER BY case_id LIMIT $1")
        .bind(RECHECKS_A_SWEEP)
        .fetch_all(&mut *tx)
        .await?;
    let read: Vec<(i64, i64)> =
        rows.iter().map(|r| Ok((r.try_get("case_id")?, r.try_get("version")?))).collect::<Result<_, sqlx::Error>>()?;
    if read.first().is_some_and(|&(case, _)| case == EVERY_CASE) {
        sqlx::query("DELETE FROM hearings_swept").execute(&mut *tx).await?;
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
            q.execute(&mut *tx).await?;
        }
        // Each (case, version) read: a recheck written since is kept.
        let pairs: Vec<String> =
            (0..some.len()).map(|i| format!("(case_id = ${} AND version = ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("DELETE FROM reminder_rechecks WHERE {}", pairs.join(" OR "));
        let mut q = sqlx::query(&sql);
        for &(case, version) in some {
            q = q.bind(case).bind(version);
        }
        q.execute(&mut *tx).await?;
    }
    Ok(read.len())
}

/// Records the hearings of a page as swept.
///
/// # Errors
/// Database errors.
pub async fn record(tx: &mut Conn, swept: &[Swept]) -> Result<(), StorageError> {
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
        q.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Forgets the hearings swept that began before `now`: how many.
///
/// # Errors
/// Database errors.
pub async fn forget_past(tx: &mut Conn, now: DateTime<Utc>) -> Result<u64, StorageError> {
    let r =
        sqlx::query("DELETE FROM hearings_swept WHERE starts_at_utc < $1").bind(instant(now)).execute(&mut *tx).await?;
    Ok(r.rows_affected())
}
