//! The French "page introuvable", for any path no page answers.

use crate::layout::Layout;
use crate::session::Visitor;
use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(Template, WebTemplate)]
#[template(path = "pages/not_found.html")]
pub struct NotFound {
    pub layout: Layout,
}

pub async fn show(State(state): State<WebState>, visitor: Visitor) -> (StatusCode, NotFound) {
    (StatusCode::NOT_FOUND, NotFound { layout: Layout::for_visitor(&state, &visitor, "Page introuvable") })
}
