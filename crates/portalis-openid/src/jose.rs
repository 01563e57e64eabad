//! Verifying compact JWS: ES256 (P-256) and RS256 only, with a key from the
//! provider's JWKS. `none`, HMAC and every other algorithm are refused before
//! any key is looked at.

use crate::error::TokenError;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use serde::Deserialize;
use serde_json::{Map, Value};

pub const ALLOWED_ALGORITHMS: &[&str] = &["ES256", "RS256"];

/// One key of a JWKS (only what verification needs).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default, rename = "use")]
    pub use_: Option<String>,
    #[serde(default)]
    pub alg: Option<String>,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
    #[serde(default)]
    pub n: Option<String>,
    #[serde(default)]
    pub e: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Deserialize)]
struct Header {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// A token whose header was read but whose signature is not checked yet.
pub struct Unverified<'a> {
    alg: String,
    kid: Option<String>,
    signing_input: &'a str,
    signature: Vec<u8>,
    payload: Vec<u8>,
}

fn b64(s: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD.decode(s.trim_end_matches('=')).map_err(|_| TokenError::Malformed)
}

/// Reads a compact JWS and refuses any algorithm but ES256 and RS256.
pub fn parse(token: &str) -> Result<Unverified<'_>, TokenError> {
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(TokenError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| TokenError::Malformed)?;
    if !ALLOWED_ALGORITHMS.contains(&header.alg.as_str()) {
        return Err(TokenError::AlgorithmNotAllowed(header.alg));
    }
    let signature = b64(s)?;
    if signature.is_empty() {
        return Err(TokenError::BadSignature);
    }
    Ok(Unverified {
        alg: header.alg,
        kid: header.kid,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
        payload: b64(p)?,
    })
}

impl Unverified<'_> {
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The key of `jwks` this token names (by `kid`, or the only key of the
    /// right type when the token names none).
    fn key<'k>(&self, jwks: &'k Jwks) -> Option<&'k Jwk> {
        let kty = if self.alg == "ES256" { "EC" } else { "RSA" };
        let candidates: Vec<&Jwk> = jwks
            .keys
            .iter()
            .filter(|k| k.kty == kty && k.use_.as_deref().is_none_or(|u| u == "sig"))
            .filter(|k| k.alg.as_deref().is_none_or(|a| a == self.alg))
            .collect();
        match &self.kid {
            Some(kid) => candidates.into_iter().find(|k| k.kid.as_deref() == Some(kid)),
            None if candidates.len() == 1 => candidates.into_iter().next(),
            None => None,
        }
    }

    /// Whether `jwks` holds the key this token names.
    pub fn key_known(&self, jwks: &Jwks) -> bool {
        self.key(jwks).is_some()
    }

    /// Checks the signature and returns the claims.
    pub fn verify(self, jwks: &Jwks) -> Result<Map<String, Value>, TokenError> {
        let key = self.key(jwks).ok_or(TokenError::UnknownKey)?;
        let message = self.signing_input.as_bytes();
        let ok = match self.alg.as_str() {
            "ES256" => {
                if key.crv.as_deref() != Some("P-256") {
                    return Err(TokenError::UnknownKey);
                }
                let x = b64(key.x.as_deref().ok_or(TokenError::UnknownKey)?)?;
                let y = b64(key.y.as_deref().ok_or(TokenError::UnknownKey)?)?;
                if x.len() != 32 || y.len() != 32 {
                    return Err(TokenError::UnknownKey);
                }
                let mut point = Vec::with_capacity(65);
                point.push(4);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, &self.signature)
                    .is_ok()
            }
            "RS256" => {
                let n = b64(key.n.as_deref().ok_or(TokenError::UnknownKey)?)?;
                let e = b64(key.e.as_deref().ok_or(TokenError::UnknownKey)?)?;
                RsaPublicKeyComponents { n, e }
                    .verify(&signature::RSA_PKCS1_2048_8192_SHA256, message, &self.signature)
                    .is_ok()
            }
            other => return Err(TokenError::AlgorithmNotAllowed(other.to_owned())),
        };
        if !ok {
            return Err(TokenError::BadSignature);
        }
        match serde_json::from_slice(&self.payload) {
            Ok(Value::Object(claims)) => Ok(claims),
            _ => Err(TokenError::Malformed),
        }
    }
}

/// Signing ES256 tokens, for the simulator and for tests.
pub mod sign {
    use super::URL_SAFE_NO_PAD;
    use base64::Engine;
    use ring::rand::SystemRandom;
    use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair};
    use serde_json::{Value, json};

    /// A P-256 key pair with its key id.
    pub struct EsKey {
        pair: EcdsaKeyPair,
        pub kid: String,
        rng: SystemRandom,
    }

    impl EsKey {
        /// A new key from the operating system's CSPRNG.
        pub fn generate(kid: impl Into<String>) -> Self {
            let rng = SystemRandom::new();
            let pkcs8 =
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).expect("P-256 key generation");
            let pair =
                EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).expect("P-256 key");
            Self { pair, kid: kid.into(), rng }
        }

        /// The public key as a JWK.
        pub fn jwk(&self) -> Value {
            let point = self.pair.public_key().as_ref();
            json!({
                "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": self.kid,
                "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
                "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
            })
        }

        /// A compact JWS of `claims`, with `header` fields added to
        /// `alg`/`kid`/`typ`.
        pub fn sign(&self, claims: &Value) -> String {
            let header = json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"});
            let signing_input = format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header.to_string()),
                URL_SAFE_NO_PAD.encode(claims.to_string())
            );
            let sig = self.pair.sign(&self.rng, signing_input.as_bytes()).expect("ECDSA signing");
            format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig.as_ref()))
        }
    }

    /// An HMAC-signed or unsigned token, to prove they are refused (test
    /// builds only: no such forger in the portal's binary).
    #[cfg(any(test, feature = "testing"))]
    pub fn with_algorithm(alg: &str, claims: &Value, hmac_key: &[u8]) -> String {
        let header = json!({"alg": alg, "typ": "JWT"});
        let signing_input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let sig = if alg == "none" {
            Vec::new()
        } else {
            let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, hmac_key);
            ring::hmac::sign(&key, signing_input.as_bytes()).as_ref().to_vec()
        };
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }
}

#[cfg(test)]
mod tests {
    use super::sign::{EsKey, with_algorithm};
    use super::*;
    use serde_json::json;

    fn jwks(keys: &[&EsKey]) -> Jwks {
        serde_json::from_value(json!({"keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>()})).unwrap()
    }

    #[test]
    fn an_es256_token_verifies_with_its_key() {
        let key = EsKey::generate("k1");
        let token = key.sign(&json!({"sub": "abc"}));
        let claims = parse(&token).unwrap().verify(&jwks(&[&key])).unwrap();
        assert_eq!(claims["sub"], "abc");
    }

    #[test]
    fn a_token_signed_by_another_key_is_refused() {
        let key = EsKey::generate("k1");
        let other = EsKey::generate("k1");
        let token = other.sign(&json!({"sub": "abc"}));
        assert_eq!(parse(&token).unwrap().verify(&jwks(&[&key])).unwrap_err(), TokenError::BadSignature);
    }

    #[test]
    fn a_tampered_payload_is_refused() {
        let key = EsKey::generate("k1");
        let token = key.sign(&json!({"sub": "abc"}));
        let parts: Vec<&str> = token.split('.').collect();
        let forged =
            format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(json!({"sub": "mallory"}).to_string()), parts[2]);
        assert_eq!(parse(&forged).unwrap().verify(&jwks(&[&key])).unwrap_err(), TokenError::BadSignature);
    }

    #[test]
    fn none_and_hmac_are_refused_before_any_key_is_used() {
        let claims = json!({"sub": "abc"});
        for alg in ["none", "HS256"] {
            let token = with_algorithm(alg, &claims, b"client-secret");
            assert!(matches!(parse(&token), Err(TokenError::AlgorithmNotAllowed(a)) if a == alg));
        }
    }

    #[test]
    fn an_unknown_kid_is_reported_as_such() {
        let key = EsKey::generate("k1");
        let rotated = EsKey::generate("k2");
        let token = rotated.sign(&json!({"sub": "abc"}));
        let unverified = parse(&token).unwrap();
        assert!(!unverified.key_known(&jwks(&[&key])));
        assert_eq!(unverified.verify(&jwks(&[&key])).unwrap_err(), TokenError::UnknownKey);
    }

    #[test]
    fn garbage_is_malformed() {
        for t in ["", "a.b", "a.b.c.d", "!!!.???.***"] {
            assert!(parse(t).is_err(), "{t}");
        }
    }
}
