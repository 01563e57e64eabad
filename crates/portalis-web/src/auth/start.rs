//! `POST /connexion/franceconnect`: the FranceConnect button.

use crate::error::PageError;
use crate::forms::Protected;
use crate::session::{Visitor, safe_return_to};
use crate::{WebState, cookies};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use portalis_core::secret::sha256_hex;
use portalis_storage::login_attempts::{self, LoginAttempt};

pub const LOGIN_COOKIE: &str = "login";
/// How long a login at FranceConnect may take.
pub const LOGIN_SECONDS: i64 = 15 * 60;

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
    let now = state.clock.now();
    let token = state.random.hex(32);
    let mut tx = state.db.begin().await?;
    login_attempts::delete_older_than(&mut tx, now - chrono::Duration::seconds(LOGIN_SECONDS)).await?;
    login_attempts::create(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        &LoginAttempt {
            state: attempt.state,
            nonce: attempt.nonce,
            pkce_verifier: attempt.pkce_verifier,
            return_to: safe_return_to(form.retour.as_deref()),
            created_at: now,
        },
    )
    .await?;
    portalis_storage::commit(tx).await?;
    let secure = state.settings.secure_cookies;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (
                header::LOCATION,
                url.as_str().parse::<axum::http::HeaderValue>().map_err(|_| PageError::ProviderUnavailable)?,
            ),
            (
                header::SET_COOKIE,
                cookies::set(&cookies::name(LOGIN_COOKIE, secure), &token, Some(LOGIN_SECONDS), secure),
            ),
            (header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}
