//! `/api/v1/cases/{case_ref}/documents/{document_ref}`: a `metadata` JSON
//! part and a `file` part (the PDF) in `multipart/form-data`.
//!
//! The file is stored (content-addressed, so a retry is harmless) before the
//! transaction that records the document; a request refused after that leaves
//! at most an unreferenced file, never a record.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::cases::{find_case, find_case_in};
use crate::fields::Fields;
use crate::problem::{ApiError, FieldError, Problem};
use crate::refs::{ApiPath, parse_ref, request_id};
use crate::reply::{respond, rfc3339, segment};
use crate::rules;
use axum::Json;
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use portalis_core::document::{DocumentKind, FileRefusal, PDF_CONTENT_TYPE, check_pdf};
use portalis_documents::StoredFile;
use portalis_storage::documents::{self, Document, DocumentInput};
use portalis_storage::{Conn, events, parties};
use serde::Serialize;
use utoipa::ToSchema;

/// A document as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentView {
    pub document_ref: String,
    pub title: String,
    pub kind: String,
    pub issued_on: String,
    pub event_ref: Option<String>,
    pub addressees: Vec<String>,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    /// When the current file was made available on the portal.
    pub published_at: String,
}

impl DocumentView {
    fn of(d: &Document) -> Self {
        Self {
            document_ref: d.document_ref.clone(),
            title: d.details.title.clone(),
            kind: d.details.kind.code().to_owned(),
            issued_on: d.details.issued_on.format("%Y-%m-%d").to_string(),
            event_ref: d.event_ref.clone(),
            addressees: d.addressee_refs.clone(),
            content_type: d.details.content_type.clone(),
            size: d.details.size_bytes,
            sha256: d.details.sha256.clone(),
            published_at: rfc3339(d.published_at),
        }
    }
}

/// The `metadata` part, parsed.
#[derive(Debug, Clone)]
pub struct Metadata {
    pub title: String,
    pub kind: DocumentKind,
    pub issued_on: chrono::NaiveDate,
    pub event_ref: Option<String>,
    pub addressees: Vec<String>,
}

/// Parses the `metadata` part.
pub fn parse_metadata(mut f: Fields) -> Result<Metadata, ApiError> {
    let title = f.required("title", rules::document_title());
    let kind = f.required("kind", rules::document_kind());
    let issued_on = f.required("issued_on", rules::date("When the court issued it."));
    let event_ref =
        f.optional("event_ref", rules::reference().described("The event it belongs to, an event of the case.", None));
    let addressees = f.list(
        "addressees",
        rules::reference(),
        "The parties it is addressed to, parties of the case; empty (or absent) means all parties.",
    );
    f.finish()?;
    match (title, kind, issued_on, event_ref, addressees) {
        (Some(title), Some(kind), Some(issued_on), Some(event_ref), Some(addressees)) => {
            Ok(Metadata { title, kind, issued_on, event_ref, addressees })
        }
        _ => Err(ApiError::Internal("metadata parsed without error but incomplete".into())),
    }
}

async fn read_upload(request: Request, state: &ApiState) -> Result<(Metadata, Bytes), ApiError> {
    let ct = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return Err(ApiError::UnsupportedMediaType("the body must be multipart/form-data".into()));
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::BadRequest(format!("invalid multipart body: {e}")))?;
    let mut metadata = None;
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::TooLarge("the file may not exceed 20 MB".into()));
            }
            Err(e) => return Err(ApiError::BadRequest(format!("invalid multipart body: {e}"))),
        };
        let name = field.name().unwrap_or("").to_owned();
        let bytes = match field.bytes().await {
            Ok(b) => b,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::TooLarge("the file may not exceed 20 MB".into()));
            }
            Err(e) => return Err(ApiError::BadRequest(format!("invalid multipart body: {e}"))),
        };
        match name.as_str() {
            "metadata" => metadata = Some(bytes),
            "file" => file = Some(bytes),
            other => return Err(ApiError::invalid(other, "is not a known part (expected metadata and file)")),
        }
    }
    let metadata = metadata.ok_or_else(|| ApiError::invalid("metadata", "is required"))?;
    let metadata = parse_metadata(
        Fields::from_slice(&metadata).map_err(|_| ApiError::invalid("metadata", "must be a JSON object"))?,
    )?;
    let file = file.ok_or_else(|| ApiError::invalid("file", "is required"))?;
    match check_pdf(&file) {
        Ok(()) => Ok((metadata, file)),
        Err(FileRefusal::TooLarge) => Err(ApiError::TooLarge("the file may not exceed 20 MB".into())),
        Err(FileRefusal::NotPdf) => Err(ApiError::UnsupportedMediaType("the file must be a PDF".into())),
        Err(FileRefusal::Empty) => Err(ApiError::invalid("file", "is empty")),
    }
}

/// Finds the event and the addressees a document names, by the court's
/// references, in the case: 422 naming each that does not exist.
pub async fn resolve_links(
    conn: &mut Conn,
    case_id: i64,
    meta: &Metadata,
) -> Result<(Option<i64>, Vec<i64>), ApiError> {
    let mut errors = Vec::new();
    let event_id = match &meta.event_ref {
        Some(r) => match events::find(conn, case_id, r).await? {
            Some(e) if e.withdrawn_at.is_none() => Some(e.id),
            _ => {
                errors.push(FieldError::new("event_ref", "no such event in this case"));
                None
            }
        },
        None => None,
    };
    let mut addressee_ids = Vec::new();
    for (i, r) in meta.addressees.iter().enumerate() {
        match parties::find(conn, case_id, r).await? {
            Some(p) if p.withdrawn_at.is_none() => addressee_ids.push(p.id),
            _ => errors.push(FieldError::new(format!("addressees[{i}]"), "no such party in this case")),
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    addressee_ids.sort_unstable();
    addressee_ids.dedup();
    Ok((event_id, addressee_ids))
}

/// What storage records of a document: its metadata, with the event and
/// addressees resolved in the case, and the stored file's facts.
pub async fn document_input(
    conn: &mut Conn,
    case_id: i64,
    meta: &Metadata,
    stored: StoredFile,
) -> Result<DocumentInput, ApiError> {
    let (event_id, addressee_ids) = resolve_links(conn, case_id, meta).await?;
    Ok(DocumentInput {
        title: meta.title.clone(),
        kind: meta.kind,
        issued_on: meta.issued_on,
        event_id,
        content_type: PDF_CONTENT_TYPE.to_owned(),
        size_bytes: stored.size as i64,
        sha256: stored.sha256,
        storage_key: stored.key,
        addressee_ids,
    })
}

/// Creates or replaces a document and its file.
#[utoipa::path(
    put, path = "/api/v1/cases/{case_ref}/documents/{document_ref}", tag = "documents",
    params(("case_ref" = String, Path), ("document_ref" = String, Path, description = "The court system's reference of the document")),
    request_body(content = rules::DocumentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Created", body = DocumentView),
        (status = 200, description = "Replaced, or unchanged", body = DocumentView),
        (status = 404, description = "No such case for this court", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file exceeds 20 MB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not a PDF", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn put_document(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, document_ref)): ApiPath<(String, String)>,
    request: Request,
) -> Result<Response, ApiError> {
    let document_ref = parse_ref("document_ref", &document_ref)?;
    let request_id = request_id(request.headers());
    find_case(&state, &court, &case_ref).await?;
    let (meta, file) = read_upload(request, &state).await?;
    let stored = state.documents.put(file).await?;

    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let case = find_case_in(&mut tx, &court, &case_ref).await?;
    let input = document_input(&mut tx, case.id, &meta, stored).await?;
    let documents::Put { document: doc, outcome, .. } =
        state.publisher(&court, request_id.as_deref(), now).document(&mut tx, &case, &document_ref, &input).await?;
    portalis_storage::commit(tx).await?;
    let location = format!("/api/v1/cases/{}/documents/{}", segment(&case.case_ref), segment(&document_ref));
    Ok(respond(outcome, &location, DocumentView::of(&doc)))
}

async fn find_document(
    conn: &mut Conn,
    state_court: &portalis_storage::courts::Court,
    case_ref: &str,
    document_ref: &str,
) -> Result<(portalis_storage::cases::Case, Document), ApiError> {
    let case = find_case_in(conn, state_court, case_ref).await?;
    let document_ref = parse_ref("document_ref", document_ref)?;
    match documents::find(conn, case.id, &document_ref).await? {
        Some(d) if d.withdrawn_at.is_none() => Ok((case, d)),
        _ => Err(ApiError::NotFound("document")),
    }
}

/// A document's metadata as stored.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}/documents/{document_ref}", tag = "documents",
    params(("case_ref" = String, Path), ("document_ref" = String, Path)),
    responses(
        (status = 200, description = "The document", body = DocumentView),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_document(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, document_ref)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.read().await?;
    let (_, doc) = find_document(&mut conn, &court, &case_ref, &document_ref).await?;
    Ok(Json(DocumentView::of(&doc)).into_response())
}

/// The document's file.
///
/// Checked against its checksum before the first byte leaves, so that a
/// court system gets a clean 500 problem rather than a truncated file.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}/documents/{document_ref}/file", tag = "documents",
    params(("case_ref" = String, Path), ("document_ref" = String, Path)),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_document_file(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, document_ref)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let doc = {
        let mut conn = state.db.read().await?;
        find_document(&mut conn, &court, &case_ref, &document_ref).await?.1
    };
    let bytes = state
        .documents
        .get(&doc.details.storage_key, &doc.details.sha256, doc.details.size_bytes.max(0) as u64)
        .await?;
    let mut response = bytes.into_response();
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PDF_CONTENT_TYPE));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"document.pdf\""));
    Ok(response)
}

/// Withdraws a document from the case.
#[utoipa::path(
    delete, path = "/api/v1/cases/{case_ref}/documents/{document_ref}", tag = "documents",
    params(("case_ref" = String, Path), ("document_ref" = String, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn delete_document(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, document_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (case, doc) = find_document(&mut tx, &court, &case_ref, &document_ref).await?;
    let request_id = request_id(&headers);
    state.publisher(&court, request_id.as_deref(), now).withdraw_document(&mut tx, &case, &doc).await?;
    portalis_storage::commit(tx).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// For one party: when the avis de mise à disposition was sent, and when
/// the party first consulted the document on the portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Receipt {
    pub party_ref: String,
    /// RFC 3339, UTC; absent while the avis waits in the outbox or when the
    /// party is not attached to an account.
    pub avis_sent_at: Option<String>,
    /// RFC 3339, UTC; absent until the party consults the document.
    pub first_consulted_at: Option<String>,
}

/// The receipts of a document's current publication (its current file):
/// the avis sent to each party and its first consultation, legal facts
/// (CPC art. 748-2 and 748-8). A new file is a new publication, with
/// receipts of its own.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}/documents/{document_ref}/receipts", tag = "documents",
    params(("case_ref" = String, Path), ("document_ref" = String, Path)),
    responses(
        (status = 200, description = "The receipts, by party", body = [Receipt]),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_document_receipts(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, document_ref)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.read().await?;
    let (_, doc) = find_document(&mut conn, &court, &case_ref, &document_ref).await?;
    let mut receipts: Vec<Receipt> = Vec::new();
    for (party_ref, sent) in
        portalis_storage::notices::notices_of_publication(&mut conn, doc.id, doc.published_at).await?
    {
        match receipts.iter_mut().find(|r| r.party_ref == party_ref) {
            Some(r) => r.avis_sent_at = sent.map(rfc3339).or(r.avis_sent_at.take()),
            None => receipts.push(Receipt { party_ref, avis_sent_at: sent.map(rfc3339), first_consulted_at: None }),
        }
    }
    for (party_ref, at) in
        portalis_storage::document_receipts::of_publication(&mut conn, doc.id, doc.published_at).await?
    {
        match receipts.iter_mut().find(|r| r.party_ref == party_ref) {
            Some(r) => r.first_consulted_at = Some(rfc3339(at)),
            None => receipts.push(Receipt { party_ref, avis_sent_at: None, first_consulted_at: Some(rfc3339(at)) }),
        }
    }
    Ok(Json(receipts).into_response())
}
