//! The portal's data. One portable query layer (`sqlx::Any`) serves SQLite and
//! PostgreSQL: every query here is written once, in SQL both databases accept
//! (`$1` placeholders, `ON CONFLICT`, `RETURNING`, text instants). Only the
//! migrations differ per backend, in `migrations/sqlite` and
//! `migrations/postgres`. `docs/ARCHITECTURE.md` says why.
//!
//! Each module holds the queries of one table (or a table and its satellites)
//! as free functions taking a connection, so that a caller composes them in
//! one transaction.

mod db;
mod error;
mod migrate;
pub mod time;

pub mod api_keys;
pub mod attach_codes;
pub mod attachments;
pub mod audit;
pub mod batch;
pub mod bulk;
pub mod cached;
pub mod cases;
pub mod changes;
pub mod contact_changes;
pub mod courts;
pub mod document_receipts;
pub mod documents;
pub mod events;
pub mod filing_attachments;
pub mod filings;
pub mod job_runs;
mod journal_writer;
pub mod login_attempts;
pub mod notices;
pub mod outbox;
pub mod page_cache;
pub mod parties;
pub mod party_record;
pub mod party_search;
mod pg_pages;
pub mod rate_events;
pub mod read;
pub mod reminder_sweeps;
pub mod sessions;
pub mod staff;
pub mod staff_views;
#[cfg(feature = "testing")]
pub mod testing;
pub mod users;

pub use db::{Backend, Conn, Db, Tx};
pub use error::StorageError;

/// `$1, $2, …, $n`: the placeholders of an `IN (…)` list of `n` values.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// The placeholders of an `IN` list of `ids` (not empty) and its
/// parameters, the list padded with its last id to the next power of two
/// (the same rows): a few statement texts whatever the number of ids, so
/// that each connection prepares each once (on PostgreSQL, a statement a
/// connection has not prepared costs a round trip more).
pub(crate) fn in_list(ids: &[i64]) -> (String, Vec<read::Param>) {
    let n = ids.len().next_power_of_two();
    let last = ids.last().copied().unwrap_or_default();
    let params = (0..n).map(|i| read::Param::Int(ids.get(i).copied().unwrap_or(last))).collect();
    (placeholders(n), params)
}

/// Commits a transaction.
///
/// # Errors
/// Database errors.
pub async fn commit(tx: Tx) -> Result<(), StorageError> {
    Ok(tx.commit().await?)
}

/// What a create-or-replace did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

#[cfg(test)]
mod tests {
    use super::{in_list, read::Param};

    #[test]
    fn an_in_list_is_padded_to_a_power_of_two_with_its_last_id() {
        let ids = |params: Vec<Param>| -> Vec<i64> {
            params.into_iter().map(|p| if let Param::Int(i) = p { i } else { panic!("{p:?}") }).collect()
        };
        let (list, params) = in_list(&[7]);
        assert_eq!((list.as_str(), ids(params)), ("$1", vec![7]));
        let (list, params) = in_list(&[4, 9, 2]);
        assert_eq!((list.as_str(), ids(params)), ("$1, $2, $3, $4", vec![4, 9, 2, 2]));
        let (list, params) = in_list(&[1, 2, 3, 4, 5]);
        assert_eq!(list.matches('$').count(), 8);
        assert_eq!(ids(params), vec![1, 2, 3, 4, 5, 5, 5, 5]);
    }
}
