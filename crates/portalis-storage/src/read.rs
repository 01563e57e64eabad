//! Reading, for the queries the litigant's pages run on every request.
//!
//! The SQL is written once, as everywhere in this crate; what runs it
//! depends on the backend. On PostgreSQL, and inside transactions, it is
//! sqlx (`Any`). For the pages on SQLite it is a read-only SQLite connection
//! used in place, on the request's own thread: sqlx's SQLite driver runs
//! each connection on a thread of its own and hands every statement and
//! every row across threads, which costs more than the statement itself
//! (measured: about 150 µs of CPU per query on one core, most of it in
//! thread switches; see bench/results/). A read from SQLite's page cache
//! takes microseconds, so running it in place does not hold the request
//! thread back. Both paths go through [`Reads`], and rows through [`Cells`],
//! so that each query and each row mapping exists once.

use crate::batch::{self, Answers, Batch};
use crate::error::StorageError;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Arguments, Row};
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A value bound to a read query, in the order of its `$n` placeholders.
#[derive(Debug, Clone)]
pub enum Param {
    Int(i64),
    Text(String),
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(v)
    }
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(v.to_owned())
    }
}

impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(v)
    }
}

/// The columns of a result row, whatever runs the query. The portal's
/// columns are integers (`BIGINT`) and text (instants and dates are text),
/// or NULL: a batch on PostgreSQL reads them from the text of its rows
/// (`batch.rs`), where another type would be written otherwise (a boolean
/// as `t`).
pub trait Cells {
    fn int(&self, column: &str) -> Result<i64, StorageError>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StorageError>;
    fn text(&self, column: &str) -> Result<String, StorageError>;
    fn opt_text(&self, column: &str) -> Result<Option<String>, StorageError>;
}

impl Cells for AnyRow {
    fn int(&self, column: &str) -> Result<i64, StorageError> {
        Ok(self.try_get(column)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StorageError> {
        Ok(self.try_get(column)?)
    }
    fn text(&self, column: &str) -> Result<String, StorageError> {
        Ok(self.try_get(column)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        Ok(self.try_get(column)?)
    }
}

/// A SQLite row with its statement's column names, read once per query
/// (rusqlite would ask SQLite for every name at every lookup).
struct NamedRow<'a> {
    row: &'a rusqlite::Row<'a>,
    names: &'a [String],
}

impl NamedRow<'_> {
    fn index(&self, column: &str) -> Result<usize, StorageError> {
        self.names
            .iter()
            .position(|n| n == column)
            .ok_or_else(|| StorageError::Sqlite(rusqlite::Error::InvalidColumnName(column.to_owned())))
    }
}

impl Cells for NamedRow<'_> {
    fn int(&self, column: &str) -> Result<i64, StorageError> {
        Ok(self.row.get(self.index(column)?)?)
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StorageError> {
        Ok(self.row.get(self.index(column)?)?)
    }
    fn text(&self, column: &str) -> Result<String, StorageError> {
        Ok(self.row.get(self.index(column)?)?)
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        Ok(self.row.get(self.index(column)?)?)
    }
}

/// Turns a row into a value.
pub type MapRow<T> = fn(&dyn Cells) -> Result<T, StorageError>;

/// What can run a read query: a sqlx connection or transaction, or a page
/// connection ([`PageConn`]).
pub trait Reads: Send {
    /// The rows of `sql` with `params` bound to `$1`, `$2`, … (which must
    /// first appear in that order), each turned into a value by `map`.
    fn rows<T: Send>(
        &mut self,
        sql: &str,
        params: Vec<Param>,
        map: MapRow<T>,
    ) -> impl Future<Output = Result<Vec<T>, StorageError>> + Send;

    /// The rows of every query of `batch` (see `batch.rs`): on PostgreSQL
    /// in one round trip, elsewhere one query after the other.
    fn batch(&mut self, batch: Batch) -> impl Future<Output = Result<Answers, StorageError>> + Send;
}

fn arguments(params: Vec<Param>) -> Result<AnyArguments<'static>, StorageError> {
    let mut args = AnyArguments::default();
    for p in params {
        match p {
            Param::Int(i) => args.add(i),
            Param::Text(s) => args.add(s),
        }
        .map_err(|e| StorageError::Database(sqlx::Error::Encode(e)))?;
    }
    Ok(args)
}

impl Reads for AnyConnection {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        let rows = sqlx::query_with(sql, arguments(params)?).fetch_all(&mut *self).await?;
        rows.iter().map(|r| map(r)).collect()
    }

    async fn batch(&mut self, mut batch: Batch) -> Result<Answers, StorageError> {
        if batch.is_empty() {
        } else if self.backend_name() == "PostgreSQL" {
            let mut columns = Vec::with_capacity(batch.len());
            for i in 0..batch.len() {
                let known = batch::known_columns(&batch.parts[i].sql);
                columns.push(match known {
                    Some(known) => known,
                    None => batch::describe_columns(self, &batch.parts[i].sql).await?,
                });
            }
            let (sql, params) = batch.postgres_statement();
            let row = sqlx::query_with(&sql, arguments(params)?).fetch_one(&mut *self).await?;
            for (i, (part, columns)) in batch.parts.iter_mut().zip(&columns).enumerate() {
                let rows: Option<&str> = row.try_get(i)?;
                batch::feed(rows, columns, part.sink.as_mut())?;
            }
        } else {
            for part in &mut batch.parts {
                let params = std::mem::take(&mut part.params);
                let rows = sqlx::query_with(&part.sql, arguments(params)?).fetch_all(&mut *self).await?;
                for row in &rows {
                    part.sink.push(row)?;
                }
            }
        }
        Ok(Answers::of(batch.parts))
    }
}

impl Reads for PoolConnection<Any> {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        (**self).rows(sql, params, map).await
    }
    async fn batch(&mut self, batch: Batch) -> Result<Answers, StorageError> {
        (**self).batch(batch).await
    }
}

impl Reads for sqlx::Transaction<'_, Any> {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        (**self).rows(sql, params, map).await
    }
    async fn batch(&mut self, batch: Batch) -> Result<Answers, StorageError> {
        (**self).batch(batch).await
    }
}

impl Reads for crate::Tx {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        (**self).rows(sql, params, map).await
    }
    async fn batch(&mut self, batch: Batch) -> Result<Answers, StorageError> {
        (**self).batch(batch).await
    }
}

/// The first row, if any.
///
/// # Errors
/// Database errors.
pub async fn optional<T: Send>(
    conn: &mut impl Reads,
    sql: &str,
    params: Vec<Param>,
    map: MapRow<T>,
) -> Result<Option<T>, StorageError> {
    Ok(conn.rows(sql, params, map).await?.into_iter().next())
}

/// Read-only SQLite connections for the pages, opened on demand and kept.
#[derive(Debug)]
pub(crate) struct SqliteReadPool {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
}

/// How many statements each page connection keeps prepared.
const PREPARED: usize = 64;

/// How many page connections are kept open when idle (a request holds one
/// only while its thread runs its queries, so few are ever in use at once).
const KEPT: usize = 16;

impl SqliteReadPool {
    pub(crate) fn new(path: PathBuf) -> Self {
        Self { path, idle: Mutex::new(Vec::new()) }
    }

    fn open(&self) -> Result<rusqlite::Connection, StorageError> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.set_prepared_statement_cache_capacity(PREPARED);
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -4000;")?;
        Ok(conn)
    }

    fn take(self: &Arc<Self>) -> Result<SqliteReads, StorageError> {
        let idle = self.idle.lock().expect("page connections").pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open()?,
        };
        Ok(SqliteReads { pool: self.clone(), conn: Some(conn) })
    }
}

/// A page connection on SQLite, back to its pool when dropped.
///
/// Its reads run in one read transaction, begun at the first and ended when
/// it is put back: they see one snapshot of the database, as a batch does
/// on PostgreSQL, and the file's shared lock and the WAL's read mark are
/// taken once rather than at every statement (measured: taking and leaving
/// them, through `fcntl`, was 10 to 14 % of a case page's CPU read afresh,
/// bench/results/2026-12-04-*). Every holder takes one for a few reads and
/// drops it (`cached.rs`): none keeps it across a write, whose effects it
/// would not see, nor for long, which would hold back the WAL's checkpoints
/// behind its snapshot.
pub struct SqliteReads {
    pool: Arc<SqliteReadPool>,
    conn: Option<rusqlite::Connection>,
}

impl Drop for SqliteReads {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        // A connection whose transaction cannot be ended is not kept.
        if !c.is_autocommit() && c.prepare_cached("COMMIT").and_then(|mut s| s.raw_execute()).is_err() {
            return;
        }
        let mut idle = self.pool.idle.lock().expect("page connections");
        if idle.len() < KEPT {
            idle.push(c);
        }
    }
}

impl SqliteReads {
    fn run<T>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        let mut out = Vec::new();
        self.each(sql, params, &mut |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    fn run_batch(&mut self, mut batch: Batch) -> Result<Answers, StorageError> {
        for part in &mut batch.parts {
            let params = std::mem::take(&mut part.params);
            self.each(&part.sql, params, &mut |row| part.sink.push(row))?;
        }
        Ok(Answers::of(batch.parts))
    }

    /// Runs `sql` and hands each row to `row`.
    fn each(
        &mut self,
        sql: &str,
        params: Vec<Param>,
        each: &mut dyn FnMut(&dyn Cells) -> Result<(), StorageError>,
    ) -> Result<(), StorageError> {
        tracing::trace!(target: "portalis_storage::read", sql, "page query");
        let conn = self.conn.as_ref().expect("a connection until dropped");
        if conn.is_autocommit() {
            conn.prepare_cached("BEGIN")?.raw_execute()?;
        }
        let mut stmt = conn.prepare_cached(sql)?;
        for (i, p) in params.into_iter().enumerate() {
            // SQLite numbers `$n` parameters in the order they first appear;
            // binding by position is right only if that order is 1, 2, …
            debug_assert!(
                stmt.parameter_name(i + 1).is_none_or(|name| name == format!("${}", i + 1)),
                "parameters must first appear in order: {sql}"
            );
            match p {
                Param::Int(v) => stmt.raw_bind_parameter(i + 1, v)?,
                Param::Text(v) => stmt.raw_bind_parameter(i + 1, v)?,
            }
        }
        let names: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
        let mut rows = stmt.raw_query();
        while let Some(row) = rows.next()? {
            each(&NamedRow { row, names: &names })?;
        }
        Ok(())
    }
}

impl Reads for SqliteReads {
    fn rows<T: Send>(
        &mut self,
        sql: &str,
        params: Vec<Param>,
        map: MapRow<T>,
    ) -> impl Future<Output = Result<Vec<T>, StorageError>> + Send {
        std::future::ready(self.run(sql, params, map))
    }

    fn batch(&mut self, batch: Batch) -> impl Future<Output = Result<Answers, StorageError>> + Send {
        std::future::ready(self.run_batch(batch))
    }
}

/// The connection a page reads through: see the module's documentation
/// and `pg_pages.rs`.
pub enum PageConn {
    Sqlite(SqliteReads),
    Postgres(crate::pg_pages::PgReads),
    /// One of sqlx's pool (`Db::searches`).
    Pool(PoolConnection<Any>),
}

impl Reads for PageConn {
    async fn rows<T: Send>(&mut self, sql: &str, params: Vec<Param>, map: MapRow<T>) -> Result<Vec<T>, StorageError> {
        match self {
            PageConn::Sqlite(c) => c.rows(sql, params, map).await,
            PageConn::Postgres(c) => c.rows(sql, params, map).await,
            PageConn::Pool(c) => c.rows(sql, params, map).await,
        }
    }

    async fn batch(&mut self, batch: Batch) -> Result<Answers, StorageError> {
        match self {
            PageConn::Sqlite(c) => c.batch(batch).await,
            PageConn::Postgres(c) => c.batch(batch).await,
            PageConn::Pool(c) => c.batch(batch).await,
        }
    }
}

pub(crate) fn take(pool: &Arc<SqliteReadPool>) -> Result<PageConn, StorageError> {
    Ok(PageConn::Sqlite(pool.take()?))
}

/// The file of a `sqlite:` URL.
pub(crate) fn sqlite_path(url: &str) -> PathBuf {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:")).unwrap_or(url);
    PathBuf::from(rest.split('?').next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;
    use std::path::PathBuf;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite:///var/lib/portalis/portalis.db?mode=rwc"),
            PathBuf::from("/var/lib/portalis/portalis.db")
        );
        assert_eq!(sqlite_path("sqlite://data/demo/portalis.db"), PathBuf::from("data/demo/portalis.db"));
        assert_eq!(sqlite_path("sqlite:portalis.db"), PathBuf::from("portalis.db"));
    }
}
