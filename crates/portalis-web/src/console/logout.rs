//! `POST /juridiction/deconnexion` ends the agent's session here, then at
//! ProConnect; `GET /juridiction/deconnexion/retour` is where ProConnect
//! sends him back.

use super::staff::{StaffSession, StaffVisitor};
use super::{Console, LOGOUT_CALLBACK_PATH};
use crate::auth::audit;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use crate::session::session_cookie;
use crate::{WebState, cookies};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use portalis_core::realm::Realm;
use portalis_storage::sessions;
use std::collections::HashMap;

const STAFF_LOGOUT_COOKIE: &str = "staff-logout";

#[derive(Template, WebTemplate)]
#[template(path = "console/logged_out.html")]
pub struct LoggedOut {
    pub layout: Layout,
    /// ProConnect said it ended its session too (its return carried this
    /// browser's `state`); otherwise the agent is told it may be open.
    pub provider_ended: bool,
}

/// The sign-out form carries nothing but its token.
#[derive(serde::Deserialize)]
pub struct LogoutForm {}

pub async fn logout(
    State(state): State<WebState>,
    Console(proconnect): Console,
    Protected { by: agent, .. }: Protected<StaffSession, LogoutForm>,
) -> Result<Response, PageError> {
    let mut tx = state.db.begin().await?;
    sessions::delete(&mut tx, agent.session.id).await?;
    portalis_storage::commit(tx).await?;
    audit(&state, &agent.actor(), "staff_logout", "ok", None).await?;

    let secure = state.settings.secure_cookies;
    let name = session_cookie(Realm::Staff, secure);
    let clear_session = (header::SET_COOKIE, cookies::delete(&name, secure));
    let logout_state = state.random.hex(24);
    let logout_cookie = cookies::name(STAFF_LOGOUT_COOKIE, secure);
    match proconnect.logout_url(&agent.session.id_token, &logout_state).await {
        Ok(url) => Ok((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, url.as_str().parse::<axum::http::HeaderValue>().map_err(|_| PageError::Internal)?)],
            AppendHeaders([
                clear_session,
                (header::SET_COOKIE, cookies::set(&logout_cookie, &logout_state, Some(600), secure)),
            ]),
        )
            .into_response()),
        Err(e) => {
            tracing::warn!(error = %e, "ProConnect sign-out unavailable; local session ended");
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, axum::http::HeaderValue::from_static(LOGOUT_CALLBACK_PATH))],
                [clear_session],
            )
                .into_response())
        }
    }
}

pub async fn returned(
    State(state): State<WebState>,
    headers: HeaderMap,
    StaffVisitor(visitor): StaffVisitor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let name = cookies::name(STAFF_LOGOUT_COOKIE, secure);
    let ok = match (cookies::get(&headers, &name), q.get("state")) {
        (Some(e), Some(s)) => portalis_core::secret::constant_time_eq(e.as_bytes(), s.as_bytes()),
        _ => false,
    };
    if !ok && q.contains_key("state") {
        tracing::warn!("staff sign-out return with a state this browser did not send");
    }
    Ok((
        [(header::SET_COOKIE, cookies::delete(&name, secure))],
        LoggedOut { layout: Layout::for_visitor(&state, &visitor, "Déconnexion"), provider_ended: ok },
    )
        .into_response())
}
