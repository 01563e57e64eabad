//! iCalendar (RFC 5545) for hearings: one `VEVENT` a hearing, at the court's
//! local time (`TZID`), with a `VTIMEZONE` for each court's zone built from
//! the time-zone database (the offsets and changes of the years concerned).

use crate::event::EventTime;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::BTreeMap;

pub struct IcsEvent {
    /// Stable and unique: the same hearing keeps its UID across exports.
    pub uid: String,
    pub summary: String,
    pub location: String,
    pub description: String,
    pub start: EventTime,
    pub tz: Tz,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), on character
/// boundaries, and ends it with CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let n = c.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out.push_str("\r\n");
}

fn offset_seconds(tz: Tz, at: NaiveDateTime) -> i32 {
    tz.offset_from_utc_datetime(&at).fix().local_minus_utc()
}

fn fmt_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

/// The zone's observances for `years`: its changes of offset found hour by
/// hour, or one standard offset when it has none.
fn vtimezone(out: &mut String, tz: Tz, years: &[i32]) {
    line(out, "BEGIN:VTIMEZONE");
    line(out, &format!("TZID:{}", tz.name()));
    let mut any = false;
    for &year in years {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).expect("a year").and_hms_opt(0, 0, 0).expect("midnight");
        let mut t = start;
        let mut before = offset_seconds(tz, t);
        while t.year() == year {
            let next = t + Duration::hours(1);
            let after = offset_seconds(tz, next);
            if after != before {
                // The change happens at `next` UTC; its local time is what
                // the old offset read.
                let local = next + Duration::seconds(i64::from(before));
                let kind = if after > before { "DAYLIGHT" } else { "STANDARD" };
                line(out, &format!("BEGIN:{kind}"));
                line(out, &format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")));
                line(out, &format!("TZOFFSETFROM:{}", fmt_offset(before)));
                line(out, &format!("TZOFFSETTO:{}", fmt_offset(after)));
                line(out, &format!("END:{kind}"));
                any = true;
                before = after;
            }
            t = next;
        }
    }
    if !any {
        let off = offset_seconds(
            tz,
            NaiveDate::from_ymd_opt(years[0], 1, 1).expect("a year").and_hms_opt(0, 0, 0).expect("midnight"),
        );
        line(out, "BEGIN:STANDARD");
        line(out, "DTSTART:19700101T000000");
        line(out, &format!("TZOFFSETFROM:{}", fmt_offset(off)));
        line(out, &format!("TZOFFSETTO:{}", fmt_offset(off)));
        line(out, "END:STANDARD");
    }
    line(out, "END:VTIMEZONE");
}

/// A calendar of `events`; `now` stamps it.
pub fn calendar(events: &[IcsEvent], now: DateTime<Utc>) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Portalis//Portail du justiciable//FR");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    let mut zones: BTreeMap<&str, (Tz, Vec<i32>)> = BTreeMap::new();
    for e in events {
        let entry = zones.entry(e.tz.name()).or_insert((e.tz, Vec::new()));
        let y = e.start.date().year();
        if !entry.1.contains(&y) {
            entry.1.push(y);
        }
    }
    for (tz, mut years) in zones.into_values() {
        years.sort_unstable();
        vtimezone(&mut out, tz, &years);
    }
    let stamp = now.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        match e.start {
            EventTime::Date(d) => line(&mut out, &format!("DTSTART;VALUE=DATE:{}", d.format("%Y%m%d"))),
            EventTime::DateTime(dt) => {
                line(&mut out, &format!("DTSTART;TZID={}:{}", e.tz.name(), dt.format("%Y%m%dT%H%M%S")))
            }
        }
        line(&mut out, &format!("SUMMARY:{}", text(&e.summary)));
        line(&mut out, &format!("LOCATION:{}", text(&e.location)));
        line(&mut out, &format!("DESCRIPTION:{}", text(&e.description)));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hearing(tz: Tz, at: &str) -> IcsEvent {
        IcsEvent {
            uid: "abc@portalis".into(),
            summary: "Audience — Mises en état".into(),
            location: "Tribunal judiciaire de Saint-Denis-de-La-Réunion, salle 9".into(),
            description: "N° de dossier : DB3Z-W-B7C-DFW5".into(),
            start: EventTime::parse(at).unwrap(),
            tz,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap()
    }

    #[test]
    fn a_reunion_hearing_is_at_fourteen_hours_local_with_its_zone() {
        let ics = calendar(&[hearing(chrono_tz::Indian::Reunion, "2027-01-21T14:00")], now());
        assert!(ics.contains("DTSTART;TZID=Indian/Reunion:20270121T140000\r\n"));
        assert!(ics.contains("TZID:Indian/Reunion\r\n"));
        assert!(ics.contains("TZOFFSETTO:+0400\r\n"));
        assert!(ics.contains("SUMMARY:Audience — Mises en état\r\n"));
        assert!(ics.contains("LOCATION:Tribunal judiciaire de Saint-Denis-de-La-Réunion\\, salle 9"));
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n") && ics.ends_with("END:VCALENDAR\r\n"));
    }

    #[test]
    fn paris_gets_its_summer_and_winter_changes() {
        let ics = calendar(&[hearing(chrono_tz::Europe::Paris, "2027-06-03T09:30")], now());
        assert!(
            ics.contains("BEGIN:DAYLIGHT\r\nDTSTART:20270328T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n")
        );
        assert!(
            ics.contains("BEGIN:STANDARD\r\nDTSTART:20271031T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\n")
        );
    }

    #[test]
    fn long_lines_are_folded_at_75_octets() {
        let mut e = hearing(chrono_tz::Indian::Reunion, "2027-01-21T14:00");
        e.description = "é".repeat(100);
        let ics = calendar(&[e], now());
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "{l}");
        }
        assert!(ics.contains("\r\n é"));
    }
}
