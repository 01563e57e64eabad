//! Whether a request is the person's own act on the portal, from what the
//! browser says of where it comes from (Fetch Metadata, `Sec-Fetch-Site`).
//!
//! Some GETs record a legal act of the person: the first consultation of a
//! document (a receipt, which starts time limits) and of a case (consent to
//! electronic communication, CPC 748-2). The session cookie is
//! `SameSite=Lax`, so it rides on a top-level navigation from any other
//! site: a page elsewhere that sends the browser to a document's URL would
//! make the receipt without the person's intent. Such an act is recorded
//! only for a navigation from the portal's own pages (`same-origin`) or
//! one the person started himself — a typed address, a bookmark
//! (`none`). A browser that sends no Fetch Metadata is believed only when
//! its `Referer` is the portal's own origin.

use crate::WebState;
use axum::extract::FromRequestParts;
use axum::http::header::REFERER;
use axum::http::request::Parts;
use std::convert::Infallible;

/// How the request came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigation {
    /// From the portal's own pages, or started by the person.
    Own,
    /// From another site (or another origin of the same site), or
    /// unknown: the page is shown, no act is recorded.
    Elsewhere,
}

impl Navigation {
    /// Whether a legal act of the person may be recorded for it.
    pub fn is_own(self) -> bool {
        self == Navigation::Own
    }

    /// Reads the headers; `origin` is the portal's (`https://justice.example`).
    pub fn of(headers: &axum::http::HeaderMap, origin: &str) -> Self {
        let values: Vec<&str> = headers.get_all("sec-fetch-site").iter().filter_map(|v| v.to_str().ok()).collect();
        match values.as_slice() {
            [] => {
                let referer = headers.get(REFERER).and_then(|v| v.to_str().ok()).and_then(|r| url::Url::parse(r).ok());
                match referer {
                    Some(r) if r.origin().ascii_serialization() == origin => Navigation::Own,
                    _ => Navigation::Elsewhere,
                }
            }
            [one] if one.trim().eq_ignore_ascii_case("same-origin") || one.trim().eq_ignore_ascii_case("none") => Navigation::Own,
            _ => Navigation::Elsewhere,
        }
    }
}

impl FromRequestParts<WebState> for Navigation {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        Ok(Navigation::of(&parts.headers, &state.settings.origin))
    }
}

#[cfg(test)]
mod tests {
    use super::Navigation;
    use axum::http::{HeaderMap, HeaderValue};

    const ORIGIN: &str = "https://justice.example";

    fn with(pairs: &[(&'static str, &'static str)]) -> Navigation {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, HeaderValue::from_static(v));
        }
        Navigation::of(&h, ORIGIN)
    }

    #[test]
    fn a_navigation_from_the_portal_or_typed_by_the_person_is_his_own() {
        assert_eq!(with(&[("sec-fetch-site", "same-origin")]), Navigation::Own);
        assert_eq!(with(&[("sec-fetch-site", "none")]), Navigation::Own);
        assert_eq!(with(&[("referer", "https://justice.example/mon-espace")]), Navigation::Own, "an old browser from our page");
    }

    #[test]
    fn a_navigation_from_elsewhere_is_not() {
        assert_eq!(with(&[("sec-fetch-site", "cross-site")]), Navigation::Elsewhere);
        assert_eq!(with(&[("sec-fetch-site", "same-site")]), Navigation::Elsewhere, "another origin of the same site");
        assert_eq!(with(&[("sec-fetch-site", "cross-site"), ("referer", "https://justice.example/")]), Navigation::Elsewhere);
        assert_eq!(with(&[("sec-fetch-site", "same-origin"), ("sec-fetch-site", "cross-site")]), Navigation::Elsewhere);
        assert_eq!(with(&[("sec-fetch-site", "whatever")]), Navigation::Elsewhere);
        assert_eq!(with(&[]), Navigation::Elsewhere, "nothing says where it comes from");
        assert_eq!(with(&[("referer", "https://justice.example.evil.example/")]), Navigation::Elsewhere);
        assert_eq!(with(&[("referer", "http://justice.example/")]), Navigation::Elsewhere, "another scheme is another origin");
    }
}
