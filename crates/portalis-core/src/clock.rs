//! The clock is injected: production reads the system time, tests set it.
//!
//! Every clock hands out instants at the precision the database keeps them
//! (microseconds): an instant read back from a row is then equal to the one
//! that was written, whatever the system clock's resolution. Comparing an
//! instant before and after a round trip through storage is still best
//! avoided (a writer says what it did instead, see `documents::put`).

use chrono::{DateTime, Duration, SubsecRound, Utc};
use std::sync::{Arc, Mutex};

/// Where "now" comes from.
pub trait Clock: Send + Sync + 'static {
    /// The current instant, in whole microseconds.
    fn now(&self) -> DateTime<Utc>;
}

/// The digits of a second an instant keeps: the precision of the stored
/// format (`2026-11-26T13:21:00.000000Z`).
pub const STORED_DIGITS: u16 = 6;

/// An instant cut to the precision instants are stored at.
pub fn stored_precision(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(STORED_DIGITS)
}

/// The system clock, for production.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        #[allow(clippy::disallowed_methods)]
        stored_precision(Utc::now())
    }
}

/// A clock that only moves when told to, for tests. It holds whatever
/// instant it is given, nanoseconds included, and hands it out as the
/// system clock would.
#[derive(Debug, Clone)]
pub struct ManualClock(Arc<Mutex<DateTime<Utc>>>);

impl ManualClock {
    pub fn at(now: DateTime<Utc>) -> Self {
        Self(Arc::new(Mutex::new(now)))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().expect("clock lock") = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        stored_precision(*self.0.lock().expect("clock lock"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Timelike};

    #[test]
    fn a_manual_clock_moves_only_when_told() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap();
        let clock = ManualClock::at(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::minutes(10));
        assert_eq!(clock.now(), start + Duration::minutes(10));
    }

    #[test]
    fn clocks_hand_out_whole_microseconds() {
        let start = Utc.with_ymd_and_hms(2026, 1, 1, 12, 0, 0).unwrap() + Duration::nanoseconds(123_456_789);
        let clock = ManualClock::at(start);
        assert_eq!(clock.now().nanosecond(), 123_456_000);
        clock.advance(Duration::nanoseconds(210));
        assert_eq!(clock.now().nanosecond(), 123_456_000, "the same microsecond is the same stored instant");
        clock.advance(Duration::nanoseconds(1));
        assert_eq!(clock.now().nanosecond(), 123_457_000);
        for _ in 0..100 {
            assert_eq!(SystemClock.now().nanosecond() % 1_000, 0);
        }
    }
}
