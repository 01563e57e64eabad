//! A mobile number declared to the court, stored in E.164 (`+33612345678`).
//! French national numbers are accepted as people write them (`06 12 34 56 78`),
//! including the overseas departments' mobiles, which have their own country
//! codes (`0692…` in La Réunion is `+262692…`).

use crate::Invalid;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct MobileNumber(String);

/// Overseas mobile prefixes (after the leading 0) and their country codes.
const OVERSEAS: &[(&str, &str)] = &[
    ("692", "262"), // La Réunion
    ("693", "262"),
    ("639", "262"), // Mayotte
    ("690", "590"), // Guadeloupe, Saint-Martin, Saint-Barthélemy
    ("691", "590"),
    ("694", "594"), // Guyane
    ("696", "596"), // Martinique
    ("697", "596"),
];

const NOT_A_MOBILE: Invalid = Invalid::new(
    "a mobile number: French (06 12 34 56 78) or international in E.164 (+33612345678)",
    "Le numéro de mobile n'est pas valide (exemple : 06 12 34 56 78).",
);

impl MobileNumber {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s: String = input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')' | '\u{a0}')).collect();
        let international = s.strip_prefix('+').or_else(|| s.strip_prefix("00")).map(str::to_owned);
        let e164 = match international {
            Some(digits) => {
                if !(8..=15).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(NOT_A_MOBILE);
                }
                if let Some(national) = digits.strip_prefix("33") {
                    // Metropolitan France: only 6 and 7 are mobiles.
                    let national = national.strip_prefix('0').unwrap_or(national);
                    if national.len() != 9 || !national.starts_with(['6', '7']) {
                        return Err(NOT_A_MOBILE);
                    }
                    format!("+33{national}")
                } else {
                    format!("+{digits}")
                }
            }
            None => {
                if s.len() != 10 || !s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(NOT_A_MOBILE);
                }
                let national = &s[1..];
                match OVERSEAS.iter().find(|(p, _)| national.starts_with(p)) {
                    Some((_, cc)) => format!("+{cc}{national}"),
                    None if national.starts_with(['6', '7']) => format!("+33{national}"),
                    None => return Err(NOT_A_MOBILE),
                }
            }
        };
        Ok(Self(e164))
    }

    /// The pattern of [`MobileNumber::parse`]: the separators it drops may
    /// stand anywhere; what is left is a French mobile (national, or
    /// `+33`/`0033` with or without its 0) or another country's number of 8
    /// to 15 digits.
    pub fn pattern() -> String {
        const S: &str = r"[\u0020.()\u00A0-]*";
        let digit = |class: &str| format!("{class}{S}");
        let digits = |n: &str| format!("(?:[0-9]{S}){{{n}}}");
        let international = format!("(?:\\+{S}|0{S}0{S})");
        let french_tail = format!("{}{}{}", digit("[67]"), digits("8"), "");
        let national = format!("0{S}{french_tail}");
        let france = format!("{international}3{S}3{S}(?:0{S})?{french_tail}");
        let elsewhere = format!(
            "{international}(?:{}{}|3{S}{}{})",
            digit("[0-24-9]"),
            digits("7,14"),
            digit("[0-24-9]"),
            digits("6,13")
        );
        format!("^{S}(?:{national}|{france}|{elsewhere})$")
    }

    /// The E.164 form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The French national form for French numbers (`06 12 34 56 78`), the
    /// E.164 form otherwise.
    pub fn national(&self) -> String {
        match self.french_national_digits() {
            Some(d) => {
                d.as_bytes().chunks(2).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join(" ")
            }
            None => self.0.clone(),
        }
    }

    /// The number with all but its first two and last two digits hidden, as
    /// shown to the litigant: `06 •• •• •• 42`.
    pub fn masked(&self) -> String {
        match self.french_national_digits() {
            Some(d) => format!("{} •• •• •• {}", &d[..2], &d[8..]),
            None => {
                let n = self.0.len();
                format!("{}••••{}", &self.0[..3.min(n)], &self.0[n.saturating_sub(2)..])
            }
        }
    }

    fn french_national_digits(&self) -> Option<String> {
        if let Some(n) = self.0.strip_prefix("+33") {
            return Some(format!("0{n}"));
        }
        OVERSEAS.iter().find_map(|(prefix, cc)| {
            let rest = self.0.strip_prefix('+')?.strip_prefix(cc)?;
            (rest.starts_with(prefix) && rest.len() == 9).then(|| format!("0{rest}"))
        })
    }
}

impl std::fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MobileNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_mobiles_are_stored_in_e164() {
        assert_eq!(MobileNumber::parse("06 12 34 56 78").unwrap().as_str(), "+33612345678");
        assert_eq!(MobileNumber::parse("07.12.34.56.78").unwrap().as_str(), "+33712345678");
        assert_eq!(MobileNumber::parse("+33 6 12 34 56 78").unwrap().as_str(), "+33612345678");
        assert_eq!(MobileNumber::parse("0033612345678").unwrap().as_str(), "+33612345678");
    }

    #[test]
    fn overseas_mobiles_get_their_own_country_code() {
        assert_eq!(MobileNumber::parse("0692 12 34 56").unwrap().as_str(), "+262692123456");
        assert_eq!(MobileNumber::parse("0690123456").unwrap().as_str(), "+590690123456");
        assert_eq!(MobileNumber::parse("0692123456").unwrap().national(), "06 92 12 34 56");
    }

    #[test]
    fn landlines_and_garbage_are_refused() {
        for n in ["01 23 45 67 89", "+33123456789", "0612", "06123456789", "abc", "+1"] {
            assert!(MobileNumber::parse(n).is_err(), "{n}");
        }
    }

    #[test]
    fn international_numbers_are_kept() {
        assert_eq!(MobileNumber::parse("+32 470 12 34 56").unwrap().as_str(), "+32470123456");
    }

    #[test]
    fn the_masked_form_shows_only_the_ends() {
        let m = MobileNumber::parse("06 12 34 56 42").unwrap();
        assert_eq!(m.masked(), "06 •• •• •• 42");
        assert!(!format!("{m:?}").contains("345"));
    }
}
