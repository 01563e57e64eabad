//! What search engines may index: the public pages (home, help, the
//! directory, the legal pages), never a signed-in litigant's pages. Those
//! are refused to crawlers in `/robots.txt` and answer `X-Robots-Tag:
//! noindex, nofollow`, should an engine reach them by another way.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use axum::routing::get;

/// The paths of the personal space, the session and the demonstration's
/// tools (a prefix each).
pub const PRIVATE_PREFIXES: &[&str] = &["/mon-espace", "/dossiers/", "/connexion/", "/deconnexion", "/_dev/"];

pub fn is_private(path: &str) -> bool {
    PRIVATE_PREFIXES.iter().any(|p| path.starts_with(p))
}

fn robots_txt() -> String {
    let mut txt = String::from("User-agent: *\n");
    for prefix in PRIVATE_PREFIXES {
        txt.push_str(&format!("Disallow: {prefix}\n"));
    }
    txt.push_str("Disallow: /api/\n");
    txt
}

pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let txt = robots_txt();
    Router::new().route(
        "/robots.txt",
        get(move || async move {
            (
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
                txt,
            )
        }),
    )
}

/// Adds `X-Robots-Tag: noindex, nofollow` to the private pages' answers.
pub async fn not_indexed(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let private = is_private(request.uri().path());
    let mut response = next.run(request).await;
    if private {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-robots-tag"), HeaderValue::from_static("noindex, nofollow"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_personal_space_is_private_and_the_directory_public() {
        assert!(is_private("/mon-espace"));
        assert!(is_private("/mon-espace/ajouter"));
        assert!(is_private("/dossiers/abc"));
        assert!(is_private("/connexion/retour"));
        assert!(!is_private("/connexion"), "the login page is public");
        assert!(!is_private("/annuaire/tj-saint-denis"));
        assert!(!is_private("/"));
        assert!(robots_txt().contains("Disallow: /mon-espace\n"));
    }
}
