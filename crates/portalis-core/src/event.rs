//! Events of a case's life ("Vie du dossier") and when they happen, in the
//! court's local time.

use crate::Invalid;
use crate::enums::french_enum;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

french_enum! {
    /// What kind of event.
    EventKind, "event kind", "Le type d'évènement" {
        Saisine => ("saisine", "Saisine"),
        Audience => ("audience", "Audience"),
        Expertise => ("expertise", "Expertise"),
        Convocation => ("convocation", "Convocation"),
        Decision => ("decision", "Décision"),
        Renvoi => ("renvoi", "Renvoi"),
        Cloture => ("cloture", "Clôture"),
    }
}

french_enum! {
    /// Whether an event is still to be held.
    EventStatus, "event status", "Le statut de l'évènement" {
        Prevu => ("prevu", "Prévu"),
        Annule => ("annule", "Annulé"),
        Tenu => ("tenu", "Tenu"),
    }
}

/// When an event happens, as the court states it: a local date, or a local
/// date and time, in the court's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventTime {
    Date(NaiveDate),
    DateTime(NaiveDateTime),
}

impl EventTime {
    /// Parses `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` (a day from 1900 to 2999,
    /// whitespace around allowed).
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        const INVALID: Invalid = Invalid::new(
            "a local date YYYY-MM-DD or a local date-time YYYY-MM-DDTHH:MM",
            "La date doit être au format AAAA-MM-JJ ou AAAA-MM-JJTHH:MM.",
        );
        let s = input.trim();
        if let Ok(d) = crate::calendar::parse_date(s) {
            return Ok(EventTime::Date(d));
        }
        let (day, time) = s.split_once('T').ok_or(INVALID)?;
        let d = crate::calendar::parse_date(day).map_err(|_| INVALID)?;
        let b = time.as_bytes();
        let two = |i: usize| {
            (b[i].is_ascii_digit() && b[i + 1].is_ascii_digit())
                .then(|| u32::from(b[i] - b'0') * 10 + u32::from(b[i + 1] - b'0'))
        };
        if b.len() != 5 || b[2] != b':' {
            return Err(INVALID);
        }
        let t = two(0).zip(two(3)).and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0)).ok_or(INVALID)?;
        Ok(EventTime::DateTime(d.and_time(t)))
    }

    /// The pattern of [`EventTime::parse`].
    pub fn pattern() -> String {
        use crate::calendar::{DATE, TIME};
        use crate::text::WHITESPACE;
        format!("^[{WHITESPACE}]*{DATE}(?:T{TIME})?[{WHITESPACE}]*$")
    }

    /// Rebuilds the value from its stored parts.
    pub fn from_parts(date: NaiveDate, time: Option<NaiveTime>) -> Self {
        match time {
            Some(t) => EventTime::DateTime(date.and_time(t)),
            None => EventTime::Date(date),
        }
    }

    pub fn date(self) -> NaiveDate {
        match self {
            EventTime::Date(d) => d,
            EventTime::DateTime(dt) => dt.date(),
        }
    }

    pub fn time(self) -> Option<NaiveTime> {
        match self {
            EventTime::Date(_) => None,
            EventTime::DateTime(dt) => Some(dt.time()),
        }
    }

    /// The instant this event starts in the court's time zone: midnight for
    /// a date alone. A local time skipped by a daylight-saving change does not
    /// exist and is refused; an ambiguous one takes the earlier instant.
    pub fn to_utc(self, tz: Tz) -> Result<DateTime<Utc>, Invalid> {
        let local = match self {
            EventTime::Date(d) => d.and_time(NaiveTime::MIN),
            EventTime::DateTime(dt) => dt,
        };
        match tz.from_local_datetime(&local) {
            LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Ok(t.with_timezone(&Utc)),
            LocalResult::None => Err(Invalid::new(
                "this local time does not exist in the court's time zone (daylight-saving change)",
                "Cette heure n'existe pas dans le fuseau horaire de la juridiction.",
            )),
        }
    }

    /// The API form: `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM`.
    pub fn to_api_string(self) -> String {
        match self {
            EventTime::Date(d) => d.format("%Y-%m-%d").to_string(),
            EventTime::DateTime(dt) => dt.format("%Y-%m-%dT%H:%M").to_string(),
        }
    }
}

/// Where an event stands on the court's calendar, seen on the court's
/// `today`: the one rule of what is "to come", for the list of cases (its
/// count and next date), the case page (its « À venir » section) and the
/// reminders (which pick, among upcoming hearings, those of the next days).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// To be held: planned, on or after today.
    Upcoming,
    /// Cancelled, on a day still to come: shown among the events to come,
    /// marked cancelled, but not counted as one.
    CancelledAhead,
    /// Held, or on a day gone by.
    Past,
}

impl Standing {
    pub fn of(status: EventStatus, day: NaiveDate, today: NaiveDate) -> Standing {
        match status {
            EventStatus::Tenu => Standing::Past,
            _ if day < today => Standing::Past,
            EventStatus::Prevu => Standing::Upcoming,
            EventStatus::Annule => Standing::CancelledAhead,
        }
    }
}

/// A start before which no planned event can still be to come: an event
/// is to come from its court's today on (`Standing`), so it starts at or
/// after that day's local midnight (a day without a time starts then),
/// less than a day and its daylight-saving hour before now. Three days
/// leave room for a court whose time zone changed after its events'
/// instants were computed (by up to two days of offset). A read of the
/// events to come may leave out those that start earlier, and keep what it
/// read while time passes: it only ever holds more than it needs.
pub fn to_come_from(now: DateTime<Utc>) -> DateTime<Utc> {
    now - chrono::Duration::days(3)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_event_is_to_come_when_planned_from_today_on_and_past_once_held_or_gone_by() {
        use super::{EventStatus::*, Standing};
        let day = |d| NaiveDate::from_ymd_opt(2019, 6, d).unwrap();
        assert_eq!(Standing::of(Prevu, day(4), day(4)), Standing::Upcoming, "today is still to come");
        assert_eq!(Standing::of(Prevu, day(5), day(4)), Standing::Upcoming);
        assert_eq!(Standing::of(Prevu, day(3), day(4)), Standing::Past, "planned but gone by");
        assert_eq!(Standing::of(Annule, day(5), day(4)), Standing::CancelledAhead);
        assert_eq!(Standing::of(Annule, day(3), day(4)), Standing::Past);
        assert_eq!(Standing::of(Tenu, day(4), day(4)), Standing::Past, "held this morning");
        assert_eq!(Standing::of(Tenu, day(5), day(4)), Standing::Past, "marked held ahead of its day");
    }

    use super::*;

    #[test]
    fn a_date_or_a_date_and_time_parse() {
        assert_eq!(
            EventTime::parse("2019-06-04").unwrap(),
            EventTime::Date(NaiveDate::from_ymd_opt(2019, 6, 4).unwrap())
        );
        let t = EventTime::parse("2019-06-04T14:00").unwrap();
        assert_eq!(t.to_api_string(), "2019-06-04T14:00");
        assert!(EventTime::parse("2019-06-04 14:00").is_err());
        assert!(EventTime::parse("2019-02-30").is_err());
        assert!(EventTime::parse("2019-06-04T14:00:00Z").is_err());
    }

    #[test]
    fn a_reunion_hearing_at_two_pm_is_ten_am_utc() {
        let t = EventTime::parse("2019-06-04T14:00").unwrap();
        assert_eq!(t.to_utc(chrono_tz::Indian::Reunion).unwrap().to_rfc3339(), "2019-06-04T10:00:00+00:00");
    }

    #[test]
    fn every_event_to_come_starts_after_to_come_from() {
        use chrono::{Days, Duration, TimeZone};
        // The earliest start of an event to come is its court's today at
        // midnight (a day without a time): in the zones furthest from UTC
        // on both sides and in Paris, each quarter of an hour of the days
        // around the end of summer time (31 October 2027).
        let zones = [
            chrono_tz::Europe::Paris,
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::Pacific::Pago_Pago,
            chrono_tz::Pacific::Tahiti,
            chrono_tz::Pacific::Noumea,
            chrono_tz::Indian::Reunion,
        ];
        let mut now = Utc.with_ymd_and_hms(2027, 10, 29, 0, 0, 0).unwrap();
        while now < Utc.with_ymd_and_hms(2027, 11, 2, 0, 0, 0).unwrap() {
            for tz in zones {
                let today = now.with_timezone(&tz).date_naive();
                for day in [today, today + Days::new(1)] {
                    let start = EventTime::Date(day).to_utc(tz).unwrap();
                    assert!(start >= to_come_from(now), "{tz} at {now}: {day} starts at {start}");
                }
            }
            now += Duration::minutes(15);
        }
    }

    #[test]
    fn a_time_skipped_by_daylight_saving_is_refused() {
        let t = EventTime::parse("2026-03-29T02:30").unwrap();
        assert!(t.to_utc(chrono_tz::Europe::Paris).is_err());
    }
}
