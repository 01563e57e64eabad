//! "Télécharger": a document, for a user attached to a party it is
//! addressed to (or to all parties). The file is checked against its
//! checksum before it is sent; its first consultation by each party is
//! then recorded.

use crate::error::PageError;
use crate::my_cases;
use crate::navigation::Navigation;
use crate::pages::not_found;
use crate::session::SignedIn;
use crate::{WebState, public_id};
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use portalis_documents::DocumentError;

/// RFC 6266: an ASCII fallback and the UTF-8 name (accents kept), of a
/// PDF named after its title.
pub fn content_disposition(title: &str) -> String {
    content_disposition_of(&format!("{}.pdf", title.trim()))
}

/// RFC 6266: an ASCII fallback and the UTF-8 name (accents kept).
pub fn content_disposition_of(name: &str) -> String {
    let fallback: String = portalis_core::case_list::fold(name)
        .chars()
        .zip(name.chars())
        .map(|(folded, original)| {
            let c = if original.is_uppercase() { folded.to_ascii_uppercase() } else { folded };
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

pub async fn download(
    State(state): State<WebState>,
    SignedIn { visitor, session }: SignedIn,
    navigation: Navigation,
    Path((case, document)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let path = format!("/dossiers/{case}/documents/{document}");
    let Some((my, docs)) = my_cases::find_with_documents(&state, &session, &case).await? else {
        return Ok(not_found::denied(&state, &visitor, &path).await);
    };
    let Some(doc) = docs.iter().find(|d| public_id::of(&state.settings.signing_key, "document", d.id) == document)
    else {
        return Ok(not_found::denied(&state, &visitor, &path).await);
    };
    // Read whole and checked before anything is sent: a file that does not
    // match its checksum never leaves as a complete download.
    let size = doc.details.size_bytes.max(0) as u64;
    let bytes = state.documents.get(&doc.details.storage_key, &doc.details.sha256, size).await.map_err(|e| {
        if !matches!(e, DocumentError::Busy) {
            tracing::error!(error = %e, document = doc.id, "cannot serve a document");
        }
        match e {
            DocumentError::Corrupt { .. } | DocumentError::Missing { .. } => PageError::DocumentUnavailable,
            DocumentError::Busy => PageError::Unavailable,
            _ => PageError::Internal,
        }
    })?;
    if let Some(party) = my.reader_of(doc).filter(|_| navigation.is_own()) {
        // Recorded once, and only when the person came by himself
        // (`navigation.rs`): later downloads only read that it is.
        let recorded = portalis_storage::document_receipts::exists(
            &mut state.db.pages().await?,
            doc.id,
            doc.published_at,
            party.id,
        )
        .await?;
        if !recorded {
            let mut tx = state.db.begin().await?;
            portalis_storage::document_receipts::record(
                &mut tx,
                doc.id,
                doc.published_at,
                party.id,
                session.user.id,
                state.clock.now(),
            )
            .await?;
            portalis_storage::commit(tx).await?;
        }
    }
    let mut r = Body::from(bytes).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&doc.details.title)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::content_disposition;

    #[test]
    fn the_file_name_keeps_its_accents_with_an_ascii_fallback() {
        assert_eq!(
            content_disposition("Convocation Décision"),
            "attachment; filename=\"Convocation Decision.pdf\"; filename*=UTF-8''Convocation%20D%C3%A9cision.pdf"
        );
        assert!(content_disposition("a\"b\\c").contains("filename=\"a_b_c.pdf\""));
    }
}
