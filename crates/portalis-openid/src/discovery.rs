//! The provider's metadata (OpenID Connect Discovery) and its keys, cached.
//! Keys are fetched again when a token names a key the cache does not hold
//! (the provider rotated its keys), at most once every few seconds.

use crate::error::{LoginError, TokenError};
use crate::jose::{self, Jwks};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::RwLock;

#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
}

/// The least time between two fetches of the keys.
const REFRESH_GAP: Duration = Duration::from_secs(5);

pub struct Provider {
    issuer: String,
    http: reqwest::Client,
    metadata: RwLock<Option<Arc<Metadata>>>,
    keys: RwLock<(Jwks, Option<Instant>)>,
}

impl Provider {
    pub fn new(issuer: impl Into<String>, http: reqwest::Client) -> Self {
        Self { issuer: issuer.into(), http, metadata: RwLock::new(None), keys: RwLock::new((Jwks::default(), None)) }
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The metadata, fetched once. Its `issuer` must be exactly the
    /// configured one.
    pub async fn metadata(&self) -> Result<Arc<Metadata>, LoginError> {
        if let Some(m) = self.metadata.read().await.as_ref() {
            return Ok(m.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.issuer.trim_end_matches('/'));
        let m: Metadata = self
            .http
            .get(&url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| LoginError::Unavailable(format!("discovery: {e}")))?
            .json()
            .await
            .map_err(|e| LoginError::Unavailable(format!("discovery document: {e}")))?;
        if m.issuer != self.issuer {
            return Err(LoginError::IdToken(TokenError::WrongIssuer));
        }
        let m = Arc::new(m);
        *self.metadata.write().await = Some(m.clone());
        Ok(m)
    }

    async fn fetch_keys(&self) -> Result<(), LoginError> {
        let m = self.metadata().await?;
        let jwks: Jwks = self
            .http
            .get(&m.jwks_uri)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| LoginError::Unavailable(format!("jwks: {e}")))?
            .json()
            .await
            .map_err(|e| LoginError::Unavailable(format!("jwks document: {e}")))?;
        *self.keys.write().await = (jwks, Some(Instant::now()));
        Ok(())
    }

    /// Verifies a compact JWS with the provider's keys, fetching them again
    /// once if the token names a key the cache does not hold.
    pub async fn verify(&self, token: &str) -> Result<Result<Map<String, Value>, TokenError>, LoginError> {
        let unverified = match jose::parse(token) {
            Ok(u) => u,
            Err(e) => return Ok(Err(e)),
        };
        let stale = {
            let keys = self.keys.read().await;
            let never = keys.1.is_none();
            let unknown = !unverified.key_known(&keys.0);
            let may_refresh = keys.1.is_none_or(|t| t.elapsed() >= REFRESH_GAP);
            never || (unknown && may_refresh)
        };
        if stale {
            self.fetch_keys().await?;
        }
        let keys = self.keys.read().await;
        Ok(unverified.verify(&keys.0))
    }
}
