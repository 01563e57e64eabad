//! The kinds of value a filing's field holds: how each is read from what
//! the litigant typed, kept (one canonical string), and shown back in
//! French.

use crate::court::CourtCode;
use crate::email::Email;
use crate::mobile::MobileNumber;
use crate::postcode::PostCode;
use crate::{Invalid, french, text};
use chrono::{NaiveDate, NaiveTime};

/// Which dates a date field accepts, against the day it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// Today or earlier (a birth, a decision).
    Past,
    /// Today or later (a hearing).
    Future,
}

/// An option of a choice: its code (kept) and its label (shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opt {
    pub code: &'static str,
    pub label: &'static str,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of at most this many characters.
    Line(usize),
    /// Free text of at most this many characters, over several lines.
    Text(usize),
    Date(DateBound),
    /// A time of day, `14:30`.
    Time,
    Email,
    Mobile,
    PostCode,
    /// An amount in euros, to the cent.
    Euros,
    /// One of the options (radio buttons).
    Choice(&'static [Opt]),
    /// Any of the options (checkboxes, one name each).
    Choices(&'static [Opt]),
    /// A box to tick (a declaration, an option).
    Tick,
    /// A court, by its code; the pages propose and check it.
    Court,
}

/// The most an amount may be: a billion euros, in cents.
const EUROS_MAX_CENTS: u64 = 100_000_000_000;

const BAD_DATE: Invalid = Invalid::new(
    "a date, YYYY-MM-DD or DD/MM/YYYY",
    "la date n'est pas valide : saisissez-la sous la forme 04/06/2019",
);
const DATE_IN_FUTURE: Invalid = Invalid::new("a date not after today", "la date ne peut pas être dans le futur");
const DATE_IN_PAST: Invalid = Invalid::new("a date not before today", "la date ne peut pas être passée");
const BAD_TIME: Invalid = Invalid::new("a time, HH:MM", "l'heure n'est pas valide : saisissez-la sous la forme 14:30");
const BAD_EUROS: Invalid = Invalid::new(
    "an amount in euros, such as 150 or 150,50",
    "le montant n'est pas valide : saisissez par exemple 150 ou 150,50",
);
const BAD_CHOICE: Invalid = Invalid::new("one of the options", "choisissez une des réponses proposées");
const BAD_COURT: Invalid = Invalid::new("a court's code", "choisissez une juridiction dans la liste");
const BAD_TEXT: Invalid = Invalid::new(
    "printable characters within the allowed length",
    "le texte est trop long ou contient des caractères non autorisés",
);

/// Reads a date typed as `2019-06-04` (a date input) or `04/06/2019`.
pub fn parse_date(input: &str) -> Result<NaiveDate, Invalid> {
    let s = input.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .ok()
        .filter(|d| (1900..=2200).contains(&chrono::Datelike::year(d)))
        .ok_or(BAD_DATE)
}

/// Reads `14:30`, `14h30` or `14 h 30`.
pub fn parse_time(input: &str) -> Result<NaiveTime, Invalid> {
    let s: String = input.trim().to_lowercase().chars().filter(|c| !c.is_whitespace()).collect();
    let s = s.replace('h', ":");
    let s = if s.ends_with(':') { format!("{s}00") } else { s };
    NaiveTime::parse_from_str(&s, "%H:%M").map_err(|_| BAD_TIME)
}

/// Reads an amount in euros (`1 234,50`, `1234.5`, `150 €`) into cents.
pub fn parse_euros(input: &str) -> Result<u64, Invalid> {
    let s: String = input.chars().filter(|c| !c.is_whitespace() && *c != '€' && *c != '\u{202f}').collect();
    let s = s.replace(',', ".");
    let (units, cents) = match s.split_once('.') {
        Some((u, c)) if !c.is_empty() && c.len() <= 2 => (u, format!("{c:0<2}")),
        Some(_) => return Err(BAD_EUROS),
        None => (s.as_str(), "00".to_owned()),
    };
    if units.is_empty() || !units.bytes().all(|b| b.is_ascii_digit()) || !cents.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BAD_EUROS);
    }
    let units: u64 = units.parse().map_err(|_| BAD_EUROS)?;
    let cents: u64 = cents.parse().map_err(|_| BAD_EUROS)?;
    units.checked_mul(100).and_then(|u| u.checked_add(cents)).filter(|c| *c <= EUROS_MAX_CENTS).ok_or(BAD_EUROS)
}

/// "1 234,50 €" (a narrow no-break space between thousands).
pub fn euros(cents: u64) -> String {
    let units = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            grouped.push('\u{202f}');
        }
        grouped.push(c);
    }
    match cents % 100 {
        0 => format!("{grouped}\u{a0}€"),
        c => format!("{grouped},{c:02}\u{a0}€"),
    }
}

impl Kind {
    /// The canonical value of what was typed (already known not blank), or
    /// what is wrong with it: this module's messages are in lower case, to
    /// follow the field's label; the other parsers' are whole sentences.
    ///
    /// # Errors
    /// The problem, in French.
    pub fn canonical(self, input: &str, today: NaiveDate) -> Result<String, Invalid> {
        let s = input.trim();
        match self {
            Kind::Line(max) => text::single_line(max)(s).map_err(|_| BAD_TEXT),
            Kind::Text(max) => text::free_text(max)(&s.replace("\r\n", "\n")).map_err(|_| BAD_TEXT),
            Kind::Date(bound) => {
                let d = parse_date(s)?;
                match bound {
                    DateBound::Past if d > today => Err(DATE_IN_FUTURE),
                    DateBound::Future if d < today => Err(DATE_IN_PAST),
                    _ => Ok(d.format("%Y-%m-%d").to_string()),
                }
            }
            Kind::Time => parse_time(s).map(|t| t.format("%H:%M").to_string()),
            Kind::Email => Email::parse(s).map(|e| e.as_str().to_owned()),
            Kind::Mobile => MobileNumber::parse(s).map(|m| m.as_str().to_owned()),
            Kind::PostCode => PostCode::parse(s).map(|p| p.as_str().to_owned()),
            Kind::Euros => parse_euros(s).map(|c| format!("{}.{:02}", c / 100, c % 100)),
            Kind::Choice(opts) => opts.iter().find(|o| o.code == s).map(|o| o.code.to_owned()).ok_or(BAD_CHOICE),
            Kind::Choices(_) | Kind::Tick => Ok("oui".to_owned()),
            Kind::Court => CourtCode::parse(s).map(|c| c.as_str().to_owned()).map_err(|_| BAD_COURT),
        }
    }

    /// A kept value as the review page and the request show it.
    pub fn display(self, value: &str) -> String {
        match self {
            Kind::Date(_) => parse_date(value).map(french::date).unwrap_or_else(|_| value.to_owned()),
            Kind::Mobile => MobileNumber::parse(value).map(|m| m.national()).unwrap_or_else(|_| value.to_owned()),
            Kind::Euros => parse_euros(value).map(euros).unwrap_or_else(|_| value.to_owned()),
            Kind::Choice(opts) | Kind::Choices(opts) => {
                opts.iter().find(|o| o.code == value).map_or_else(|| value.to_owned(), |o| o.label.to_owned())
            }
            Kind::Tick => "Oui".to_owned(),
            _ => value.to_owned(),
        }
    }

    /// The options of a choice.
    pub fn options(self) -> &'static [Opt] {
        match self {
            Kind::Choice(o) | Kind::Choices(o) => o,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    #[test]
    fn dates_are_read_as_a_date_input_or_as_people_write_them_and_kept_iso() {
        let k = Kind::Date(DateBound::Past);
        assert_eq!(k.canonical("04/06/2019", today()).unwrap(), "2019-06-04");
        assert_eq!(k.canonical(" 2019-06-04 ", today()).unwrap(), "2019-06-04");
        assert_eq!(k.display("2019-06-04"), "4 juin 2019");
        assert!(k.canonical("31/02/2019", today()).is_err());
        assert!(k.canonical("2026-12-03", today()).unwrap_err().fr.contains("futur"));
        assert!(Kind::Date(DateBound::Future).canonical("2026-12-01", today()).is_err());
        assert_eq!(Kind::Date(DateBound::Future).canonical("2026-12-02", today()).unwrap(), "2026-12-02");
    }

    #[test]
    fn amounts_are_read_as_french_people_type_them_and_kept_to_the_cent() {
        assert_eq!(parse_euros("1 234,50 €").unwrap(), 123_450);
        assert_eq!(parse_euros("150").unwrap(), 15_000);
        assert_eq!(parse_euros("150.5").unwrap(), 15_050);
        for bad in ["", "-3", "1,234", "1.2.3", "abc", "99999999999"] {
            assert!(parse_euros(bad).is_err(), "{bad}");
        }
        assert_eq!(Kind::Euros.canonical("1 234,5", today()).unwrap(), "1234.50");
        assert_eq!(Kind::Euros.display("1234.50"), "1\u{202f}234,50\u{a0}€");
        assert_eq!(euros(15_000), "150\u{a0}€");
    }

    #[test]
    fn times_choices_and_other_kinds_keep_one_canonical_form() {
        assert_eq!(Kind::Time.canonical("9h30", today()).unwrap(), "09:30");
        assert_eq!(Kind::Time.canonical("14 h", today()).unwrap(), "14:00");
        assert_eq!(Kind::Time.display("09:30"), "09:30");
        assert!(Kind::Time.canonical("25:00", today()).is_err());
        const O: &[Opt] = &[Opt { code: "a", label: "Réponse A" }];
        assert_eq!(Kind::Choice(O).canonical("a", today()).unwrap(), "a");
        assert!(Kind::Choice(O).canonical("b", today()).is_err());
        assert_eq!(Kind::Choice(O).display("a"), "Réponse A");
        assert_eq!(Kind::Mobile.canonical("06 12 34 56 78", today()).unwrap(), "+33612345678");
        assert!(Kind::Line(5).canonical("abcdef", today()).is_err());
        assert!(Kind::Line(50).canonical("a\u{202e}b", today()).is_err(), "bidirectional control refused");
        assert_eq!(Kind::Text(50).canonical("a\r\nb", today()).unwrap(), "a\nb");
    }
}
