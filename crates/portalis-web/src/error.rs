//! The pages' one error type. A handler answers `PageError`; the
//! `render_errors` layer turns it into a French page inside the page shell
//! (it knows the deployment's branding and demo mode). Internal causes are
//! logged where they happen, never shown.

use crate::WebState;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portalis_storage::StorageError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageError {
    /// 403: a form without a valid CSRF token.
    Forbidden,
    /// 503: FranceConnect cannot be reached.
    ProviderUnavailable,
    /// 503: ProConnect cannot be reached (the console's sign-in).
    ProConnectUnavailable,
    /// 503: the database cannot be reached.
    Unavailable,
    /// 500: a fault of ours, already logged.
    Internal,
    /// 500: a document's stored file is missing or does not match its
    /// checksum (logged as an integrity failure).
    DocumentUnavailable,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub heading: &'static str,
    pub message: &'static str,
    /// The request id, in the logs too: what the user quotes to support.
    pub reference: Option<String>,
}

impl From<StorageError> for PageError {
    fn from(e: StorageError) -> Self {
        if e.is_unavailable() {
            tracing::error!(error = %e, "the database is unavailable");
            return PageError::Unavailable;
        }
        tracing::error!(error = %e, "database error on a page");
        PageError::Internal
    }
}

impl PageError {
    fn status(self) -> StatusCode {
        match self {
            PageError::Forbidden => StatusCode::FORBIDDEN,
            PageError::ProviderUnavailable | PageError::ProConnectUnavailable | PageError::Unavailable => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            PageError::Internal | PageError::DocumentUnavailable => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn texts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            PageError::Forbidden => (
                "Action refusée",
                "Action refusée",
                "Cette action n'a pas pu être vérifiée. Revenez à la page précédente, rechargez-la et recommencez.",
            ),
            PageError::ProviderUnavailable => (
                "Connexion indisponible",
                "FranceConnect est momentanément indisponible",
                "La connexion par FranceConnect ne peut pas aboutir pour le moment. Réessayez dans quelques minutes.",
            ),
            PageError::ProConnectUnavailable => (
                "Connexion indisponible",
                "ProConnect est momentanément indisponible",
                "La connexion par ProConnect ne peut pas aboutir pour le moment. Réessayez dans quelques minutes.",
            ),
            PageError::Unavailable => (
                "Service indisponible",
                "Le service est momentanément indisponible",
                "Le portail ne peut pas accéder à ses données pour le moment. Réessayez dans quelques minutes : vos dossiers ne sont pas perdus.",
            ),
            PageError::DocumentUnavailable => (
                "Document indisponible",
                "Ce document ne peut pas être téléchargé pour le moment",
                "Une anomalie a été détectée sur ce fichier ; elle a été enregistrée et sera corrigée. Réessayez plus tard ou contactez le greffe du tribunal.",
            ),
            PageError::Internal => (
                "Erreur du service",
                "Le service rencontre une difficulté",
                "Une erreur est survenue de notre côté ; elle a été enregistrée. Réessayez dans quelques minutes.",
            ),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut r = (self.status(), self.texts().2).into_response();
        if self.status() == StatusCode::SERVICE_UNAVAILABLE {
            r.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("60"));
        }
        r.extensions_mut().insert(self);
        r
    }
}

/// Renders the page of a [`PageError`] answered by a handler.
pub async fn render_errors(State(state): State<WebState>, request: Request, next: Next) -> Response {
    let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let response = next.run(request).await;
    match response.extensions().get::<PageError>().copied() {
        Some(e) => {
            let (title, heading, message) = e.texts();
            let reference = (e == PageError::Internal).then(|| request_id.unwrap_or_else(|| "-".into()));
            if let Some(r) = &reference {
                tracing::error!(reference = %r, "a page failed; its reference is shown to the user");
            }
            let mut page =
                (e.status(), ErrorPage { layout: Layout::anonymous(&state, title), heading, message, reference })
                    .into_response();
            if let Some(retry) = response.headers().get(axum::http::header::RETRY_AFTER) {
                page.headers_mut().insert(axum::http::header::RETRY_AFTER, retry.clone());
            }
            page
        }
        None => response,
    }
}
