//! A sent filing's documents for its author: the avis électronique de
//! réception and the request as the court reads it, as PDFs
//! (`portalis_usecases::filing_documents`). A draft has none: its page
//! says what it is.

use super::load;
use crate::WebState;
use crate::error::PageError;
use crate::pages::download::content_disposition;
use crate::pages::not_found;
use crate::session::SignedIn;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use portalis_usecases::filing_documents::{Gathered, Sources, receipt_pdf, request_pdf};

/// « Télécharger l'avis de réception ».
pub async fn receipt(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
) -> Result<Response, PageError> {
    serve(&state, &user, &public_id, "avis.pdf", "Avis de réception", receipt_pdf).await
}

/// « Télécharger ma demande ».
pub async fn request(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
) -> Result<Response, PageError> {
    serve(&state, &user, &public_id, "demande.pdf", "Demande", request_pdf).await
}

async fn serve(
    state: &WebState,
    user: &SignedIn,
    public_id: &str,
    file: &str,
    title: &str,
    draw: fn(&Sources<'_>) -> Vec<u8>,
) -> Result<Response, PageError> {
    let loaded = match load(state, user, public_id).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    if loaded.filing.filing_number.is_none() {
        return Ok(Redirect::to(&super::path(&loaded.filing)).into_response());
    }
    let Some(gathered) = Gathered::of(&mut state.db.read().await?, &loaded.filing).await? else {
        let path = format!("{}/{file}", super::path(&loaded.filing));
        return Ok(not_found::denied(state, &user.visitor, &path).await);
    };
    Ok(pdf_response(draw(&gathered.sources(&loaded.filing)), title, &loaded.filing))
}

/// A filing's PDF, named after it (« Demande DMJ4-K7QP-2XRT.pdf »), never
/// kept by the browser.
pub(crate) fn pdf_response(bytes: Vec<u8>, title: &str, filing: &portalis_storage::filings::Filing) -> Response {
    let number = filing.filing_number.as_ref().map(|n| n.grouped()).unwrap_or_default();
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&format!("{title} {number}"))) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    response
}
