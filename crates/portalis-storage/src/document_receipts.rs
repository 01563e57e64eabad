//! Receipts: when each party first consulted each document.

use crate::error::StorageError;
use crate::time::{instant, parse_instant};
use crate::read::Reads;
use crate::Conn;
use chrono::{DateTime, Utc};

/// Records the first consultation; later ones change nothing.
///
/// # Errors
/// Database errors.
pub async fn record(conn: &mut Conn, document_id: i64, party_id: i64, user_id: i64, now: DateTime<Utc>) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "INSERT INTO document_receipts (document_id, party_id, user_id, first_consulted_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (document_id, party_id) DO NOTHING",
    )
    .bind(document_id)
    .bind(party_id)
    .bind(user_id)
    .bind(instant(now))
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Whether the party's first consultation of the document is recorded
/// already (a read, so that later downloads need no write).
///
/// # Errors
/// Database errors.
pub async fn exists(conn: &mut impl Reads, document_id: i64, party_id: i64) -> Result<bool, StorageError> {
    let found = crate::read::optional(
        conn,
        "SELECT id FROM document_receipts WHERE document_id = $1 AND party_id = $2",
        vec![document_id.into(), party_id.into()],
        |r| r.int("id"),
    )
    .await?;
    Ok(found.is_some())
}

/// A document's receipts: the court's party reference and when.
///
/// # Errors
/// Database errors.
pub async fn of_document(conn: &mut Conn, document_id: i64) -> Result<Vec<(String, DateTime<Utc>)>, StorageError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.party_ref, r.first_consulted_at FROM document_receipts r JOIN parties p ON p.id = r.party_id
         WHERE r.document_id = $1 ORDER BY r.first_consulted_at, p.party_ref",
    )
    .bind(document_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|(p, t)| Ok((p, parse_instant(&t)?))).collect()
}
