//! "Mes affaires": the personal space.

use crate::layout::Layout;
use crate::session::SignedIn;
use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

#[derive(Template, WebTemplate)]
#[template(path = "pages/space.html")]
pub struct Space {
    pub layout: Layout,
}

pub async fn show(State(state): State<WebState>, SignedIn(visitor): SignedIn) -> Space {
    Space { layout: Layout::for_visitor(&state, &visitor, "Mes affaires") }
}
