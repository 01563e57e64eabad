//! Dates as French readers expect them: "jeudi 4 juin 2019", "1er mai".

use chrono::{Datelike, NaiveDate, Weekday};

const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
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

/// The countdown to a date, counted in whole calendar days of the court:
/// "Aujourd'hui", "Demain", "Dans 5 jours", "Dans 1 mois et 26 jours",
/// "Dans 1 an et 2 mois". `None` for a date in the past.
pub fn countdown(today: NaiveDate, date: NaiveDate) -> Option<String> {
    let days = (date - today).num_days();
    if days < 0 {
        return None;
    }
    if days == 0 {
        return Some("Aujourd'hui".into());
    }
    if days == 1 {
        return Some("Demain".into());
    }
    // Whole months first (as a calendar counts them), then the days left.
    let mut months = 0u32;
    while today.checked_add_months(chrono::Months::new(months + 1)).is_some_and(|d| d <= date) {
        months += 1;
    }
    let after_months = today.checked_add_months(chrono::Months::new(months)).unwrap_or(today);
    let rest = (date - after_months).num_days();
    let plural = |n: i64, one: &str, many: &str| format!("{n} {}", if n > 1 { many } else { one });
    let (years, months) = (i64::from(months / 12), i64::from(months % 12));
    Some(match (years, months) {
        (0, 0) => format!("Dans {}", plural(days, "jour", "jours")),
        (0, m) if rest == 0 => format!("Dans {m} mois"),
        (0, m) => format!("Dans {m} mois et {}", plural(rest, "jour", "jours")),
        (y, 0) => format!("Dans {}", plural(y, "an", "ans")),
        (y, m) => format!("Dans {} et {m} mois", plural(y, "an", "ans")),
    })
}

/// "Établi le 28 novembre" this year, "Établi le 28 novembre 2018" before.
pub fn date_in_year_of(today: NaiveDate, d: NaiveDate) -> String {
    if d.year() == today.year() {
        let day = if d.day() == 1 { "1er".to_owned() } else { d.day().to_string() };
        format!("{day} {}", month(d))
    } else {
        date(d)
    }
}

#[cfg(test)]
mod countdown_tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_guides_countdown() {
        assert_eq!(countdown(d(2019, 4, 9), d(2019, 6, 4)).as_deref(), Some("Dans 1 mois et 26 jours"));
    }

    #[test]
    fn near_dates() {
        assert_eq!(countdown(d(2026, 11, 26), d(2026, 11, 26)).as_deref(), Some("Aujourd'hui"));
        assert_eq!(countdown(d(2026, 11, 26), d(2026, 11, 27)).as_deref(), Some("Demain"));
        assert_eq!(countdown(d(2026, 11, 26), d(2026, 12, 1)).as_deref(), Some("Dans 5 jours"));
        assert_eq!(countdown(d(2026, 11, 26), d(2026, 11, 25)), None);
    }

    #[test]
    fn month_boundaries_and_leap_years() {
        // 31 January + 1 month is 28 February (29 in a leap year).
        assert_eq!(countdown(d(2027, 1, 31), d(2027, 2, 28)).as_deref(), Some("Dans 1 mois"));
        assert_eq!(countdown(d(2028, 1, 31), d(2028, 2, 29)).as_deref(), Some("Dans 1 mois"));
        assert_eq!(countdown(d(2028, 1, 31), d(2028, 2, 28)).as_deref(), Some("Dans 28 jours"));
        assert_eq!(countdown(d(2026, 12, 31), d(2027, 1, 30)).as_deref(), Some("Dans 30 jours"));
        assert_eq!(countdown(d(2026, 11, 26), d(2026, 12, 27)).as_deref(), Some("Dans 1 mois et 1 jour"));
    }

    #[test]
    fn years_and_months() {
        assert_eq!(countdown(d(2026, 11, 26), d(2028, 1, 30)).as_deref(), Some("Dans 1 an et 2 mois"));
        assert_eq!(countdown(d(2026, 11, 26), d(2028, 11, 26)).as_deref(), Some("Dans 2 ans"));
        // The anniversary of 29 February is 28 February in a common year.
        assert_eq!(countdown(d(2028, 2, 29), d(2029, 2, 28)).as_deref(), Some("Dans 1 an"));
        assert_eq!(countdown(d(2028, 2, 29), d(2029, 2, 27)).as_deref(), Some("Dans 11 mois et 29 jours"));
    }

    #[test]
    fn the_year_is_shown_only_when_it_is_not_this_one() {
        assert_eq!(date_in_year_of(d(2018, 12, 1), d(2018, 11, 28)), "28 novembre");
        assert_eq!(date_in_year_of(d(2026, 11, 26), d(2018, 11, 28)), "28 novembre 2018");
    }

    #[test]
    fn an_instant_reads_in_the_courts_time_zone() {
        use chrono::TimeZone;
        let at = chrono::Utc.with_ymd_and_hms(2026, 11, 26, 20, 5, 59).unwrap() + chrono::Duration::nanoseconds(999);
        assert_eq!(instant_in(at, chrono_tz::Indian::Reunion), "vendredi 27 novembre 2026 à 00:05");
        assert_eq!(instant_in(at, chrono_tz::Europe::Paris), "jeudi 26 novembre 2026 à 21:05");
    }
}

/// An instant as a court's clock shows it: "jeudi 21 janvier 2027 à
/// 14:00" in `tz`.
pub fn instant_in(at: chrono::DateTime<chrono::Utc>, tz: chrono_tz::Tz) -> String {
    when(crate::event::EventTime::DateTime(at.with_timezone(&tz).naive_local()))
}

/// "jeudi 21 janvier 2027 à 14:00", or the date alone.
pub fn when(t: crate::event::EventTime) -> String {
    match t.time() {
        Some(time) => format!("{} à {}", long_date(t.date()), time.format("%H:%M")),
        None => long_date(t.date()),
    }
}
