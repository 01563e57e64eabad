//! The cursor of a court's list of filings (the API's `after`, the
//! console's `apres`): a position in the list's order (the instant a filing was sent, then its number), not a
//! reference to a filing. A page's cursor thus still works once the filing
//! it was taken from has been deleted past retention, and it tells nothing
//! of another court: any well-formed cursor is a position, and a page after
//! it lists only the court's own filings.
//!
//! Written `<microseconds since 1970, UTC>-<filing number>`, for example
//! `1764731645123456-DMJ4K7QP2XRT`.

use super::FilingNumber;
use chrono::{DateTime, Utc};

/// Where the next page starts: after this instant and number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingCursor {
    pub sent_at: DateTime<Utc>,
    pub number: FilingNumber,
}

/// The most digits of the instant: 18 covers every instant up to the
/// year 9999 (and some beyond, which read as that year's end).
const MAX_DIGITS: usize = 18;

/// What an `after` that is not a cursor is told.
pub const MALFORMED: &str = "is not a cursor: pass the next_after of the previous page";

impl FilingCursor {
    /// The cursor of the page that ends on this filing.
    #[must_use]
    pub fn after(sent_at: DateTime<Utc>, number: FilingNumber) -> Self {
        Self { sent_at, number }
    }

    /// Reads a cursor as [`FilingCursor::encode`] writes it; everything the
    /// [pattern](FilingCursor::pattern) admits is read.
    ///
    /// # Errors
    /// [`MALFORMED`] for anything else.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let (micros, number) = input.split_once('-').ok_or(MALFORMED)?;
        if micros.is_empty() || micros.len() > MAX_DIGITS || !micros.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MALFORMED);
        }
        let number = FilingNumber::parse(number).ok().filter(|n| n.as_str() == number).ok_or(MALFORMED)?;
        let micros: i64 = micros.parse().map_err(|_| MALFORMED)?;
        Ok(Self { sent_at: instant_of(micros), number })
    }

    /// As `next_after` gives it.
    #[must_use]
    pub fn encode(&self) -> String {
        format!("{}-{}", self.sent_at.timestamp_micros(), self.number.as_str())
    }

    /// The ECMA-262 pattern of a cursor, for the API's document.
    #[must_use]
    pub fn pattern() -> String {
        format!("^[0-9]{{1,{MAX_DIGITS}}}-[2-9A-HJKMNP-Z]{{12}}$")
    }
}

/// The instant of so many microseconds, the year 9999's last beyond it (the
/// storage's instants are written with four digits of year).
fn instant_of(micros: i64) -> DateTime<Utc> {
    let last = DateTime::parse_from_rfc3339("9999-12-31T23:59:59.999999Z").map(|t| t.to_utc()).unwrap_or_default();
    DateTime::from_timestamp_micros(micros).filter(|t| *t <= last).unwrap_or(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number() -> FilingNumber {
        FilingNumber::parse("DMJ4K7QP2XRT").unwrap()
    }

    #[test]
    fn a_cursor_reads_back_as_written_to_the_microsecond() {
        let sent_at = DateTime::parse_from_rfc3339("2026-12-03T03:14:05.123456Z").unwrap().to_utc();
        let cursor = FilingCursor::after(sent_at, number());
        assert_eq!(cursor.encode(), "1796267645123456-DMJ4K7QP2XRT");
        assert_eq!(FilingCursor::parse(&cursor.encode()), Ok(cursor));
    }

    #[test]
    fn what_is_not_a_cursor_is_refused() {
        for input in [
            "",
            "nope",
            "DMJ4K7QP2XRT",
            "-DMJ4K7QP2XRT",
            "12-",
            "12-dmj4k7qp2xrt",
            "12-DMJ4-K7QP-2XRT",
            "12-DMJ4K7QP2XR",
            "12-DMJ4K7QP2XRTT",
            "+12-DMJ4K7QP2XRT",
            "1234567890123456789-DMJ4K7QP2XRT",
            "12-DMJ4K7QP2XR0",
        ] {
            assert_eq!(FilingCursor::parse(input), Err(MALFORMED), "{input:?}");
        }
    }

    #[test]
    fn every_instant_the_pattern_admits_is_read_the_furthest_as_the_year_9999() {
        let far = FilingCursor::parse("999999999999999999-DMJ4K7QP2XRT").unwrap();
        assert_eq!(far.sent_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true), "9999-12-31T23:59:59.999999Z");
        let epoch = FilingCursor::parse("0-DMJ4K7QP2XRT").unwrap();
        assert_eq!(epoch.sent_at.timestamp_micros(), 0);
    }

    #[test]
    fn the_pattern_admits_what_encode_writes_and_no_look_alike() {
        let pattern = FilingCursor::pattern();
        assert!(pattern.contains("[2-9A-HJKMNP-Z]{12}"));
        let letters = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
        assert!(FilingCursor::parse(&format!("1-{}", &letters[..12])).is_ok());
        for look_alike in ['I', 'L', 'O', '0', '1'] {
            assert!(FilingCursor::parse(&format!("1-{look_alike}MJ4K7QP2XRT")).is_err(), "{look_alike}");
        }
    }
}
