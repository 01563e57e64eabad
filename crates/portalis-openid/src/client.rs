//! The authorization code flow, as FranceConnect v2 and ProConnect want it:
//! PKCE, signed ID token, signed UserInfo. What differs between them is a
//! [`Profile`].

use crate::discovery::Provider;
use crate::error::{LoginError, TokenError};
use crate::profile::Profile;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use portalis_core::random::RandomSource;
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

/// How far clocks may disagree.
const LEEWAY_SECONDS: i64 = 60;

/// What the portal is registered with at the provider.
#[derive(Clone)]
pub struct Settings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
    pub post_logout_redirect_uri: String,
    pub scopes: String,
    pub acr_values: String,
    /// The `acr` an ID token may carry; anything else is refused.
    pub accepted_acr: Vec<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"***")
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("accepted_acr", &self.accepted_acr)
            .finish()
    }
}

/// What the portal remembers of a login attempt until the callback: bound to
/// the browser that started it, used once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: Option<String>,
}

/// A verified identity: who the provider vouches for, as its profile
/// reads him.
#[derive(Clone, PartialEq, Eq)]
pub struct Identity<P> {
    pub issuer: String,
    pub subject: String,
    pub person: P,
    /// Kept for the logout (`id_token_hint`); never logged.
    pub id_token: String,
}

impl<P: std::fmt::Debug> std::fmt::Debug for Identity<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("issuer", &self.issuer)
            .field("subject", &self.subject)
            .field("person", &self.person)
            .field("id_token", &"***")
            .finish()
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    id_token: Option<String>,
    access_token: Option<String>,
}

/// 32 random bytes, base64url: 43 characters (FranceConnect asks for at
/// least 32).
fn random_token(random: &dyn RandomSource) -> String {
    let mut b = [0u8; 32];
    random.fill(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()))
}

fn string_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    claims.get(name).and_then(Value::as_str).map(str::to_owned)
}

/// The portal's client at one provider, with that federation's rules.
pub struct Client<P> {
    settings: Settings,
    provider: Provider,
    http: reqwest::Client,
    profile: std::marker::PhantomData<fn() -> P>,
}

impl<P: Profile> Client<P> {
    pub fn new(settings: Settings, http: reqwest::Client) -> Self {
        let provider = Provider::new(settings.issuer.clone(), http.clone());
        Self { settings, provider, http, profile: std::marker::PhantomData }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The URL to send the browser to, and what to remember until it comes
    /// back.
    pub async fn start(&self, random: &dyn RandomSource) -> Result<(Url, LoginAttempt), LoginError> {
        let m = self.provider.metadata().await?;
        // PKCE is required (RFC 9700 2.1.1): a provider that does not
        // offer S256 is not used, rather than logged into without it.
        if !m.code_challenge_methods_supported.iter().any(|c| c == "S256") {
            return Err(LoginError::PkceUnsupported);
        }
        let attempt = LoginAttempt {
            state: random_token(random),
            nonce: random_token(random),
            pkce_verifier: Some(random_token(random)),
        };
        let mut url = Url::parse(&m.authorization_endpoint)
            .map_err(|_| LoginError::Unavailable("authorization endpoint is not a URL".into()))?;
        {
            let mut q = url.query_pairs_mut();
            q.append_pair("response_type", "code")
                .append_pair("client_id", &self.settings.client_id)
                .append_pair("redirect_uri", &self.settings.redirect_uri)
                .append_pair("scope", &self.settings.scopes)
                .append_pair("acr_values", &self.acr_values())
                .append_pair("state", &attempt.state)
                .append_pair("nonce", &attempt.nonce);
            if let Some(v) = &attempt.pkce_verifier {
                q.append_pair("code_challenge", &pkce_challenge(v)).append_pair("code_challenge_method", "S256");
            }
        }
        Ok((url, attempt))
    }

    /// The levels asked: the profile's, unless the configuration accepts
    /// none but others (FranceConnect+'s `eidas2 eidas3`): then those.
    fn acr_values(&self) -> String {
        let s = &self.settings;
        if s.accepted_acr.contains(&s.acr_values) { s.acr_values.clone() } else { s.accepted_acr.join(" ") }
    }

    /// Checks the callback's parameters against the attempt, exchanges the
    /// code, verifies the ID token and the signed UserInfo.
    pub async fn finish(
        &self,
        params: &std::collections::HashMap<String, String>,
        attempt: &LoginAttempt,
        now: DateTime<Utc>,
    ) -> Result<Identity<P::Person>, LoginError> {
        let state = params.get("state").ok_or(LoginError::MissingState)?;
        if !portalis_core::secret::constant_time_eq(state.as_bytes(), attempt.state.as_bytes()) {
            return Err(LoginError::StateMismatch);
        }
        if let Some(error) = params.get("error") {
            return Err(LoginError::Provider {
                error: error.clone(),
                description: params.get("error_description").cloned(),
            });
        }
        let code = params.get("code").filter(|c| !c.is_empty()).ok_or(LoginError::MissingCode)?;
        let m = self.provider.metadata().await?;

        let verifier = attempt.pkce_verifier.as_deref().ok_or(LoginError::PkceUnsupported)?;
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.as_str()),
            ("redirect_uri", self.settings.redirect_uri.as_str()),
            ("client_id", self.settings.client_id.as_str()),
            ("client_secret", self.settings.client_secret.as_str()),
            ("code_verifier", verifier),
        ];
        let response = self
            .http
            .post(&m.token_endpoint)
            .form(&form)
            .send()
            .await
            .map_err(|e| LoginError::Unavailable(format!("token endpoint: {e}")))?;
        if !response.status().is_success() {
            return Err(LoginError::TokenRefused(response.status().to_string()));
        }
        let tokens: TokenResponse =
            response.json().await.map_err(|e| LoginError::TokenRefused(format!("answer: {e}")))?;
        let id_token = tokens.id_token.ok_or(LoginError::IdToken(TokenError::MissingClaim("id_token")))?;
        let access_token = tokens.access_token.ok_or(LoginError::TokenRefused("no access token".into()))?;

        let claims = self.provider.verify(&id_token).await?.map_err(LoginError::IdToken)?;
        self.check_id_token(&claims, attempt, now).map_err(LoginError::IdToken)?;
        let subject = string_claim(&claims, "sub").ok_or(LoginError::IdToken(TokenError::MissingClaim("sub")))?;

        let info = self.user_info(&m.userinfo_endpoint, &access_token, now.timestamp()).await?;
        if string_claim(&info, "sub").as_deref() != Some(subject.as_str()) {
            return Err(LoginError::SubjectMismatch);
        }
        let person = P::person(&info).map_err(LoginError::UserInfo)?;
        Ok(Identity { issuer: self.settings.issuer.clone(), subject, person, id_token })
    }

    fn check_audience(&self, claims: &Map<String, Value>) -> Result<(), TokenError> {
        let client = self.settings.client_id.as_str();
        let ok = match claims.get("aud") {
            Some(Value::String(a)) => a == client,
            Some(Value::Array(list)) => {
                list.iter().any(|a| a.as_str() == Some(client))
                    && (list.len() == 1 || claims.get("azp").and_then(Value::as_str) == Some(client))
            }
            _ => false,
        };
        if ok { Ok(()) } else { Err(TokenError::WrongAudience) }
    }

    /// What the ID token and the UserInfo JWT must both say, as
    /// FranceConnect v2 and ProConnect sign them: the exact issuer, this client as
    /// audience, an expiry not past, and no `nbf` to come (60 s leeway).
    fn check_common(&self, claims: &Map<String, Value>, now: i64) -> Result<(), TokenError> {
        match claims.get("iss") {
            None => return Err(TokenError::MissingClaim("iss")),
            Some(iss) if iss.as_str() != Some(self.settings.issuer.as_str()) => return Err(TokenError::WrongIssuer),
            Some(_) => {}
        }
        if !claims.contains_key("aud") {
            return Err(TokenError::MissingClaim("aud"));
        }
        self.check_audience(claims)?;
        let exp = claims.get("exp").and_then(Value::as_i64).ok_or(TokenError::MissingClaim("exp"))?;
        if exp + LEEWAY_SECONDS < now {
            return Err(TokenError::Expired);
        }
        match claims.get("nbf") {
            None => Ok(()),
            Some(nbf) => match nbf.as_i64() {
                Some(nbf) if nbf - LEEWAY_SECONDS <= now => Ok(()),
                Some(_) => Err(TokenError::NotYetValid),
                None => Err(TokenError::Malformed),
            },
        }
    }

    fn check_id_token(
        &self,
        claims: &Map<String, Value>,
        attempt: &LoginAttempt,
        now: DateTime<Utc>,
    ) -> Result<(), TokenError> {
        let now = now.timestamp();
        self.check_common(claims, now)?;
        let iat = claims.get("iat").and_then(Value::as_i64).ok_or(TokenError::MissingClaim("iat"))?;
        if iat - LEEWAY_SECONDS > now {
            return Err(TokenError::IssuedInFuture);
        }
        let nonce = claims.get("nonce").and_then(Value::as_str).ok_or(TokenError::WrongNonce)?;
        if !portalis_core::secret::constant_time_eq(nonce.as_bytes(), attempt.nonce.as_bytes()) {
            return Err(TokenError::WrongNonce);
        }
        match claims.get("acr").and_then(Value::as_str) {
            Some(acr) if self.settings.accepted_acr.iter().any(|a| a == acr) => Ok(()),
            _ => Err(TokenError::InsufficientAcr),
        }
    }

    /// UserInfo must come as a signed JWT (`application/jwt`) from the same
    /// issuer, for this client, not expired.
    async fn user_info(&self, endpoint: &str, access_token: &str, now: i64) -> Result<Map<String, Value>, LoginError> {
        let response = self
            .http
            .get(endpoint)
            .bearer_auth(access_token)
            .header(reqwest::header::ACCEPT, "application/jwt")
            .send()
            .await
            .map_err(|e| LoginError::Unavailable(format!("userinfo: {e}")))?;
        if !response.status().is_success() {
            return Err(LoginError::Unavailable(format!("userinfo answered {}", response.status())));
        }
        let ct = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !ct.starts_with("application/jwt") {
            return Err(LoginError::UserInfo(TokenError::NotSigned));
        }
        let body = response.text().await.map_err(|e| LoginError::Unavailable(format!("userinfo: {e}")))?;
        let claims = self.provider.verify(body.trim()).await?.map_err(LoginError::UserInfo)?;
        self.check_common(&claims, now).map_err(LoginError::UserInfo)?;
        Ok(claims)
    }

    /// Where to send the browser to end the provider's session too.
    pub async fn logout_url(&self, id_token_hint: &str, state: &str) -> Result<Url, LoginError> {
        let m = self.provider.metadata().await?;
        let end = m.end_session_endpoint.as_deref().ok_or(LoginError::Unavailable("no end_session_endpoint".into()))?;
        let mut url =
            Url::parse(end).map_err(|_| LoginError::Unavailable("end_session_endpoint is not a URL".into()))?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token_hint)
            .append_pair("state", state)
            .append_pair("post_logout_redirect_uri", &self.settings.post_logout_redirect_uri);
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pkce_challenge_is_the_base64url_sha256_of_the_verifier() {
        // Vector computed independently (Python hashlib and base64).
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mJ92K7c5ypstZk-yrG9gbYNwbVmhz2"),
            "asEf0s-upI5DPBWRVPifwo9GCtrTV7eFv8V2fUlNxbk"
        );
    }

    #[test]
    fn the_levels_asked_are_the_profiles_unless_the_configuration_accepts_only_others() {
        let client = |accepted: &[&str]| {
            Client::<crate::FranceConnectProfile>::new(
                Settings {
                    issuer: "https://fc.example".into(),
                    client_id: "c".into(),
                    client_secret: "s".into(),
                    redirect_uri: "https://p.example/r".into(),
                    post_logout_redirect_uri: "https://p.example/l".into(),
                    scopes: "openid".into(),
                    acr_values: "eidas1".into(),
                    accepted_acr: accepted.iter().map(|a| (*a).to_owned()).collect(),
                },
                reqwest::Client::new(),
            )
        };
        assert_eq!(client(&["eidas1", "eidas2", "eidas3"]).acr_values(), "eidas1");
        assert_eq!(client(&["eidas2", "eidas3"]).acr_values(), "eidas2 eidas3", "FranceConnect+");
    }

    #[test]
    fn state_and_nonce_are_at_least_32_characters_and_differ() {
        let r = portalis_core::random::SeededRandom::new(1);
        let (a, b) = (random_token(&r), random_token(&r));
        assert!(a.len() >= 32 && b.len() >= 32);
        assert_ne!(a, b);
    }
}
