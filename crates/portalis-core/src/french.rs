//! Dates as French readers expect them: "jeudi 4 juin 2019", "1er mai".

use chrono::{Datelike, NaiveDate, Weekday};

const MONTHS: [&str; 12] = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre",
];

pub fn weekday(w: Weekday) -> &'static str {
    match w {
        Weekday::Mon => "lundi",
        Weekday::Tue => "mardi",
        Weekday::Wed => "mercredi",
        Weekday::Thu => "jeudi",
        Weekday::Fri => "vendredi",
        Weekday::Sat => "samedi",
        Weekday::Sun => "dimanche",
    }
}

pub fn month(d: NaiveDate) -> &'static str {
    MONTHS[d.month0() as usize]
}

/// "4 juin 2019"; the first of the month is "1er".
pub fn date(d: NaiveDate) -> String {
    let day = if d.day() == 1 { "1er".to_owned() } else { d.day().to_string() };
    format!("{day} {} {}", month(d), d.year())
}

/// "jeudi 4 juin 2019".
pub fn long_date(d: NaiveDate) -> String {
    format!("{} {}", weekday(d.weekday()), date(d))
}

/// The first letter in capitals: "Jeudi 4 juin 2019".
pub fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_as_in_the_guide_with_the_true_weekday() {
        // The guide prints "Jeudi 4 juin 2019"; 4 June 2019 was a Tuesday.
        let d = NaiveDate::from_ymd_opt(2019, 6, 4).unwrap();
        assert_eq!(capitalize(&long_date(d)), "Mardi 4 juin 2019");
        assert_eq!(date(NaiveDate::from_ymd_opt(2018, 5, 17).unwrap()), "17 mai 2018");
    }

    #[test]
    fn the_first_of_the_month_is_premier() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()), "1er août 2026");
        assert_eq!(long_date(NaiveDate::from_ymd_opt(2019, 6, 6).unwrap()), "jeudi 6 juin 2019");
    }
}
