//! The bearer key names the court: [`CourtKey`] is an extractor that answers
//! 401 before any handler runs when the key is missing, unknown or revoked.

use crate::ApiState;
use crate::problem::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use portalis_storage::courts::Court;

pub use portalis_core::api_key::{KEY_PREFIX, key_hash, new_key};

/// The court whose key came with the request.
pub struct CourtKey(pub Court);

impl FromRequestParts<ApiState> for CourtKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, Self::Rejection> {
        let key = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|k| k.starts_with(KEY_PREFIX) && k.len() < 200)
            .ok_or(ApiError::Unauthorized)?;
        let mut conn = state.db.read().await?;
        match portalis_storage::api_keys::court_for(&mut conn, &key_hash(key)).await? {
            Some(court) => Ok(CourtKey(court)),
            None => {
                tracing::warn!(path = %parts.uri.path(), "court API request with an unknown key");
                Err(ApiError::Unauthorized)
            }
        }
    }
}
