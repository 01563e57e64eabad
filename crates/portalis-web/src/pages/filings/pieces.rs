//! « Pièces justificatives »: the files of a draft, after its last step.
//! A file is sent with its kind (`multipart/form-data`, the CSRF token its
//! first part), checked by its content and against what the draft holds
//! (`portalis_core::attachment::check`) before it is recorded; it can be
//! downloaded by its author and removed while the filing is a draft.
//!
//! Uploads being read hold at most 128 MiB at once (each its declared
//! length): beyond, one waits, then is asked to try again (503).
//!
//! A file is stored before the transaction that records it: its key is
//! queued for deletion first and taken off the queue by that transaction,
//! so that a file refused, or left by a process that died in between, is
//! deleted by the scheduler (`file_deletions`) rather than kept unseen.

use super::{Loaded, Read, Stepper, load, load_draft};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use crate::pages::not_found;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::attachment::{self, FileKind, MAX_ATTACHMENT_BYTES};
use portalis_core::document::human_size;
use portalis_storage::filing_attachments::{self, FilingAttachment, NewAttachment};

/// The most a request adding a file may carry: the file and its form.
pub const BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES as usize + 64 * 1024;

/// The memory all uploads being read may hold at once, in KiB: each takes
/// its declared length (or the most it may carry) before its body is read,
/// and waits [`UPLOAD_WAIT`] at most for it — then « réessayez ».
const UPLOAD_BUDGET_KIB: usize = 128 * 1024;
const UPLOAD_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
static UPLOAD_BUDGET: std::sync::LazyLock<tokio::sync::Semaphore> =
    std::sync::LazyLock::new(|| tokio::sync::Semaphore::new(UPLOAD_BUDGET_KIB));

/// A file as the page lists it.
pub struct PieceView {
    pub name: String,
    pub piece: &'static str,
    pub size: String,
    pub format: &'static str,
    pub download: String,
    pub remove: String,
}

pub struct PieceOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/pieces.html")]
pub struct PiecesPage {
    pub layout: Layout,
    pub csrf: String,
    pub procedure: &'static str,
    pub stepper: Stepper,
    pub action: String,
    pub files: Vec<PieceView>,
    /// « 2 pièces jointes, 3,4 Mo sur 50 Mo ».
    pub holding: String,
    pub options: Vec<PieceOption>,
    /// The kind of piece chosen, when the form comes back with an error.
    pub chosen: Option<&'static str>,
    pub added: Option<String>,
    pub removed: bool,
    pub review: String,
    pub later: String,
    pub previous: String,
    pub form: FormState,
}

#[derive(serde::Deserialize)]
pub struct Notice {
    ajoute: Option<String>,
    retire: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
    axum::extract::Query(notice): axum::extract::Query<Notice>,
) -> Result<Response, PageError> {
    let loaded = match load_draft(&state, &user, &public_id, Read::Cached).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let files = files_of(&state, &loaded).await?;
    let added = notice.ajoute.and_then(|n| files.iter().find(|f| f.position.to_string() == n).map(|f| f.name.clone()));
    let page = page(&state, &user, &loaded, &files, None, FormState::default());
    Ok(PiecesPage { added, removed: notice.retire.is_some(), ..page }.into_response())
}

async fn files_of(state: &WebState, loaded: &Loaded) -> Result<Vec<FilingAttachment>, PageError> {
    let mut conn = state.db.read().await?;
    Ok(filing_attachments::of_filing(&mut conn, loaded.filing.id).await?)
}

/// What the form of a new file carried.
#[derive(Default)]
struct Upload {
    piece: Option<String>,
    name: String,
    bytes: Option<Bytes>,
    too_large: bool,
}

/// Reads the form of a new file: its token first (checked before anything
/// else is read), then its kind and the file. A body that is not such a
/// form, or without the visitor's token first, is refused (403).
async fn read_upload(request: Request, state: &WebState, user: &SignedIn) -> Result<Upload, Response> {
    let forbidden = || PageError::Forbidden.into_response();
    let mut multipart = Multipart::from_request(request, state).await.map_err(|_| forbidden())?;
    let token = match multipart.next_field().await {
        Ok(Some(f)) if f.name() == Some("csrf") => f.text().await.map_err(|_| forbidden())?,
        _ => return Err(forbidden()),
    };
    if !user.visitor.csrf_ok(state, Some(&token)) {
        return Err(forbidden());
    }
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                upload.too_large = true;
                break;
            }
            Err(_) => return Err(forbidden()),
        };
        match field.name() {
            Some("piece") => upload.piece = Some(field.text().await.map_err(|_| forbidden())?),
            Some("fichier") => {
                upload.name = field.file_name().unwrap_or_default().to_owned();
                match field.bytes().await {
                    Ok(b) => upload.bytes = Some(b),
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                        upload.too_large = true;
                        break;
                    }
                    Err(_) => return Err(forbidden()),
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// Adds a file to the draft, or shows why not next to its field (422).
pub async fn add(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
    request: Request,
) -> Result<Response, PageError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(BODY_LIMIT)
        .min(BODY_LIMIT);
    let kib = u32::try_from(declared.div_ceil(1024).max(1)).unwrap_or(u32::MAX);
    let Ok(Ok(_budget)) = tokio::time::timeout(UPLOAD_WAIT, UPLOAD_BUDGET.acquire_many(kib)).await else {
        tracing::warn!("no memory left for one more upload: refused as busy");
        return Err(PageError::Unavailable);
    };
    let upload = match read_upload(request, &state, &user).await {
        Ok(u) => u,
        Err(r) => return Ok(r),
    };
    let loaded = match load_draft(&state, &user, &public_id, Read::Fresh).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let mut errors = FormState::default();
    let piece = upload.piece.as_deref().and_then(|p| loaded.form.pieces.iter().find(|o| o.code == p));
    if piece.is_none() {
        errors.set("piece", "Type de pièce : choisissez ce que contient le fichier.");
    }
    let bytes = match (&upload.bytes, upload.too_large) {
        (_, true) => {
            errors.set("fichier", of_file(attachment::refusal::TOO_LARGE.fr));
            None
        }
        (Some(b), false) if !b.is_empty() || !upload.name.is_empty() => Some(b.clone()),
        _ => {
            errors.set("fichier", "Fichier : choisissez le fichier à joindre.");
            None
        }
    };
    let files = files_of(&state, &loaded).await?;
    let kind = match bytes.as_ref().map(|b| attachment::check(b, filing_attachments::holding(&files))) {
        Some(Ok(kind)) => Some(kind),
        Some(Err(refusal)) => {
            errors.set("fichier", of_file(refusal.fr));
            None
        }
        None => None,
    };
    let (Some(piece), Some(bytes), Some(kind)) = (piece, bytes, kind) else {
        let page = page(&state, &user, &loaded, &files, upload.piece.as_deref(), errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let now = state.clock.now();
    let key = format!("filings/{}/{}", loaded.filing.public_id, state.random.hex(16));
    let mut tx = state.db.begin().await?;
    let pending = filing_attachments::queue_upload(&mut tx, &key, now).await?;
    portalis_storage::commit(tx).await?;
    let stored = state.documents.put_at(&key, bytes.clone()).await.map_err(|e| {
        tracing::error!(error = %e, "cannot store a filing's attachment");
        PageError::Unavailable
    })?;
    let name = attachment::file_name(&upload.name, kind);
    let new = NewAttachment {
        piece: piece.code,
        name: &name,
        content_type: kind.content_type(),
        size: stored.size,
        sha256: &stored.sha256,
        storage_key: &stored.key,
    };
    let mut tx = state.db.begin().await?;
    let added = filing_attachments::add(&mut tx, user.user_id(), loaded.filing.id, &new, pending, now, |held| {
        attachment::check(&bytes, held).map(|_| ())
    })
    .await?;
    portalis_storage::commit(tx).await?;
    match added {
        Ok(Some(file)) => {
            tracing::info!(size = file.size, "attachment added to a draft");
            Ok(Redirect::to(&format!("{}?ajoute={}", super::pieces_path(&loaded.filing), file.position))
                .into_response())
        }
        // Sent meanwhile from another tab: its page says so.
        Ok(None) => Ok(Redirect::to(&super::path(&loaded.filing)).into_response()),
        // Another file was added meanwhile and this one no longer fits.
        Err(refusal) => {
            let files = files_of(&state, &loaded).await?;
            let mut errors = FormState::default();
            errors.set("fichier", of_file(refusal.fr));
            let page = page(&state, &user, &loaded, &files, Some(piece.code), errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// A refusal as the summary lists it, naming its field: « Fichier : le
/// fichier dépasse 10 Mo… ».
fn of_file(message: &str) -> String {
    let mut chars = message.chars();
    let first: String = chars.next().map(|c| c.to_lowercase().collect()).unwrap_or_default();
    format!("Fichier : {first}{}", chars.as_str())
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {}

/// Removes a file from the draft (its stored copy is deleted after).
pub async fn remove(
    State(state): State<WebState>,
    Path((public_id, position)): Path<(String, String)>,
    Protected { by: user, .. }: Protected<SignedIn, RemoveForm>,
) -> Result<Response, PageError> {
    let loaded = match load_draft(&state, &user, &public_id, Read::Fresh).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let Ok(position) = position.parse::<i64>() else {
        return Ok(not_found::denied(&state, &user.visitor, &super::pieces_path(&loaded.filing)).await);
    };
    let mut tx = state.db.begin().await?;
    let removed =
        filing_attachments::remove(&mut tx, user.user_id(), loaded.filing.id, position, state.clock.now()).await?;
    portalis_storage::commit(tx).await?;
    let notice = if removed { "?retire=1" } else { "" };
    Ok(Redirect::to(&format!("{}{notice}", super::pieces_path(&loaded.filing))).into_response())
}

/// A file of the user's filing (draft or sent), checked against its
/// checksum before it is sent.
pub async fn download(
    State(state): State<WebState>,
    user: SignedIn,
    Path((public_id, position)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let loaded = match load(&state, &user, &public_id).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let files = files_of(&state, &loaded).await?;
    let Some(file) = files.iter().find(|f| f.position.to_string() == position) else {
        let path = format!("{}/{position}", super::pieces_path(&loaded.filing));
        return Ok(not_found::denied(&state, &user.visitor, &path).await);
    };
    serve(&state, file).await
}

/// A filing's file as stored, checked against its checksum, never kept by
/// the browser: for its author here, for the court's greffe at the console.
pub(crate) async fn serve(state: &WebState, file: &FilingAttachment) -> Result<Response, PageError> {
    let bytes = state.documents.get(&file.storage_key, &file.sha256, file.size).await.map_err(|e| {
        tracing::error!(error = %e, "cannot serve a filing's attachment");
        match e {
            portalis_documents::DocumentError::Corrupt { .. } | portalis_documents::DocumentError::Missing { .. } => {
                PageError::DocumentUnavailable
            }
            portalis_documents::DocumentError::Busy => PageError::Unavailable,
            _ => PageError::Internal,
        }
    })?;
    let mut response = axum::body::Body::from(bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(&file.content_type)));
    if let Ok(v) = HeaderValue::from_str(&crate::pages::download::content_disposition_of(&file.name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// The stored type, among the three accepted.
fn content_type(stored: &str) -> &'static str {
    [FileKind::Pdf, FileKind::Jpeg, FileKind::Png]
        .into_iter()
        .map(FileKind::content_type)
        .find(|t| *t == stored)
        .unwrap_or("application/octet-stream")
}

fn format_of(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        _ => "",
    }
}

/// « 2 pièces jointes sur 20 au plus, 3,4 Mo sur 50 Mo au plus. »
fn holding_text(files: &[FilingAttachment]) -> String {
    let held = filing_attachments::holding(files);
    match held.files {
        0 => "Aucune pièce jointe pour l'instant.".to_owned(),
        n => format!(
            "{n} {} sur {} au plus, {} sur {} Mo au plus.",
            if n == 1 { "pièce jointe" } else { "pièces jointes" },
            attachment::MAX_ATTACHMENTS,
            human_size(held.bytes),
            attachment::MAX_TOTAL_BYTES >> 20,
        ),
    }
}

/// The files of a draft as its pages list them.
pub fn piece_views(loaded: &Loaded, files: &[FilingAttachment]) -> Vec<PieceView> {
    let pieces = super::pieces_path(&loaded.filing);
    files
        .iter()
        .map(|f| PieceView {
            name: f.name.clone(),
            piece: loaded.form.piece_label(&f.piece).unwrap_or("Autre pièce"),
            size: human_size(f.size),
            format: format_of(&f.content_type),
            download: format!("{pieces}/{}", f.position),
            remove: format!("{pieces}/{}/retrait", f.position),
        })
        .collect()
}

fn page(
    state: &WebState,
    user: &SignedIn,
    loaded: &Loaded,
    files: &[FilingAttachment],
    chosen: Option<&str>,
    form: FormState,
) -> PiecesPage {
    let index = loaded.form.steps.len();
    let last = loaded.form.steps.last().map(|s| s.slug).unwrap_or_default();
    let pieces = super::pieces_path(&loaded.filing);
    PiecesPage {
        layout: Layout::for_visitor(
            state,
            &user.visitor,
            &format!("{} — {}", loaded.form.page_title(index).unwrap_or_default(), loaded.filing.procedure.label()),
        ),
        csrf: user.visitor.csrf(state).0,
        procedure: loaded.filing.procedure.label(),
        stepper: Stepper::at(loaded.form, index),
        action: pieces.clone(),
        files: piece_views(loaded, files),
        holding: holding_text(files),
        options: loaded
            .form
            .pieces
            .iter()
            .map(|o| PieceOption { code: o.code, label: o.label, selected: chosen == Some(o.code) })
            .collect(),
        chosen: loaded.form.pieces.iter().map(|o| o.code).find(|c| chosen == Some(*c)),
        added: None,
        removed: false,
        review: super::review_path(&loaded.filing),
        later: format!("{}?enregistre=1", super::path(&loaded.filing)),
        previous: super::step_path(&loaded.filing, last),
        form,
    }
}
