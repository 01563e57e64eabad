//! The rules of "Ajouter un dossier": the SMS code and the limits that make
//! guessing hopeless. Pure functions: the caller brings the counts and the
//! clock.

use crate::Invalid;
use crate::random::RandomSource;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const CODE_DIGITS: usize = 7;
/// How long a code is valid.
pub const CODE_VALIDITY: Duration = Duration::minutes(10);
/// Wrong entries that void a code.
pub const MAX_FAILURES: i64 = 5;
/// The least time between two codes for the same user and party.
pub const MIN_GAP: Duration = Duration::seconds(60);
/// Codes per party per hour.
pub const PER_PARTY_PER_HOUR: i64 = 3;
/// SMS per user per day.
pub const PER_USER_PER_DAY: i64 = 10;
/// Code requests per address per hour.
pub const PER_ADDRESS_PER_HOUR: i64 = 20;
/// Failed attachments (wrong number or code) per user per hour.
pub const FAILURES_PER_USER_PER_HOUR: i64 = 10;
/// Failed attachments per address per hour.
pub const FAILURES_PER_ADDRESS_PER_HOUR: i64 = 30;

/// A new code: 7 digits, uniformly drawn.
pub fn generate_code(random: &dyn RandomSource) -> String {
    format!("{:07}", random.below(10_000_000))
}

/// Reads a typed code: 7 digits, spaces allowed.
pub fn parse_code(input: &str) -> Result<String, Invalid> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == CODE_DIGITS && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Invalid::new("a code has 7 digits", "Le code comporte 7 chiffres, par exemple 2340978."))
    }
}

/// What is stored of a code: an HMAC under the portal's secret key, bound
/// to the user and the party, so that a copy of the database alone does not
/// allow to try the ten million codes offline.
pub fn code_hash(secret: &[u8], user_id: i64, party_id: i64, code: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(format!("attach-code|{user_id}|{party_id}|{code}").as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Why a request must wait, and until when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A code was sent less than a minute ago.
    Gap(DateTime<Utc>),
    /// Three codes for this party this hour.
    PartyHour(DateTime<Utc>),
    /// Ten SMS for this user today.
    UserDay(DateTime<Utc>),
    /// Too many requests from this address.
    Address(DateTime<Utc>),
    /// Too many failed attempts.
    Failures(DateTime<Utc>),
}

impl Wait {
    pub fn until(self) -> DateTime<Utc> {
        match self {
            Wait::Gap(t) | Wait::PartyHour(t) | Wait::UserDay(t) | Wait::Address(t) | Wait::Failures(t) => t,
        }
    }

    /// The audit word.
    pub fn reason(self) -> &'static str {
        match self {
            Wait::Gap(_) => "limit:gap",
            Wait::PartyHour(_) => "limit:party_hour",
            Wait::UserDay(_) => "limit:user_day",
            Wait::Address(_) => "limit:address",
            Wait::Failures(_) => "limit:failures",
        }
    }
}

/// A count in a sliding window: how many, and the oldest (when the window
/// frees a place).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub count: i64,
    pub oldest: Option<DateTime<Utc>>,
}

fn over(window: Window, limit: i64, span: Duration, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (window.count >= limit).then(|| window.oldest.map(|o| o + span).unwrap_or(now + span))
}

/// May a code be sent now?
pub fn may_send_code(
    now: DateTime<Utc>,
    last_for_user_and_party: Option<DateTime<Utc>>,
    party_hour: Window,
    user_day: Window,
    address_hour: Window,
) -> Result<(), Wait> {
    if let Some(t) = over(address_hour, PER_ADDRESS_PER_HOUR, Duration::hours(1), now) {
        return Err(Wait::Address(t));
    }
    if let Some(last) = last_for_user_and_party
        && now < last + MIN_GAP
    {
        return Err(Wait::Gap(last + MIN_GAP));
    }
    if let Some(t) = over(party_hour, PER_PARTY_PER_HOUR, Duration::hours(1), now) {
        return Err(Wait::PartyHour(t));
    }
    if let Some(t) = over(user_day, PER_USER_PER_DAY, Duration::days(1), now) {
        return Err(Wait::UserDay(t));
    }
    Ok(())
}

/// May an attachment be attempted now?
pub fn may_attempt(now: DateTime<Utc>, user_failures_hour: Window, address_failures_hour: Window) -> Result<(), Wait> {
    let hour = Duration::hours(1);
    if let Some(t) = over(user_failures_hour, FAILURES_PER_USER_PER_HOUR, hour, now)
        .or_else(|| over(address_failures_hour, FAILURES_PER_ADDRESS_PER_HOUR, hour, now))
    {
        return Err(Wait::Failures(t));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap()
    }

    #[test]
    fn codes_have_seven_digits_and_vary() {
        let r = SeededRandom::new(5);
        let codes: Vec<String> = (0..200).map(|_| generate_code(&r)).collect();
        assert!(codes.iter().all(|c| c.len() == 7 && c.bytes().all(|b| b.is_ascii_digit())));
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert!(unique.len() > 190);
    }

    #[test]
    fn a_typed_code_may_have_spaces() {
        assert_eq!(parse_code(" 234 0978 ").unwrap(), "2340978");
        assert!(parse_code("234097").is_err());
        assert!(parse_code("23409781").is_err());
        assert!(parse_code("234O978").is_err());
    }

    #[test]
    fn the_hash_binds_the_code_to_the_user_the_party_and_the_key() {
        let h = code_hash(b"k", 1, 2, "2340978");
        assert_eq!(h, code_hash(b"k", 1, 2, "2340978"));
        assert_ne!(h, code_hash(b"k", 9, 2, "2340978"));
        assert_ne!(h, code_hash(b"k", 1, 9, "2340978"));
        assert_ne!(h, code_hash(b"other", 1, 2, "2340978"));
        assert!(!h.contains("2340978"));
    }

    #[test]
    fn a_new_code_waits_a_minute_after_the_last() {
        let now = t0();
        let w = Window::default();
        assert_eq!(
            may_send_code(now, Some(now - Duration::seconds(30)), w, w, w),
            Err(Wait::Gap(now + Duration::seconds(30)))
        );
        assert_eq!(may_send_code(now, Some(now - Duration::seconds(60)), w, w, w), Ok(()));
    }

    #[test]
    fn three_codes_per_party_per_hour_and_ten_per_user_per_day() {
        let now = t0();
        let none = Window::default();
        let first = now - Duration::minutes(50);
        let party = Window { count: 3, oldest: Some(first) };
        assert_eq!(may_send_code(now, None, party, none, none), Err(Wait::PartyHour(first + Duration::hours(1))));
        let user = Window { count: 10, oldest: Some(first) };
        assert_eq!(may_send_code(now, None, none, user, none), Err(Wait::UserDay(first + Duration::days(1))));
        let address = Window { count: 20, oldest: Some(first) };
        assert!(matches!(may_send_code(now, None, none, none, address), Err(Wait::Address(_))));
    }

    #[test]
    fn failed_attempts_are_limited_per_user_and_per_address() {
        let now = t0();
        let none = Window::default();
        assert_eq!(may_attempt(now, Window { count: 9, oldest: Some(now) }, none), Ok(()));
        assert!(may_attempt(now, Window { count: 10, oldest: Some(now) }, none).is_err());
        assert!(may_attempt(now, none, Window { count: 30, oldest: Some(now) }).is_err());
    }
}
