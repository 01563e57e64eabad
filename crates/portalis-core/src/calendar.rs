//! Calendar dates as court systems send them: `YYYY-MM-DD`, a real day
//! from 1900 to 2999, nothing around it. The pattern says the same, leap
//! years included, so that the OpenAPI document states the whole rule.

use crate::Invalid;
use chrono::NaiveDate;

/// A day of the calendar, 1900 to 2999, as the inside of a group.
pub const DATE: &str = concat!(
    "(?:(?:19|2[0-9])[0-9]{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)",
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:(?:19|2[0-9])(?:0[48]|[2468][048]|[13579][26])|2[048]00)-02-29)"
);

/// A local time of day, `HH:MM`, as the inside of a group.
pub const TIME: &str = "(?:[01][0-9]|2[0-3]):[0-5][0-9]";

const NOT_A_DATE: Invalid =
    Invalid::new("a date YYYY-MM-DD from 1900 to 2999", "La date doit être au format AAAA-MM-JJ.");

/// Reads `YYYY-MM-DD` (ASCII digits, a real day, 1900 to 2999).
pub fn parse_date(s: &str) -> Result<NaiveDate, Invalid> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b[r.clone()].iter().all(u8::is_ascii_digit).then(|| s[r].parse::<u32>().ok()).flatten()
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(NOT_A_DATE);
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else { return Err(NOT_A_DATE) };
    if !(1900..=2999).contains(&y) {
        return Err(NOT_A_DATE);
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or(NOT_A_DATE)
}

/// The pattern of [`parse_date`].
pub fn date_pattern() -> String {
    format!("^{DATE}$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_days_are_dates() {
        assert_eq!(parse_date("2019-06-04").unwrap(), NaiveDate::from_ymd_opt(2019, 6, 4).unwrap());
        assert!(parse_date("2024-02-29").is_ok() && parse_date("2000-02-29").is_ok());
        for bad in [
            "2023-02-29",
            "2100-02-29",
            "2019-6-04",
            " 2019-06-04",
            "1899-12-31",
            "3000-01-01",
            "2019-06-31",
            "+201-06-04",
            "2019/06/04",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
