//! Receipts: when each party first consulted each publication of each
//! document (a new file is a new publication, consulted anew).

use crate::Conn;
use crate::error::StorageError;
use crate::read::Reads;
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};

/// Records the first consultation of this publication (`published_at`);
/// later ones change nothing.
///
/// # Errors
/// Database errors.
pub async fn record(
    conn: &mut Conn,
    document_id: i64,
    published_at: DateTime<Utc>,
    party_id: i64,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "INSERT INTO document_receipts (document_id, published_at, party_id, user_id, first_consulted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (document_id, party_id, published_at) DO NOTHING",
    )
    .bind(document_id)
    .bind(instant(published_at))
    .bind(party_id)
    .bind(user_id)
    .bind(instant(now))
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Whether the party's first consultation of this publication is recorded
/// already (a read, so that later downloads need no write).
///
/// # Errors
/// Database errors.
pub async fn exists(
    conn: &mut impl Reads,
    document_id: i64,
    published_at: DateTime<Utc>,
    party_id: i64,
) -> Result<bool, StorageError> {
    let found = crate::read::optional(
        conn,
        "SELECT id FROM document_receipts WHERE document_id = $1 AND published_at = $2 AND party_id = $3",
        vec![document_id.into(), instant(published_at).into(), party_id.into()],
        |r| r.int("id"),
    )
    .await?;
    Ok(found.is_some())
}

/// The receipts of a publication of a document: the court's party
/// reference and when.
///
/// # Errors
/// Database errors.
pub async fn of_publication(
    conn: &mut Conn,
    document_id: i64,
    published_at: DateTime<Utc>,
) -> Result<Vec<(String, DateTime<Utc>)>, StorageError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.party_ref, r.first_consulted_at FROM document_receipts r JOIN parties p ON p.id = r.party_id
         WHERE r.document_id = $1 AND r.published_at = $2 ORDER BY r.first_consulted_at, p.party_ref",
    )
    .bind(document_id)
    .bind(instant(published_at))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|(p, t)| Ok((p, parse_instant(&t)?))).collect()
}
