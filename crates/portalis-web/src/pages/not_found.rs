//! The French "page introuvable", for any path no page answers.

use crate::WebState;
use crate::layout::Layout;
use crate::session::Visitor;
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

/// The answer to a URL of a case, event or document the user may not see:
/// the same "Page introuvable" as for a URL that does not exist, and an
/// audit entry.
pub async fn denied(state: &WebState, visitor: &Visitor, path: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let actor = visitor.session.as_ref().map(|s| format!("user:{}", s.user.id)).unwrap_or_else(|| "anonymous".into());
    if let Err(e) = crate::auth::audit(state, &actor, "access", "refused", Some(path)).await {
        tracing::error!(error = ?e, "cannot audit a refused access");
    }
    (StatusCode::NOT_FOUND, NotFound { layout: Layout::for_visitor(state, visitor, "Page introuvable") })
        .into_response()
}
