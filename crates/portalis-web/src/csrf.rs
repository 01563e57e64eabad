//! Tokens for forms that change state. A token is an HMAC, under the
//! portal's secret key, of what binds the form to this browser: the session
//! (signed in) or an anonymous cookie (the login button). A POST whose token
//! does not match is refused with 403.
//!
//! Pages are compressed, so a secret repeated in every page must not be
//! guessable byte by byte from their sizes (BREACH): the HMAC is sent
//! masked by a random pad drawn for each page (`pad || hmac ⊕ pad`), as
//! Rails and Django do.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portalis_core::random::RandomSource;
use ring::hmac;

const TAG_LEN: usize = 32;

/// A token for `binding` (`session:<hash>` or `anonymous:<value>`), masked
/// by a fresh pad from `random`.
pub fn token(key: &hmac::Key, binding: &str, random: &dyn RandomSource) -> String {
    let tag = hmac::sign(key, format!("csrf|{binding}").as_bytes());
    let mut masked = [0u8; 2 * TAG_LEN];
    random.fill(&mut masked[..TAG_LEN]);
    for (i, byte) in tag.as_ref().iter().enumerate() {
        masked[TAG_LEN + i] = byte ^ masked[i];
    }
    URL_SAFE_NO_PAD.encode(masked)
}

/// Checks a submitted token in constant time.
pub fn verify(key: &hmac::Key, binding: &str, submitted: &str) -> bool {
    let Ok(masked) = URL_SAFE_NO_PAD.decode(submitted) else { return false };
    if masked.len() != 2 * TAG_LEN {
        return false;
    }
    let tag: Vec<u8> = masked[..TAG_LEN].iter().zip(&masked[TAG_LEN..]).map(|(pad, b)| pad ^ b).collect();
    hmac::verify(key, format!("csrf|{binding}").as_bytes(), &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use portalis_core::random::SeededRandom;

    #[test]
    fn a_token_verifies_only_for_its_binding_and_key() {
        let random = SeededRandom::new(7);
        let (key, other) = (crate::signing_key(b"key"), crate::signing_key(b"other"));
        let t = token(&key, "session:abc", &random);
        assert!(verify(&key, "session:abc", &t));
        assert!(!verify(&key, "session:abd", &t));
        assert!(!verify(&other, "session:abc", &t));
        assert!(!verify(&key, "session:abc", ""));
        assert!(!verify(&key, "session:abc", "not base64 !"));
    }

    #[test]
    fn each_page_gets_a_different_token_for_the_same_session() {
        let random = SeededRandom::new(7);
        let key = crate::signing_key(b"key");
        let (a, b) = (token(&key, "session:abc", &random), token(&key, "session:abc", &random));
        assert_ne!(a, b, "the pad changes: nothing constant for a compression oracle");
        assert!(verify(&key, "session:abc", &a) && verify(&key, "session:abc", &b));
        let unmasked = URL_SAFE_NO_PAD.encode(hmac::sign(&key, b"csrf|session:abc").as_ref());
        assert!(!verify(&key, "session:abc", &unmasked), "the bare HMAC is not a token");
    }
}
