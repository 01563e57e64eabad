//! French postal codes, as a court's territory lists them and a litigant
//! types his own.

use crate::Invalid;

const MALFORMED: Invalid = Invalid::new(
    "a French postal code: 5 digits, such as 97400",
    "Le code postal doit comporter 5 chiffres (exemple : 97400).",
);

/// Five digits, of a département that exists (01 to 95, Corsica's 20,
/// overseas 971 to 976 and 98x); spaces around are forgiven.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PostCode(String);

impl PostCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MALFORMED);
        }
        let department: u32 = s[..2].parse().map_err(|_| MALFORMED)?;
        let overseas: u32 = s[..3].parse().map_err(|_| MALFORMED)?;
        let ok = match department {
            1..=95 => true,
            97 => (971..=976).contains(&overseas),
            98 => (980..=989).contains(&overseas),
            _ => false,
        };
        if ok { Ok(Self(s.to_owned())) } else { Err(MALFORMED) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PostCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A court's territory as a list of postal codes separated by spaces,
/// commas or semicolons (the courts' CSV column): each parsed, duplicates
/// dropped, in order.
pub fn parse_territory(input: &str) -> Result<Vec<PostCode>, Invalid> {
    let mut out: Vec<PostCode> = Vec::new();
    for part in input.split(|c: char| c.is_whitespace() || c == ',' || c == ';').filter(|p| !p.is_empty()) {
        let code = PostCode::parse(part)?;
        if !out.contains(&code) {
            out.push(code);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postal_code_is_five_digits_of_a_departement() {
        for ok in ["97400", " 75017 ", "20000", "01000", "97600", "98800"] {
            assert!(PostCode::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["9740", "974000", "97 400", "00100", "96000", "97700", "99000", "7501A", ""] {
            assert!(PostCode::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(PostCode::parse(" 97400").unwrap().as_str(), "97400");
    }

    #[test]
    fn a_territory_lists_codes_once_whatever_separates_them() {
        let t = parse_territory("97400 97490,97417;97400\n97490").unwrap();
        assert_eq!(t.iter().map(PostCode::as_str).collect::<Vec<_>>(), ["97400", "97490", "97417"]);
        assert!(parse_territory("").unwrap().is_empty());
        assert!(parse_territory("97400 x").is_err());
    }
}
