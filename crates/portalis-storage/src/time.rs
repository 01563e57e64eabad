//! How instants and local dates are written in the database: text in one fixed
//! format, so that text order is time order on both backends.

use crate::error::{StorageError, corrupt};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Utc};

const INSTANT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

// Instants and dates are written and read on every row of every page:
// by hand for the one fixed format (chrono's `format`/`parse_from_str`
// interpret their pattern at each call: 5 % of a page's CPU), chrono's
// parser kept for anything else.

pub fn instant(t: DateTime<Utc>) -> String {
    let (d, h) = (t.date_naive(), t.time());
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        d.year(),
        d.month(),
        d.day(),
        h.hour(),
        h.minute(),
        h.second(),
        h.nanosecond() % 1_000_000_000 / 1_000
    )
}

/// The number written in `s[range]`, digits only.
fn digits(s: &[u8], from: usize, to: usize) -> Option<u32> {
    s.get(from..to)?.iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

fn fast_date(s: &[u8]) -> Option<NaiveDate> {
    if s.len() < 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(s, 0, 4)? as i32, digits(s, 5, 7)?, digits(s, 8, 10)?)
}

fn fast_instant(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 27 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'.' || b[26] != b'Z' {
        return None;
    }
    let time =
        NaiveTime::from_hms_micro_opt(digits(b, 11, 13)?, digits(b, 14, 16)?, digits(b, 17, 19)?, digits(b, 20, 26)?)?;
    Some(fast_date(&b[..10])?.and_time(time).and_utc())
}

pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, StorageError> {
    fast_instant(s)
        .or_else(|| NaiveDateTime::parse_from_str(s, INSTANT).ok().map(|n| n.and_utc()))
        .ok_or_else(|| corrupt(format!("instant {s:?}")))
}

pub fn date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

pub fn parse_date(s: &str) -> Result<NaiveDate, StorageError> {
    (s.len() == 10).then(|| fast_date(s.as_bytes())).flatten().ok_or_else(|| corrupt(format!("date {s:?}")))
}

pub fn time_of_day(t: NaiveTime) -> String {
    format!("{:02}:{:02}", t.hour(), t.minute())
}

pub fn parse_time_of_day(s: &str) -> Result<NaiveTime, StorageError> {
    let b = s.as_bytes();
    (b.len() == 5 && b[2] == b':')
        .then(|| NaiveTime::from_hms_opt(digits(b, 0, 2)?, digits(b, 3, 5)?, 0))
        .flatten()
        .ok_or_else(|| corrupt(format!("time {s:?}")))
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
        assert_eq!(instant(b), "2026-01-02T03:04:05.000001Z");
        assert_eq!(parse_instant("2026-01-02T03:04:05.000001Z").unwrap(), b);
    }

    #[test]
    fn the_hand_written_formats_agree_with_chrono() {
        let t = Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 58).unwrap() + chrono::Duration::microseconds(123_456);
        assert_eq!(instant(t), t.format(INSTANT).to_string());
        let d = NaiveDate::from_ymd_opt(2019, 6, 4).unwrap();
        assert_eq!(date(d), "2019-06-04");
        assert_eq!(parse_date("2019-06-04").unwrap(), d);
        for bad in ["2019-6-4", "2019-06-31", "2019/06/04", "2019-06-04x", "", "2019-0a-04"] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        for bad in ["2026-01-02T25:04:05.000000Z", "2026-01-02 03:04:05.000000Z", "x"] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
        let h = NaiveTime::from_hms_opt(9, 5, 0).unwrap();
        assert_eq!(time_of_day(h), h.format("%H:%M").to_string());
        assert_eq!(parse_time_of_day("09:05").unwrap(), h);
        assert_eq!(parse_time_of_day("23:59").unwrap(), NaiveTime::from_hms_opt(23, 59, 0).unwrap());
        for bad in ["9:05", "24:00", "12:60", "12h30", "12:3", "", "12:305"] {
            assert!(parse_time_of_day(bad).is_err(), "{bad}");
        }
    }
}
