//! The N° Portalis: `XXXX-X-XXX-XXXX` — court identifier, one letter for the
//! civil application, a 3-character year block, an increment of 4 or 5.

use crate::Invalid;
use crate::invalid::compact_upper;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortalisNumber(String);

impl PortalisNumber {
    /// Accepts lower case; the dashes may be left out.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = compact_upper(input);
        let alnum = |p: &str| p.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !(12..=13).contains(&s.len()) || !s.is_ascii() || !alnum(&s) {
            return Err(Self::malformed());
        }
        let (court, rest) = s.split_at(4);
        let (letter, rest) = rest.split_at(1);
        let (year, increment) = rest.split_at(3);
        if !letter.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Self::malformed());
        }
        Ok(Self(format!("{court}-{letter}-{year}-{increment}")))
    }

    /// The pattern of [`PortalisNumber::parse`]: the separators it drops
    /// may stand anywhere.
    pub fn pattern() -> String {
        let s = format!("[{}]*", crate::invalid::COMPACT_SEPARATORS);
        format!("^{s}(?:[A-Za-z0-9]{s}){{4}}[A-Za-z]{s}(?:[A-Za-z0-9]{s}){{7,8}}$")
    }

    fn malformed() -> Invalid {
        Invalid::new(
            "a N° Portalis looks like DB3Z-W-B7C-DFW5",
            "Le numéro de dossier doit ressembler à DB3Z-W-B7C-DFW5.",
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form the guide's list card shows, without the application letter:
    /// `DB3Z-B7C-DFW5`.
    pub fn short(&self) -> String {
        let mut parts = self.0.split('-');
        let court = parts.next().unwrap_or_default();
        let _letter = parts.next();
        let rest: Vec<&str> = parts.collect();
        format!("{court}-{}", rest.join("-"))
    }
}

impl std::fmt::Display for PortalisNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_examples_parse() {
        for n in ["DB3Z-W-B7C-DFW5", "DBYK-W-B7C-B45M", "DBVB-V-B7G-BJA4Z"] {
            assert_eq!(PortalisNumber::parse(n).unwrap().as_str(), n);
        }
        assert_eq!(PortalisNumber::parse("db3zwb7cdfw5").unwrap().as_str(), "DB3Z-W-B7C-DFW5");
    }

    #[test]
    fn the_list_card_drops_the_application_letter() {
        assert_eq!(PortalisNumber::parse("DB3Z-W-B7C-DFW5").unwrap().short(), "DB3Z-B7C-DFW5");
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for n in ["", "DB3Z-W-B7C", "DB3Z-4-B7C-DFW5", "DB3Z-W-B7C-DFW5ZZ", "DB3Z_W_B7C_DFW5"] {
            assert!(PortalisNumber::parse(n).is_err(), "{n}");
        }
    }
}
