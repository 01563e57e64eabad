//! `POST /deconnexion` ends the session here, then at FranceConnect
//! (`provider_end.rs`); `GET /deconnexion/retour` checks the returned
//! `state`.

use super::{audit, provider_end};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{Protected, Submitter};
use crate::layout::Layout;
use crate::session::{SignedIn, Visitor};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::realm::Realm;
use portalis_storage::sessions;
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "pages/logged_out.html")]
pub struct LoggedOut {
    pub layout: Layout,
    /// FranceConnect confirmed its session ended too.
    pub provider_ended: bool,
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
    provider_end::leave(&state, Realm::Litigant, &state.franceconnect, &session.id_token, crate::LOGOUT_CALLBACK_PATH)
        .await
}

pub async fn returned(
    State(state): State<WebState>,
    headers: HeaderMap,
    visitor: Visitor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let (provider_ended, clear) = provider_end::returned(&state, Realm::Litigant, &headers, &q);
    let page = LoggedOut { layout: Layout::for_visitor(&state, &visitor, "Déconnexion"), provider_ended };
    Ok(([(header::SET_COOKIE, clear)], page).into_response())
}
