//! When a hearing's reminder goes out: from a few days before the hearing's
//! day (`days`, `PORTALIS_REMINDER_DAYS`), counted in the court's time zone,
//! and only between [`SEND_FROM_HOUR`] and [`SEND_UNTIL_HOUR`] there. A
//! window missed (the portal down) is caught up at the next decent hour, but
//! never for a hearing already begun: the caller looks only at hearings to
//! come.

use chrono::{DateTime, Duration, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

/// Reminders are sent between these local hours of the court.
pub const SEND_FROM_HOUR: u32 = 8;
pub const SEND_UNTIL_HOUR: u32 = 20;

/// Whether the reminder of a hearing starting at `starts_at_utc` in a court
/// of time zone `tz` may be sent at `now`.
pub fn is_due(now: DateTime<Utc>, starts_at_utc: DateTime<Utc>, tz: Tz, days: i64) -> bool {
    let local_now = now.with_timezone(&tz);
    let hearing_day = starts_at_utc.with_timezone(&tz).date_naive();
    let in_window = local_now.date_naive() >= hearing_day - Duration::days(days);
    let decent_hour = (SEND_FROM_HOUR..SEND_UNTIL_HOUR).contains(&local_now.hour());
    starts_at_utc > now && in_window && decent_hour
}

/// The first instant from `now` at which the reminder of a hearing starting
/// at `starts_at_utc` in a court of time zone `tz` is due (`now` itself when
/// it is due now); `None` when it never will be, the hearing begun first.
/// The scheduler does not read such a hearing again before then.
pub fn next_due(now: DateTime<Utc>, starts_at_utc: DateTime<Utc>, tz: Tz, days: i64) -> Option<DateTime<Utc>> {
    if is_due(now, starts_at_utc, tz, days) {
        return Some(now);
    }
    let first_day = starts_at_utc.with_timezone(&tz).date_naive() - Duration::days(days);
    let local_now = now.with_timezone(&tz);
    // The day of the first decent hour to come in the window: the window's
    // first day, or today if the window is open and it is not too late, or
    // tomorrow.
    let day = if local_now.date_naive() < first_day {
        first_day
    } else if local_now.hour() < SEND_FROM_HOUR {
        local_now.date_naive()
    } else {
        local_now.date_naive() + Duration::days(1)
    };
    let at = day.and_hms_opt(SEND_FROM_HOUR, 0, 0)?;
    // 08:00 exists on every day of the French time zones; a zone where it
    // does not would take the hour after the gap.
    let due = tz
        .from_local_datetime(&at)
        .earliest()
        .or_else(|| tz.from_local_datetime(&(at + Duration::hours(1))).earliest())?
        .with_timezone(&Utc);
    (due < starts_at_utc).then_some(due)
}

/// The latest start of a hearing whose reminder may be due at `now`, in any
/// time zone: a reminder is due from 08:00 local, and the end of the local
/// day `days` days after a day's 08:00 is less than `days + 1` days away,
/// even across a 25-hour day of a daylight-saving change.
pub fn latest_start(now: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    now + Duration::days(days + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const PARIS: Tz = chrono_tz::Europe::Paris;
    const REUNION: Tz = chrono_tz::Indian::Reunion;
    const TAHITI: Tz = chrono_tz::Pacific::Tahiti;

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        // Nanoseconds, as a real clock has.
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap() + Duration::nanoseconds(123_456_789)
    }

    #[test]
    fn a_reminder_is_due_from_three_days_before_the_local_day_at_a_decent_hour() {
        // Thursday 21 January 2027 at 14:00 in La Réunion (10:00 UTC).
        let hearing = REUNION.with_ymd_and_hms(2027, 1, 21, 14, 0, 0).unwrap().with_timezone(&Utc);
        assert!(!is_due(utc(2027, 1, 17, 6, 0), hearing, REUNION, 3), "four days before");
        assert!(!is_due(utc(2027, 1, 18, 3, 59), hearing, REUNION, 3), "07:59 there");
        assert!(is_due(utc(2027, 1, 18, 4, 0), hearing, REUNION, 3), "08:00 there");
        assert!(is_due(utc(2027, 1, 18, 15, 59), hearing, REUNION, 3), "19:59 there");
        assert!(!is_due(utc(2027, 1, 18, 16, 0), hearing, REUNION, 3), "20:00 there");
        assert!(is_due(utc(2027, 1, 21, 9, 0), hearing, REUNION, 3), "caught up on the day");
        assert!(!is_due(utc(2027, 1, 21, 10, 30), hearing, REUNION, 3), "never once it has begun");
    }

    #[test]
    fn the_day_and_the_hour_are_the_courts_not_utcs() {
        // Monday 4 January 2027 at 09:00 in Tahiti is 19:00 UTC the same day;
        // three days before, Friday 1 January at 08:00 there is 18:00 UTC.
        let hearing = TAHITI.with_ymd_and_hms(2027, 1, 4, 9, 0, 0).unwrap().with_timezone(&Utc);
        assert!(!is_due(utc(2027, 1, 1, 17, 0), hearing, TAHITI, 3), "07:00 there");
        assert!(is_due(utc(2027, 1, 1, 18, 0), hearing, TAHITI, 3));
        // In Paris, a hearing just after midnight local is on the local day.
        let early = PARIS.with_ymd_and_hms(2027, 7, 5, 0, 30, 0).unwrap().with_timezone(&Utc);
        assert!(!is_due(utc(2027, 7, 1, 12, 0), early, PARIS, 3), "4 July in UTC, but 5 July in Paris");
        assert!(is_due(utc(2027, 7, 2, 6, 0), early, PARIS, 3), "08:00 in Paris, summer time");
    }

    #[test]
    fn the_next_due_instant_is_the_first_at_which_the_reminder_is_due() {
        // Thursday 21 January 2027 at 14:00 in La Réunion (10:00 UTC): due
        // from Monday 18 at 08:00 there (04:00 UTC).
        let hearing = REUNION.with_ymd_and_hms(2027, 1, 21, 14, 0, 0).unwrap().with_timezone(&Utc);
        let monday_8 = Utc.with_ymd_and_hms(2027, 1, 18, 4, 0, 0).unwrap();
        assert_eq!(next_due(utc(2027, 1, 10, 12, 0), hearing, REUNION, 3), Some(monday_8), "days before");
        assert_eq!(next_due(utc(2027, 1, 18, 3, 59), hearing, REUNION, 3), Some(monday_8), "07:59 there");
        let now = utc(2027, 1, 18, 9, 30);
        assert_eq!(next_due(now, hearing, REUNION, 3), Some(now), "due now");
        let tuesday_8 = monday_8 + Duration::days(1);
        assert_eq!(next_due(utc(2027, 1, 18, 16, 0), hearing, REUNION, 3), Some(tuesday_8), "20:00 there");
        assert_eq!(next_due(utc(2027, 1, 18, 21, 0), hearing, REUNION, 3), Some(tuesday_8), "01:00 there");
        // Begun, or beginning before the next decent hour: never.
        assert_eq!(next_due(utc(2027, 1, 21, 10, 30), hearing, REUNION, 3), None);
        let at_dawn = REUNION.with_ymd_and_hms(2027, 1, 21, 7, 30, 0).unwrap().with_timezone(&Utc);
        assert_eq!(next_due(utc(2027, 1, 20, 17, 0), at_dawn, REUNION, 3), None, "07:30, after 21:00 the eve");
    }

    #[test]
    fn the_next_due_instant_is_the_first_that_is_due_across_a_clock_change() {
        let zones = [PARIS, REUNION, TAHITI, chrono_tz::Pacific::Noumea, chrono_tz::America::Guadeloupe];
        // Around the end of summer time in Paris (31 October 2027), hearings
        // each 110 minutes, seen each 20 minutes: of the instants from then on,
        // each 10 minutes, none is due before the one given, and one less
        // than 10 minutes after it is (unless the hearing has begun).
        let step = Duration::minutes(10);
        for tz in zones {
            let mut start = utc(2027, 10, 29, 0, 0);
            while start < utc(2027, 11, 4, 0, 0) {
                let mut now = utc(2027, 10, 27, 0, 0);
                while now < start + Duration::hours(1) {
                    let first_seen =
                        (0..).map(|i| now + step * i).take_while(|t| *t <= start).find(|t| is_due(*t, start, tz, 3));
                    match (next_due(now, start, tz, 3), first_seen) {
                        (Some(at), Some(seen)) => {
                            assert!(is_due(at, start, tz, 3), "{tz} {start} at {now}: {at}");
                            assert!(at <= seen && seen - at < step, "{tz} {start} at {now}: {at}, seen {seen}");
                        }
                        // Due for less than a step, just before the start.
                        (Some(at), None) => {
                            assert!(is_due(at, start, tz, 3) && start - at < step, "{tz} {start} at {now}: {at}");
                        }
                        (None, None) => {}
                        (None, Some(seen)) => panic!("{tz} {start} at {now}: never, but due at {seen}"),
                    }
                    now += Duration::minutes(20);
                }
                start += Duration::minutes(110);
            }
        }
    }

    #[test]
    fn every_due_hearing_starts_before_the_latest_start() {
        let zones = [PARIS, REUNION, TAHITI, chrono_tz::Pacific::Noumea, chrono_tz::America::Guadeloupe];
        // Three days around the end of summer time in Paris (31 October
        // 2027), each half hour, against hearings each hour.
        let mut now = utc(2027, 10, 29, 0, 0);
        while now < utc(2027, 11, 1, 0, 0) {
            for tz in zones {
                let mut start = now;
                while start < now + Duration::days(6) {
                    if is_due(now, start, tz, 3) {
                        assert!(start <= latest_start(now, 3), "{tz} at {now}: {start}");
                    }
                    start += Duration::hours(1);
                }
            }
            now += Duration::minutes(30);
        }
    }
}
