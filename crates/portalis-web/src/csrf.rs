//! Tokens for forms that change state. A token is an HMAC, under the
//! portal's secret key, of what binds the form to this browser: the session
//! (signed in) or an anonymous cookie (the login button). A POST whose token
//! does not match is refused with 403.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ring::hmac;

/// The token for `binding` (`session:<hash>` or `anonymous:<value>`).
pub fn token(key: &hmac::Key, binding: &str) -> String {
    URL_SAFE_NO_PAD.encode(hmac::sign(key, format!("csrf|{binding}").as_bytes()).as_ref())
}

/// Checks a submitted token in constant time.
pub fn verify(key: &hmac::Key, binding: &str, submitted: &str) -> bool {
    let Ok(tag) = URL_SAFE_NO_PAD.decode(submitted) else { return false };
    hmac::verify(key, format!("csrf|{binding}").as_bytes(), &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_only_for_its_binding_and_key() {
        let (key, other) = (crate::signing_key(b"key"), crate::signing_key(b"other"));
        let t = token(&key, "session:abc");
        assert!(verify(&key, "session:abc", &t));
        assert!(!verify(&key, "session:abd", &t));
        assert!(!verify(&other, "session:abc", &t));
        assert!(!verify(&key, "session:abc", ""));
        assert!(!verify(&key, "session:abc", "not base64 !"));
    }
}
