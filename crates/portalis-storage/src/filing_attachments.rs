//! The files attached to an online filing, and the queue of stored files to
//! delete (`file_deletions`). A filing's files are read through the filing
//! (whose queries name its user or its court); they change only while it
//! is a draft.

use crate::error::StorageError;
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};
use portalis_core::attachment::Holding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingAttachment {
    pub id: i64,
    pub filing_id: i64,
    /// Its number in the filing, from 1, never reused.
    pub position: i64,
    /// The kind of piece it is, among its procedure's (`ProcedureForm::pieces`).
    pub piece: String,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub storage_key: String,
    pub added_at: DateTime<Utc>,
}

/// A file to attach, once stored.
#[derive(Debug, Clone)]
pub struct NewAttachment<'a> {
    pub piece: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
    pub storage_key: &'a str,
}

const COLUMNS: &str = "id, filing_id, position, piece, name, content_type, size, sha256, storage_key, added_at";

fn from_row(r: &dyn Cells) -> Result<FilingAttachment, StorageError> {
    Ok(FilingAttachment {
        id: r.int("id")?,
        filing_id: r.int("filing_id")?,
        position: r.int("position")?,
        piece: r.text("piece")?,
        name: r.text("name")?,
        content_type: r.text("content_type")?,
        size: u64::try_from(r.int("size")?).map_err(|_| crate::error::corrupt("negative attachment size"))?,
        sha256: r.text("sha256")?,
        storage_key: r.text("storage_key")?,
        added_at: parse_instant(&r.text("added_at")?)?,
    })
}

/// A filing's files, in the order they were added.
///
/// # Errors
/// Database errors.
pub async fn of_filing(conn: &mut impl Reads, filing_id: i64) -> Result<Vec<FilingAttachment>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM filing_attachments WHERE filing_id = $1 ORDER BY position");
    conn.rows(&sql, vec![filing_id.into()], from_row).await
}

/// How many files and bytes a filing holds.
pub fn holding(files: &[FilingAttachment]) -> Holding {
    Holding { files: files.len(), bytes: files.iter().map(|f| f.size).sum() }
}

/// Queues the deletion of a file about to be stored (`file_deletions`),
/// in a transaction of its own before it is: [`add`] takes it off the
/// queue when it records the file. Its queue number.
///
/// # Errors
/// Database errors.
pub async fn queue_upload(tx: &mut Tx, key: &str, now: DateTime<Utc>) -> Result<i64, StorageError> {
    let (id,): (i64,) =
        sqlx::query_as("INSERT INTO file_deletions (storage_key, queued_at) VALUES ($1, $2) RETURNING id")
            .bind(key)
            .bind(instant(now))
            .fetch_one(&mut **tx)
            .await?;
    Ok(id)
}

/// Adds a file to the user's draft, if it is still one, after `check`
/// accepted it against what the draft holds in this transaction (the
/// draft's row is held first, so that two uploads at once are counted
/// one after the other), and takes its deletion queued by [`queue_upload`]
/// (`pending`) off the queue. `Ok(None)`: not a draft of this user's any
/// more. A file refused stays queued for deletion.
///
/// # Errors
/// Database errors, and `check`'s refusal.
pub async fn add<E>(
    tx: &mut Tx,
    user_id: i64,
    filing_id: i64,
    file: &NewAttachment<'_>,
    pending: i64,
    now: DateTime<Utc>,
    check: impl FnOnce(Holding) -> Result<(), E>,
) -> Result<Result<Option<FilingAttachment>, E>, StorageError> {
    // The draft is touched and its next number taken first, which holds
    // its row (SQLite's write lock, PostgreSQL's row lock): the files are
    // counted after, two uploads at once one after the other.
    let next: Option<(i64,)> = sqlx::query_as(
        "UPDATE filings SET updated_at = $1, attachments_numbered = attachments_numbered + 1
         WHERE id = $2 AND user_id = $3 AND status = 'brouillon' RETURNING attachments_numbered",
    )
    .bind(instant(now))
    .bind(filing_id)
    .bind(user_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((position,)) = next else { return Ok(Ok(None)) };
    let held = holding(&of_filing(tx, filing_id).await?);
    if let Err(e) = check(held) {
        return Ok(Err(e));
    }
    let conn: &mut Conn = tx;
    let row = sqlx::query(&format!(
        "INSERT INTO filing_attachments (filing_id, position, piece, name, content_type, size, sha256, storage_key, added_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING {COLUMNS}"
    ))
    .bind(filing_id)
    .bind(position)
    .bind(file.piece)
    .bind(file.name)
    .bind(file.content_type)
    .bind(i64::try_from(file.size).unwrap_or(i64::MAX))
    .bind(file.sha256)
    .bind(file.storage_key)
    .bind(instant(now))
    .fetch_one(&mut *conn)
    .await?;
    deleted(tx, pending).await?;
    Ok(Ok(Some(from_row(&row)?)))
}

/// Removes a file from the user's draft; its stored file is queued for
/// deletion in this transaction. Whether there was one to remove.
///
/// # Errors
/// Database errors.
pub async fn remove(
    tx: &mut Tx,
    user_id: i64,
    filing_id: i64,
    position: i64,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let touched =
        sqlx::query("UPDATE filings SET updated_at = $1 WHERE id = $2 AND user_id = $3 AND status = 'brouillon'")
            .bind(instant(now))
            .bind(filing_id)
            .bind(user_id)
            .execute(&mut **tx)
            .await?;
    if touched.rows_affected() != 1 {
        return Ok(false);
    }
    let removed: Option<(String,)> =
        sqlx::query_as("DELETE FROM filing_attachments WHERE filing_id = $1 AND position = $2 RETURNING storage_key")
            .bind(filing_id)
            .bind(position)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((key,)) = removed else { return Ok(false) };
    queue_deletion(tx, &key, now).await?;
    Ok(true)
}

async fn queue_deletion(tx: &mut Tx, key: &str, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query("INSERT INTO file_deletions (storage_key, queued_at) VALUES ($1, $2)")
        .bind(key)
        .bind(instant(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Queues the deletion of a filing's files, before the filing is deleted
/// in the same transaction.
///
/// # Errors
/// Database errors.
pub(crate) async fn queue_deletions_of(tx: &mut Tx, filing_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO file_deletions (storage_key, queued_at)
         SELECT storage_key, $1 FROM filing_attachments WHERE filing_id = $2",
    )
    .bind(instant(now))
    .bind(filing_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A stored file waiting for deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    pub id: i64,
    pub storage_key: String,
}

/// The next files to delete, the oldest queued first (after the deletion
/// `after_id`: a pass goes on past one it could not do), among those queued
/// before `queued_before`: a file being uploaded is queued a moment before
/// it is recorded, and the scheduler leaves it that moment (an hour).
///
/// # Errors
/// Database errors.
pub async fn due_deletions(
    conn: &mut impl Reads,
    queued_before: DateTime<Utc>,
    after_id: i64,
    limit: i64,
) -> Result<Vec<Deletion>, StorageError> {
    conn.rows(
        "SELECT id, storage_key FROM file_deletions WHERE queued_at < $1 AND id > $2 ORDER BY id LIMIT $3",
        vec![instant(queued_before).into(), after_id.into(), limit.into()],
        |r| Ok(Deletion { id: r.int("id")?, storage_key: r.text("storage_key")? }),
    )
    .await
}

/// Forgets a deletion once the file is gone from the store.
///
/// # Errors
/// Database errors.
pub async fn deleted(tx: &mut Tx, id: i64) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM file_deletions WHERE id = $1").bind(id).execute(&mut **tx).await?;
    Ok(())
}
