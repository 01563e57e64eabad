//! The bearer key names the court: [`CourtKey`] is an extractor that answers
//! 401 before any handler runs when the key is missing, unknown or revoked.

use crate::ApiState;
use crate::problem::ApiError;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use portalis_core::random::RandomSource;
use portalis_core::secret::sha256_hex;
use portalis_storage::courts::Court;

/// The prefix of every API key, so that a leaked key is recognisable.
pub const KEY_PREFIX: &str = "ptl_";

/// Draws a new API key: the prefix and 256 random bits in hex.
pub fn new_key(random: &dyn RandomSource) -> String {
    format!("{KEY_PREFIX}{}", random.hex(32))
}

/// What is stored of a key.
pub fn key_hash(key: &str) -> String {
    sha256_hex(key.as_bytes())
}

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
