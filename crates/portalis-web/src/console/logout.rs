//! `POST /juridiction/deconnexion` ends the agent's session here, then at
//! ProConnect (`auth/provider_end.rs`); `GET /juridiction/deconnexion/retour`
//! is where ProConnect sends him back.

use super::staff::{StaffSession, StaffVisitor};
use super::{Console, LOGOUT_CALLBACK_PATH};
use crate::WebState;
use crate::auth::{audit, provider_end};
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use portalis_core::realm::Realm;
use portalis_storage::sessions;
use std::collections::HashMap;

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
    provider_end::leave(&state, Realm::Staff, &proconnect, &agent.session.id_token, LOGOUT_CALLBACK_PATH).await
}

pub async fn returned(
    State(state): State<WebState>,
    headers: HeaderMap,
    StaffVisitor(visitor): StaffVisitor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (provider_ended, clear) = provider_end::returned(&state, Realm::Staff, &headers, &q);
    let page = LoggedOut { layout: Layout::for_visitor(&state, &visitor, "Déconnexion"), provider_ended };
    Ok(([(header::SET_COOKIE, clear)], page).into_response())
}
