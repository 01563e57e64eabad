//! The query layer against a real database: SQLite by default, PostgreSQL
//! when PORTALIS_TEST_DATABASE_URL names one.

use chrono::{NaiveDate, TimeZone, Utc};
use portalis_core::case::CaseStatus;
use portalis_core::court::{CourtCode, CourtKind};
use portalis_core::event::{EventKind, EventStatus, EventTime};
use portalis_core::party::{PartyKind, Role};
use portalis_core::random::SeededRandom;
use portalis_storage::batch::Batch;
use portalis_storage::read::Reads;
use portalis_storage::testing::TestDatabase;
use portalis_storage::{Outcome, cases, courts, events, parties, party_search};

#[path = "repositories/reminders.rs"]
mod reminders;

fn court() -> courts::CourtInput {
    courts::CourtInput {
        code: CourtCode::parse("tj-saint-denis-reunion").unwrap(),
        name: "Tribunal judiciaire de Saint-Denis-de-La-Réunion".into(),
        kind: CourtKind::TribunalJudiciaire,
        address: String::new(),
        postcode: "97400".into(),
        city: "Saint-Denis".into(),
        department: "974".into(),
        phone: None,
        email: None,
        sauj_hours: None,
        time_zone: chrono_tz::Indian::Reunion,
    }
}

fn case() -> cases::CaseInput {
    cases::CaseInput {
        portalis_number: portalis_core::portalis_number::PortalisNumber::parse("DB3Z-W-B7C-DFW5").unwrap(),
        rg_number: Some("18/01234".into()),
        nature_code: "60A".into(),
        nature_label: "Demande en réparation des dommages causés par des véhicules terrestres à moteur".into(),
        status: CaseStatus::EnCours,
        filed_on: NaiveDate::from_ymd_opt(2018, 5, 17).unwrap(),
        chamber: None,
    }
}

#[tokio::test]
async fn putting_the_same_court_and_case_twice_changes_nothing_the_second_time() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let mut tx = t.db.begin().await.unwrap();
    let (c, o) = courts::put(&mut tx, &court(), now).await.unwrap();
    assert_eq!(o, Outcome::Created);
    assert_eq!(courts::put(&mut tx, &court(), now).await.unwrap().1, Outcome::Unchanged);
    let (k, o) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    assert_eq!(o, Outcome::Created);
    assert_eq!(k.details, case());
    assert_eq!(cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap().1, Outcome::Unchanged);
    let mut closed = case();
    closed.status = CaseStatus::Cloture;
    assert_eq!(cases::put(&mut tx, c.id, "RG-1", &closed, now).await.unwrap().1, Outcome::Updated);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_party_gets_a_number_that_survives_updates_and_a_new_one_on_reissue() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let random = SeededRandom::new(3);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    let input = parties::PartyInput {
        kind: PartyKind::Person,
        given_names: Some("Marie".into()),
        family_name: Some("DELESTABLE".into()),
        organisation_name: None,
        role: Role::Demandeur,
        email: Some("marie@example.fr".into()),
        mobile: Some("+262692123456".into()),
        lawyer: None,
    };
    let (p, o) = parties::put(&mut tx, k.id, "P1", &input, &random, now).await.unwrap();
    assert_eq!(o, Outcome::Created);
    assert_eq!(p.display_name(), "Marie DELESTABLE");
    let mut moved = input.clone();
    moved.mobile = Some("+262693000000".into());
    let (p2, o) = parties::put(&mut tx, k.id, "P1", &moved, &random, now).await.unwrap();
    assert_eq!(o, Outcome::Updated);
    assert_eq!(p2.identification_number, p.identification_number);
    let p3 = parties::reissue_number(&mut tx, p.id, &random, now).await.unwrap();
    assert_ne!(p3.identification_number, p.identification_number);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn events_come_back_in_time_order_and_withdrawn_ones_are_gone() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    let event = |s: &str, kind| {
        let at = EventTime::parse(s).unwrap();
        events::EventInput {
            kind,
            starts_at: at,
            starts_at_utc: at.to_utc(chrono_tz::Indian::Reunion).unwrap(),
            label: None,
            room: Some("9".into()),
            status: EventStatus::Prevu,
            approved_on: None,
        }
    };
    events::put(&mut tx, k.id, "E2", &event("2019-06-04T14:00", EventKind::Audience), now).await.unwrap();
    let saisine = events::put(&mut tx, k.id, "E1", &event("2018-05-17", EventKind::Saisine), now).await.unwrap().event;
    let refs: Vec<_> = events::of_case(&mut tx, k.id).await.unwrap().into_iter().map(|e| e.event_ref).collect();
    assert_eq!(refs, ["E1", "E2"]);
    events::withdraw(&mut tx, saisine.id, now).await.unwrap();
    let refs: Vec<_> = events::of_case(&mut tx, k.id).await.unwrap().into_iter().map(|e| e.event_ref).collect();
    assert_eq!(refs, ["E2"]);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_list_reads_the_events_planned_to_come_and_each_case_with_its_own_court() {
    let t = TestDatabase::new().await;
    // Friday 4 December 2026, 08:30 in Tahiti (UTC-10) and 19:30 in Paris.
    let now = Utc.with_ymd_and_hms(2026, 12, 4, 18, 30, 0).unwrap() + chrono::Duration::nanoseconds(987_654_321);
    let mut tx = t.db.begin().await.unwrap();
    let tahiti = courts::CourtInput {
        code: CourtCode::parse("tpi-papeete").unwrap(),
        name: "Tribunal de première instance de Papeete".into(),
        time_zone: chrono_tz::Pacific::Tahiti,
        ..court()
    };
    let (reunion, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (papeete, _) = courts::put(&mut tx, &tahiti, now).await.unwrap();
    let (a, _) = cases::put(&mut tx, papeete.id, "RG-A", &case(), now).await.unwrap();
    let (b, _) = cases::put(&mut tx, reunion.id, "RG-B", &case(), now).await.unwrap();
    let (c, _) = cases::put(&mut tx, papeete.id, "RG-C", &case(), now).await.unwrap();
    let event = |s: &str, status, tz: chrono_tz::Tz| {
        let at = EventTime::parse(s).unwrap();
        events::EventInput {
            kind: EventKind::Audience,
            starts_at: at,
            starts_at_utc: at.to_utc(tz).unwrap(),
            label: None,
            room: None,
            status,
            approved_on: None,
        }
    };
    let tz = chrono_tz::Pacific::Tahiti;
    for (r, s, status) in [
        ("held", "2026-12-03T09:00", EventStatus::Tenu),
        ("yesterday", "2026-12-03", EventStatus::Prevu),
        ("today", "2026-12-04", EventStatus::Prevu),
        ("next-week", "2026-12-11T09:00", EventStatus::Prevu),
        ("tomorrow", "2026-12-05T09:00", EventStatus::Prevu),
        ("cancelled", "2026-12-07T09:00", EventStatus::Annule),
        ("withdrawn", "2026-12-08T09:00", EventStatus::Prevu),
        ("long-ago", "2025-01-10T09:00", EventStatus::Prevu),
    ] {
        let put = events::put(&mut tx, a.id, r, &event(s, status, tz), now).await.unwrap();
        if r == "withdrawn" {
            events::withdraw(&mut tx, put.event.id, now).await.unwrap();
        }
    }
    let reunion_tz = chrono_tz::Indian::Reunion;
    events::put(&mut tx, b.id, "b", &event("2027-01-21T14:00", EventStatus::Prevu, reunion_tz), now).await.unwrap();
    tx.commit().await.unwrap();

    let listed = portalis_storage::cached::cases_ahead(&t.db, &[c.id, a.id, b.id], now).await.unwrap();
    let ids: Vec<i64> = listed.iter().map(|l| l.case.id).collect();
    assert_eq!(ids, [c.id, a.id, b.id], "in the order asked");
    let courts: Vec<&str> = listed.iter().map(|l| l.court.details.code.as_str()).collect();
    assert_eq!(courts, ["tpi-papeete", "tpi-papeete", "tj-saint-denis-reunion"]);
    assert!(listed[0].planned.is_empty());
    let refs: Vec<&str> = listed[1].planned.iter().map(|e| e.event_ref.as_str()).collect();
    // Yesterday in Tahiti is left to the list to tell gone by: it starts
    // less than three days ago.
    assert_eq!(refs, ["yesterday", "today", "tomorrow", "next-week"], "planned, to come, in time order");
    let refs: Vec<&str> = listed[2].planned.iter().map(|e| e.event_ref.as_str()).collect();
    assert_eq!(refs, ["b"]);
    assert!(std::sync::Arc::ptr_eq(&listed[0].court, &listed[1].court), "a court read once for its cases");
}

#[tokio::test]
async fn data_survives_closing_and_reopening_the_database() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let mut tx = t.db.begin().await.unwrap();
    courts::put(&mut tx, &court(), now).await.unwrap();
    tx.commit().await.unwrap();
    t.db.close().await;
    let again = portalis_storage::Db::connect(&t.url, 2).await.unwrap();
    assert_eq!(again.migrate().await.unwrap(), 0, "nothing left to migrate");
    let mut conn = again.reader().acquire().await.unwrap();
    let all = courts::list(&mut conn).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].details, court());
}

/// A user and a court to file with.
async fn filer(t: &TestDatabase) -> (i64, i64) {
    let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let (court, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let claims = portalis_storage::users::Claims { given_name: Some("Marie".into()), ..Default::default() };
    let user = portalis_storage::users::upsert(&mut tx, "https://fc.test", "marie", &claims, now).await.unwrap();
    tx.commit().await.unwrap();
    (user.id, court.id)
}

#[tokio::test]
async fn a_draft_is_its_authors_alone_and_is_sent_once() {
    use portalis_core::filing::{FilingNumber, FilingStatus, Procedure};
    use portalis_storage::filings;
    let t = TestDatabase::new().await;
    let (marie, court) = filer(&t).await;
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap() + chrono::Duration::nanoseconds(987_654_321);
    let mut tx = t.db.begin().await.unwrap();
    let other = portalis_storage::users::upsert(&mut tx, "https://fc.test", "mallory", &Default::default(), now)
        .await
        .unwrap()
        .id;
    let draft = filings::start(&mut tx, marie, Procedure::JugeAuxAffairesFamiliales, "pub-1", now).await.unwrap();
    assert_eq!(
        (draft.status, draft.filing_number.clone(), draft.answers.as_str()),
        (FilingStatus::Brouillon, None, "{}")
    );
    assert!(!filings::save_draft(&mut tx, other, draft.id, "{\"x\":1}", None, now).await.unwrap(), "not his");
    assert!(filings::save_draft(&mut tx, marie, draft.id, "{\"enfants\":[]}", Some(court), now).await.unwrap());
    tx.commit().await.unwrap();

    let mut conn = t.db.read().await.unwrap();
    assert!(filings::of_user(&mut conn, other, "pub-1").await.unwrap().is_none(), "another's is not found");
    let mine = filings::of_user(&mut conn, marie, "pub-1").await.unwrap().unwrap();
    assert_eq!((mine.answers.as_str(), mine.court_id), ("{\"enfants\":[]}", Some(court)));
    assert_eq!(filings::list_of_user(&mut conn, marie).await.unwrap().len(), 1);
    drop(conn);

    let random = SeededRandom::new(5);
    let number = FilingNumber::generate(&random);
    let mut tx = t.db.begin().await.unwrap();
    assert!(
        filings::send(
            &mut tx,
            other,
            draft.id,
            &filings::Sending {
                number: &number,
                contact_email: "marie@exemple.fr",
                filer: &Default::default(),
                seen: draft.updated_at
            },
            now
        )
        .await
        .unwrap()
        .is_none(),
        "not his to send"
    );
    let sending = filings::Sending {
        number: &number,
        contact_email: "marie@exemple.fr",
        filer: &Default::default(),
        seen: draft.updated_at,
    };
    let sent = filings::send(&mut tx, marie, draft.id, &sending, now).await.unwrap().unwrap();
    assert_eq!((sent.status, sent.filing_number.as_ref()), (FilingStatus::Envoyee, Some(&number)));
    let again = FilingNumber::generate(&random);
    assert!(
        filings::send(
            &mut tx,
            marie,
            draft.id,
            &filings::Sending {
                number: &again,
                contact_email: "marie@exemple.fr",
                filer: &Default::default(),
                seen: draft.updated_at
            },
            now
        )
        .await
        .unwrap()
        .is_none(),
        "sent once"
    );
    assert!(!filings::save_draft(&mut tx, marie, draft.id, "{}", None, now).await.unwrap(), "a sent filing stays");
    assert!(!filings::delete_draft(&mut tx, marie, draft.id, now).await.unwrap(), "and is not deleted as a draft");
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_draft_is_deleted_by_housekeeping_after_thirty_days_never_before() {
    use portalis_core::filing::{FilingNumber, Procedure, draft_deleted_at};
    use portalis_storage::filing_attachments::{self, NewAttachment};
    use portalis_storage::filings;
    let t = TestDatabase::new().await;
    let (marie, _) = filer(&t).await;
    let started = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let mut tx = t.db.begin().await.unwrap();
    let draft = filings::start(&mut tx, marie, Procedure::PartieCivile, "draft", started).await.unwrap();
    let sent = filings::start(&mut tx, marie, Procedure::ProtectionMajeur, "sent", started).await.unwrap();
    // A file each: the expired draft's is queued for deletion, the sent
    // filing's kept.
    for (filing, key) in [(&draft, "filings/draft/1"), (&sent, "filings/sent/1")] {
        let pending = filing_attachments::queue_upload(&mut tx, key, started).await.unwrap();
        let file = NewAttachment {
            piece: "autre",
            name: "a.pdf",
            content_type: "application/pdf",
            size: 10,
            sha256: "00",
            storage_key: key,
        };
        let added = filing_attachments::add(&mut tx, marie, filing.id, &file, pending, started, |_| Ok::<(), ()>(()));
        assert_eq!(added.await.unwrap().unwrap().unwrap().position, 1);
    }
    let sent_at = started + chrono::Duration::seconds(1);
    let number = FilingNumber::generate(&SeededRandom::new(1));
    filings::send(
        &mut tx,
        marie,
        sent.id,
        &filings::Sending {
            number: &number,
            contact_email: "marie@exemple.fr",
            filer: &Default::default(),
            seen: started,
        },
        sent_at,
    )
    .await
    .unwrap()
    .expect("sent");
    let term = draft_deleted_at(started);
    // Never before its term, even by a nanosecond (instants are stored to
    // the microsecond); at the latest a microsecond after it.
    for before in [term - chrono::Duration::microseconds(1), term - chrono::Duration::nanoseconds(1)] {
        assert_eq!(filings::forget_expired_drafts(&mut tx, before).await.unwrap(), 0, "{before}: not yet");
    }
    assert_eq!(filings::forget_expired_drafts(&mut tx, term + chrono::Duration::microseconds(1)).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut conn = t.db.read().await.unwrap();
    let left: Vec<String> =
        filings::list_of_user(&mut conn, marie).await.unwrap().into_iter().map(|f| f.public_id).collect();
    assert_eq!(left, ["sent"], "a sent filing is not a draft");
    let queued = filing_attachments::due_deletions(&mut conn, term + chrono::Duration::days(1), 0, 10).await.unwrap();
    assert_eq!(queued.iter().map(|d| d.storage_key.as_str()).collect::<Vec<_>>(), ["filings/draft/1"]);
    assert!(
        filing_attachments::due_deletions(&mut conn, term, 0, 10).await.unwrap().is_empty(),
        "queued at the term: left its hour"
    );
    assert_eq!(filing_attachments::of_filing(&mut conn, sent.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_sent_filing_is_deleted_with_its_files_once_past_its_retention_after_the_courts_answer() {
    use portalis_core::filing::{FilingNumber, Procedure};
    use portalis_storage::filing_attachments::{self, NewAttachment};
    use portalis_storage::filings;
    let t = TestDatabase::new().await;
    let (marie, _) = filer(&t).await;
    let started = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let mut tx = t.db.begin().await.unwrap();
    let mut sent = Vec::new();
    for (n, public_id) in ["answered", "unanswered"].into_iter().enumerate() {
        let draft =
            filings::start(&mut tx, marie, Procedure::JugeAuxAffairesFamiliales, public_id, started).await.unwrap();
        let key = format!("filings/{public_id}/1");
        let pending = filing_attachments::queue_upload(&mut tx, &key, started).await.unwrap();
        let file = NewAttachment {
            piece: "autre",
            name: "a.pdf",
            content_type: "application/pdf",
            size: 10,
            sha256: "00",
            storage_key: &key,
        };
        let added = filing_attachments::add(&mut tx, marie, draft.id, &file, pending, started, |_| Ok::<(), ()>(()));
        added.await.unwrap().unwrap().unwrap();
        let number = FilingNumber::generate(&SeededRandom::new(n as u64));
        sent.push(
            filings::send(
                &mut tx,
                marie,
                draft.id,
                &filings::Sending {
                    number: &number,
                    contact_email: "m@exemple.fr",
                    filer: &Default::default(),
                    seen: started,
                },
                started,
            )
            .await
            .unwrap()
            .unwrap(),
        );
    }
    // The first answered a year after it was sent.
    let answered_at = started + chrono::Duration::days(365);
    filings::refuse(&mut tx, sent[0].id, "Hors délai.", answered_at).await.unwrap().unwrap();
    let retention = chrono::Duration::days(2557);
    let forget = |at: chrono::DateTime<Utc>| at - retention;
    let mut forgotten = Vec::new();
    for at in [started + retention, started + retention + chrono::Duration::microseconds(1), answered_at + retention] {
        forgotten.push(filings::forget_past_retention(&mut tx, forget(at), at).await.unwrap());
    }
    assert_eq!(forgotten, [0, 1, 0], "the unanswered goes after its sending's term, the answered is kept");
    let later = answered_at + retention + chrono::Duration::microseconds(1);
    assert_eq!(filings::forget_past_retention(&mut tx, forget(later), later).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut conn = t.db.read().await.unwrap();
    assert!(filings::list_of_user(&mut conn, marie).await.unwrap().is_empty());
    let queued = filing_attachments::due_deletions(&mut conn, later + chrono::Duration::days(1), 0, 10).await.unwrap();
    let mut keys: Vec<&str> = queued.iter().map(|d| d.storage_key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["filings/answered/1", "filings/unanswered/1"], "their files are queued for deletion");
}

#[tokio::test]
async fn two_files_added_at_once_to_a_draft_holding_nineteen_make_twenty_not_twenty_one() {
    use portalis_core::attachment::{self, MAX_ATTACHMENTS};
    use portalis_core::filing::Procedure;
    use portalis_storage::filing_attachments::{self, NewAttachment};
    use portalis_storage::filings;
    let t = TestDatabase::new().await;
    let (marie, _) = filer(&t).await;
    let now = Utc.with_ymd_and_hms(2026, 12, 2, 9, 30, 0).unwrap();
    let mut tx = t.db.begin().await.unwrap();
    let draft = filings::start(&mut tx, marie, Procedure::ProtectionMajeur, "d", now).await.unwrap();
    tx.commit().await.unwrap();
    let add = |db: portalis_storage::Db, n: usize| async move {
        let key = format!("filings/d/{n}");
        let mut tx = db.begin().await.unwrap();
        let pending = filing_attachments::queue_upload(&mut tx, &key, now).await.unwrap();
        tx.commit().await.unwrap();
        let file = NewAttachment {
            piece: "autre",
            name: "a.pdf",
            content_type: "application/pdf",
            size: 10,
            sha256: "00",
            storage_key: &key,
        };
        let mut tx = db.begin().await.unwrap();
        let added = filing_attachments::add(&mut tx, marie, draft.id, &file, pending, now, |held| {
            attachment::check(b"%PDF-1.7 ten", held).map(|_| ())
        })
        .await
        .unwrap();
        tx.commit().await.unwrap();
        added.map(|f| f.is_some())
    };
    for n in 0..MAX_ATTACHMENTS - 1 {
        assert_eq!(add(t.db.clone(), n).await, Ok(true));
    }
    let (a, b) = tokio::join!(tokio::spawn(add(t.db.clone(), 100)), tokio::spawn(add(t.db.clone(), 101)));
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| o.is_err());
    assert_eq!(outcomes, [Ok(true), Err(attachment::refusal::TOO_MANY)], "one is the twentieth");
    let mut conn = t.db.read().await.unwrap();
    assert_eq!(filing_attachments::of_filing(&mut conn, draft.id).await.unwrap().len(), MAX_ATTACHMENTS);
}

#[tokio::test]
async fn the_parties_already_stored_get_their_search_words_by_batches_and_are_found_as_before() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789);
    let random = SeededRandom::new(5);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    // More than two of the migration's batches of 500.
    for n in 0..1_201 {
        let input = parties::PartyInput {
            kind: PartyKind::Person,
            given_names: Some(format!("Marie Josée {n}")),
            family_name: Some(if n % 2 == 0 { "GRONDIN-PAYET".into() } else { "HOARAU".into() }),
            organisation_name: None,
            role: Role::Defendeur,
            email: None,
            mobile: None,
            lawyer: None,
        };
        parties::put(&mut tx, k.id, &format!("P{n}"), &input, &random, now).await.unwrap();
    }
    portalis_storage::commit(tx).await.unwrap();
    let found = |q: &'static str| {
        let db = t.db.clone();
        async move {
            let query = portalis_core::search::SearchQuery::parse(q).unwrap();
            let mut conn = db.read().await.unwrap();
            let page = party_search::search(&mut conn, &query, 0, 20).await.unwrap();
            (page.found.iter().map(|f| f.party.display_name()).collect::<Vec<_>>(), page.more)
        }
    };
    let before = (found("payet 1200").await, found("josee hoarau").await);
    assert_eq!(before.0, (vec!["Marie Josée 1200 GRONDIN-PAYET".to_owned()], false));
    assert!(before.1.1, "600 of them, 20 a page");

    assert_eq!(portalis_storage::testing::rewrite_search_words(&t.db).await, 1_201);
    assert_eq!((found("payet 1200").await, found("josee hoarau").await), before);
    let mut conn = t.db.read().await.unwrap();
    let (words,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM party_words").fetch_one(&mut *conn).await.unwrap();
    // grondin, payet or hoarau; marie, josee and the number.
    assert_eq!(words, 601 * 5 + 600 * 4);
    let (pairs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM party_word_pairs").fetch_one(&mut *conn).await.unwrap();
    // Each ordered pair of those words: 5 × 4 and 4 × 3.
    assert_eq!(pairs, 601 * 20 + 600 * 12);
}

#[tokio::test]
async fn a_party_whose_words_start_alike_is_found_once_and_the_pages_follow_each_other_exactly() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(456_789_123);
    let random = SeededRandom::new(9);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    // 25 parties of three words starting with « mar », two with « martin ».
    for n in 0..25 {
        let input = parties::PartyInput {
            kind: PartyKind::Person,
            given_names: Some(format!("Martine Camille Marc{n:02}")),
            family_name: Some("MARTIN".into()),
            organisation_name: None,
            role: Role::Defendeur,
            email: None,
            mobile: None,
            lawyer: None,
        };
        parties::put(&mut tx, k.id, &format!("P{n}"), &input, &random, now).await.unwrap();
    }
    portalis_storage::commit(tx).await.unwrap();
    let page = |q: &'static str, n: i64| {
        let db = t.db.clone();
        async move {
            let query = portalis_core::search::SearchQuery::parse(q).unwrap();
            let mut conn = db.read().await.unwrap();
            let page = party_search::search(&mut conn, &query, (n - 1) * 20, 20).await.unwrap();
            (page.found.iter().map(|f| f.party.party_ref.clone()).collect::<Vec<_>>(), page.more)
        }
    };
    for q in ["mar", "martin camille"] {
        let (first, more) = page(q, 1).await;
        assert_eq!(first.len(), 20, "{q}: a full page of distinct parties, {first:?}");
        assert!(more, "{q}");
        let (second, more) = page(q, 2).await;
        assert_eq!(second.len(), 5, "{q}: the rest, {second:?}");
        assert!(!more, "{q}: nothing after the last");
        let mut all: Vec<String> = first.into_iter().chain(second).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 25, "{q}: each party once over the two pages");
        assert_eq!(page(q, 3).await, (vec![], false));
    }
}

#[tokio::test]
async fn two_words_find_through_the_pairs_of_words_a_long_name_a_word_typed_twice_and_many_alike() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(987_654_321);
    let random = SeededRandom::new(7);
    let mut tx = t.db.begin().await.unwrap();
    let (c, _) = courts::put(&mut tx, &court(), now).await.unwrap();
    let (k, _) = cases::put(&mut tx, c.id, "RG-1", &case(), now).await.unwrap();
    let mut names: Vec<(PartyKind, Option<String>, Option<String>)> = vec![
        (PartyKind::Person, Some("MARTIN".into()), Some("Jean".into())),
        (PartyKind::Person, Some("MARTINEZ".into()), Some("Jeanne".into())),
        (PartyKind::Person, Some("MARTIN".into()), Some("Paul".into())),
        (PartyKind::Organisation, None, Some("Société civile immobilière des jardins de la mer bleue".into())),
        (PartyKind::Organisation, None, Some("Marie".into())),
        // Eight words: still its pairs.
        (PartyKind::Organisation, None, Some("Syndicat des copropriétaires de la résidence du port".into())),
        (PartyKind::Person, Some("DURANDA".into()), Some("Paula".into())),
    ];
    // 20 family names starting alike: more than the search reads pairs for.
    for letter in 'a'..='t' {
        names.push((PartyKind::Person, Some(format!("DURAND{letter}")), Some("Paul".into())));
    }
    for (n, (kind, family, other)) in names.into_iter().enumerate() {
        let (given_names, organisation_name) = if kind == PartyKind::Person { (other, None) } else { (None, other) };
        let input = parties::PartyInput {
            kind,
            given_names,
            family_name: family,
            organisation_name,
            role: Role::Defendeur,
            email: None,
            mobile: None,
            lawyer: None,
        };
        parties::put(&mut tx, k.id, &format!("P{n}"), &input, &random, now).await.unwrap();
    }
    portalis_storage::commit(tx).await.unwrap();
    let found = |q: &'static str| {
        let db = t.db.clone();
        async move {
            let query = portalis_core::search::SearchQuery::parse(q).unwrap();
            let mut conn = db.read().await.unwrap();
            let page = party_search::search(&mut conn, &query, 0, 50).await.unwrap();
            page.found.iter().map(|f| f.party.display_name()).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("martin jean").await, ["Jean MARTIN", "Jeanne MARTINEZ"], "by the pair found, then by party");
    assert_eq!(found("jea mart").await, ["Jean MARTIN", "Jeanne MARTINEZ"]);
    assert_eq!(found("paul martin").await, ["Paul MARTIN"]);
    assert_eq!(found("martin jean paul").await, Vec::<String>::new(), "every word typed starts a word of the name");
    // A name of more than 8 words has no pairs: its words are checked.
    let sci = "Société civile immobilière des jardins de la mer bleue";
    assert_eq!(found("jardins mer").await, [sci]);
    assert_eq!(found("bleue soc la").await, [sci]);
    assert_eq!(found("jardins paul").await, Vec::<String>::new());
    let syndicat = "Syndicat des copropriétaires de la résidence du port";
    assert_eq!(found("residence port").await, [syndicat]);
    assert_eq!(found("copro du syn").await, [syndicat]);
    let mut conn = t.db.read().await.unwrap();
    let (keys,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM party_word_pairs WHERE pair IN ('jardins *', 'port residence', 'residence port', 'port *')",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(keys, 3, "9 words: a key a word; 8 words: a key a pair");
    drop(conn);
    // One word of the name starts both words typed.
    assert_eq!(found("mari marie").await, ["Marie"]);
    // Through the pairs, by the pair found: Paul before Paula, who came
    // first.
    assert_eq!(found("duranda pa").await, ["Paul DURANDA", "Paula DURANDA"]);
    // « durand » starts 20 words: their range is read, by word, then by
    // party, each checked for the other word typed.
    let durands = found("durand pa").await;
    assert_eq!(durands.len(), 21, "{durands:?}");
    assert_eq!(durands[..3], ["Paula DURANDA", "Paul DURANDA", "Paul DURANDB"]);
    // More than 4 words typed: the same parties, found by the longest.
    assert_eq!(found("jardins mer bleue de la").await, [sci]);
}

#[tokio::test]
async fn a_search_is_journaled_once_under_each_court_of_the_agent_in_one_statement() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(321_654_987);
    let mut tx = t.db.begin().await.unwrap();
    let mut ids = Vec::new();
    for code in ["tj-un", "tj-deux", "tj-trois"] {
        let input = courts::CourtInput { code: CourtCode::parse(code).unwrap(), ..court() };
        ids.push(courts::put(&mut tx, &input, now).await.unwrap().0.id);
    }
    portalis_storage::commit(tx).await.unwrap();
    // Three courts, one given twice: a line each.
    portalis_storage::staff_views::record_search(
        &t.db,
        "nathalie.payet@justice.fr",
        "Nathalie PAYET",
        &[ids.clone(), vec![ids[1]]].concat(),
        "payet",
        now,
    )
    .await
    .unwrap();
    portalis_storage::staff_views::record_search(&t.db, "nathalie.payet@justice.fr", "Nathalie PAYET", &[], "x", now)
        .await
        .unwrap();
    let mut conn = t.db.read().await.unwrap();
    let mut lines: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT court_id, search, agent_name FROM staff_views").fetch_all(&mut *conn).await.unwrap();
    lines.sort();
    let mut expected: Vec<(i64, String, String)> =
        ids.iter().map(|id| (*id, "payet".to_owned(), "Nathalie PAYET".to_owned())).collect();
    expected.sort();
    assert_eq!(lines, expected);
}

#[tokio::test]
async fn a_batch_reads_every_text_back_as_written_quotes_backslashes_commas_and_empty_ones_included() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(987_654_321);
    // What PostgreSQL's text of a row quotes or doubles (`batch.rs`), and
    // what would read as NULL if it were not.
    let odd = courts::CourtInput {
        name: "Tribunal \"de l'île\", (chambre 2) \\ annexe\nsalle — été".into(),
        address: String::new(),
        city: " NULL ".into(),
        phone: Some("\"\"".into()),
        email: Some(",".into()),
        sauj_hours: Some("()\\\\".into()),
        ..court()
    };
    let mut tx = t.db.begin().await.unwrap();
    let (stored, _) = courts::put(&mut tx, &odd, now).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();

    let mut batch = Batch::new();
    let read = courts::by_ids_in(&mut batch, &[stored.id, stored.id + 1]);
    let none = courts::by_ids_in(&mut batch, &[stored.id + 1]);
    let mut answers = t.db.pages().await.unwrap().batch(batch).await.unwrap();
    let read = answers.take(read);
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].details, odd);
    assert!(answers.take(none).is_empty(), "a query without rows answers none");
}

/// Forty agents open a party's page at once, agent `i` the page of party
/// `1000 + i` of case `100 + i`; the agents whose line was refused.
async fn forty_views_at_once(t: &TestDatabase, agents: &[String], now: chrono::DateTime<Utc>) -> Vec<String> {
    let mut views = tokio::task::JoinSet::new();
    for (i, agent) in agents.iter().enumerate() {
        let (db, agent) = (t.db.clone(), agent.clone());
        views.spawn(async move {
            let view = portalis_storage::staff_views::View {
                agent_email: &agent,
                agent_name: "Agent",
                court_id: 1,
                case_id: 100 + i as i64,
                party_id: Some(1000 + i as i64),
            };
            (agent.clone(), portalis_storage::staff_views::record(&db, &view, now).await)
        });
    }
    let mut refused = Vec::new();
    while let Some(done) = views.join_next().await {
        let (agent, recorded) = done.unwrap();
        if recorded.is_err() {
            refused.push(agent);
        }
    }
    refused
}

/// The journal's lines, sorted, against those of `agents` but `except`.
async fn assert_each_line_once(t: &TestDatabase, agents: &[String], except: Option<usize>, now: chrono::DateTime<Utc>) {
    let mut conn = t.db.read().await.unwrap();
    let mut lines: Vec<(String, i64, Option<i64>, String)> =
        sqlx::query_as("SELECT agent_email, case_id, party_id, at FROM staff_views")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    lines.sort();
    let mut expected: Vec<(String, i64, Option<i64>, String)> = agents
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != except)
        .map(|(i, a)| (a.clone(), 100 + i as i64, Some(1000 + i as i64), portalis_storage::time::instant(now)))
        .collect();
    expected.sort();
    assert_eq!(lines, expected, "every line once, as recorded");
}

#[tokio::test]
async fn views_recorded_at_once_are_each_written_once_and_on_sqlite_together() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(654_321_987);
    let agents: Vec<String> = (0..40).map(|i| format!("agent{i}@justice.fr")).collect();
    assert!(forty_views_at_once(&t, &agents, now).await.is_empty());
    assert_each_line_once(&t, &agents, None, now).await;
    if t.db.backend() == portalis_storage::Backend::Sqlite {
        let statements = t.db.journal_statements();
        assert!((1..40).contains(&statements), "forty lines in {statements} statements");
    }
}

#[tokio::test]
async fn a_line_the_database_refuses_among_views_recorded_at_once_fails_its_caller_alone() {
    let t = TestDatabase::new().await;
    let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + chrono::Duration::nanoseconds(456_789_123);
    let refuse = match t.db.backend() {
        portalis_storage::Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_line BEFORE INSERT ON staff_views WHEN NEW.agent_email = 'refused@justice.fr'
             BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        portalis_storage::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_line() RETURNS trigger AS $$ BEGIN
             IF NEW.agent_email = 'refused@justice.fr' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$
             LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_line BEFORE INSERT ON staff_views FOR EACH ROW EXECUTE FUNCTION refuse_line()",
        ],
    };
    let mut tx = t.db.begin().await.unwrap();
    for sql in refuse {
        sqlx::query(sql).execute(&mut *tx).await.unwrap();
    }
    portalis_storage::commit(tx).await.unwrap();

    let agents: Vec<String> = (0..40)
        .map(|i| if i == 17 { "refused@justice.fr".to_owned() } else { format!("agent{i}@justice.fr") })
        .collect();
    let refused = forty_views_at_once(&t, &agents, now).await;
    assert_eq!(refused, ["refused@justice.fr"], "only the refused line fails");
    assert_each_line_once(&t, &agents, Some(17), now).await;
}
