//! What every write handler does last: audit the change, answer 201 with a
//! `Location` for a creation and 200 otherwise.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use portalis_storage::Outcome;
use serde::Serialize;

pub fn respond<T: Serialize>(outcome: Outcome, location: &str, body: T) -> Response {
    match outcome {
        Outcome::Created => {
            let mut r = (StatusCode::CREATED, Json(body)).into_response();
            if let Ok(v) = HeaderValue::from_str(location) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        Outcome::Updated | Outcome::Unchanged => (StatusCode::OK, Json(body)).into_response(),
    }
}

/// An instant as the API shows it (RFC 3339, UTC, seconds).
pub fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A URL path segment, percent-encoded where needed.
pub fn segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
