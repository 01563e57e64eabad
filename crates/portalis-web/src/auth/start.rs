//! `POST /connexion/franceconnect`: the FranceConnect button.

use super::attempt;
use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::session::{Visitor, safe_return_to};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use portalis_core::realm::Realm;

/// The login form: where to come back to afterwards.
#[derive(serde::Deserialize)]
pub struct StartForm {
    retour: Option<String>,
}

pub async fn start(
    State(state): State<WebState>,
    Protected { form, .. }: Protected<Visitor, StartForm>,
) -> Result<Response, PageError> {
    let (url, attempt) = state.franceconnect.start(state.random.as_ref()).await.map_err(|e| {
        tracing::warn!(error = %e, "cannot start a FranceConnect login");
        PageError::ProviderUnavailable
    })?;
    let cookie = attempt::begin(&state, Realm::Litigant, attempt, safe_return_to(form.retour.as_deref())).await?;
    Ok(redirect_to_provider(&url, cookie))
}

/// The answer that sends the browser to the provider, with the login's
/// cookie; never kept by a cache.
pub(crate) fn redirect_to_provider(url: &url::Url, cookie: axum::http::HeaderValue) -> Response {
    match url.as_str().parse::<axum::http::HeaderValue>() {
        Ok(location) => (
            StatusCode::SEE_OTHER,
            [
                (header::LOCATION, location),
                (header::SET_COOKIE, cookie),
                (header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store")),
            ],
        )
            .into_response(),
        Err(_) => PageError::ProviderUnavailable.into_response(),
    }
}
