//! Cross-cutting layers: request ids, request logs, security headers,
//! compression, timeouts and panics turned into plain 500s.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
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
/// identity providers (`provider_origins`), which browsers check too.
pub fn content_security_policy(provider_origins: &[String]) -> HeaderValue {
    let form_action =
        std::iter::once("'self'").chain(provider_origins.iter().map(String::as_str)).collect::<Vec<_>>().join(" ");
    let csp = format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action {form_action}; frame-ancestors 'none'"
    );
    HeaderValue::from_str(&csp)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
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
/// JSON, CSV and calendars. Static files come already compressed
/// (`Content-Encoding` set: left alone), PDFs and images would not shrink.
fn compressible(status: axum::http::StatusCode, headers: &axum::http::HeaderMap) -> bool {
    const TYPES: &[&str] =
        &["text/html", "application/json", "application/problem+json", "text/csv", "text/calendar", "text/plain"];
    let kind = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    status != axum::http::StatusCode::NO_CONTENT
        && !headers.contains_key(header::CONTENT_ENCODING)
        && TYPES.iter().any(|t| kind.starts_with(t))
}

/// The sizes of answer compressed: from a few hundred bytes (less would
/// not pay for gzip's header) to what a page or an export may weigh.
const COMPRESSED_SIZES: std::ops::RangeInclusive<u64> = 512..=(8 << 20);

/// Gzips an answer the browser accepts gzipped, in one go (every page and
/// export is built whole in memory). Measured on the help page (9.4 KB):
/// gzip at level 2 makes 3.3 KB in ~45 µs; level 4, 3.1 KB in ~60 µs;
/// brotli at level 4, 3.0 KB in ~210 µs (its encoder is costly to set up).
/// Level 2 it is.
///
/// A signed-in request that another site started (or from a browser that
/// does not say where a request comes from) is answered uncompressed: its
/// page may show what the other site put in the address next to the
/// person's data, and compressed sizes would let an observer of the
/// traffic guess that data (BREACH). The person's own navigation
/// (`Sec-Fetch-Site: same-origin` or `none`) and every anonymous request
/// are compressed.
pub async fn compress(request: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    use portalis_web::assets::encoding::{Coding, choose};
    let h = request.headers();
    let own = matches!(h.get("sec-fetch-site").map(HeaderValue::as_bytes), Some(b"same-origin" | b"none"));
    let wanted = choose(h, false, true) == Coding::Gzip && (own || !portalis_web::session::carries_session_cookie(h));
    let response = next.run(request).await;
    let (mut parts, body) = response.into_parts();
    if !compressible(parts.status, &parts.headers) {
        return Response::from_parts(parts, body);
    }
    parts.headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let fits = body.size_hint().exact().is_some_and(|n| COMPRESSED_SIZES.contains(&n));
    if !wanted || !fits {
        return Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, axum::body::Body::empty());
    };
    let gzipped = portalis_web::assets::encoding::gzip_with(&bytes, 2);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    Response::from_parts(parts, axum::body::Body::from(gzipped))
}
