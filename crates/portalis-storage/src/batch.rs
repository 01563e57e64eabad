//! Several reads of a page sent at once.
//!
//! On PostgreSQL every query costs a round trip to the server, which on a
//! real network (the database on its own machine) costs more than the
//! query itself. A [`Batch`] sends its queries as one statement: each
//! query becomes a scalar subquery whose rows `json_agg` turns into one
//! JSON array, so the whole batch answers one row of one text column per
//! query, in one round trip, and runs in one snapshot. The JSON is read
//! without copying (keys and values borrowed where they carry no escape),
//! and each row is mapped by the query's own [`MapRow`], through [`Cells`]:
//! the SQL and the row mappings stay those of the single queries.
//!
//! On SQLite the queries run one after the other: SQLite is in the
//! process, a query costs no round trip and aggregating its rows into JSON
//! would only add work.
//!
//! Row order: each query's `ORDER BY` is kept. PostgreSQL does not merge a
//! subquery that has an `ORDER BY` into the query around it, so `json_agg`
//! reads its rows in that order (its documentation: feeding an aggregate
//! from a sorted subquery "will usually work"; this is the case it works
//! for, a plain aggregate over the subquery alone).

use crate::error::StorageError;
use crate::read::{Cells, MapRow, Param};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::any::Any;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

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
            sql.push_str("(SELECT coalesce(json_agg(t), '[]')::text FROM (");
            sql.push_str(&renumber(&part.sql, params.len()));
            sql.push_str(&format!(") t) AS part{i}"));
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

/// Feeds the JSON array of a query's rows (PostgreSQL's answer for one
/// part) to its sink.
pub(crate) fn feed(json: &str, sink: &mut dyn Sink) -> Result<(), StorageError> {
    let rows: Vec<JsonRow<'_>> =
        serde_json::from_str(json).map_err(|e| crate::error::corrupt(format!("a batch's rows: {e}")))?;
    for row in &rows {
        sink.push(row)?;
    }
    Ok(())
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

/// A value of a row in PostgreSQL's JSON: the portal's columns are
/// integers and text (instants and dates are text), or NULL.
#[derive(Debug, PartialEq)]
enum JsonCell<'a> {
    Null,
    Int(i64),
    Text(Cow<'a, str>),
}

/// A row as `json_agg` writes it: an object of its columns.
#[derive(Debug)]
struct JsonRow<'a>(Vec<(Cow<'a, str>, JsonCell<'a>)>);

impl JsonRow<'_> {
    fn cell(&self, column: &str) -> Result<&JsonCell<'_>, StorageError> {
        self.0
            .iter()
            .find(|(name, _)| name == column)
            .map(|(_, v)| v)
            .ok_or_else(|| crate::error::corrupt(format!("no column {column:?} in a batch's row")))
    }
}

fn wrong_type(column: &str, expected: &str) -> StorageError {
    crate::error::corrupt(format!("column {column:?} of a batch's row is not {expected}"))
}

impl Cells for JsonRow<'_> {
    fn int(&self, column: &str) -> Result<i64, StorageError> {
        self.opt_int(column)?.ok_or_else(|| wrong_type(column, "an integer"))
    }
    fn opt_int(&self, column: &str) -> Result<Option<i64>, StorageError> {
        match self.cell(column)? {
            JsonCell::Null => Ok(None),
            JsonCell::Int(i) => Ok(Some(*i)),
            JsonCell::Text(_) => Err(wrong_type(column, "an integer")),
        }
    }
    fn text(&self, column: &str) -> Result<String, StorageError> {
        self.opt_text(column)?.ok_or_else(|| wrong_type(column, "text"))
    }
    fn opt_text(&self, column: &str) -> Result<Option<String>, StorageError> {
        match self.cell(column)? {
            JsonCell::Null => Ok(None),
            JsonCell::Text(s) => Ok(Some(s.clone().into_owned())),
            JsonCell::Int(_) => Err(wrong_type(column, "text")),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonCell<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonCell<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer, a string or null")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(JsonCell::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v).map(JsonCell::Int).map_err(|_| E::custom("an integer beyond i64"))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(JsonCell::Int(i64::from(v)))
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(JsonCell::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(JsonCell::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(JsonCell::Text(Cow::Owned(v)))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(JsonCell::Null)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(JsonCell::Null)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonRow<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = JsonRow<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a row as an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut cells = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    cells.push((key.0, map.next_value()?));
                }
                Ok(JsonRow(cells))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
                Err(serde::de::Error::custom("a row as an array"))
            }
        }
        d.deserialize_map(V)
    }
}

/// A column's name, borrowed from the JSON when it has no escape.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match JsonCell::deserialize(d)? {
            JsonCell::Text(name) => Ok(Key(name)),
            _ => Err(serde::de::Error::custom("a column's name")),
        }
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
            "SELECT (SELECT coalesce(json_agg(t), '[]')::text FROM (SELECT id FROM users WHERE id = $1) t) AS part0, \
             (SELECT coalesce(json_agg(t), '[]')::text FROM (SELECT id FROM cases WHERE court_id = $2 AND ref = $3) t) AS part1"
        );
        assert_eq!(params.len(), 3);
    }

    #[test]
    fn rows_are_read_from_postgresql_json_whatever_it_escapes() {
        let mut b = Batch::new();
        let rows = b.add("", vec![], |r| Ok((r.int("id")?, r.text("label")?, r.opt_text("gone")?, r.opt_int("n")?)));
        let json = r#"[{"id":1,"label":"Audience \"de renvoi\"\nSalle 2 — été","gone":null,"n":null},
 {"id":9007199254740993,"label":"x","gone":"2026-12-03T10:00:00.000000Z","n":-4}]"#;
        let mut part = b.parts.pop().unwrap();
        feed(json, part.sink.as_mut()).unwrap();
        let mut answers = Answers::of(vec![part]);
        assert_eq!(
            answers.take(rows),
            vec![
                (1, "Audience \"de renvoi\"\nSalle 2 — été".to_owned(), None, None),
                (9_007_199_254_740_993, "x".to_owned(), Some("2026-12-03T10:00:00.000000Z".to_owned()), Some(-4)),
            ]
        );
    }

    #[test]
    fn a_row_that_lacks_a_column_or_holds_another_type_is_an_error() {
        let mut b = Batch::new();
        let _ = b.add("", vec![], |r| r.int("id"));
        let mut part = b.parts.pop().unwrap();
        assert!(feed(r#"[{"other":1}]"#, part.sink.as_mut()).is_err());
        assert!(feed(r#"[{"id":"1"}]"#, part.sink.as_mut()).is_err());
        assert!(feed(r#"[{"id":1.5}]"#, part.sink.as_mut()).is_err());
        assert!(feed("not json", part.sink.as_mut()).is_err());
    }
}
