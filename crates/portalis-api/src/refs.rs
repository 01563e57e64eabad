//! References that court systems give their own records (`case_ref`,
//! `party_ref`, …), taken from the path or, in a batch, from the body.

use crate::problem::ApiError;

/// A court's own reference: 1 to 100 printable characters, no spaces
/// (`portalis_core::text::reference`).
pub use portalis_core::text::reference;

/// A reference taken from the path, named `field` when it is refused.
pub fn parse_ref(field: &'static str, value: &str) -> Result<String, ApiError> {
    reference(value).map_err(|e| ApiError::invalid(field, e.en))
}

/// The request id set by the request-id middleware, for the audit log.
pub fn request_id(headers: &axum::http::HeaderMap) -> Option<String> {
    headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

/// `Path` whose rejection is a problem document rather than plain text.
pub struct ApiPath<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for ApiPath<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(t)) => Ok(ApiPath(t)),
            Err(e) => Err(ApiError::BadRequest(format!("invalid path: {e}"))),
        }
    }
}

/// The raw body, whose rejection (over the size limit, say) is a problem
/// document rather than plain text.
pub struct ApiBody(pub bytes::Bytes);

impl<S: Send + Sync> axum::extract::FromRequest<S> for ApiBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match bytes::Bytes::from_request(req, state).await {
            Ok(b) => Ok(ApiBody(b)),
            Err(e) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::TooLarge(format!(
                "the body may not exceed {} bytes ({} for a batch of events)",
                crate::MAX_JSON_BYTES,
                crate::event_batch::MAX_BATCH_BYTES
            ))),
            Err(e) => Err(ApiError::BadRequest(format!("cannot read the body: {e}"))),
        }
    }
}
