//! Static files: the DSFR (from its npm package, served by the portal itself,
//! never from a third-party CDN) and the portal's own stylesheet.

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::path::{Path, PathBuf};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

const PORTALIS_CSS: &str = include_str!("../static/portalis.css");

async fn portalis_css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        PORTALIS_CSS,
    )
}

pub fn router<S: Clone + Send + Sync + 'static>(dsfr_dir: Option<PathBuf>) -> Router<S> {
    let router = Router::new().route("/static/portalis.css", get(portalis_css));
    match dsfr_dir {
        Some(dir) => router.nest_service(
            "/static/dsfr",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=86400"),
                ))
                .service(ServeDir::new(dir)),
        ),
        None => router,
    }
}

/// Finds the DSFR's `dist` directory: `node_modules/@gouvfr/dsfr/dist` in
/// `start` or one of its parents (the repository root when run from a
/// crate's directory, as tests are).
pub fn find_dsfr(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|d| d.join("node_modules/@gouvfr/dsfr/dist"))
        .find(|d| d.join("dsfr.min.css").is_file())
}
