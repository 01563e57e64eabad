//! Identifiers in URLs: not the database's sequences, but an HMAC of them
//! under the portal's secret key — stable, unguessable, and meaningless
//! without the key. A page finds what an identifier names among what the
//! signed-in user may see, never in the whole table.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;

/// The public identifier of a record of `kind` (`case`, `event`,
/// `document`): 128 bits, 22 URL-safe characters.
pub fn of(key: &hmac::Key, kind: &str, id: i64) -> String {
    let tag = hmac::sign(key, format!("public-id|{kind}|{id}").as_bytes());
    URL_SAFE_NO_PAD.encode(&tag.as_ref()[..16])
}

#[cfg(test)]
mod tests {
    use super::of;

    #[test]
    fn identifiers_are_stable_distinct_and_keyed() {
        let (k, other) = (crate::signing_key(b"k"), crate::signing_key(b"other"));
        assert_eq!(of(&k, "case", 1), of(&k, "case", 1));
        assert_ne!(of(&k, "case", 1), of(&k, "case", 2));
        assert_ne!(of(&k, "case", 1), of(&k, "document", 1));
        assert_ne!(of(&k, "case", 1), of(&other, "case", 1));
        assert_eq!(of(&k, "case", 1).len(), 22);
    }
}
