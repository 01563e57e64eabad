use crate::support::{TestApp, hearing, invalid_fields, problem, the_guides_case};
use serde_json::{Value, json};

async fn with_case() -> TestApp {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
    app
}

#[tokio::test]
async fn a_hearing_is_stored_in_the_courts_local_time() {
    let app = with_case().await;
    let r = app.put_json("/api/v1/cases/2018-01234/events/mise-en-etat", &hearing()).await;
    assert_eq!(r.status(), 201);
    let read: Value = app.get("/api/v1/cases/2018-01234/events/mise-en-etat").await.json().await.unwrap();
    assert_eq!(read["starts_at"], "2027-01-21T14:00");
    assert_eq!(read["label"], "Mises en état");
    assert_eq!(read["room"], "9");
    assert_eq!(read["approved_on"], "2026-11-24");
    let mut conn = app.services.db.reader().acquire().await.unwrap();
    let (utc,): (String,) = sqlx::query_as("SELECT starts_at_utc FROM events").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(utc, "2027-01-21T10:00:00.000000Z", "14:00 in La Réunion is 10:00 UTC");
}

#[tokio::test]
async fn a_date_alone_is_accepted() {
    let app = with_case().await;
    let r = app
        .put_json(
            "/api/v1/cases/2018-01234/events/saisine",
            &json!({"kind": "saisine", "starts_at": "2018-05-17", "status": "tenu"}),
        )
        .await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["starts_at"], "2018-05-17");
}

#[tokio::test]
async fn the_same_event_twice_is_unchanged_and_a_moved_hearing_is_updated() {
    let app = with_case().await;
    app.put_json("/api/v1/cases/2018-01234/events/e", &hearing()).await;
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/events/e", &hearing()).await.status(), 200);
    let mut moved = hearing();
    moved["starts_at"] = json!("2027-01-28T09:30");
    let body: Value = app.put_json("/api/v1/cases/2018-01234/events/e", &moved).await.json().await.unwrap();
    assert_eq!(body["starts_at"], "2027-01-28T09:30");
    assert_eq!(app.count("events").await, 1);
}

#[tokio::test]
async fn invalid_times_and_values_are_named() {
    let app = with_case().await;
    let r = app
        .put_json(
            "/api/v1/cases/2018-01234/events/e",
            &json!({"kind": "party", "starts_at": "2027-01-21 14:00", "status": "maybe", "approved_on": "hier"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["kind", "starts_at", "status", "approved_on"]);
}

#[tokio::test]
async fn a_time_skipped_by_daylight_saving_in_paris_is_refused() {
    let app = TestApp::spawn().await;
    let paris = app.key_for("tj-paris").await;
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/p1", &the_guides_case()).await.status(), 201);
    let mut at_night = hearing();
    at_night["starts_at"] = json!("2027-03-28T02:30");
    let r = app.put_json_with(&paris, "/api/v1/cases/p1/events/e", &at_night).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["starts_at"]);
}

#[tokio::test]
async fn a_withdrawn_event_is_gone() {
    let app = with_case().await;
    app.put_json("/api/v1/cases/2018-01234/events/e", &hearing()).await;
    assert_eq!(app.delete("/api/v1/cases/2018-01234/events/e").await.status(), 204);
    assert_eq!(app.get("/api/v1/cases/2018-01234/events/e").await.status(), 404);
}
