//! The staff's journal lines (`staff_views.rs`): the statement that writes
//! them, on both backends, and on SQLite the task that writes many at a
//! time.
//!
//! Every page of a party that an agent opens, and every search he makes,
//! writes its line before the page is shown. On SQLite a write goes to the
//! one writer connection through sqlx's thread for it: two thread switches
//! and a commit for each line. Written together, at 1,000,000 cases, the
//! console's party page read afresh went from 197-207 to 110-125 µs of CPU
//! and its search from 447-473 to 281-311 µs (`bench/results/2026-12-04-1231-bench.md`).
//! The lines are therefore handed to one task, which writes those waiting
//! in one statement and one commit and then answers each caller: under
//! load, the lines that come while a statement runs go together in the
//! next; alone, a line is written at once, as before. A caller that goes
//! away does not take its line back: it is written all the same.
//!
//! When a statement of several callers' lines is refused for what a line
//! holds (a constraint, a trigger), each caller's lines are written again
//! alone, so that one bad line fails its caller only; when it fails
//! otherwise (the database busy or gone), every caller gets the error at
//! once, as each would have alone.
//!
//! On PostgreSQL a request's lines are one statement that commits by
//! itself on the page's connection, one round trip (`Db::journal`).

use crate::error::StorageError;
use sqlx::AnyPool;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{mpsc, oneshot};

/// A line of the journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line {
    pub at: String,
    pub agent_email: String,
    pub agent_name: String,
    pub court_id: i64,
    pub case_id: Option<i64>,
    pub party_id: Option<i64>,
    pub search: Option<String>,
}

/// One caller's lines, and where to answer him.
struct Pending {
    lines: Vec<Line>,
    written: oneshot::Sender<Result<(), StorageError>>,
}

/// At most this many callers' lines in one statement.
const CALLERS_A_STATEMENT: usize = 256;

/// How many callers may wait for the task before the next waits to hand
/// its lines over.
const WAITING: usize = 4096;

/// The statement that writes lines given as a JSON array of arrays
/// ([`json_of`]): one text whatever their number, so one prepared
/// statement. SQLite's `->>` gives a JSON number as an integer.
pub(crate) const SQLITE_INSERT: &str = "INSERT INTO staff_views
     (at, agent_email, agent_name, court_id, case_id, party_id, search)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, j.value ->> 4, j.value ->> 5, j.value ->> 6
     FROM json_each($1) j";

/// [`SQLITE_INSERT`] on PostgreSQL, whose `->>` gives text.
pub(crate) const POSTGRES_INSERT: &str = "INSERT INTO staff_views
     (at, agent_email, agent_name, court_id, case_id, party_id, search)
     SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, CAST(j.value ->> 3 AS BIGINT),
     CAST(j.value ->> 4 AS BIGINT), CAST(j.value ->> 5 AS BIGINT), j.value ->> 6
     FROM json_array_elements(CAST($1 AS json)) j";

/// `lines` as the JSON the statement reads; `None` without any.
pub(crate) fn json_of<'a>(lines: impl Iterator<Item = &'a Line>) -> Option<String> {
    let rows: Vec<serde_json::Value> = lines
        .map(|l| serde_json::json!([l.at, l.agent_email, l.agent_name, l.court_id, l.case_id, l.party_id, l.search]))
        .collect();
    (!rows.is_empty()).then(|| serde_json::Value::Array(rows).to_string())
}

/// The task that writes the lines, through SQLite's writer pool.
#[derive(Debug)]
pub(crate) struct JournalWriter {
    pending: mpsc::Sender<Pending>,
    /// The statements written, for the tests to see lines written together.
    statements: Arc<AtomicUsize>,
}

impl JournalWriter {
    /// Starts the task; it ends with the last handle.
    pub(crate) fn start(write: AnyPool) -> Self {
        let (pending, mut waiting) = mpsc::channel::<Pending>(WAITING);
        let statements = Arc::new(AtomicUsize::new(0));
        let counted = statements.clone();
        tokio::spawn(async move {
            let mut callers = Vec::with_capacity(CALLERS_A_STATEMENT);
            while waiting.recv_many(&mut callers, CALLERS_A_STATEMENT).await > 0 {
                write_together(&write, std::mem::take(&mut callers), &counted).await;
            }
        });
        Self { pending, statements }
    }

    /// How many statements the task has written.
    pub(crate) fn statements(&self) -> usize {
        self.statements.load(Ordering::SeqCst)
    }

    /// Writes `lines`, returning once they are committed.
    ///
    /// # Errors
    /// Database errors; the task gone (the database closed).
    pub(crate) async fn write(&self, lines: Vec<Line>) -> Result<(), StorageError> {
        let (written, answer) = oneshot::channel();
        let stopped = || StorageError::Database(sqlx::Error::PoolClosed);
        self.pending.send(Pending { lines, written }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// Writes the callers' lines in one statement and answers each caller:
/// if the statement is refused for what a line holds, each caller's lines
/// are written again alone.
async fn write_together(write: &AnyPool, mut callers: Vec<Pending>, statements: &AtomicUsize) {
    if callers.len() == 1 {
        let caller = callers.pop().expect("one caller");
        let alone = insert(write, caller.lines.iter(), statements).await;
        let _ = caller.written.send(alone);
        return;
    }
    match insert(write, callers.iter().flat_map(|c| &c.lines), statements).await {
        Ok(()) => {
            for caller in callers {
                let _ = caller.written.send(Ok(()));
            }
        }
        Err(e) if refused_for_a_line(&e) => {
            for caller in callers {
                let alone = insert(write, caller.lines.iter(), statements).await;
                let _ = caller.written.send(alone);
            }
        }
        Err(e) => {
            let last = callers.pop().expect("several callers");
            for caller in callers {
                let _ = caller.written.send(Err(the_same(&e)));
            }
            let _ = last.written.send(Err(e));
        }
    }
}

/// Whether the database refused the statement for what a line holds: a
/// constraint, or a trigger's `RAISE` (SQLite's `SQLITE_CONSTRAINT`, 19, and
/// its extended codes).
fn refused_for_a_line(e: &StorageError) -> bool {
    let StorageError::Database(sqlx::Error::Database(e)) = e else { return false };
    e.kind() != sqlx::error::ErrorKind::Other
        || e.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| c & 0xff == 19)
}

/// The error of a statement of several callers, for each but one of them
/// (`StorageError` is not `Clone`): unavailable where it is, for the pages
/// to answer 503 alike.
fn the_same(e: &StorageError) -> StorageError {
    if e.is_unavailable() {
        StorageError::Database(sqlx::Error::PoolTimedOut)
    } else {
        StorageError::Database(sqlx::Error::Protocol(format!("the journal's lines were not written: {e}")))
    }
}

async fn insert<'a>(
    write: &AnyPool,
    lines: impl Iterator<Item = &'a Line>,
    statements: &AtomicUsize,
) -> Result<(), StorageError> {
    let Some(json) = json_of(lines) else { return Ok(()) };
    statements.fetch_add(1, Ordering::SeqCst);
    sqlx::query(SQLITE_INSERT).bind(json).execute(write).await?;
    Ok(())
}
