//! The N° RG (répertoire général): `YY/NNNNN`, optionally after a one-letter
//! prefix and a space (`F 16/00139` at the conseil de prud'hommes).

use crate::Invalid;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RgNumber(String);

impl RgNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim().to_ascii_uppercase();
        let (prefix, number) = match s.split_once(' ') {
            Some((p, n)) => (Some(p.trim()), n.trim()),
            None => (None, s.as_str()),
        };
        let prefix_ok = prefix.is_none_or(|p| p.len() == 1 && p.bytes().all(|b| b.is_ascii_uppercase()));
        let number_ok = match number.split_once('/') {
            Some((yy, n)) => {
                yy.len() == 2
                    && yy.bytes().all(|b| b.is_ascii_digit())
                    && (4..=6).contains(&n.len())
                    && n.bytes().all(|b| b.is_ascii_digit())
            }
            None => false,
        };
        if prefix_ok && number_ok {
            Ok(Self(match prefix {
                Some(p) => format!("{p} {number}"),
                None => number.to_owned(),
            }))
        } else {
            Err(Invalid::new("a N° RG looks like 22/03700 or F 16/00139", "Le numéro RG doit ressembler à 22/03700."))
        }
    }

    /// The pattern of [`RgNumber::parse`]: a letter and a space before
    /// the number, or the number alone, whitespace around.
    pub fn pattern() -> String {
        use crate::text::WHITESPACE;
        const BUT_SPACE: &str = r"\u0009-\u000D\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
        format!(
            "^[{WHITESPACE}]*(?:[A-Za-z][{BUT_SPACE}]*\\u0020[{WHITESPACE}]*)?[0-9]{{2}}/[0-9]{{4,6}}[{WHITESPACE}]*$"
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rg_numbers_with_and_without_prefix_parse() {
        assert_eq!(RgNumber::parse("22/03700").unwrap().as_str(), "22/03700");
        assert_eq!(RgNumber::parse("f 16/00139").unwrap().as_str(), "F 16/00139");
    }

    #[test]
    fn malformed_rg_numbers_are_refused() {
        for n in ["", "2022/03700", "22-03700", "22/", "FF 16/00139", "22/0370A"] {
            assert!(RgNumber::parse(n).is_err(), "{n}");
        }
    }
}
