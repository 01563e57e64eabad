//! The numéro d'identification: one per party per case, sent by the court to
//! the party's e-mail address, typed by the litigant to attach his case.

use crate::Invalid;
use crate::invalid::compact_upper;
use crate::random::RandomSource;

/// The characters a number is drawn from: digits and capitals without the
/// look-alikes 0/O and 1/I/L (31 symbols, so 12 of them carry 59 bits).
pub const ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// How many characters a number has.
pub const LENGTH: usize = 12;

/// A valid numéro d'identification in canonical form (12 capitals or digits).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdentificationNumber(String);

const MALFORMED: Invalid = Invalid::new(
    "an identification number has 12 letters and digits, for example PJTK5SY2ZZPJ",
    "Le numéro d'identification comporte 12 caractères, lettres et chiffres, par exemple PJTK5SY2ZZPJ.",
);

impl IdentificationNumber {
    /// Accepts lower case, spaces and dashes (`pjtk-5sy2-zzpj`).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = compact_upper(input);
        if s.len() == LENGTH && s.bytes().all(|b| ALPHABET.contains(&b)) { Ok(Self(s)) } else { Err(MALFORMED) }
    }

    /// Draws a new number from the random source.
    pub fn generate(random: &dyn RandomSource) -> Self {
        let s = (0..LENGTH).map(|_| ALPHABET[random.below(ALPHABET.len() as u32) as usize] as char).collect();
        Self(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for IdentificationNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Not printed in full in logs: the number is a credential.
impl std::fmt::Debug for IdentificationNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdentificationNumber({}…)", &self.0[..3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn the_guides_numbers_are_valid() {
        for n in ["PJTK5SY2ZZPJ", "QRCGN5UGJAVY", "PBWANJ7J83JT"] {
            assert_eq!(IdentificationNumber::parse(n).unwrap().as_str(), n);
        }
    }

    #[test]
    fn lower_case_spaces_and_dashes_are_accepted() {
        assert_eq!(IdentificationNumber::parse(" pjtk-5sy2 zzpj ").unwrap().as_str(), "PJTK5SY2ZZPJ");
    }

    #[test]
    fn malformed_numbers_are_refused_with_a_french_message() {
        for n in ["", "PJTK5SY2ZZP", "PJTK5SY2ZZPJX", "PJTK5SY2ZZP0", "PJTK5SY2ZZPÉ"] {
            let err = IdentificationNumber::parse(n).unwrap_err();
            assert!(err.fr.starts_with("Le numéro d'identification comporte 12 caractères"));
        }
    }

    #[test]
    fn generated_numbers_are_valid_and_avoid_look_alikes() {
        let r = SeededRandom::new(42);
        for _ in 0..500 {
            let n = IdentificationNumber::generate(&r);
            assert_eq!(IdentificationNumber::parse(n.as_str()).unwrap(), n);
            assert!(!n.as_str().contains(['0', 'O', '1', 'I', 'L']));
        }
    }

    #[test]
    fn debug_output_does_not_reveal_the_number() {
        let n = IdentificationNumber::parse("PJTK5SY2ZZPJ").unwrap();
        assert!(!format!("{n:?}").contains("PJTK5SY2ZZPJ"));
    }
}
