//! When the scheduler's periodic jobs last started, shared by every process
//! of the portal (table `job_runs`): a job runs once per period, by
//! whichever process claims it first, and a process that starts does not
//! run it again if another just did.

use crate::Conn;
use crate::error::StorageError;
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Duration, Utc};

/// Whether `job` last started `every` ago or more (or never), or over
/// `every` in the future (a clock put back; the clocks of two processes
/// differ by less than that).
fn is_due(last_started_at: DateTime<Utc>, now: DateTime<Utc>, every: Duration) -> bool {
    last_started_at <= now - every || last_started_at > now + every
}

/// Whether `job` is due at `now`, read without writing: most passes find
/// it is not.
///
/// # Errors
/// Database errors.
pub async fn due(conn: &mut Conn, job: &str, now: DateTime<Utc>, every: Duration) -> Result<bool, StorageError> {
    let last: Option<(String,)> = sqlx::query_as("SELECT last_started_at FROM job_runs WHERE job = $1")
        .bind(job)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(match last {
        Some((at,)) => is_due(parse_instant(&at)?, now, every),
        None => true,
    })
}

/// Claims the run of `job` at `now` if it is due (as [`due`] says): true
/// for the one process that gets it.
///
/// # Errors
/// Database errors.
pub async fn claim(conn: &mut Conn, job: &str, now: DateTime<Utc>, every: Duration) -> Result<bool, StorageError> {
    let claimed = sqlx::query(
        "INSERT INTO job_runs (job, last_started_at) VALUES ($1, $2)
         ON CONFLICT (job) DO UPDATE SET last_started_at = excluded.last_started_at
         WHERE job_runs.last_started_at <= $3 OR job_runs.last_started_at > $4
         RETURNING job",
    )
    .bind(job)
    .bind(instant(now))
    .bind(instant(now - every))
    .bind(instant(now + every))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(claimed.is_some())
}

/// Makes the run of `job` claimed at `claimed_at` (which failed) due again
/// `retry` after it, instead of a period after: the claim is left as if it
/// had been made a period before that. A claim made since by another
/// process is left alone.
///
/// # Errors
/// Database errors.
pub async fn retry_after(
    conn: &mut Conn,
    job: &str,
    claimed_at: DateTime<Utc>,
    every: Duration,
    retry: Duration,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE job_runs SET last_started_at = $1 WHERE job = $2 AND last_started_at = $3")
        .bind(instant(claimed_at + retry - every))
        .bind(job)
        .bind(instant(claimed_at))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_job_is_due_a_period_after_it_started_or_when_the_clock_went_back_further() {
        let start = Utc.with_ymd_and_hms(2027, 1, 18, 5, 0, 0).unwrap() + Duration::microseconds(123_456);
        let every = Duration::minutes(5);
        assert!(!is_due(start, start, every));
        assert!(!is_due(start, start + every - Duration::microseconds(1), every));
        assert!(is_due(start, start + every, every));
        assert!(!is_due(start, start - Duration::seconds(30), every), "another process's clock, a little behind");
        assert!(is_due(start, start - every - Duration::microseconds(1), every), "the clock put back");
    }
}
