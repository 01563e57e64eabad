//! The litigant's pages. Each page has a handler in `pages/` and a template
//! of the same name in `templates/pages/`.

mod pages;

use axum::routing::get;
use axum::Router;
use portalis_storage::Db;

/// What the pages need.
#[derive(Clone)]
pub struct WebState {
    pub db: Db,
    /// Demonstration mode: a banner says so on every page.
    pub demo: bool,
}

/// The pages' routes; the fallback is the French "page not found".
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(pages::home::show))
        .fallback(pages::not_found::show)
        .with_state(state)
}
