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
//! its `Referer` is the portal's own origin. A prefetch or a prerender
//! (`Sec-Purpose`) is never the person's act, whatever it says of itself.
//!
//! One more: the person who follows a link to a document while signed out
//! goes to FranceConnect and comes back, a chain the browser calls
//! cross-site. The login's callback marks the page it sends him to
//! ([`arrival_cookie`]: an HMAC of the new session and that path, for two
//! minutes); that page, in that session, is his own navigation.

use crate::session::SESSION_COOKIE;
use crate::{WebState, cookies};
use axum::extract::FromRequestParts;
use axum::http::header::REFERER;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portalis_core::secret::sha256_hex;
use ring::hmac;
use std::convert::Infallible;

/// The cookie that marks the page a login sends the person back to.
pub const ARRIVAL_COOKIE: &str = "arrival";
/// How long the mark lasts, in seconds.
const ARRIVAL_SECONDS: i64 = 120;

/// What the mark signs: the session (by the hash of its cookie) and the
/// page.
fn arrival_message(session_token: &str, path: &str) -> String {
    format!("arrival|{}|{path}", sha256_hex(session_token.as_bytes()))
}

/// The cookie the login's callback sets for `path`, the page it sends the
/// person to, in the session whose cookie value is `session_token`.
pub fn arrival_cookie(key: &hmac::Key, session_token: &str, path: &str, secure: bool) -> HeaderValue {
    let tag = hmac::sign(key, arrival_message(session_token, path).as_bytes());
    cookies::set(
        &cookies::name(ARRIVAL_COOKIE, secure),
        &URL_SAFE_NO_PAD.encode(tag.as_ref()),
        Some(ARRIVAL_SECONDS),
        secure,
    )
}

/// Whether the request is the page a login just sent this session to.
fn arrived(headers: &HeaderMap, path: &str, key: &hmac::Key, secure: bool) -> bool {
    let (Some(session), Some(mark)) = (
        cookies::get(headers, &cookies::name(SESSION_COOKIE, secure)),
        cookies::get(headers, &cookies::name(ARRIVAL_COOKIE, secure)),
    ) else {
        return false;
    };
    let Ok(mark) = URL_SAFE_NO_PAD.decode(mark) else { return false };
    hmac::verify(key, arrival_message(&session, path).as_bytes(), &mark).is_ok()
}

/// A prefetch or a prerender, which the browser may make on its own.
fn speculative(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-purpose", "x-moz"].iter().any(|h| {
        headers.get_all(*h).iter().any(|v| {
            let v = String::from_utf8_lossy(v.as_bytes()).to_ascii_lowercase();
            v.contains("prefetch") || v.contains("prerender") || v.contains("preview")
        })
    })
}

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
    pub fn of(headers: &HeaderMap, origin: &str) -> Self {
        if speculative(headers) {
            return Navigation::Elsewhere;
        }
        let values: Vec<&str> = headers.get_all("sec-fetch-site").iter().filter_map(|v| v.to_str().ok()).collect();
        match values.as_slice() {
            [] => {
                let referer = headers.get(REFERER).and_then(|v| v.to_str().ok()).and_then(|r| url::Url::parse(r).ok());
                match referer {
                    Some(r) if r.origin().ascii_serialization() == origin => Navigation::Own,
                    _ => Navigation::Elsewhere,
                }
            }
            [one] if one.trim().eq_ignore_ascii_case("same-origin") || one.trim().eq_ignore_ascii_case("none") => {
                Navigation::Own
            }
            _ => Navigation::Elsewhere,
        }
    }
}

impl FromRequestParts<WebState> for Navigation {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let s = &state.settings;
        let path = parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str());
        Ok(match Navigation::of(&parts.headers, &s.origin) {
            Navigation::Elsewhere
                if !speculative(&parts.headers) && arrived(&parts.headers, path, &s.signing_key, s.secure_cookies) =>
            {
                Navigation::Own
            }
            n => n,
        })
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
        assert_eq!(
            with(&[("referer", "https://justice.example/mon-espace")]),
            Navigation::Own,
            "an old browser from our page"
        );
    }

    #[test]
    fn a_navigation_from_elsewhere_is_not() {
        assert_eq!(with(&[("sec-fetch-site", "cross-site")]), Navigation::Elsewhere);
        assert_eq!(with(&[("sec-fetch-site", "same-site")]), Navigation::Elsewhere, "another origin of the same site");
        assert_eq!(
            with(&[("sec-fetch-site", "cross-site"), ("referer", "https://justice.example/")]),
            Navigation::Elsewhere
        );
        assert_eq!(with(&[("sec-fetch-site", "same-origin"), ("sec-fetch-site", "cross-site")]), Navigation::Elsewhere);
        assert_eq!(with(&[("sec-fetch-site", "whatever")]), Navigation::Elsewhere);
        assert_eq!(with(&[]), Navigation::Elsewhere, "nothing says where it comes from");
        assert_eq!(with(&[("referer", "https://justice.example.evil.example/")]), Navigation::Elsewhere);
        assert_eq!(
            with(&[("referer", "http://justice.example/")]),
            Navigation::Elsewhere,
            "another scheme is another origin"
        );
        assert_eq!(
            with(&[("sec-fetch-site", "none"), ("sec-purpose", "prefetch;prerender")]),
            Navigation::Elsewhere,
            "a prerender"
        );
        assert_eq!(with(&[("sec-fetch-site", "same-origin"), ("purpose", "prefetch")]), Navigation::Elsewhere);
    }

    #[test]
    fn the_page_a_login_sends_to_is_marked_for_that_session_only() {
        let key = crate::signing_key(b"key");
        let cookie = super::arrival_cookie(&key, "token", "/dossiers/a/documents/b", false);
        let mark = cookie.to_str().unwrap().split(';').next().unwrap().to_owned();
        let headers = |session: &str| {
            let mut h = HeaderMap::new();
            h.insert("cookie", HeaderValue::from_str(&format!("portalis-session={session}; {mark}")).unwrap());
            h
        };
        assert!(super::arrived(&headers("token"), "/dossiers/a/documents/b", &key, false));
        assert!(!super::arrived(&headers("token"), "/dossiers/a/documents/c", &key, false), "another page");
        assert!(!super::arrived(&headers("other"), "/dossiers/a/documents/b", &key, false), "another session");
        assert!(!super::arrived(&headers("token"), "/dossiers/a/documents/b", &crate::signing_key(b"k2"), false));
    }
}
