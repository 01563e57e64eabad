//! "Connectez-vous": the FranceConnect button.

use crate::WebState;
use crate::layout::Layout;
use crate::session::{Visitor, safe_return_to};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "pages/login.html")]
pub struct Login {
    pub layout: Layout,
    pub csrf: String,
    pub return_to: String,
}

pub async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let return_to = safe_return_to(q.get("retour").map(String::as_str));
    if visitor.session.is_some() {
        return Redirect::to(&return_to).into_response();
    }
    let (csrf, cookie) = visitor.csrf(&state);
    let page = Login {
        layout: Layout::for_visitor(&state, &visitor, "Connexion").described(
            "Connectez-vous au portail du justiciable avec FranceConnect pour suivre vos affaires en ligne.",
        ),
        csrf,
        return_to,
    };
    match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], page).into_response(),
        None => page.into_response(),
    }
}
