//! `POST /api/v1/events/batch`: many events of the court's cases in one
//! request, all written or none.

use crate::support::{TestApp, invalid_fields, problem, the_guides_case};
use serde_json::{Value, json};

const BATCH: &str = "/api/v1/events/batch";

async fn with_two_cases() -> TestApp {
    let app = TestApp::spawn().await;
    for case_ref in ["2018-01234", "2019-00077"] {
        assert_eq!(app.put_json(&format!("/api/v1/cases/{case_ref}"), &the_guides_case()).await.status(), 201);
    }
    app
}

fn event(case_ref: &str, event_ref: &str, starts_at: &str) -> Value {
    json!({"case_ref": case_ref, "event_ref": event_ref, "kind": "audience", "starts_at": starts_at,
           "label": "Mises en état", "room": "9", "status": "prevu"})
}

fn three_hearings() -> Value {
    json!({"events": [
        event("2018-01234", "mee-1", "2027-01-21T14:00"),
        event("2019-00077", "mee-1", "2027-02-04T09:00"),
        event("2018-01234", "mee-2", "2027-03-04T14:00"),
    ]})
}

async fn post(app: &TestApp, body: &Value) -> reqwest::Response {
    app.client.post(app.url(BATCH)).bearer_auth(&app.key).json(body).send().await.unwrap()
}

#[tokio::test]
async fn a_batch_writes_events_of_several_cases_in_one_request() {
    let app = with_two_cases().await;
    let r = post(&app, &three_hearings()).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        (body["created"].as_u64(), body["updated"].as_u64(), body["unchanged"].as_u64()),
        (Some(3), Some(0), Some(0))
    );
    assert_eq!(body["events"][1], json!({"case_ref": "2019-00077", "event_ref": "mee-1", "outcome": "created"}));

    let read: Value = app.get("/api/v1/cases/2019-00077/events/mee-1").await.json().await.unwrap();
    assert_eq!(read["starts_at"], "2027-02-04T09:00", "read in the court's time zone, as a PUT would");
    assert_eq!(app.count("events").await, 3);
    let mut conn = app.services.db.read().await.unwrap();
    let (audited,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'event.put' AND actor = 'court:tj-saint-denis-reunion'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(audited, 3, "each event is audited as if sent alone");
}

#[tokio::test]
async fn the_same_batch_again_changes_nothing_and_a_moved_hearing_is_updated() {
    let app = with_two_cases().await;
    post(&app, &three_hearings()).await;
    let again: Value = post(&app, &three_hearings()).await.json().await.unwrap();
    assert_eq!((again["created"].as_u64(), again["unchanged"].as_u64()), (Some(0), Some(3)));

    let mut moved = three_hearings();
    moved["events"][2]["starts_at"] = json!("2027-03-11T09:30");
    let body: Value = post(&app, &moved).await.json().await.unwrap();
    assert_eq!((body["updated"].as_u64(), body["unchanged"].as_u64()), (Some(1), Some(2)));
    assert_eq!(body["events"][2]["outcome"], "updated");
    let read: Value = app.get("/api/v1/cases/2018-01234/events/mee-2").await.json().await.unwrap();
    assert_eq!(read["starts_at"], "2027-03-11T09:30");
    assert_eq!(app.count("events").await, 3);
}

#[tokio::test]
async fn one_invalid_event_is_named_and_nothing_is_written() {
    let app = with_two_cases().await;
    let mut batch = three_hearings();
    batch["events"][1]["starts_at"] = json!("2027-02-04 09:00");
    batch["events"][2]["colour"] = json!("red");
    let r = post(&app, &batch).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["events[1].starts_at", "events[2].colour"]);
    assert_eq!(app.count("events").await, 0);
}

#[tokio::test]
async fn a_case_of_another_court_is_not_found_in_a_batch_and_nothing_is_written() {
    let app = with_two_cases().await;
    let paris = app.key_for("tj-paris").await;
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/p-1", &the_guides_case()).await.status(), 201);
    let mut batch = three_hearings();
    batch["events"][0]["case_ref"] = json!("p-1");
    batch["events"][2]["case_ref"] = json!("p-1");
    let r = post(&app, &batch).await;
    assert_eq!(r.status(), 422);
    let p = problem(r).await;
    assert_eq!(invalid_fields(&p), ["events[0].case_ref", "events[2].case_ref"]);
    assert_eq!(p["errors"][0]["message"], "no such case for this court");
    assert_eq!(app.count("events").await, 0, "the valid event of the batch is not written either");
}

#[tokio::test]
async fn a_batch_has_one_to_a_thousand_events_of_json_under_a_mebibyte() {
    let app = with_two_cases().await;
    let empty = post(&app, &json!({"events": []})).await;
    assert_eq!(empty.status(), 422);
    assert_eq!(invalid_fields(&problem(empty).await), ["events"]);

    let too_many: Vec<Value> = (0..1001).map(|n| event("2018-01234", &format!("e{n}"), "2027-01-21T14:00")).collect();
    let r = post(&app, &json!({"events": too_many})).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["events"]);

    let a_thousand: Vec<Value> = (0..1000).map(|n| event("2018-01234", &format!("e{n}"), "2027-01-21T14:00")).collect();
    assert_eq!(post(&app, &json!({"events": a_thousand})).await.status(), 200);
    assert_eq!(app.count("events").await, 1000);

    let huge = json!({"events": [event("2018-01234", "x", "2027-01-21T14:00")], "padding": "x".repeat(1024 * 1024)});
    let r = post(&app, &huge).await;
    assert_eq!(r.status(), 413);
    problem(r).await;

    let r =
        app.client.post(app.url(BATCH)).bearer_auth(&app.key).body(three_hearings().to_string()).send().await.unwrap();
    assert_eq!(r.status(), 415, "a body not declared as JSON");
    let r = app.client.post(app.url(BATCH)).json(&three_hearings()).send().await.unwrap();
    assert_eq!(r.status(), 401, "no key");
    assert_eq!(app.count("events").await, 1000);
}
