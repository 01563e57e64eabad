//! The API's one error type, answered as `application/problem+json`
//! (RFC 9457). Each variant says its status; internal errors are logged with
//! their cause and answered without it.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portalis_documents::DocumentError;
use portalis_storage::StorageError;
use serde::Serialize;
use utoipa::ToSchema;

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct FieldError {
    /// The field's name; nested fields are dotted (`nature.code`).
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// A problem details document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the body is not JSON, or not the JSON object expected.
    BadRequest(String),
    /// 401: no key, or a key that is unknown or revoked.
    Unauthorized,
    /// 404: no such resource for this court (a foreign case is not found).
    NotFound(&'static str),
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 409: the resource already says otherwise (a filing answered
    /// differently before).
    Conflict(String),
    /// 413: the body or the file is too large.
    TooLarge(String),
    /// 415: not JSON where JSON is expected, or a file that is not a PDF.
    UnsupportedMediaType(String),
    /// 422: fields that do not parse, each named.
    Invalid(Vec<FieldError>),
    /// 500: a fault of ours, logged; the client is told nothing more.
    Internal(String),
    /// 503: the database cannot be reached; try again later.
    Unavailable,
}

impl ApiError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Invalid(vec![FieldError::new(field, message)])
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        if e.is_unavailable() {
            tracing::error!(error = %e, "the database is unavailable");
            return ApiError::Unavailable;
        }
        ApiError::Internal(e.to_string())
    }
}

impl From<DocumentError> for ApiError {
    fn from(e: DocumentError) -> Self {
        match e {
            DocumentError::Busy => ApiError::Unavailable,
            e => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        let (detail, errors) = match self {
            ApiError::BadRequest(d)
            | ApiError::TooLarge(d)
            | ApiError::UnsupportedMediaType(d)
            | ApiError::Conflict(d) => (d, vec![]),
            ApiError::Unauthorized => ("a valid API key is required: Authorization: Bearer <key>".to_owned(), vec![]),
            ApiError::NotFound(what) => (format!("no such {what} for this court"), vec![]),
            ApiError::MethodNotAllowed => ("this method is not allowed on this resource".to_owned(), vec![]),
            ApiError::Invalid(errors) => {
                let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                (format!("invalid fields: {}", names.join(", ")), errors)
            }
            ApiError::Unavailable => ("the service is temporarily unavailable; retry later".to_owned(), vec![]),
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error in the court API");
                ("an internal error occurred; it has been logged".to_owned(), vec![])
            }
        };
        let body = Problem { type_: "about:blank".into(), title, status: status.as_u16(), detail, errors };
        let mut response = (status, serde_json::to_string(&body).unwrap_or_default()).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        }
        if status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"portalis\""));
        }
        response
    }
}

pub async fn not_found_fallback() -> ApiError {
    ApiError::NotFound("resource")
}

pub async fn method_not_allowed_fallback() -> ApiError {
    ApiError::MethodNotAllowed
}
