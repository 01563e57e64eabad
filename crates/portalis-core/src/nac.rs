//! The nature of a case: a code of the Nomenclature des affaires civiles
//! (two characters, digits or digit and letter, then a letter) and its label.

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NacCode(String);

impl NacCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_uppercase();
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

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A nature label: 1 to 300 characters once trimmed.
pub fn parse_label(input: &str) -> Result<String, Invalid> {
    let t = input.trim();
    if t.is_empty() || t.chars().count() > 300 {
        Err(Invalid::new("1 to 300 characters", "Le libellé doit comporter de 1 à 300 caractères."))
    } else {
        Ok(t.to_owned())
    }
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
