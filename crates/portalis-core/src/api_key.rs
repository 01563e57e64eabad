//! A court system's API key: `ptl_` and 256 random bits in hex, shown once
//! at its creation; only its SHA-256 is stored, with its first characters
//! to tell keys apart.

use crate::random::RandomSource;
use crate::secret::sha256_hex;

/// The prefix of every API key, so that a leaked key is recognisable.
pub const KEY_PREFIX: &str = "ptl_";

/// Draws a new API key.
pub fn new_key(random: &dyn RandomSource) -> String {
    format!("{KEY_PREFIX}{}", random.hex(32))
}

/// What is stored of a key.
pub fn key_hash(key: &str) -> String {
    sha256_hex(key.as_bytes())
}

/// What is kept to tell keys apart: the prefix and 8 hex digits.
pub fn key_prefix(key: &str) -> String {
    key.chars().take(KEY_PREFIX.len() + 8).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn a_key_is_long_random_and_kept_only_as_its_hash_and_first_characters() {
        let key = new_key(&SeededRandom::new(1));
        assert!(key.starts_with(KEY_PREFIX) && key.len() == KEY_PREFIX.len() + 64);
        assert_ne!(key, new_key(&SeededRandom::new(2)));
        assert_eq!(key_hash(&key).len(), 64);
        assert_eq!(key_prefix(&key).len(), 12);
        assert!(key.starts_with(&key_prefix(&key)));
    }
}
