//! What the scheduler reads to remind hearings (`notices`): the hearings to
//! come a page at a time, the parties to remind of them, and the claim that
//! refuses a hearing or a party changed since they were read.

use super::{case, court};
use chrono::{Duration, TimeZone, Utc};
use portalis_core::event::{EventKind, EventStatus, EventTime};
use portalis_core::party::{PartyKind, Role};
use portalis_core::random::SeededRandom;
use portalis_storage::notices::{self, HearingToCome, ToRemind};
use portalis_storage::reminder_sweeps::{self, Swept};
use portalis_storage::testing::TestDatabase;
use portalis_storage::{Tx, attachments, cases, courts, events, parties, users};

fn hearing(at: &str, status: EventStatus) -> events::EventInput {
    let starts_at = EventTime::parse(at).unwrap();
    events::EventInput {
        kind: EventKind::Audience,
        starts_at,
        starts_at_utc: starts_at.to_utc(chrono_tz::Indian::Reunion).unwrap(),
        label: None,
        room: Some("9".into()),
        status,
        approved_on: None,
    }
}

fn person(given: &str, mobile: Option<&str>) -> parties::PartyInput {
    parties::PartyInput {
        kind: PartyKind::Person,
        given_names: Some(given.into()),
        family_name: Some("DELESTABLE".into()),
        organisation_name: None,
        role: Role::Demandeur,
        email: None,
        mobile: mobile.map(Into::into),
        lawyer: None,
    }
}

/// A party of the case, attached to an account of its own: (party, user).
async fn attached(tx: &mut Tx, case_id: i64, given: &str, mobile: Option<&str>, random: &SeededRandom) -> (i64, i64) {
    let now = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
    let (p, _) = parties::put(tx, case_id, given, &person(given, mobile), random, now).await.unwrap();
    let claims = users::Claims { given_name: Some(given.into()), ..Default::default() };
    let user = users::upsert(tx, "https://fc.test", given, &claims, now).await.unwrap();
    attachments::create(tx, user.id, p.id, now).await.unwrap();
    (p.id, user.id)
}

#[tokio::test]
async fn the_hearings_to_come_are_read_by_pages_and_only_the_parties_to_remind_are_given() {
    let t = TestDatabase::new().await;
    // Monday 18 January 2027, 09:00 in La Réunion, with a real clock's nanoseconds.
    let now = Utc.with_ymd_and_hms(2027, 1, 18, 5, 0, 0).unwrap() + Duration::nanoseconds(123_456_789);
    let random = SeededRandom::new(5);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    let (marie, _) = attached(&mut tx, k.id, "marie", Some("+262692000042"), &random).await;
    attached(&mut tx, k.id, "paul", None, &random).await;
    let (luc, _) = attached(&mut tx, k.id, "luc", Some("+262692000044"), &random).await;
    parties::withdraw(&mut tx, luc, now).await.unwrap();
    let (anne_party, anne) = attached(&mut tx, k.id, "anne", Some("+262692000045"), &random).await;
    notices::set_preferences(&mut tx, anne, true, false).await.unwrap();
    parties::put(&mut tx, k.id, "jean", &person("jean", Some("+262692000043")), &random, now).await.unwrap();
    let put = |r: &'static str, at: &'static str, status| (r, hearing(at, status));
    let mut ids = Vec::new();
    for (r, input) in [
        put("past", "2027-01-18T08:00", EventStatus::Prevu),
        put("first", "2027-01-19T09:00", EventStatus::Prevu),
        put("same-time", "2027-01-19T09:00", EventStatus::Prevu),
        put("cancelled", "2027-01-20T14:00", EventStatus::Annule),
        put("last", "2027-01-21T10:00", EventStatus::Prevu),
        put("too-far", "2027-01-25T10:00", EventStatus::Prevu),
    ] {
        ids.push(events::put(&mut tx, k.id, r, &input, now).await.unwrap().event);
    }
    let (first, same_time, last) = (ids[1].clone(), ids[2].clone(), ids[4].clone());
    tx.commit().await.unwrap();

    let until = now + Duration::days(4);
    let mut conn = t.db.read().await.unwrap();
    let page = notices::hearings_to_come(&mut conn, (now, i64::MAX), until, 2, now).await.unwrap();
    let ids: Vec<i64> = page.iter().map(|h| h.event_id).collect();
    assert_eq!(ids, [first.id, same_time.id], "two at the same time, by id; not the one begun");
    assert_eq!(page[0].court_name, "Tribunal judiciaire de Saint-Denis-de-La-Réunion");
    assert_eq!((page[0].time_zone, page[0].room.as_deref()), (chrono_tz::Indian::Reunion, Some("9")));
    assert_eq!(page[0].starts_at, EventTime::parse("2027-01-19T09:00").unwrap(), "the court's local time");
    let after = (page[1].starts_at_utc, page[1].event_id);
    let next = notices::hearings_to_come(&mut conn, after, until, 2, now).await.unwrap();
    let ids: Vec<i64> = next.iter().map(|h| h.event_id).collect();
    assert_eq!(ids, [last.id], "not the cancelled one, nor the one past the window");
    let after_first =
        notices::hearings_to_come(&mut conn, (page[0].starts_at_utc, page[0].event_id), until, 1, now).await;
    assert_eq!(after_first.unwrap()[0].event_id, same_time.id, "the next at the same time");

    let to_remind = notices::to_remind(&mut conn, &[last.id, first.id]).await.unwrap();
    let expected = |event_id| ToRemind { event_id, party_id: marie, mobile: "+262692000042".into() };
    assert_eq!(
        to_remind,
        [expected(first.id), expected(last.id)],
        "Marie alone (not Paul without a mobile, Luc withdrawn, Anne who turned reminders off, Jean not \
         attached), hearing by hearing in the order of their start"
    );
    drop(conn);

    // Two processes claim the same reminder at once: one gets it.
    let claim = |hearing: HearingToCome, party: ToRemind| {
        let db = &t.db;
        async move {
            let mut tx = db.begin().await.unwrap();
            let claimed = notices::claim_reminder(&mut tx, &hearing, &party, now).await.unwrap();
            tx.commit().await.unwrap();
            claimed
        }
    };
    let (a, b) = tokio::join!(claim(page[0].clone(), expected(first.id)), claim(page[0].clone(), expected(first.id)));
    assert!(a.is_some() != b.is_some(), "one of the two: {a:?} {b:?}");

    // What changed since it was read is refused.
    let mut tx = t.db.begin().await.unwrap();
    assert!(notices::claim_reminder(&mut tx, &page[0], &expected(first.id), now).await.unwrap().is_none(), "once");
    let stale = ToRemind { mobile: "+262692999999".into(), ..expected(last.id) };
    assert!(notices::claim_reminder(&mut tx, &next[0], &stale, now).await.unwrap().is_none(), "another mobile now");
    let luc_read = ToRemind { party_id: luc, mobile: "+262692000044".into(), event_id: last.id };
    assert!(notices::claim_reminder(&mut tx, &next[0], &luc_read, now).await.unwrap().is_none(), "withdrawn");
    let anne_read = ToRemind { party_id: anne_party, mobile: "+262692000045".into(), event_id: last.id };
    assert!(notices::claim_reminder(&mut tx, &next[0], &anne_read, now).await.unwrap().is_none(), "reminders off");
    let other_room = HearingToCome { room: Some("4".into()), ..page[1].clone() };
    let room = notices::claim_reminder(&mut tx, &other_room, &expected(same_time.id), now).await.unwrap();
    assert!(room.is_none(), "in another room now");
    events::put(&mut tx, k.id, "same-time", &hearing("2027-01-19T09:00", EventStatus::Annule), now).await.unwrap();
    let cancelled = notices::claim_reminder(&mut tx, &page[1], &expected(same_time.id), now).await.unwrap();
    assert!(cancelled.is_none(), "cancelled since it was read");
    events::put(&mut tx, k.id, "last", &hearing("2027-01-22T10:00", EventStatus::Prevu), now).await.unwrap();
    let moved = notices::claim_reminder(&mut tx, &next[0], &expected(last.id), now).await.unwrap();
    assert!(moved.is_none(), "moved since it was read");
    tx.commit().await.unwrap();

    let mut conn = t.db.read().await.unwrap();
    let left = notices::to_remind(&mut conn, &[first.id, last.id]).await.unwrap();
    assert_eq!(left, [expected(last.id)], "the one reminded is not given again");
    let read_again = notices::hearings_to_come(&mut conn, after, now + Duration::days(5), 2, now).await.unwrap();
    assert_eq!((read_again[0].event_id, read_again.len()), (last.id, 1));
    drop(conn);
    let mut tx = t.db.begin().await.unwrap();
    let claimed = notices::claim_reminder(&mut tx, &read_again[0], &expected(last.id), now).await.unwrap();
    assert!(claimed.is_some(), "read again, at its new time");
    tx.commit().await.unwrap();
}

/// The ids of the hearings a sweep at `now` reads (the days ahead).
async fn to_read(t: &TestDatabase, now: chrono::DateTime<Utc>) -> Vec<i64> {
    let mut conn = t.db.read().await.unwrap();
    let page = notices::hearings_to_come(&mut conn, (now, i64::MAX), now + Duration::days(4), 50, now).await.unwrap();
    page.iter().map(|h| h.event_id).collect()
}

/// Begins a sweep with three days of notice: its generation.
async fn begin(t: &TestDatabase, days: i64) -> i64 {
    let mut tx = t.db.begin().await.unwrap();
    let generation = reminder_sweeps::begin(&mut tx, days).await.unwrap();
    tx.commit().await.unwrap();
    generation
}

/// Forgets the hearings of the cases to recheck, as a sweep begins: how
/// many cases.
async fn rechecked(t: &TestDatabase) -> usize {
    let mut tx = t.db.begin().await.unwrap();
    let n = reminder_sweeps::forget_rechecked(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    n
}

/// Records hearings as swept by the sweep of this generation: whether it
/// could.
async fn record_by(t: &TestDatabase, generation: i64, swept: &[Swept]) -> bool {
    let mut tx = t.db.begin().await.unwrap();
    let recorded = reminder_sweeps::record(&mut tx, generation, swept).await.unwrap();
    tx.commit().await.unwrap();
    recorded
}

/// Records hearings as swept by a sweep begun now.
async fn record(t: &TestDatabase, swept: &[Swept]) {
    let generation = begin(t, 3).await;
    assert!(record_by(t, generation, swept).await);
}

#[tokio::test]
async fn a_hearing_swept_is_read_again_only_when_due_moved_or_when_a_party_may_be_reminded() {
    let t = TestDatabase::new().await;
    // Monday 18 January 2027, 09:00 in La Réunion, with a real clock's nanoseconds.
    let now = Utc.with_ymd_and_hms(2027, 1, 18, 5, 0, 0).unwrap() + Duration::nanoseconds(123_456_789);
    let random = SeededRandom::new(7);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    let (other, _) = cases::put(&mut tx, c.id, "RG-2", &case(), now).await.unwrap();
    let (_, marie_user) = attached(&mut tx, k.id, "marie", Some("+262692000042"), &random).await;
    let due = events::put(&mut tx, k.id, "due", &hearing("2027-01-19T09:00", EventStatus::Prevu), now).await.unwrap();
    let later =
        events::put(&mut tx, k.id, "later", &hearing("2027-01-22T09:00", EventStatus::Prevu), now).await.unwrap();
    let elsewhere = events::put(&mut tx, other.id, "elsewhere", &hearing("2027-01-19T10:00", EventStatus::Prevu), now)
        .await
        .unwrap();
    let (due, later, elsewhere) = (due.event, later.event, elsewhere.event);
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 1, "Marie attached");
    assert_eq!(to_read(&t, now).await, [due.id, elsewhere.id, later.id], "none swept yet");

    // The hearing due swept for good, the other until its reminder is due:
    // Tuesday 19 at 08:00 in La Réunion.
    let tuesday_8 = Utc.with_ymd_and_hms(2027, 1, 19, 4, 0, 0).unwrap();
    let swept =
        |e: &events::Event, recheck_at| Swept { event_id: e.id, starts_at_utc: e.details.starts_at_utc, recheck_at };
    record(&t, &[swept(&due, None), swept(&elsewhere, None), swept(&later, Some(tuesday_8))]).await;
    assert!(to_read(&t, now).await.is_empty(), "nothing changed");
    assert!(to_read(&t, tuesday_8 - Duration::nanoseconds(1)).await.is_empty());
    assert_eq!(to_read(&t, tuesday_8).await, [later.id], "its reminder due");

    // What a party's reminder does not depend on asks for nothing.
    let mut tx = t.db.begin().await.unwrap();
    attachments::mark_first_viewed(&mut tx, marie_user, k.id, now).await.unwrap();
    notices::set_preferences(&mut tx, marie_user, false, true).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 0, "a first view, updates turned off");
    let mut tx = t.db.begin().await.unwrap();
    notices::set_preferences(&mut tx, marie_user, false, false).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 0, "reminders turned off: nobody more to remind");

    // Reminders turned back on: Marie's cases are read again, not the other.
    let mut tx = t.db.begin().await.unwrap();
    notices::set_preferences(&mut tx, marie_user, false, true).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 1);
    assert_eq!(to_read(&t, now).await, [due.id, later.id]);
    record(&t, &[swept(&due, None), swept(&later, Some(tuesday_8))]).await;

    // A party given a mobile, or attached.
    let mut tx = t.db.begin().await.unwrap();
    attached(&mut tx, other.id, "paul", None, &random).await;
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 1, "Paul attached");
    record(&t, &[swept(&elsewhere, None)]).await;
    let mut tx = t.db.begin().await.unwrap();
    let paul_input = person("paul", Some("+262692000046"));
    parties::put(&mut tx, other.id, "paul", &paul_input, &random, now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 1, "Paul's mobile");
    assert_eq!(to_read(&t, now).await, [elsewhere.id]);
    record(&t, &[swept(&elsewhere, None)]).await;
    let mut tx = t.db.begin().await.unwrap();
    parties::put(&mut tx, other.id, "paul", &paul_input, &random, now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 0, "the same mobile again");

    // A party withdrawn, then back.
    let mut tx = t.db.begin().await.unwrap();
    let (paul_party, _) = parties::put(&mut tx, other.id, "paul", &paul_input, &random, now).await.unwrap();
    parties::withdraw(&mut tx, paul_party.id, now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 0, "withdrawn");
    let mut tx = t.db.begin().await.unwrap();
    parties::put(&mut tx, other.id, "paul", &paul_input, &random, now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(rechecked(&t).await, 1, "back");
    record(&t, &[swept(&elsewhere, None)]).await;

    // A sweep that began before another records nothing more: what it read
    // may predate a recheck the other consumed.
    let first = begin(&t, 3).await;
    let second = begin(&t, 3).await;
    assert!(!record_by(&t, first, &[swept(&due, None)]).await);
    assert!(record_by(&t, second, &[swept(&due, None)]).await);
    // Another number of days of notice reads every hearing again.
    let sooner = begin(&t, 2).await;
    assert_eq!(to_read(&t, now).await, [due.id, elsewhere.id, later.id]);
    assert!(record_by(&t, sooner, &[swept(&due, None), swept(&elsewhere, None), swept(&later, None)]).await);
    begin(&t, 3).await;
    assert_eq!(to_read(&t, now).await, [due.id, elsewhere.id, later.id]);
    record(&t, &[swept(&due, None), swept(&elsewhere, None), swept(&later, Some(tuesday_8))]).await;

    // A court's time zone changed, twice before a sweep: every hearing
    // again (their reminders fall due at other instants).
    for tz in [chrono_tz::Indian::Mayotte, chrono_tz::Indian::Reunion] {
        let mut tx = t.db.begin().await.unwrap();
        courts::put(&mut tx, &courts::CourtInput { time_zone: tz, ..court() }, now).await.unwrap();
        tx.commit().await.unwrap();
    }
    assert_eq!(rechecked(&t).await, 1);
    assert_eq!(to_read(&t, now).await, [due.id, elsewhere.id, later.id]);
    record(&t, &[swept(&due, None), swept(&elsewhere, None), swept(&later, Some(tuesday_8))]).await;

    // A hearing moved is read again at its new time.
    let mut tx = t.db.begin().await.unwrap();
    events::put(&mut tx, k.id, "due", &hearing("2027-01-19T11:00", EventStatus::Prevu), now).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(to_read(&t, now).await, [due.id]);

    // A load asks for every hearing again; housekeeping forgets the hearings
    // begun.
    let mut tx = t.db.begin().await.unwrap();
    reminder_sweeps::recheck_every_case(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    record(&t, &[swept(&due, None)]).await;
    assert_eq!(rechecked(&t).await, 1);
    assert_eq!(to_read(&t, now).await, [elsewhere.id, due.id, later.id]);
    record(&t, &[swept(&elsewhere, None), swept(&later, None)]).await;
    let mut tx = t.db.begin().await.unwrap();
    // Instants are kept to the microsecond.
    let forgotten =
        reminder_sweeps::forget_past(&mut tx, elsewhere.details.starts_at_utc + Duration::microseconds(1)).await;
    tx.commit().await.unwrap();
    assert_eq!(forgotten.unwrap(), 1, "the hearing begun, not the later one");
}

/// The scheduler's periodic jobs (`job_runs`): one run a period for all the
/// processes; a clock put back further than a period does not stop them; a
/// run that failed is due again soon, unless another process claimed it
/// since.
#[tokio::test]
async fn a_job_is_claimed_once_a_period_and_a_failed_run_is_due_again_soon() {
    use portalis_storage::job_runs;
    let t = TestDatabase::new().await;
    let every = Duration::minutes(5);
    let start = Utc.with_ymd_and_hms(2027, 1, 18, 5, 0, 0).unwrap() + Duration::microseconds(123_456);
    let claim = |at| {
        let db = &t.db;
        async move {
            let due = job_runs::due(&mut db.read().await.unwrap(), "sweep", at, every).await.unwrap();
            let mut tx = db.begin().await.unwrap();
            let claimed = job_runs::claim(&mut tx, "sweep", at, every).await.unwrap();
            tx.commit().await.unwrap();
            assert_eq!(due, claimed, "what is read as due is what can be claimed, at {at}");
            claimed
        }
    };
    assert!(claim(start).await, "never run");
    assert!(!claim(start).await);
    assert!(!claim(start + every - Duration::microseconds(1)).await);
    assert!(!claim(start - Duration::seconds(30)).await, "another process's clock, a little behind");
    assert!(claim(start + every).await);
    let later = start + every;
    assert!(claim(later - every - Duration::microseconds(1)).await, "the clock put back by more than a period");
    let failed_at = later - every - Duration::microseconds(1);
    assert!(!claim(failed_at + Duration::seconds(59)).await);

    let mut tx = t.db.begin().await.unwrap();
    job_runs::retry_after(&mut tx, "sweep", failed_at, every, Duration::minutes(1)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!claim(failed_at + Duration::seconds(59)).await, "a failed run is tried again a minute later");
    assert!(claim(failed_at + Duration::minutes(1)).await);
    let mut tx = t.db.begin().await.unwrap();
    job_runs::retry_after(&mut tx, "sweep", failed_at, every, Duration::minutes(1)).await.unwrap();
    tx.commit().await.unwrap();
    assert!(!claim(failed_at + Duration::minutes(2)).await, "a claim made since is left alone");
}
