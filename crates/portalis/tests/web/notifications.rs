//! What the portal tells litigants by itself, with the injected clock: the
//! avis de mise à disposition, case updates, hearing reminders, consent.

use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, TestApp, form_value, marie_with_her_cases, pdf};
use chrono::Duration;
use portalis_notify::scheduler::REMINDERS_EVERY;
use serde_json::{Value, json};

const GUIDE_HEARING: &str = "/api/v1/cases/2018-01234/events/mise-en-etat";

async fn court_key(app: &TestApp) -> String {
    app.key_for("tj-saint-denis-reunion").await
}

async fn publish(app: &TestApp, key: &str, reference: &str, addressees: Value, n: u32) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text(
            "metadata",
            json!({"title": "Avis au demandeur", "kind": "avis", "issued_on": "2026-11-26", "addressees": addressees})
                .to_string(),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(pdf(n)).file_name("avis.pdf").mime_str("application/pdf").unwrap(),
        );
    app.client
        .put(app.url(&format!("/api/v1/cases/2018-01234/documents/{reference}")))
        .bearer_auth(key)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// What production meets: the system clock, whose instants have
/// nanoseconds while the database keeps microseconds. A document published
/// through the API and one through an import (as the demo publishes its
/// later document) each bring Marie her avis.
#[tokio::test]
async fn an_avis_leaves_on_the_system_clock_for_the_api_and_for_an_import() {
    let app = TestApp::spawn_on_the_system_clock().await;
    app.publish_the_guides_case().await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    app.attach_all(&marie, "marie").await;
    assert_eq!(
        app.put_document(
            "/api/v1/cases/2018-01234/documents/convocation",
            &json!({
                "title": "Convocation", "kind": "convocation", "issued_on": "2026-11-26", "addressees": ["marie"]
            }),
            pdf(1)
        )
        .await
        .status(),
        201
    );
    assert_eq!(app.outbox_of_kind("avis").await.len(), 1, "the API's publication brings an avis");

    let court = {
        let mut conn = app.services.db.read().await.unwrap();
        portalis_storage::courts::by_code(&mut conn, "tj-saint-denis-reunion").await.unwrap().unwrap()
    };
    let file = app.dir.join("decision.pdf");
    std::fs::write(&file, pdf(2)).unwrap();
    let line = json!({"type": "document", "case_ref": "2018-01234", "document_ref": "decision", "file": "decision.pdf",
        "metadata": {"title": "Décision", "kind": "decision", "issued_on": "2026-11-27", "addressees": []}})
    .to_string();
    let record = portalis::import::parse_line(&line, court.details.time_zone, &app.dir).unwrap();
    portalis::import::apply_all(&app.services, &court, &[record], "test").await.unwrap();
    assert_eq!(app.outbox_of_kind("avis").await.len(), 2, "the import's publication brings an avis");
}

#[tokio::test]
async fn an_avis_goes_to_the_attached_addressee_once_with_the_courts_local_time() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    assert_eq!(publish(&app, &key, "avis-1", json!(["marie-delestable"]), 1).await.status(), 201);
    let avis = app.outbox_of_kind("avis").await;
    assert_eq!(avis.len(), 1);
    let (to, subject, body) = &avis[0];
    assert_eq!(to, "marie.delestable@example.org");
    assert!(subject.as_deref().unwrap().starts_with("Avis de mise à disposition"));
    // 08:00 UTC is 12:00 in La Réunion.
    assert!(body.contains("le jeudi 26 novembre 2026 à 12:00"), "{body}");
    assert!(body.contains("DB3Z-W-B7C-DFW5"));
    assert!(!body.contains("Avis au demandeur"), "nothing of the document itself");

    // The same publication again sends nothing; a document for Nicolas alone
    // (not attached) sends nothing; a new file is a new avis.
    assert_eq!(publish(&app, &key, "avis-1", json!(["marie-delestable"]), 1).await.status(), 200);
    publish(&app, &key, "pour-nicolas", json!(["nicolas-larret"]), 2).await;
    assert_eq!(app.outbox_of_kind("avis").await.len(), 1);
    app.clock.advance(Duration::minutes(1));
    publish(&app, &key, "avis-1", json!(["marie-delestable"]), 3).await;
    assert_eq!(app.outbox_of_kind("avis").await.len(), 2);

    // The court sees when it was sent.
    portalis::app::outbox_worker(&app.services).unwrap().run_once().await.unwrap();
    let receipts: Value =
        app.get_with(&key, "/api/v1/cases/2018-01234/documents/avis-1/receipts").await.json().await.unwrap();
    assert_eq!(receipts[0]["party_ref"], "marie-delestable");
    assert_eq!(receipts[0]["avis_sent_at"], "2026-11-26T08:01:00Z");
    assert_eq!(receipts[0]["first_consulted_at"], Value::Null);
}

#[tokio::test]
async fn changes_within_five_minutes_make_one_e_mail() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    let moved = json!({"kind": "audience", "starts_at": "2027-01-28T09:30", "label": "Mises en état", "room": "9", "status": "prevu"});
    assert_eq!(app.put_json_with(&key, GUIDE_HEARING, &moved).await.status(), 200);
    app.clock.advance(Duration::minutes(2));
    let decision = json!({"kind": "audience", "starts_at": "2027-03-04T14:00", "label": "Plaidoiries", "room": "2", "status": "prevu"});
    assert_eq!(app.put_json_with(&key, "/api/v1/cases/2018-01234/events/plaidoiries", &decision).await.status(), 201);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.schedule().await.updates, 0, "the window is still open");
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.schedule().await.updates, 1);
    assert_eq!(app.schedule().await.updates, 0, "once");
    let mails = app.outbox_of_kind("case_update").await;
    assert_eq!(mails.len(), 1);
    let body = &mails[0].2;
    assert!(
        body.contains("Audience déplacée au jeudi 28 janvier 2027 à 09:30 (au lieu du jeudi 21 janvier 2027 à 14:00)"),
        "{body}"
    );
    assert!(body.contains("Audience fixée au jeudi 4 mars 2027 à 14:00"), "{body}");
    assert_eq!(mails[0].0, "marie.delestable@example.org", "only the attached party");
}

#[tokio::test]
async fn a_hearing_moved_in_a_batch_is_told_as_if_sent_alone() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    let batch = json!({"events": [
        {"case_ref": "2018-01234", "event_ref": "mise-en-etat", "kind": "audience", "starts_at": "2027-01-28T09:30",
         "label": "Mises en état", "room": "9", "status": "prevu"},
        {"case_ref": "2018-01234", "event_ref": "plaidoiries", "kind": "audience", "starts_at": "2027-03-04T14:00",
         "label": "Plaidoiries", "room": "2", "status": "prevu"},
    ]});
    let r = app.client.post(app.url("/api/v1/events/batch")).bearer_auth(&key).json(&batch).send().await.unwrap();
    assert_eq!(r.status(), 200);
    app.clock.advance(Duration::minutes(6));
    assert_eq!(app.schedule().await.updates, 1);
    let mails = app.outbox_of_kind("case_update").await;
    assert_eq!(mails.len(), 1, "one e-mail for the batch's two changes");
    let body = &mails[0].2;
    assert!(
        body.contains("Audience déplacée au jeudi 28 janvier 2027 à 09:30 (au lieu du jeudi 21 janvier 2027 à 14:00)"),
        "{body}"
    );
    assert!(body.contains("Audience fixée au jeudi 4 mars 2027 à 14:00"), "{body}");
}

#[tokio::test]
async fn a_cancelled_hearing_is_told_and_not_reminded() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    let cancelled = json!({"kind": "audience", "starts_at": "2027-01-21T14:00", "label": "Mises en état", "room": "9", "status": "annule"});
    app.put_json_with(&key, GUIDE_HEARING, &cancelled).await;
    app.clock.advance(Duration::minutes(6));
    app.schedule().await;
    assert!(app.outbox_of_kind("case_update").await[0].2.contains("Audience annulée : jeudi 21 janvier 2027 à 14:00"));
    // Three days before, at 09:00 in La Réunion: no reminder for it.
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    app.schedule().await;
    assert!(app.outbox_of_kind("hearing_reminder").await.iter().all(|(_, _, b)| !b.contains("21 janvier")));
}

#[tokio::test]
async fn a_reminder_goes_three_days_before_at_a_decent_local_hour_once() {
    let (app, _marie) = marie_with_her_cases().await;
    let reminders = || async { app.outbox_of_kind("hearing_reminder").await };
    // 17 January, four days before: too early.
    app.clock.set(crate::support::moment(2027, 1, 17, 6, 0, 0));
    assert_eq!(app.schedule().await.reminders, 0);
    // 18 January 02:00 UTC is 06:00 in La Réunion: too early in the day.
    app.clock.set(crate::support::moment(2027, 1, 18, 2, 0, 0));
    assert_eq!(app.schedule().await.reminders, 0);
    // 09:00 in La Réunion.
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    assert_eq!(app.schedule().await.reminders, 1);
    // A restart, at the next sweep: a new scheduler finds the reminder sent.
    app.clock.advance(REMINDERS_EVERY);
    assert_eq!(portalis::app::scheduler(&app.services).run_once().await.unwrap().reminders, 0);
    app.clock.advance(Duration::hours(30));
    assert_eq!(app.schedule().await.reminders, 0);
    let sms = reminders().await;
    assert_eq!(sms.len(), 1);
    assert_eq!(sms[0].0, "+262692000042");
    assert_eq!(
        sms[0].2,
        "Portail du justiciable : rappel, audience le jeudi 21 janvier 2027 à 14:00, Tribunal judiciaire de Saint-Denis-de-La-Réunion, salle 9."
    );
}

#[tokio::test]
async fn a_moved_hearing_gets_a_reminder_for_its_new_date() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    assert_eq!(app.schedule().await.reminders, 1);
    let moved = json!({"kind": "audience", "starts_at": "2027-01-25T10:00", "label": "Mises en état", "room": "9", "status": "prevu"});
    app.put_json_with(&key, GUIDE_HEARING, &moved).await;
    app.clock.advance(REMINDERS_EVERY);
    assert_eq!(app.schedule().await.reminders, 0, "not yet three days before the new date");
    app.clock.set(crate::support::moment(2027, 1, 22, 5, 0, 0));
    assert_eq!(app.schedule().await.reminders, 1);
    let sms = app.outbox_of_kind("hearing_reminder").await;
    assert!(sms[1].2.contains("lundi 25 janvier 2027 à 10:00"));
}

#[tokio::test]
async fn a_missed_window_is_caught_up_but_never_for_a_past_hearing() {
    let (app, _marie) = marie_with_her_cases().await;
    // The portal was down from 17 January: back on 20 January at 10:00 local.
    app.clock.set(crate::support::moment(2027, 1, 20, 6, 0, 0));
    assert_eq!(app.schedule().await.reminders, 1, "caught up");
    // A hearing already past gets nothing.
    let (late, _m) = marie_with_her_cases().await;
    late.clock.set(crate::support::moment(2027, 1, 22, 6, 0, 0));
    assert_eq!(late.schedule().await.reminders, 0);
}

/// The hearings are swept every few minutes by one process, whichever
/// runs first: a hearing fixed meanwhile waits for the next sweep, even
/// for a process just started.
#[tokio::test]
async fn a_hearing_fixed_between_two_sweeps_is_reminded_at_the_next_one() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    assert_eq!(app.schedule().await.reminders, 1);
    let fixed = json!({"kind": "audience", "starts_at": "2027-01-20T10:00", "label": "Conciliation", "room": "3", "status": "prevu"});
    let r = app.put_json_with(&key, "/api/v1/cases/2018-01234/events/conciliation", &fixed).await;
    assert_eq!(r.status(), 201);
    // Instants are kept to the microsecond.
    app.clock.advance(REMINDERS_EVERY - Duration::microseconds(1));
    let restarted = portalis::app::scheduler(&app.services);
    assert_eq!(restarted.run_once().await.unwrap().reminders, 0, "swept less than five minutes ago");
    app.clock.advance(Duration::microseconds(1));
    assert_eq!(restarted.run_once().await.unwrap().reminders, 1);
    let sms = app.outbox_of_kind("hearing_reminder").await;
    assert_eq!(
        sms[1].2,
        "Portail du justiciable : rappel, audience le mercredi 20 janvier 2027 à 10:00, Tribunal judiciaire de Saint-Denis-de-La-Réunion, salle 3."
    );
}

/// A sweep reads again only the hearings where something changed: a party
/// attached after his hearing was swept is reminded at the next sweep all
/// the same, and so is one who turns his reminders back on.
#[tokio::test]
async fn a_party_attached_or_turning_reminders_back_on_after_the_sweep_is_reminded_at_the_next_one() {
    let (app, marie) = marie_with_her_cases().await;
    let reminders_to = |mobile: &'static str| {
        let app = &app;
        async move {
            let sms = app.outbox_of_kind("hearing_reminder").await;
            sms.into_iter().filter(|(to, _, body)| to == mobile && body.contains("21 janvier")).count()
        }
    };
    let page = marie.get("/mon-espace/preferences").await.text().await.unwrap();
    let token = form_value(&page, "csrf").unwrap();
    marie.post("/mon-espace/preferences", &[("csrf", &token), ("mises_a_jour", "1")]).await;
    // Thursday 21 January 2027 at 14:00 in La Réunion; Monday 18 at 09:00 there.
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    app.schedule().await;
    assert_eq!(reminders_to("+262692000042").await, 0, "Marie turned them off");

    let nicolas = Browser::new(&app);
    nicolas.login_as(NICOLAS_NIR).await;
    app.attach_all(&nicolas, "nicolas-larret").await;
    // Days later: Marie signs in again.
    marie.login_as(MARIE_NIR).await;
    let page = marie.get("/mon-espace/preferences").await.text().await.unwrap();
    let token = form_value(&page, "csrf").unwrap();
    marie.post("/mon-espace/preferences", &[("csrf", &token), ("mises_a_jour", "1"), ("rappels", "1")]).await;
    app.clock.advance(REMINDERS_EVERY - Duration::microseconds(1));
    app.schedule().await;
    assert_eq!(reminders_to("+33611223317").await, 0, "not before the next sweep");
    app.clock.advance(Duration::microseconds(1));
    app.schedule().await;
    assert_eq!(reminders_to("+33611223317").await, 1, "Nicolas, attached after the sweep");
    assert_eq!(reminders_to("+262692000042").await, 1, "Marie, her reminders back on");
    app.clock.advance(REMINDERS_EVERY);
    app.schedule().await;
    assert_eq!((reminders_to("+33611223317").await, reminders_to("+262692000042").await), (1, 1), "once");
}

#[tokio::test]
async fn two_schedulers_at_once_send_each_reminder_once() {
    let (app, _marie) = marie_with_her_cases().await;
    app.clock.set(crate::support::moment(2027, 1, 18, 5, 0, 0));
    let (a, b) = (portalis::app::scheduler(&app.services), portalis::app::scheduler(&app.services));
    let (pa, pb) = tokio::join!(a.run_once(), b.run_once());
    assert_eq!(pa.unwrap().reminders + pb.unwrap().reminders, 1);
    assert_eq!(app.outbox_of_kind("hearing_reminder").await.len(), 1);
}

#[tokio::test]
async fn reminders_and_updates_can_be_turned_off_but_not_the_avis() {
    let (app, marie) = marie_with_her_cases().await;
    let page = marie.get("/mon-espace/preferences").await.text().await.unwrap();
    assert!(page.contains("elle ne peut pas être désactivée"));
    assert!(page.contains("courriel m•••••@example.org, mobile 06 •• •• •• 42"));
    let token = form_value(&page, "csrf").unwrap();
    let saved = marie.post("/mon-espace/preferences", &[("csrf", &token)]).await.text().await.unwrap();
    assert!(saved.contains("Vos préférences sont enregistrées."));
    assert_eq!(marie.post("/mon-espace/preferences", &[("csrf", "forged")]).await.status(), 403);
    let key = court_key(&app).await;
    let moved = json!({"kind": "audience", "starts_at": "2027-01-28T09:30", "label": "Mises en état", "room": "9", "status": "prevu"});
    app.put_json_with(&key, GUIDE_HEARING, &moved).await;
    publish(&app, &key, "avis-2", json!([]), 4).await;
    app.clock.set(crate::support::moment(2027, 1, 25, 5, 0, 0));
    app.schedule().await;
    assert!(app.outbox_of_kind("case_update").await.is_empty());
    assert!(app.outbox_of_kind("hearing_reminder").await.is_empty());
    assert_eq!(app.outbox_of_kind("avis").await.len(), 1, "the avis is a legal notice");
}

#[tokio::test]
async fn the_first_consultation_is_recorded_as_consent_once() {
    let (app, marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    let party = "/api/v1/cases/2018-01234/parties/marie-delestable";
    let before: Value = app.get_with(&key, party).await.json().await.unwrap();
    assert_eq!(before["consent"], Value::Null);
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let start = list.find("fr-card__title\">Demande en réparation").unwrap();
    let case_url =
        crate::support::local_links(&list[start..]).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    marie.get(&case_url).await;
    let after: Value = app.get_with(&key, party).await.json().await.unwrap();
    assert_eq!(after["consent"], json!({"source": "consultation", "at": "2026-11-26T08:00:00Z"}));
    app.clock.advance(Duration::days(1));
    let again = Browser::new(&app);
    again.login_as(MARIE_NIR).await;
    again.get(&case_url).await;
    let later: Value = app.get_with(&key, party).await.json().await.unwrap();
    assert_eq!(later["consent"]["at"], "2026-11-26T08:00:00Z", "recorded once");
}

#[tokio::test]
async fn the_court_declares_a_consent_with_its_date() {
    let app = TestApp::spawn().await;
    app.put_json("/api/v1/cases/2018-01234", &crate::support::the_guides_case()).await;
    let mut marie = crate::support::marie();
    marie["consent_on"] = json!("2026-01-15");
    let body: Value = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie).await.json().await.unwrap();
    assert_eq!(body["consent"], json!({"source": "court", "at": "2026-01-15"}));
    marie["consent_on"] = json!("15/01/2026");
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie).await.status(), 422);
}

#[tokio::test]
async fn housekeeping_forgets_what_is_kept_only_for_a_while() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    app.publish_the_guides_case().await;
    browser.attach_form("code", "PJTK5SY2ZZPJ", "").await; // a refusal: a rate event and an audit entry
    let token = form_value(&browser.get("/connexion?retour=/aide").await.text().await.unwrap(), "csrf");
    assert!(token.is_none(), "signed in: no login form");
    assert!(app.count("rate_events").await > 0);
    assert!(app.count("sessions").await == 1);
    let audited = app.count("audit_log").await;

    // A day later: the idle session and the old logins go; the rest stays.
    app.clock.advance(Duration::days(1));
    app.schedule().await;
    assert_eq!(app.count("sessions").await, 0);
    assert!(app.count("rate_events").await > 0, "kept two days");
    assert_eq!(app.count("audit_log").await, audited, "kept a year");
    // Three days later the rate events go; a year and a day later, the audit.
    app.clock.advance(Duration::days(2));
    app.schedule().await;
    assert_eq!(app.count("rate_events").await, 0);
    app.clock.advance(Duration::days(364));
    app.schedule().await;
    assert_eq!(app.count("audit_log").await, 0);
}

/// The outbox keeps a delivered message a month (`PORTALIS_OUTBOX_RETENTION_DAYS`),
/// then forgets it; the avis stay, being the record of when each party was
/// told a document was there.
#[tokio::test]
async fn housekeeping_forgets_delivered_messages_after_their_retention_but_keeps_the_avis() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    assert_eq!(publish(&app, &key, "avis-1", json!(["marie-delestable"]), 1).await.status(), 201);
    portalis::app::outbox_worker(&app.services).unwrap().run_once().await.unwrap();
    let messages = app.count("outbox").await;
    let avis = app.outbox_of_kind("avis").await.len() as i64;
    assert!(messages > avis && avis >= 1, "numbers, codes and the avis were delivered");

    app.clock.advance(Duration::days(29));
    app.schedule().await;
    assert_eq!(app.count("outbox").await, messages, "kept a month");
    app.clock.advance(Duration::days(2));
    app.schedule().await;
    assert_eq!(app.count("outbox").await, avis, "only the avis are left");
    let receipts: Value =
        app.get_with(&key, "/api/v1/cases/2018-01234/documents/avis-1/receipts").await.json().await.unwrap();
    assert_eq!(receipts[0]["avis_sent_at"], "2026-11-26T08:00:00Z", "the court still reads when it was sent");
}

/// A receipt belongs to a publication: when the court replaces a document's
/// file, the party has not consulted the new one until he opens it.
#[tokio::test]
async fn a_new_file_needs_its_own_receipt() {
    let (app, _) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    assert_eq!(publish(&app, &key, "avis-1", json!(["marie-delestable"]), 1).await.status(), 201);
    let receipts = "/api/v1/cases/2018-01234/documents/avis-1/receipts";
    // Marie signs in (again: hours pass) and opens the newest document.
    let open_it = || async {
        let marie = Browser::new(&app);
        marie.login_as(MARIE_NIR).await;
        let list = marie.get("/mon-espace").await.text().await.unwrap();
        let start = list.find("fr-card__title\">Demande en réparation").unwrap();
        let case =
            crate::support::local_links(&list[start..]).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
        let page = marie.get(&case).await.text().await.unwrap();
        // The newest document comes first in the case's past.
        let document = crate::support::local_links(&page).into_iter().find(|l| l.contains("/documents/")).unwrap();
        assert_eq!(marie.get(&document).await.status(), 200);
    };
    open_it().await;
    let first: Value = app.get_with(&key, receipts).await.json().await.unwrap();
    assert_eq!(first[0]["first_consulted_at"], "2026-11-26T08:00:00Z");

    app.clock.advance(Duration::hours(2));
    assert_eq!(publish(&app, &key, "avis-1", json!(["marie-delestable"]), 2).await.status(), 200);
    let replaced: Value = app.get_with(&key, receipts).await.json().await.unwrap();
    assert_eq!(replaced[0]["first_consulted_at"], Value::Null, "the new file is not consulted yet: {replaced}");

    app.clock.advance(Duration::minutes(5));
    open_it().await;
    let again: Value = app.get_with(&key, receipts).await.json().await.unwrap();
    assert_eq!(again[0]["first_consulted_at"], "2026-11-26T10:05:00Z");
}

/// A party the court adds to a document's addressees is told, as if it had
/// just been published for him, and the others are not told again.
#[tokio::test]
async fn a_party_added_to_the_addressees_gets_his_avis() {
    let (app, _marie) = marie_with_her_cases().await;
    let key = court_key(&app).await;
    assert_eq!(publish(&app, &key, "pour-nicolas", json!(["nicolas-larret"]), 1).await.status(), 201);
    assert_eq!(app.outbox_of_kind("avis").await.len(), 0, "Nicolas is not attached, Marie not addressed");
    app.clock.advance(Duration::hours(3));
    assert_eq!(
        publish(&app, &key, "pour-nicolas", json!(["nicolas-larret", "marie-delestable"]), 1).await.status(),
        200
    );
    let avis = app.outbox_of_kind("avis").await;
    assert_eq!(avis.len(), 1);
    assert_eq!(avis[0].0, "marie.delestable@example.org");
    assert!(avis[0].2.contains("à 15:00"), "made available to her now, in the court's time: {}", avis[0].2);
    assert_eq!(
        publish(&app, &key, "pour-nicolas", json!(["marie-delestable", "nicolas-larret"]), 1).await.status(),
        200
    );
    assert_eq!(app.outbox_of_kind("avis").await.len(), 1, "once");
}
