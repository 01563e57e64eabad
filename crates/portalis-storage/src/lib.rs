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

/// Identifiers as the parameters of [`placeholders`].
pub(crate) fn int_params(ids: &[i64]) -> Vec<read::Param> {
    ids.iter().map(|i| read::Param::Int(*i)).collect()
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
