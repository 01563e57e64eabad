//! `POST /deconnexion` ends the session here, then at FranceConnect
//! (`/session/end` with `id_token_hint`, `state` and the registered return
//! address); `GET /deconnexion/retour` checks the returned `state`.

use super::audit;
use crate::error::PageError;
use crate::forms::{Protected, Submitter};
use crate::layout::Layout;
use crate::session::{SESSION_COOKIE, SignedIn, Visitor};
use crate::{WebState, cookies};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use portalis_storage::sessions;
use std::collections::HashMap;

const LOGOUT_COOKIE: &str = "logout";

#[derive(Template, WebTemplate)]
#[template(path = "pages/logged_out.html")]
pub struct LoggedOut {
    pub layout: Layout,
}

/// Who logs out: a user whose session has already ended (a tab left open)
/// is simply sent home.
pub struct Leaving(SignedIn);

impl axum::extract::FromRequestParts<WebState> for Leaving {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &WebState) -> Result<Self, Response> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        match visitor.session.clone() {
            Some(session) => Ok(Leaving(SignedIn { session, visitor })),
            None => Err(Redirect::to("/").into_response()),
        }
    }
}

impl Submitter for Leaving {
    fn visitor(&self) -> &Visitor {
        &self.0.visitor
    }
}

/// The logout form carries nothing but its token.
#[derive(serde::Deserialize)]
pub struct LogoutForm {}

pub async fn logout(
    State(state): State<WebState>,
    Protected { by: Leaving(user), .. }: Protected<Leaving, LogoutForm>,
) -> Result<Response, PageError> {
    let session = &user.session;
    let mut tx = state.db.begin().await?;
    sessions::delete(&mut tx, session.id).await?;
    portalis_storage::commit(tx).await?;
    audit(&state, &format!("user:{}", session.user.id), "logout", "ok", None).await?;

    let secure = state.settings.secure_cookies;
    let clear_session = (header::SET_COOKIE, cookies::delete(&cookies::name(SESSION_COOKIE, secure), secure));
    let logout_state = state.random.hex(24);
    match state.franceconnect.logout_url(&session.id_token, &logout_state).await {
        Ok(url) => Ok((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, url.as_str().parse::<axum::http::HeaderValue>().map_err(|_| PageError::Internal)?)],
            AppendHeaders([
                clear_session,
                (
                    header::SET_COOKIE,
                    cookies::set(&cookies::name(LOGOUT_COOKIE, secure), &logout_state, Some(600), secure),
                ),
            ]),
        )
            .into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "FranceConnect logout unavailable; local session ended");
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, axum::http::HeaderValue::from_static(crate::LOGOUT_CALLBACK_PATH))],
                [clear_session],
            )
                .into_response())
        }
    }
}

pub async fn returned(
    State(state): State<WebState>,
    headers: HeaderMap,
    visitor: Visitor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let name = cookies::name(LOGOUT_COOKIE, secure);
    let expected = cookies::get(&headers, &name);
    let ok = match (expected, q.get("state")) {
        (Some(e), Some(s)) => portalis_core::secret::constant_time_eq(e.as_bytes(), s.as_bytes()),
        _ => false,
    };
    if !ok && q.contains_key("state") {
        // Anyone can GET this address, and the session already ended at
        // POST /deconnexion: a log line, not a write.
        tracing::warn!("logout return with a state this browser did not send");
    }
    Ok((
        [(header::SET_COOKIE, cookies::delete(&name, secure))],
        LoggedOut { layout: Layout::for_visitor(&state, &visitor, "Déconnexion") },
    )
        .into_response())
}
