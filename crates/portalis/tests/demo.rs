//! The demo world: the guide's case as the guide shows it, loaded once.

mod support;

use portalis_storage::{cases, courts, documents, events, parties};
use support::TestApp;

#[tokio::test]
async fn loading_the_demo_twice_creates_nothing_new() {
    let app = TestApp::spawn().await;
    let first = portalis::demo::load(&app.services).await.unwrap();
    assert!(first.created > 30, "{first}");
    let tables = ["courts", "cases", "parties", "events", "documents", "document_addressees"];
    let mut counts = Vec::new();
    for t in tables {
        counts.push(app.count(t).await);
    }
    let second = portalis::demo::load(&app.services).await.unwrap();
    assert_eq!(second.created, 0, "{second}");
    assert_eq!(second.updated, 0, "{second}");
    for (t, before) in tables.iter().zip(counts) {
        assert_eq!(app.count(t).await, before, "{t}");
    }
}

#[tokio::test]
async fn the_guides_case_is_there_as_the_guide_shows_it() {
    let app = TestApp::spawn().await;
    portalis::demo::load(&app.services).await.unwrap();
    let mut conn = app.services.db.reader().acquire().await.unwrap();
    let court = courts::by_code(&mut conn, "tj-saint-denis-reunion").await.unwrap().unwrap();
    assert_eq!(court.details.time_zone, chrono_tz::Indian::Reunion);
    let case = cases::find(&mut conn, court.id, "2018-01234").await.unwrap().unwrap();
    assert_eq!(case.details.portalis_number.as_str(), "DB3Z-W-B7C-DFW5");
    assert_eq!(case.details.nature_code, "60A");
    let names: Vec<(String, &str)> = parties::of_case(&mut conn, case.id)
        .await
        .unwrap()
        .iter()
        .map(|p| (p.display_name(), p.details.role.label()))
        .collect();
    assert_eq!(names, [("Marie DELESTABLE".to_owned(), "Demandeur"), ("Nicolas LARRET".to_owned(), "Défendeur")]);

    let evs = events::of_case(&mut conn, case.id).await.unwrap();
    let hearing = evs.last().unwrap();
    assert_eq!(hearing.details.label.as_deref(), Some("Mises en état"));
    assert_eq!(hearing.details.room.as_deref(), Some("9"));
    // The test clock says 26 November 2026: one month and 26 days later.
    assert_eq!(hearing.details.starts_at.to_api_string(), "2027-01-21T14:00");
    assert_eq!(evs.len(), 5);

    let docs = documents::of_case(&mut conn, case.id).await.unwrap();
    assert_eq!(docs.len(), 5);
    let for_marie: Vec<_> = docs.iter().filter(|d| d.addressee_refs == ["marie-delestable"]).collect();
    assert_eq!(for_marie.len(), 2);
    for d in &docs {
        let bytes = app
            .services
            .documents
            .get(&d.details.storage_key, &d.details.sha256, d.details.size_bytes as u64)
            .await
            .unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
    }
}

#[tokio::test]
async fn the_demo_parties_numbers_are_in_the_development_outbox_once() {
    let app = TestApp::spawn().await;
    portalis::demo::load(&app.services).await.unwrap();
    let mails = app.outbox("email").await;
    let marie: Vec<_> = mails.iter().filter(|(to, _, _)| to == "marie.delestable@example.org").collect();
    assert_eq!(marie.len(), 3, "one for each of her three cases");
    let number = app.number_of("marie-delestable").await;
    assert!(mails.iter().any(|(_, _, body)| body.contains(&number)));
    portalis::demo::load(&app.services).await.unwrap();
    assert_eq!(app.outbox("email").await.len(), mails.len(), "loading again sends nothing");
}
