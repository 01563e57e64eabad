//! Bulk loading for generated data (the benchmark's `bench-data`): many rows
//! a statement, with ids chosen by the caller, then the identity sequences
//! moved past them and the planner's statistics refreshed.
//!
//! Table and column names come from the caller's code, never from input;
//! values are always bound.

use crate::Conn;
use crate::db::{Backend, Db};
use crate::error::StorageError;
use sqlx::any::AnyArguments;
use sqlx::pool::PoolConnection;
use sqlx::{Any, Arguments, Executor};

/// One value of a generated row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Text(String),
    /// A null in a text column.
    Null,
    /// A null in an integer column (PostgreSQL types the parameter).
    NullInt,
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}

impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        v.map_or(Value::NullInt, Value::Int)
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        v.map_or(Value::Null, Value::Text)
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Rows for one table, gathered before they are written.
#[derive(Debug)]
pub struct Rows {
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
}

/// The most values bound to one statement: below SQLite's 32,766 and
/// PostgreSQL's 65,535.
const MAX_BOUND: usize = 30_000;

impl Rows {
    pub fn new(table: &'static str, columns: &'static [&'static str]) -> Self {
        Self { table, columns, values: Vec::new() }
    }

    /// Adds a row; its values are in the order of the columns.
    ///
    /// # Panics
    /// When the row does not have one value per column (a bug in the caller).
    pub fn push(&mut self, row: Vec<Value>) {
        assert_eq!(row.len(), self.columns.len(), "one value per column of {}", self.table);
        self.values.extend(row);
    }

    pub fn len(&self) -> usize {
        self.values.len() / self.columns.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Writes the rows gathered, as few statements as the limits allow, and
    /// empties the buffer.
    ///
    /// # Errors
    /// Database errors.
    pub async fn flush(&mut self, conn: &mut Conn) -> Result<usize, StorageError> {
        let width = self.columns.len();
        let per_statement = (MAX_BOUND / width).max(1);
        let numbered = !conn.backend_name().eq_ignore_ascii_case("sqlite");
        let rows = self.len();
        let mut values = std::mem::take(&mut self.values).into_iter().peekable();
        while values.peek().is_some() {
            let mut args = AnyArguments::default();
            let mut bound = 0;
            for v in values.by_ref().take(per_statement * width) {
                match v {
                    Value::Int(i) => args.add(i),
                    Value::Text(s) => args.add(s),
                    Value::Null => args.add(Option::<String>::None),
                    Value::NullInt => args.add(Option::<i64>::None),
                }
                .map_err(|e| StorageError::Database(sqlx::Error::Encode(e)))?;
                bound += 1;
            }
            let sql = insert_sql(self.table, self.columns, bound / width, numbered);
            sqlx::query_with(&sql, args).execute(&mut *conn).await?;
        }
        Ok(rows)
    }
}

/// `INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)…`, or with anonymous
/// `?` placeholders: SQLite looks a numbered parameter's name up in a list,
/// so binding n of them takes time in n² (30,000 values made a statement
/// take a second), while anonymous ones bind in order.
fn insert_sql(table: &str, columns: &[&str], rows: usize, numbered: bool) -> String {
    let width = columns.len();
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    sql.reserve(rows * width * 8);
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push('$');
                sql.push_str(&(r * width + c + 1).to_string());
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql
}

/// The largest id of a table (0 when empty).
///
/// # Errors
/// Database errors.
pub async fn max_id(conn: &mut Conn, table: &'static str) -> Result<i64, StorageError> {
    let (max,): (Option<i64>,) = sqlx::query_as(&format!("SELECT MAX(id) FROM {table}")).fetch_one(&mut *conn).await?;
    Ok(max.unwrap_or(0))
}

/// The writing connection, prepared for a long load: on SQLite a large page
/// cache and no waiting for the disk between transactions (a crash loses the
/// load, which is then started again on a fresh database); on PostgreSQL
/// commits that do not wait for the WAL flush.
///
/// # Errors
/// Database errors.
pub async fn load_connection(db: &Db) -> Result<PoolConnection<Any>, StorageError> {
    let mut conn = db.write_pool().acquire().await?;
    match db.backend() {
        Backend::Sqlite => {
            conn.execute("PRAGMA cache_size = -512000; PRAGMA synchronous = OFF; PRAGMA temp_store = MEMORY;").await?;
        }
        Backend::Postgres => {
            conn.execute("SET synchronous_commit = off").await?;
        }
    }
    Ok(conn)
}

/// A transaction on the load connection.
pub type LoadTx<'c> = sqlx::Transaction<'c, Any>;

/// Starts a transaction on the load connection, in which the change
/// triggers record nothing (a row of the feed per row loaded would double
/// the load's writes): the loader tells of everything once at the end
/// (`changes::everything_changed`). The pause belongs to the transaction
/// (`changes::pause`), so no other writer ever sees it: on SQLite none
/// runs meanwhile, on PostgreSQL it is a transaction-local setting.
///
/// # Errors
/// Database errors.
pub async fn begin(conn: &mut PoolConnection<Any>) -> Result<LoadTx<'_>, StorageError> {
    let backend = crate::db::backend_of_connection(conn);
    let mut tx = sqlx::Connection::begin(&mut **conn).await?;
    crate::changes::pause(backend, &mut tx).await?;
    Ok(tx)
}

/// Ends the pause and commits.
///
/// # Errors
/// Database errors.
pub async fn commit(mut tx: LoadTx<'_>) -> Result<(), StorageError> {
    let backend = crate::db::backend_of_connection(&tx);
    crate::changes::resume(backend, &mut tx).await?;
    Ok(tx.commit().await?)
}

/// After a load: identity sequences moved past the ids written and
/// statistics refreshed for the planner (PostgreSQL). SQLite is left without
/// statistics: its planner picks the indexes by their shape alone, and with
/// `sqlite_stat4` it would compile again every statement whose bound values
/// might change the plan, at each execution (measured: 5 % of a page's CPU).
///
/// # Errors
/// Database errors.
pub async fn finish(db: &Db, tables: &[&'static str]) -> Result<(), StorageError> {
    let mut conn = db.write_pool().acquire().await?;
    match db.backend() {
        Backend::Sqlite => {
            conn.execute("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2000;").await?;
        }
        Backend::Postgres => {
            for table in tables {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
                );
                conn.execute(sql.as_str()).await?;
                conn.execute(format!("ANALYZE {table}").as_str()).await?;
            }
        }
    }
    Ok(())
}

/// Refreshes PostgreSQL's statistics of tables without an identity column
/// after a load (SQLite needs nothing).
///
/// # Errors
/// Database errors.
pub async fn analyze(db: &Db, tables: &[&'static str]) -> Result<(), StorageError> {
    if db.backend() == Backend::Postgres {
        let mut conn = db.write_pool().acquire().await?;
        for table in tables {
            conn.execute(format!("ANALYZE {table}").as_str()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_statement_numbers_the_placeholders_row_after_row() {
        assert_eq!(insert_sql("t", &["a", "b"], 2, true), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(insert_sql("t", &["a", "b"], 2, false), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
    }
}
