//! How instants and local dates are written in the database: text in one fixed
//! format, so that text order is time order on both backends.

use crate::error::{corrupt, StorageError};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};

const INSTANT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

pub fn instant(t: DateTime<Utc>) -> String {
    t.format(INSTANT).to_string()
}

pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, StorageError> {
    NaiveDateTime::parse_from_str(s, INSTANT)
        .map(|n| n.and_utc())
        .map_err(|_| corrupt(format!("instant {s:?}")))
}

pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn parse_date(s: &str) -> Result<NaiveDate, StorageError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| corrupt(format!("date {s:?}")))
}

pub fn time_of_day(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

pub fn parse_time_of_day(s: &str) -> Result<NaiveTime, StorageError> {
    NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| corrupt(format!("time {s:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn instants_round_trip_and_sort_as_text() {
        let a = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let b = a + chrono::Duration::microseconds(1);
        assert_eq!(parse_instant(&instant(a)).unwrap(), a);
        assert!(instant(a) < instant(b));
        assert_eq!(instant(a), "2026-01-02T03:04:05.000000Z");
    }
}
