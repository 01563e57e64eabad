//! Several reads of a page sent at once.
//!
//! On PostgreSQL every query costs a round trip to the server, which on a
//! real network (the database on its own machine) costs more than the
//! query itself. A [`Batch`] sends its queries as one statement: each
//! query becomes a scalar subquery that joins the text of its rows
//! (`string_agg(batch_row::text, ',')`, PostgreSQL's `record_out`), so the whole
//! batch answers one row of one text column per query, in one round trip,
//! and runs in one snapshot. The text is read without copying (values
//! borrowed where nothing in them is doubled), with the names of the
//! query's columns, described by the server once a process, and each row
//! is mapped by the query's own [`MapRow`], through [`Cells`]: the SQL and
//! the row mappings stay those of the single queries. The batch was first
//! aggregated with `json_agg`, which looks each column's type up again at
//! every row: the rows' text cost the server a fifth less (measured with
//! pgbench on Mes dossiers' batch at 1,000,000 cases, 264-265 → 202-215 µs
//! of its CPU; bench/results/2026-12-04-1231-bench.md).
//!
//! On SQLite the queries run one after the other: SQLite is in the
//! process, a query costs no round trip and aggregating its rows into text
//! would only add work.
//!
//! Row order: each query's `ORDER BY` is kept. PostgreSQL does not merge a
//! subquery that has an `ORDER BY` into the query around it, so `string_agg`
//! reads its rows in that order (its documentation: feeding an aggregate
//! from a sorted subquery "will usually work"; this is the case it works
//! for, a plain aggregate over the subquery alone).

use crate::error::{StorageError, corrupt};
use crate::read::{Cells, MapRow, Param};
use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::marker::PhantomData;
use std::sync::{Arc, LazyLock, RwLock};

/// Queries to run together; [`Reads::batch`](crate::read::Reads::batch)
/// runs them.
#[derive(Default)]
pub struct Batch {
    pub(crate) parts: Vec<Part>,
}

/// A query of a batch, with what collects its rows.
pub(crate) struct Part {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
    pub(crate) sink: Box<dyn Sink>,
}

/// The handle of a query added to a batch, to take its rows back.
#[must_use = "the rows are taken back with it"]
pub struct Rows<T> {
    index: usize,
    kind: PhantomData<fn() -> T>,
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a query: `sql` with `params` bound to `$1`, `$2`, … (which must
    /// first appear in that order, as for [`Reads::rows`](crate::read::Reads::rows)),
    /// each row turned into a value by `map`.
    pub fn add<T: Send + 'static>(&mut self, sql: impl Into<String>, params: Vec<Param>, map: MapRow<T>) -> Rows<T> {
        self.parts.push(Part { sql: sql.into(), params, sink: Box::new(Collect { map, rows: Vec::new() }) });
        Rows { index: self.parts.len() - 1, kind: PhantomData }
    }

    pub fn len(&self) -> usize {
        self.parts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The batch as one PostgreSQL statement, and its parameters: each
    /// query's `$n` renumbered after those of the queries before it.
    pub(crate) fn postgres_statement(&mut self) -> (String, Vec<Param>) {
        let mut sql = String::from("SELECT ");
        let mut params = Vec::new();
        for (i, part) in self.parts.iter_mut().enumerate() {
            debug_assert_eq!(highest_placeholder(&part.sql), part.params.len(), "the parameters of {}", part.sql);
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str("(SELECT string_agg(batch_row::text, ',') FROM (");
            sql.push_str(&renumber(&part.sql, params.len()));
            sql.push_str(&format!(") batch_row) AS part{i}"));
            params.append(&mut part.params);
        }
        (sql, params)
    }
}

/// The rows of a batch's queries, once it ran.
pub struct Answers {
    collected: Vec<Option<Box<dyn Any + Send>>>,
}

impl Answers {
    pub(crate) fn of(parts: Vec<Part>) -> Self {
        Self { collected: parts.into_iter().map(|p| Some(p.sink.finish())).collect() }
    }

    /// The rows of the query `rows` was returned for.
    ///
    /// # Panics
    /// When taken twice, or from another batch's answers (a bug).
    pub fn take<T: Send + 'static>(&mut self, rows: Rows<T>) -> Vec<T> {
        let collected = self.collected.get_mut(rows.index).and_then(Option::take).expect("rows taken once");
        *collected.downcast::<Vec<T>>().expect("rows of this batch")
    }
}

/// Collects a query's rows, whatever runs it.
pub(crate) trait Sink: Send {
    fn push(&mut self, row: &dyn Cells) -> Result<(), StorageError>;
    fn finish(self: Box<Self>) -> Box<dyn Any + Send>;
}

struct Collect<T> {
    map: MapRow<T>,
    rows: Vec<T>,
}

impl<T: Send + 'static> Sink for Collect<T> {
    fn push(&mut self, row: &dyn Cells) -> Result<(), StorageError> {
        self.rows.push((self.map)(row)?);
        Ok(())
    }

    fn finish(self: Box<Self>) -> Box<dyn Any + Send> {
        Box::new(self.rows)
    }
}

/// The highest `$n` of `sql` (0 without any): a query's parameters must be
/// exactly those, or the next query's would be bound in their place.
fn highest_placeholder(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut highest = 0;
    for (i, _) in sql.match_indices('$') {
        let digits: String = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).map(|&c| c as char).collect();
        highest = highest.max(digits.parse().unwrap_or(0));
    }
    highest
}

/// `$n` placeholders moved up by `offset` (outside quoted strings and
/// identifiers). The portal's queries hold no comment and no dollar-quoted
/// text, which this does not read.
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '$') if chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = 0usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n * 10 + d as usize;
                    chars.next();
                }
                out.push('$');
                out.push_str(&(n + offset).to_string());
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The names of a query's columns, by its SQL, as PostgreSQL described
/// them: a row's text (`batch_row::text`) holds only its values. The portal's
/// queries are a few dozen texts (an `IN` list's length is rounded up to a
/// power of two); the bound only keeps a bug from growing it for ever.
static COLUMNS: LazyLock<RwLock<HashMap<String, Columns>>> = LazyLock::new(Default::default);

/// How many queries' columns are kept.
const COLUMNS_KEPT: usize = 1024;

/// The names of a query's columns, in order.
pub(crate) type Columns = Arc<[Box<str>]>;

/// The columns of `sql`, if this process described them already.
pub(crate) fn known_columns(sql: &str) -> Option<Columns> {
    COLUMNS.read().expect("columns").get(sql).cloned()
}

/// The columns of `sql`, as the server describes them when it prepares it
/// (one round trip, once a process: they are kept). The statement is kept
/// prepared on the connection, under its text, with the parameters' types
/// the server infers: the pages' queries bind and read only `BIGINT` and
/// `TEXT` (see `Cells`), which it infers for them.
pub(crate) async fn describe_columns(conn: &mut sqlx::AnyConnection, sql: &str) -> Result<Columns, StorageError> {
    let prepared = sqlx::Executor::prepare_with(&mut *conn, sql, &[]).await?;
    let columns: Columns = sqlx::Statement::columns(&prepared).iter().map(|c| sqlx::Column::name(c).into()).collect();
    let mut known = COLUMNS.write().expect("columns");
    if known.len() < COLUMNS_KEPT {
        known.insert(sql.to_owned(), columns.clone());
    }
    Ok(columns)
}

/// Feeds a query's rows, as PostgreSQL's text of each row joined by commas
/// (`string_agg(batch_row::text, ',')`, NULL without rows), to its sink.
pub(crate) fn feed(rows: Option<&str>, columns: &[Box<str>], sink: &mut dyn Sink) -> Result<(), StorageError> {
    let Some(rows) = rows else { return Ok(()) };
    let mut rest = rows;
    let mut cells = Vec::with_capacity(columns.len());
    loop {
        cells.clear();
        rest = record(rest, &mut cells)?;
        if cells.len() != columns.len() {
            return Err(corrupt(format!("a batch's row has {} values for {} columns", cells.len(), columns.len())));
        }
        sink.push(&RecordRow { columns, cells: &cells })?;
        match rest.strip_prefix(',') {
            Some(next) => rest = next,
            None if rest.is_empty() => return Ok(()),
            None => return Err(corrupt("a batch's rows go on after a row")),
        }
    }
}

/// Reads one row's text at the start of `text` into `cells`, and returns
/// what follows it. PostgreSQL writes a row (`record_out`) as its values
/// between parentheses, separated by commas: NULL as nothing; a value in
/// double quotes when it is empty or holds a quote, a backslash, a
/// parenthesis, a comma or a space, each quote and backslash then doubled;
/// any other value as it is.
fn record<'a>(text: &'a str, cells: &mut Vec<Option<Cow<'a, str>>>) -> Result<&'a str, StorageError> {
    let mut rest = text.strip_prefix('(').ok_or_else(|| corrupt("a batch's row does not start with '('"))?;
    loop {
        let (cell, after) = value(rest)?;
        cells.push(cell);
        let mut chars = after.chars();
        match chars.next() {
            Some(',') => rest = chars.as_str(),
            Some(')') => return Ok(chars.as_str()),
            _ => return Err(corrupt("a batch's row is cut short")),
        }
    }
}

/// One value of a row's text, and what follows it.
fn value(text: &str) -> Result<(Option<Cow<'_, str>>, &str), StorageError> {
    let Some(quoted) = text.strip_prefix('"') else {
        let end = text.find([',', ')']).unwrap_or(text.len());
        let raw = &text[..end];
        return Ok(((!raw.is_empty()).then_some(Cow::Borrowed(raw)), &text[end..]));
    };
    // Borrowed up to the first doubled character, copied from there.
    let mut owned: Option<String> = None;
    let mut start = 0;
    let bytes = quoted.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if bytes.get(i + 1) == Some(&b'"') => {}
            b'"' => {
                let cell = match owned {
                    Some(mut s) => {
                        s.push_str(&quoted[start..i]);
                        Cow::Owned(s)
                    }
                    None => Cow::Borrowed(&quoted[..i]),
                };
                return Ok((Some(cell), &quoted[i + 1..]));
            }
            b'\\' if i + 1 < bytes.len() => {}
            _ => {
                i += 1;
                continue;
            }
        }
        // A doubled quote or an escaped character: keep the second.
        owned.get_or_insert_with(String::new).push_str(&quoted[start..i]);
        start = i + 1;
        i += 2;
    }
    Err(corrupt("a batch's value is not closed"))
}

/// A row read from its text, with its query's column names.
struct RecordRow<'a, 'b> {
    columns: &'b [Box<str>],
    cells: &'b [Option<Cow<'a, str>>],
}

impl RecordRow<'_, '_> {
    fn cell(&self, column: &str) -> Result<Option<&str>, StorageError> {
        let i = self
            .columns
            .iter()
            .position(|name| &**name == column)
            .ok_or_else(|| corrupt(format!("no column {column:?} in a batch's row")))?;
        Ok(self.cells[i].as_deref())
    }
}

fn wrong_type(column: &str, expected: &str) -> StorageError {
    corrupt(format!("column {column:?} of a batch's row is not {expected}"))
}

impl Cells for RecordRow<'_, '_> {
    fn int(&self, column: &str) -> Result<i64, StorageError> {
        self.opt_int(column)?.ok_or_else(|| wrong_type(column, "an integer"))
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StorageError> {
        self.cell(column)?.map(|v| v.parse().map_err(|_| wrong_type(column, "an integer"))).transpose()
    }
    fn text(&self, column: &str) -> Result<String, StorageError> {
        self.opt_text(column)?.ok_or_else(|| wrong_type(column, "text"))
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        Ok(self.cell(column)?.map(str::to_owned))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_move_up_past_those_of_the_queries_before() {
        assert_eq!(
            renumber("SELECT a FROM t WHERE b = $1 AND c IN ($2, $10)", 3),
            "SELECT a FROM t WHERE b = $4 AND c IN ($5, $13)"
        );
        assert_eq!(renumber("SELECT '$1', \"$2\" FROM t WHERE x = $1", 1), "SELECT '$1', \"$2\" FROM t WHERE x = $2");
        assert_eq!(renumber("SELECT $1", 0), "SELECT $1");
    }

    #[test]
    fn a_batch_is_one_statement_whose_parameters_follow_each_other() {
        let mut b = Batch::new();
        let _a = b.add("SELECT id FROM users WHERE id = $1", vec![Param::Int(7)], |r| r.int("id"));
        let _c = b.add("SELECT id FROM cases WHERE court_id = $1 AND ref = $2", vec![Param::Int(3), "x".into()], |r| {
            r.int("id")
        });
        let (sql, params) = b.postgres_statement();
        assert_eq!(
            sql,
            "SELECT (SELECT string_agg(batch_row::text, ',') FROM (SELECT id FROM users WHERE id = $1) batch_row) AS part0, \
             (SELECT string_agg(batch_row::text, ',') FROM (SELECT id FROM cases WHERE court_id = $2 AND ref = $3) batch_row) \
             AS part1"
        );
        assert_eq!(params.len(), 3);
    }

    fn columns(names: &[&str]) -> Vec<Box<str>> {
        names.iter().map(|&n| n.into()).collect()
    }

    #[test]
    fn rows_are_read_from_postgresql_row_text_whatever_it_quotes() {
        let mut b = Batch::new();
        let rows = b.add("", vec![], |r| Ok((r.int("id")?, r.text("label")?, r.opt_text("gone")?, r.opt_int("n")?)));
        // As `record_out` writes them: a value with a quote, a backslash, a
        // comma, a parenthesis or a space is quoted, its quotes and
        // backslashes doubled; the empty string is quoted; NULL is nothing.
        let text = "(1,\"Audience \"\"de renvoi\"\"\nSalle (2), C:\\\\temp — été\",,),\
                    (9007199254740993,\"\",2026-12-03T10:00:00.000000Z,-4),(3,x\"\"y,\"\"\"\"\"\",0)";
        let mut part = b.parts.pop().unwrap();
        feed(Some(text), &columns(&["id", "label", "gone", "n"]), part.sink.as_mut()).unwrap();
        let mut answers = Answers::of(vec![part]);
        assert_eq!(
            answers.take(rows),
            vec![
                (1, "Audience \"de renvoi\"\nSalle (2), C:\\temp — été".to_owned(), None, None),
                (9_007_199_254_740_993, String::new(), Some("2026-12-03T10:00:00.000000Z".to_owned()), Some(-4)),
                (3, "x\"\"y".to_owned(), Some("\"\"".to_owned()), Some(0)),
            ]
        );
    }

    #[test]
    fn a_query_without_rows_answers_null() {
        let mut b = Batch::new();
        let rows = b.add("", vec![], |r| r.int("id"));
        let mut part = b.parts.pop().unwrap();
        feed(None, &columns(&["id"]), part.sink.as_mut()).unwrap();
        assert!(Answers::of(vec![part]).take(rows).is_empty());
    }

    #[test]
    fn a_row_that_lacks_a_column_or_holds_another_type_or_is_cut_is_an_error() {
        let mut b = Batch::new();
        let _ = b.add("", vec![], |r| r.int("id"));
        let mut part = b.parts.pop().unwrap();
        let id = columns(&["id"]);
        assert!(feed(Some("(1)"), &columns(&["other"]), part.sink.as_mut()).is_err());
        assert!(feed(Some("(x)"), &id, part.sink.as_mut()).is_err());
        assert!(feed(Some("(1.5)"), &id, part.sink.as_mut()).is_err());
        assert!(feed(Some("(1,2)"), &id, part.sink.as_mut()).is_err(), "more values than columns");
        assert!(feed(Some("(1"), &id, part.sink.as_mut()).is_err());
        assert!(feed(Some("(\"1)"), &id, part.sink.as_mut()).is_err());
        assert!(feed(Some("(1)x"), &id, part.sink.as_mut()).is_err());
        assert!(feed(Some("1"), &id, part.sink.as_mut()).is_err());
    }
}
