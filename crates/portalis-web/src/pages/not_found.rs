//! The French "page not found", for any path no page answers.

use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;

#[derive(Template, WebTemplate)]
#[template(path = "pages/not_found.html")]
pub struct NotFound {
    pub demo: bool,
}

pub async fn show(State(state): State<WebState>) -> (StatusCode, NotFound) {
    (StatusCode::NOT_FOUND, NotFound { demo: state.demo })
}
