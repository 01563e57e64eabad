//! The nature of a case: a code of the Nomenclature des affaires civiles
//! (two characters, digits or digit and letter, then a letter) and its label.

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NacCode(String);

impl NacCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        let ok = b.len() == 3
            && b[0].is_ascii_digit()
            && (b[1].is_ascii_digit() || b[1].is_ascii_uppercase())
            && b[2].is_ascii_uppercase();
        if ok {
            Ok(Self(s))
        } else {
            Err(Invalid::new(
                "a NAC code has three characters, such as 60A",
                "Le code de nature d'affaire comporte trois caractères, par exemple 60A.",
            ))
        }
    }

    /// The pattern of [`NacCode::parse`].
    pub fn pattern() -> String {
        use crate::text::WHITESPACE;
        format!("^[{WHITESPACE}]*[0-9][0-9A-Za-z][A-Za-z][{WHITESPACE}]*$")
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The most characters a nature's label holds.
pub const LABEL_MAX: usize = 300;

/// A nature label: free text of 1 to 300 characters
/// ([`crate::text::free_text`]).
pub fn parse_label(input: &str) -> Result<String, Invalid> {
    crate::text::free_text(LABEL_MAX)(input)
        .map_err(|_| Invalid::new("1 to 300 printable characters", "Le libellé doit comporter de 1 à 300 caractères."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nac_codes_parse_in_any_case() {
        assert_eq!(NacCode::parse("60a").unwrap().as_str(), "60A");
        assert_eq!(NacCode::parse("4AA").unwrap().as_str(), "4AA");
    }

    #[test]
    fn malformed_nac_codes_are_refused() {
        for c in ["", "60", "A60", "60AB", "6-A"] {
            assert!(NacCode::parse(c).is_err(), "{c}");
        }
    }
}
