//! Connecting to SQLite or PostgreSQL, chosen by URL.

use crate::changes::{Feed, SqliteFeed, Tag};
use crate::error::StorageError;
use crate::journal_writer::{self, JournalWriter, Line};
use crate::page_cache::PageCache;
use crate::pg_pages::PgPagePool;
use crate::read::{PageConn, SqliteReadPool};
use portalis_core::clock::Clock;
use sqlx::AnyConnection;
use sqlx::any::AnyPoolOptions;
use sqlx::{Any, AnyPool, Executor};
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long a request waits for a connection before the database is deemed
/// unavailable (the request then answers 503).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A pooled connection idle at least this long is checked (a round trip)
/// before it is handed out; one used more recently is handed out as it is.
/// sqlx's default checks every connection at every acquisition: a round
/// trip to PostgreSQL before each page's first query, which cost as much
/// as the query (bench/results/2026-12-03-*). A connection that broke
/// while in use recently fails its next query, and sqlx closes it when it
/// returns to the pool (it checks every connection then).
const CHECK_IDLE_AFTER: Duration = Duration::from_secs(10);

/// How the portal's PostgreSQL sessions run their queries, set when each
/// connects: no parallel workers and no JIT compilation. The portal's
/// queries each read a few rows by an index; a parallel plan spends more
/// launching its workers than reading (measured at 1,000,000 cases: 22 ms
/// before the search's first row, bench/results/plans/), and JIT compiles
/// for 100 ms a query the planner misjudges as long.
pub(crate) const POSTGRES_SESSION: &str = "SET jit = off; SET max_parallel_workers_per_gather = 0";

/// The pool's options common to both backends.
fn pool_options() -> AnyPoolOptions {
    AnyPoolOptions::new().acquire_timeout(ACQUIRE_TIMEOUT).test_before_acquire(false).before_acquire(|conn, meta| {
        Box::pin(async move {
            if meta.idle_for >= CHECK_IDLE_AFTER {
                sqlx::Connection::ping(conn).await?;
            }
            Ok(true)
        })
    })
}

/// A connection, inside a transaction or not.
pub type Conn = AnyConnection;
/// A transaction for a change; dereferences to [`Conn`]. What it changes
/// in the tables pages read is recorded by the database's triggers
/// (`changes.rs`); when it commits, this process's page cache forgets it at
/// once.
pub struct Tx {
    inner: sqlx::Transaction<'static, Any>,
    pub(crate) backend: Backend,
    /// Whether `changes::everything_changed` was called.
    pub(crate) everything: bool,
    /// Whether `changes::pause_for_load` was called.
    pub(crate) paused: bool,
    cache: Arc<PageCache>,
    feed: Arc<OnceLock<Feed>>,
}

impl Deref for Tx {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.inner
    }
}

impl Tx {
    /// Holds the row `id` of `table` until the transaction ends, so that
    /// the transactions that check a limit on it and then record against
    /// it run one after the other. On PostgreSQL a row lock (`FOR UPDATE`);
    /// on SQLite nothing to do: a change holds the file's write lock from
    /// its first statement (`BEGIN IMMEDIATE`).
    ///
    /// # Errors
    /// Database errors.
    pub(crate) async fn lock_row(&mut self, table: &str, id: i64) -> Result<(), StorageError> {
        if self.backend == Backend::Postgres {
            sqlx::query(&format!("SELECT id FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind(id)
                .fetch_optional(&mut *self.inner)
                .await?;
        }
        Ok(())
    }

    /// Holds a named lock until the transaction ends (PostgreSQL's
    /// transaction-level advisory lock on the name's hash; SQLite's
    /// transactions take the write lock at `BEGIN` and run one at a time).
    pub(crate) async fn lock_key(&mut self, name: &str) -> Result<(), StorageError> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1)::bigint)")
                .bind(name)
                .execute(&mut *self.inner)
                .await?;
        }
        Ok(())
    }

    /// Commits, then forgets what the transaction changed: on SQLite by
    /// reading the change feed at once (the triggers wrote to it); on
    /// PostgreSQL by the tags the triggers kept in the transaction, read
    /// before committing (the listener hears them too, but later).
    ///
    /// # Errors
    /// Database errors (nothing was changed then).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        let Tx { mut inner, backend, everything, paused, cache, feed } = self;
        if paused {
            crate::changes::resume(backend, &mut inner).await?;
        }
        let Some(feed) = feed.get() else {
            // The cache is off: nothing to forget.
            return inner.commit().await;
        };
        match backend {
            Backend::Sqlite => {
                inner.commit().await?;
                feed.catch_up_now(&cache);
            }
            Backend::Postgres => {
                let (kept,): (Option<String>,) =
                    sqlx::query_as("SELECT current_setting('portalis.changed', true)").fetch_one(&mut *inner).await?;
                inner.commit().await?;
                let mut tags = crate::changes::kept_tags(kept.as_deref().unwrap_or(""));
                if everything {
                    tags.push(Tag::Everything);
                }
                cache.forget(&tags);
            }
        }
        Ok(())
    }

    /// # Errors
    /// Database errors.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.inner.rollback().await
    }
}

/// The connections pages read through.
#[derive(Debug, Clone)]
enum Pages {
    Sqlite(Arc<SqliteReadPool>),
    Postgres(Arc<PgPagePool>),
}

/// Stops the PostgreSQL change listener with the last `Db` handle.
#[derive(Debug, Default)]
struct Listener(OnceLock<tokio::task::AbortHandle>);

impl Drop for Listener {
    fn drop(&mut self) {
        if let Some(h) = self.0.get() {
            h.abort();
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The database. On SQLite, writes go through a pool of one connection (one
/// writer at a time is all SQLite allows; queuing them in the pool avoids
/// "database is locked" on upgrades) and reads through a pool of several (WAL
/// lets them run beside the writer). On PostgreSQL both are the same pool.
#[derive(Debug, Clone)]
pub struct Db {
    backend: Backend,
    read: AnyPool,
    write: AnyPool,
    /// The pages' connections (see `read.rs`, `pg_pages.rs`).
    pages: Pages,
    /// What pages read most, kept true by the change feed (`changes.rs`).
    cache: Arc<PageCache>,
    feed: Arc<OnceLock<Feed>>,
    listener: Arc<Listener>,
    /// On SQLite, the task that writes the staff's journal lines, started
    /// at the first (`journal_writer.rs`).
    journal: Arc<OnceLock<JournalWriter>>,
    url: Arc<str>,
}

impl Db {
    /// Connects to `url` (`sqlite://path/to/file.db` or `postgres://…`).
    /// `max_connections` sizes the read pool (and PostgreSQL's one pool).
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StorageError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        match backend {
            Backend::Sqlite => {
                let url = with_create_mode(url);
                let options = || {
                    pool_options().after_connect(|conn, _meta| {
                        Box::pin(async move {
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
                                     PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                };
                let write = options().max_connections(1).connect(&url).await?;
                let read = options().max_connections(max_connections.max(1)).connect(&url).await?;
                let pages = Pages::Sqlite(Arc::new(SqliteReadPool::new(crate::read::sqlite_path(&url))));
                Ok(Self::assemble(backend, read, write, pages, &url))
            }
            Backend::Postgres => {
                let pool = pool_options()
                    .max_connections(max_connections.max(2))
                    .after_connect(|conn, _meta| {
                        Box::pin(async move { conn.execute(POSTGRES_SESSION).await.map(|_| ()) })
                    })
                    .connect(url)
                    .await?;
                let pages = Pages::Postgres(Arc::new(PgPagePool::new(url, max_connections.max(2), ACQUIRE_TIMEOUT)?));
                Ok(Self::assemble(backend, pool.clone(), pool, pages, url))
            }
        }
    }

    fn assemble(backend: Backend, read: AnyPool, write: AnyPool, pages: Pages, url: &str) -> Self {
        Self {
            backend,
            read,
            write,
            pages,
            cache: Arc::new(PageCache::off()),
            feed: Arc::new(OnceLock::new()),
            listener: Arc::new(Listener::default()),
            journal: Arc::new(OnceLock::new()),
            url: url.into(),
        }
    }

    /// Turns the page cache on, `capacity_bytes` large (0 leaves it off),
    /// once the database is migrated.
    ///
    /// # Errors
    /// Database errors (SQLite: the change feed cannot be read).
    pub fn start_page_cache(&self, capacity_bytes: usize, clock: Arc<dyn Clock>) -> Result<(), StorageError> {
        if capacity_bytes == 0 || self.feed.get().is_some() {
            return Ok(());
        }
        self.cache.start(capacity_bytes, clock);
        match self.backend {
            Backend::Sqlite => {
                let feed = SqliteFeed::open(&crate::read::sqlite_path(&self.url))?;
                let _ = self.feed.set(Feed::Sqlite(std::sync::Mutex::new(feed)));
                self.cache.set_live(true);
            }
            Backend::Postgres => {
                let _ = self.feed.set(Feed::Postgres);
                let handle = crate::changes::listen(self.url.to_string(), Arc::downgrade(&self.cache));
                let _ = self.listener.0.set(handle);
            }
        }
        Ok(())
    }

    /// The page cache, up to date with what other processes committed.
    pub fn page_cache(&self) -> &PageCache {
        if let Some(feed) = self.feed.get() {
            feed.catch_up(&self.cache);
        }
        &self.cache
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for queries that only read.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<sqlx::pool::PoolConnection<Any>, StorageError> {
        Ok(self.read.acquire().await?)
    }

    /// A connection for the reads of a page: in place on SQLite
    /// (`read.rs`), one of the pages' own on PostgreSQL (`pg_pages.rs`).
    pub async fn pages(&self) -> Result<PageConn, StorageError> {
        match &self.pages {
            Pages::Sqlite(pool) => crate::read::take(pool),
            Pages::Postgres(pool) => Ok(PageConn::Postgres(pool.take().await?)),
        }
    }

    /// A connection for a search whose best plan depends on its values
    /// (the console's search of parties, by the prefixes of its words):
    /// as [`Db::pages`] on SQLite; on PostgreSQL one of sqlx's pool, whose
    /// sessions plan an execution for its values where that pays. The
    /// pages' own run generic plans (`pg_pages.rs`), under which a search
    /// of three words would hash every word sharing a prefix.
    ///
    /// # Errors
    /// No connection within the pool's timeout.
    pub async fn searches(&self) -> Result<PageConn, StorageError> {
        match &self.pages {
            Pages::Sqlite(pool) => crate::read::take(pool),
            Pages::Postgres(_) => Ok(PageConn::Pool(self.read().await?)),
        }
    }

    /// Writes lines of the staff's journal, returning once they are
    /// committed (`journal_writer.rs`): one statement that commits by itself
    /// (no transaction), to a table the pages' cache does not read (there is
    /// nothing for it to forget). On PostgreSQL, on a page's connection
    /// (one round trip); on SQLite, with the lines of other requests
    /// waiting for the one writer.
    ///
    /// # Errors
    /// Database errors.
    pub(crate) async fn journal(&self, lines: Vec<Line>) -> Result<(), StorageError> {
        match &self.pages {
            Pages::Sqlite(_) => {
                self.journal.get_or_init(|| JournalWriter::start(self.write.clone())).write(lines).await
            }
            Pages::Postgres(pool) => {
                let Some(json) = journal_writer::json_of(lines.iter()) else { return Ok(()) };
                pool.take().await?.execute(sqlx::query(journal_writer::POSTGRES_INSERT).bind(json)).await?;
                Ok(())
            }
        }
    }

    /// How many statements have written the staff's journal lines on
    /// SQLite (`journal_writer.rs`), for the tests.
    #[cfg(feature = "testing")]
    pub fn journal_statements(&self) -> usize {
        self.journal.get().map_or(0, JournalWriter::statements)
    }

    /// Starts a transaction for a change.
    ///
    /// The `BEGIN` runs in a task of its own, which the caller awaits: a
    /// caller dropped while it waits (a client that hangs up while the
    /// write lock is held by another) cannot leave a connection inside a
    /// transaction that no one will end. sqlx acknowledges a custom
    /// `BEGIN` before it builds the transaction that rolls back on drop; a
    /// cancellation in between left SQLite's connection in its transaction
    /// and the database write-locked, every later write refused (measured:
    /// the benchmark's end of a scenario, wrk hanging up). The task always
    /// finishes, and a transaction nobody takes rolls back when dropped.
    pub async fn begin(&self) -> Result<Tx, StorageError> {
        let (pool, backend) = (self.write.clone(), self.backend);
        let started = tokio::spawn(async move {
            match backend {
                // SQLite: the write lock is taken at once. A deferred
                // transaction that reads, then writes, fails outright (no
                // wait) when another process — a second portal, `portalis
                // import` — committed in between; an immediate one waits
                // its turn.
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
                Backend::Postgres => pool.begin().await,
            }
        });
        let inner = started.await.map_err(|_| StorageError::Database(sqlx::Error::WorkerCrashed))??;
        Ok(Tx {
            inner,
            backend: self.backend,
            everything: false,
            paused: false,
            cache: self.cache.clone(),
            feed: self.feed.clone(),
        })
    }

    /// Applies the migrations that have not been applied yet.
    pub async fn migrate(&self) -> Result<usize, StorageError> {
        crate::migrate::run(self).await
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StorageError> {
        sqlx::query("SELECT 1").fetch_one(&self.read).await?;
        Ok(())
    }

    pub(crate) fn write_pool(&self) -> &AnyPool {
        &self.write
    }

    pub async fn close(&self) {
        if let Some(h) = self.listener.0.get() {
            h.abort();
        }
        self.read.close().await;
        self.write.close().await;
    }
}

pub(crate) fn backend_of(url: &str) -> Result<Backend, StorageError> {
    if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else {
        Err(StorageError::UnsupportedUrl)
    }
}

/// SQLite files are created when missing unless the URL says otherwise.
fn with_create_mode(url: &str) -> String {
    if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// The backend a connection talks to.
pub(crate) fn backend_of_connection(conn: &AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("sqlite") { Backend::Sqlite } else { Backend::Postgres }
}
