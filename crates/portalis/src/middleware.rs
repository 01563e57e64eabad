//! Cross-cutting layers: request ids, request logs, security headers,
//! compression, timeouts and panics turned into plain 500s.

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use portalis_core::random::RandomSource;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestId, RequestId};

pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request id a client sent, cleaned: kept apart from the portal's own
/// (which the logs, the answer and the audit carry), for the logs only.
#[derive(Debug, Clone)]
pub struct ClientRequestId(pub String);

/// What is kept of a client's request id: 64 characters at most, anything
/// but letters, digits, `-`, `.` and `:` turned into `_`.
pub fn clean_request_id(raw: &[u8]) -> String {
    raw.iter()
        .take(64)
        .map(|b| if b.is_ascii_alphanumeric() || b"-.:".contains(b) { char::from(*b) } else { '_' })
        .collect()
}

/// Takes a client's `x-request-id` out of the request before the portal
/// gives it its own: a client's id is never taken as the portal's.
/// (A plain map of the request, applied with `MapRequestLayer`: no boxed
/// future on every request.)
pub fn set_aside_client_request_id<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    if let Some(v) = request.headers_mut().remove(&REQUEST_ID) {
        let cleaned = ClientRequestId(clean_request_id(v.as_bytes()));
        request.extensions_mut().insert(cleaned);
    }
    request
}

/// Request ids are 16 random hex characters from the injected source.
#[derive(Clone)]
pub struct MakeHexId(pub Arc<dyn RandomSource>);

impl MakeRequestId for MakeHexId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&self.0.hex(8)).ok().map(RequestId::new)
    }
}

/// The Content-Security-Policy: nothing but the portal's own files, and
/// forms that post to the portal — whose answers may redirect to the
/// identity provider (`provider_origin`), which browsers check too.
pub fn content_security_policy(provider_origin: Option<&str>) -> HeaderValue {
    let form_action = match provider_origin {
        Some(o) => format!("'self' {o}"),
        None => "'self'".to_owned(),
    };
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action {form_action}; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&csp).unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
}

/// The headers every response carries, pages, API and files alike.
pub async fn security_headers(csp: HeaderValue, hsts: bool, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, csp);
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    response
}

/// Whether an answer is worth compressing on the fly, by its type: pages,
/// JSON, CSV and calendars (with `SizeAbove`, when they are larger than a
/// few hundred bytes). Static files come already compressed
/// (`Content-Encoding` set: left alone), PDFs and images would not shrink.
pub fn compressible(status: axum::http::StatusCode, _: axum::http::Version, headers: &axum::http::HeaderMap, _: &axum::http::Extensions) -> bool {
    const TYPES: &[&str] = &["text/html", "application/json", "application/problem+json", "text/csv", "text/calendar", "text/plain"];
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    status != axum::http::StatusCode::NO_CONTENT && TYPES.iter().any(|t| kind.starts_with(t))
}

/// A signed-in request that another site started (or a browser that does
/// not say where a request comes from) is answered uncompressed: its page
/// may show what the other site put in the address next to the person's
/// data, and compressed sizes would let an observer of the traffic guess
/// that data (BREACH). The person's own navigation (`Sec-Fetch-Site:
/// same-origin` or `none`) and every anonymous request are compressed.
pub fn no_compression_across_sites<B>(mut request: axum::http::Request<B>) -> axum::http::Request<B> {
    let h = request.headers();
    let own = matches!(h.get("sec-fetch-site").map(HeaderValue::as_bytes), Some(b"same-origin" | b"none"));
    if portalis_web::session::carries_session_cookie(h) && !own {
        request.headers_mut().remove(header::ACCEPT_ENCODING);
    }
    request
}
