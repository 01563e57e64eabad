//! PostgreSQL connections for the pages' reads, kept by the portal itself.
//!
//! sqlx's pool checks every connection it takes back with a round trip
//! (a `Sync`, answered by the server): a page's two batches of reads cost
//! four round trips that way, two of them only to check. These
//! connections are taken and put back without a word to the server. One
//! is put back only after a query that ran to its end; a request
//! abandoned in the middle of a query (a client that hung up) drops its
//! connection, which may be in the middle of an answer. One that sat idle
//! longer than [`CHECK_IDLE_AFTER`] is checked before it is used again
//! (the server may have restarted), and when the check fails the others
//! idle as long are closed with it; those idle longer than [`IDLE_LIMIT`],
//! or older than [`LIFETIME`], are closed at the next take (as sqlx's pool
//! closes them), so that the server's sessions do not live for ever.

use crate::batch::{Answers, Batch};
use crate::error::StorageError;
use crate::read::{MapRow, Param, Reads};
use sqlx::any::AnyConnectOptions;
use sqlx::{AnyConnection, Connection};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A connection idle this long is checked before it is used again.
pub(crate) const CHECK_IDLE_AFTER: Duration = Duration::from_secs(10);

/// A connection idle this long is closed rather than used again.
const IDLE_LIMIT: Duration = Duration::from_secs(10 * 60);

/// A connection this old is closed when put back.
const LIFETIME: Duration = Duration::from_secs(30 * 60);

/// How the pages' sessions run their queries: as the portal's others
/// (`db::POSTGRES_SESSION`), and each prepared statement with its generic
/// plan, made once per connection. By default PostgreSQL plans a prepared
/// statement again at every execution while it judges the generic plan
/// costlier than a plan for the values given: it did so for every page's
/// batch (an `IN` list of ids, a time from which events are read), and
/// planning took 40 % of the server's time at 1,000,000 cases, more than
/// running (bench/results/2026-12-03-2*). A page's reads look rows up by
/// ids and by the ranges of an index, whose generic plans are those
/// chosen for any value; their plans at 1,000,000 cases are in
/// bench/results/plans/; a page's journal line (`Db::journal`), an
/// insert, runs here too. The console's search, whose best plan depends on
/// its words, the other writes, the API and the scheduler keep the default
/// on sqlx's pool (`Db::searches`).
const PAGES_PLANS: &str = "SET plan_cache_mode = force_generic_plan";

/// The pages' connections to PostgreSQL.
pub(crate) struct PgPagePool {
    options: AnyConnectOptions,
    /// Idle connections, with when each was opened and put back.
    idle: Mutex<Vec<Idle>>,
    /// As many as may be open at once: a connection put back is kept.
    kept: usize,
    /// At most this many connections at once (`max_connections`).
    permits: Arc<Semaphore>,
    acquire_timeout: Duration,
}

struct Idle {
    conn: AnyConnection,
    opened: Instant,
    since: Instant,
}

impl std::fmt::Debug for PgPagePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgPagePool").field("permits", &self.permits.available_permits()).finish_non_exhaustive()
    }
}

impl PgPagePool {
    pub(crate) fn new(url: &str, max_connections: u32, acquire_timeout: Duration) -> Result<Self, StorageError> {
        let options: AnyConnectOptions = url.parse()?;
        Ok(Self {
            options,
            idle: Mutex::new(Vec::new()),
            kept: max_connections.max(1) as usize,
            permits: Arc::new(Semaphore::new(max_connections.max(1) as usize)),
            acquire_timeout,
        })
    }

    /// A connection: an idle one (checked if it sat too long), or a new one,
    /// all within the acquire timeout.
    pub(crate) async fn take(self: &Arc<Self>) -> Result<PgReads, StorageError> {
        // One deadline for the wait, the check and the connection: a server
        // gone without a word must not hold the request for the network's
        // own timeouts, once per idle connection.
        let deadline = tokio::time::Instant::now() + self.acquire_timeout;
        let timed_out = |_| StorageError::Database(sqlx::Error::PoolTimedOut);
        let permit = tokio::time::timeout_at(deadline, self.permits.clone().acquire_owned())
            .await
            .map_err(timed_out)?
            .map_err(|_| StorageError::Database(sqlx::Error::PoolClosed))?;
        let idle = {
            let mut idle = self.idle.lock().expect("page connections");
            // Those idle or open too long go, wherever they are in the stack.
            for gone in idle.extract_if(.., |c| c.since.elapsed() >= IDLE_LIMIT || c.opened.elapsed() >= LIFETIME) {
                close(gone.conn);
            }
            idle.pop()
        };
        if let Some(Idle { mut conn, opened, since }) = idle {
            let checked = since.elapsed() < CHECK_IDLE_AFTER
                || tokio::time::timeout_at(deadline, conn.ping()).await.is_ok_and(|r| r.is_ok());
            if checked {
                return Ok(PgReads { pool: self.clone(), conn: Some(conn), opened, clean: true, _permit: permit });
            }
            // The server may have gone: those idle longer still (below in
            // the stack) are not tried one by one.
            let stale: Vec<Idle> = {
                let mut idle = self.idle.lock().expect("page connections");
                idle.extract_if(.., |c| c.since.elapsed() >= CHECK_IDLE_AFTER).collect()
            };
            drop(stale);
        }
        let connect = async {
            let mut conn = AnyConnection::connect_with(&self.options).await?;
            let session = format!("{}; {PAGES_PLANS}", crate::db::POSTGRES_SESSION);
            sqlx::Executor::execute(&mut conn, session.as_str()).await?;
            Ok::<_, sqlx::Error>(conn)
        };
        let conn = tokio::time::timeout_at(deadline, connect).await.map_err(timed_out)??;
        Ok(PgReads { pool: self.clone(), conn: Some(conn), opened: Instant::now(), clean: true, _permit: permit })
    }
}

/// A page connection to PostgreSQL, put back when dropped if its last
/// query ran to its end.
pub struct PgReads {
    pool: Arc<PgPagePool>,
    conn: Option<AnyConnection>,
    opened: Instant,
    /// No query is in flight and none failed.
    clean: bool,
    _permit: OwnedSemaphorePermit,
}

impl Drop for PgReads {
    fn drop(&mut self) {
        let Some(conn) = self.conn.take() else { return };
        if self.clean && self.opened.elapsed() < LIFETIME {
            let mut idle = self.pool.idle.lock().expect("page connections");
            if idle.len() < self.pool.kept {
                idle.push(Idle { conn, opened: self.opened, since: Instant::now() });
                return;
            }
        }
        if self.clean {
            close(conn);
        }
        // Otherwise closed by dropping its socket, whatever it was in the
        // middle of: the server ends its session.
    }
}

/// Closes a connection politely (`Terminate`), in the background.
fn close(conn: AnyConnection) {
    if let Ok(runtime) = tokio::runtime::Handle::try_current() {
        runtime.spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), conn.close()).await;
        });
    }
}

impl PgReads {
    /// Runs one statement that changes something and commits by itself (no
    /// transaction: one round trip), to a table the pages' cache does not
    /// read.
    ///
    /// # Errors
    /// Database errors.
    pub async fn execute<'q>(
        &mut self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<u64, StorageError> {
        let conn = self.conn.as_mut().expect("a connection until dropped");
        self.clean = false;
        let done = query.execute(&mut *conn).await;
        self.clean = done.is_ok();
        Ok(done?.rows_affected())
    }
}

impl Reads for PgReads {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        let conn = self.conn.as_mut().expect("a connection until dropped");
        self.clean = false;
        let done = conn.rows(sql, params, map).await;
        self.clean = done.is_ok();
        done
    }

    async fn batch(&mut self, batch: Batch) -> Result<Answers, StorageError> {
        let conn = self.conn.as_mut().expect("a connection until dropped");
        self.clean = false;
        let done = conn.batch(batch).await;
        self.clean = done.is_ok();
        done
    }
}
