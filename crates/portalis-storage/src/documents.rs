//! Documents made available on a case, and to whom.

use crate::batch::{Answers, Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{Cells, Param, Reads};
use crate::time::{date, instant, parse_date, parse_instant};
use crate::{Conn, Outcome, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use portalis_core::document::DocumentKind;

/// What the court says of a document, with the stored file's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct DocumentInput {
    pub title: String,
    pub kind: DocumentKind,
    pub issued_on: NaiveDate,
    pub event_id: Option<i64>,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
    /// The parties it is addressed to, by id, sorted; empty means all parties.
    pub addressee_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: i64,
    pub case_id: i64,
    pub document_ref: String,
    pub details: DocumentInput,
    /// The court's references of the event and of the addressees.
    pub event_ref: Option<String>,
    pub addressee_refs: Vec<String>,
    /// When the current file was made available.
    pub published_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "d.id, d.case_id, d.document_ref, d.title, d.kind, d.issued_on, d.event_id, d.content_type, \
    d.size_bytes, d.sha256, d.storage_key, d.all_parties, d.published_at, d.withdrawn_at, e.event_ref";

/// The addressees (document id, party id, party_ref) of documents, in one
/// query.
async fn addressees_of(conn: &mut impl Reads, document_ids: &[i64]) -> Result<Vec<(i64, i64, String)>, StorageError> {
    if document_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT a.document_id, p.id, p.party_ref FROM document_addressees a JOIN parties p ON p.id = a.party_id
         WHERE a.document_id IN ({}) ORDER BY a.document_id, p.id",
        crate::placeholders(document_ids.len())
    );
    let params = document_ids.iter().map(|i| Param::Int(*i)).collect();
    conn.rows(&sql, params, |r| Ok((r.int("document_id")?, r.int("id")?, r.text("party_ref")?))).await
}

/// A document from its row, and whether it is for all parties; its
/// addressees are filled in by [`with_addressees`].
fn from_row(row: &dyn Cells) -> Result<(Document, bool), StorageError> {
    let kind = row.text("kind")?;
    let withdrawn = row.opt_text("withdrawn_at")?;
    let document = Document {
        id: row.int("id")?,
        case_id: row.int("case_id")?,
        document_ref: row.text("document_ref")?,
        details: DocumentInput {
            title: row.text("title")?,
            kind: DocumentKind::parse(&kind).map_err(|_| corrupt(format!("document kind {kind:?}")))?,
            issued_on: parse_date(&row.text("issued_on")?)?,
            event_id: row.opt_int("event_id")?,
            content_type: row.text("content_type")?,
            size_bytes: row.int("size_bytes")?,
            sha256: row.text("sha256")?,
            storage_key: row.text("storage_key")?,
            addressee_ids: Vec::new(),
        },
        event_ref: row.opt_text("event_ref")?,
        addressee_refs: Vec::new(),
        published_at: parse_instant(&row.text("published_at")?)?,
        withdrawn_at: withdrawn.as_deref().map(parse_instant).transpose()?,
    };
    Ok((document, row.int("all_parties")? == 1))
}

/// Documents with their addressees (one more query, for those not
/// addressed to all parties).
async fn with_addressees(conn: &mut impl Reads, rows: Vec<(Document, bool)>) -> Result<Vec<Document>, StorageError> {
    let ids: Vec<i64> = rows.iter().filter(|(_, all)| !all).map(|(d, _)| d.id).collect();
    let addressees = addressees_of(conn, &ids).await?;
    Ok(joined(rows, &addressees))
}

/// Each document with its addressees among `addressees` (none for a
/// document addressed to all parties).
fn joined(rows: Vec<(Document, bool)>, addressees: &[(i64, i64, String)]) -> Vec<Document> {
    rows.into_iter()
        .map(|(mut d, all)| {
            for (_, party_id, party_ref) in addressees.iter().filter(|(doc, _, _)| !all && *doc == d.id) {
                d.details.addressee_ids.push(*party_id);
                d.addressee_refs.push(party_ref.clone());
            }
            d
        })
        .collect()
}

/// # Errors
/// Database errors.
pub async fn find(conn: &mut impl Reads, case_id: i64, document_ref: &str) -> Result<Option<Document>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM documents d LEFT JOIN events e ON e.id = d.event_id
         WHERE d.case_id = $1 AND d.document_ref = $2"
    );
    let rows = conn.rows(&sql, vec![case_id.into(), document_ref.into()], from_row).await?;
    Ok(with_addressees(conn, rows).await?.pop())
}

/// The documents of a case that are not withdrawn, newest first.
///
/// # Errors
/// Database errors.
pub async fn of_case(conn: &mut impl Reads, case_id: i64) -> Result<Vec<Document>, StorageError> {
    let rows = conn.rows(&of_case_sql(), vec![case_id.into()], from_row).await?;
    with_addressees(conn, rows).await
}

fn of_case_sql() -> String {
    format!(
        "SELECT {COLUMNS} FROM documents d LEFT JOIN events e ON e.id = d.event_id
         WHERE d.case_id = $1 AND d.withdrawn_at IS NULL ORDER BY d.issued_on DESC, d.id DESC"
    )
}

/// [`of_case`] in a batch: the documents and their addressees, two
/// queries that do not wait for each other.
pub fn of_case_in(batch: &mut Batch, case_id: i64) -> OfCase {
    let addressees =
        "SELECT a.document_id, p.id, p.party_ref FROM document_addressees a JOIN parties p ON p.id = a.party_id
         WHERE a.document_id IN (SELECT id FROM documents WHERE case_id = $1 AND withdrawn_at IS NULL)
         ORDER BY a.document_id, p.id";
    OfCase {
        documents: batch.add(of_case_sql(), vec![case_id.into()], from_row),
        addressees: batch
            .add(addressees, vec![case_id.into()], |r| Ok((r.int("document_id")?, r.int("id")?, r.text("party_ref")?))),
    }
}

/// The documents of a case read in a batch ([`of_case_in`]).
pub struct OfCase {
    documents: Rows<(Document, bool)>,
    addressees: Rows<(i64, i64, String)>,
}

impl OfCase {
    /// As [`of_case`] gives them.
    pub fn take(self, answers: &mut Answers) -> Vec<Document> {
        let rows = answers.take(self.documents);
        joined(rows, &answers.take(self.addressees))
    }
}

/// What [`put`] did.
#[derive(Debug, Clone, PartialEq)]
pub struct Put {
    pub document: Document,
    pub outcome: Outcome,
    /// Whether this write made the document available anew (a new
    /// document, a new file, or a withdrawn one back): the event the avis
    /// de mise à disposition follows. Said by the writer, not inferred
    /// from `published_at` afterwards.
    pub published: bool,
}

/// Creates the document or replaces it; the same metadata and file twice
/// change nothing. A new file is a new making-available (`published_at`).
///
/// # Errors
/// Database errors.
pub async fn put(
    tx: &mut Tx,
    case_id: i64,
    document_ref: &str,
    input: &DocumentInput,
    now: DateTime<Utc>,
) -> Result<Put, StorageError> {
    let existing = find(&mut **tx, case_id, document_ref).await?;
    let conn: &mut Conn = tx;
    let now_s = instant(now);
    let all_parties: i64 = if input.addressee_ids.is_empty() { 1 } else { 0 };
    let (id, outcome, published) = match existing {
        Some(d) if d.details == *input && d.withdrawn_at.is_none() => {
            return Ok(Put { document: d, outcome: Outcome::Unchanged, published: false });
        }
        Some(d) => {
            let outcome = if d.withdrawn_at.is_some() { Outcome::Created } else { Outcome::Updated };
            let republished = d.details.sha256 != input.sha256 || d.withdrawn_at.is_some();
            let published_at = if republished { now_s.clone() } else { instant(d.published_at) };
            sqlx::query(
                "UPDATE documents SET title = $1, kind = $2, issued_on = $3, event_id = $4, content_type = $5,
                 size_bytes = $6, sha256 = $7, storage_key = $8, all_parties = $9, published_at = $10, updated_at = $11,
                 withdrawn_at = NULL WHERE id = $12",
            )
            .bind(&input.title)
            .bind(input.kind.code())
            .bind(date(input.issued_on))
            .bind(input.event_id)
            .bind(&input.content_type)
            .bind(input.size_bytes)
            .bind(&input.sha256)
            .bind(&input.storage_key)
            .bind(all_parties)
            .bind(&published_at)
            .bind(&now_s)
            .bind(d.id)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM document_addressees WHERE document_id = $1")
                .bind(d.id)
                .execute(&mut *conn)
                .await?;
            (d.id, outcome, republished)
        }
        None => {
            let row = sqlx::query(
                "INSERT INTO documents (case_id, document_ref, title, kind, issued_on, event_id, content_type, size_bytes,
                 sha256, storage_key, all_parties, published_at, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $12) RETURNING id",
            )
            .bind(case_id)
            .bind(document_ref)
            .bind(&input.title)
            .bind(input.kind.code())
            .bind(date(input.issued_on))
            .bind(input.event_id)
            .bind(&input.content_type)
            .bind(input.size_bytes)
            .bind(&input.sha256)
            .bind(&input.storage_key)
            .bind(all_parties)
            .bind(&now_s)
            .fetch_one(&mut *conn)
            .await?;
            (row.int("id")?, Outcome::Created, true)
        }
    };
    for party_id in &input.addressee_ids {
        sqlx::query("INSERT INTO document_addressees (document_id, party_id) VALUES ($1, $2)")
            .bind(id)
            .bind(party_id)
            .execute(&mut *conn)
            .await?;
    }
    let document = find(conn, case_id, document_ref).await?.ok_or_else(|| corrupt("document vanished"))?;
    Ok(Put { document, outcome, published })
}

/// # Errors
/// Database errors.
pub async fn withdraw(tx: &mut Tx, document_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    let now = instant(now);
    sqlx::query("UPDATE documents SET withdrawn_at = $1, updated_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(document_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
