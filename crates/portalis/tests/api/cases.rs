use crate::support::{TestApp, invalid_fields, problem, the_guides_case};
use serde_json::json;

#[tokio::test]
async fn a_court_publishes_a_case_and_reads_it_back() {
    let app = TestApp::spawn().await;
    let created = app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await;
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["location"], "/api/v1/cases/2018-01234");
    let read: serde_json::Value = app.get("/api/v1/cases/2018-01234").await.json().await.unwrap();
    assert_eq!(read["court"], "tj-saint-denis-reunion");
    assert_eq!(read["portalis_number"], "DB3Z-W-B7C-DFW5");
    assert_eq!(read["nature"]["code"], "60A");
    assert_eq!(read["status"], "en_cours");
    assert_eq!(read["filed_on"], "2018-05-17");
    assert_eq!(read["created_at"], "2026-11-26T08:00:00Z");
}

#[tokio::test]
async fn the_same_put_twice_changes_nothing_the_second_time() {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
    let audited = app.count("audit_log").await;
    app.clock.advance(chrono::Duration::hours(1));
    let again = app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await;
    assert_eq!(again.status(), 200);
    let body: serde_json::Value = again.json().await.unwrap();
    assert_eq!(body["updated_at"], "2026-11-26T08:00:00Z", "not touched");
    assert_eq!(app.count("cases").await, 1);
    assert_eq!(app.count("audit_log").await, audited, "nothing to audit");
}

#[tokio::test]
async fn a_changed_case_is_replaced_and_audited() {
    let app = TestApp::spawn().await;
    app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await;
    let mut closed = the_guides_case();
    closed["status"] = json!("cloture");
    app.clock.advance(chrono::Duration::hours(1));
    let r = app.put_json("/api/v1/cases/2018-01234", &closed).await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "cloture");
    assert_eq!(body["updated_at"], "2026-11-26T09:00:00Z");
}

#[tokio::test]
async fn case_numbers_are_stored_in_their_canonical_form() {
    let app = TestApp::spawn().await;
    let mut case = the_guides_case();
    case["portalis_number"] = json!("db3z-w-b7c-dfw5");
    case["nature"]["code"] = json!("60a");
    let body: serde_json::Value = app.put_json("/api/v1/cases/k", &case).await.json().await.unwrap();
    assert_eq!(body["portalis_number"], "DB3Z-W-B7C-DFW5");
    assert_eq!(body["nature"]["code"], "60A");
}

#[tokio::test]
async fn every_invalid_field_is_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    let r = app
        .put_json(
            "/api/v1/cases/2018-01234",
            &json!({
                "portalis_number": "not a number",
                "rg_number": "2018-1",
                "nature": {"code": "600", "label": ""},
                "status": "ouvert",
                "filed_on": "17/05/2018",
                "colour": "blue"
            }),
        )
        .await;
    assert_eq!(r.status(), 422);
    let p = problem(r).await;
    assert_eq!(p["status"], 422);
    assert_eq!(
        invalid_fields(&p),
        ["portalis_number", "rg_number", "nature.code", "nature.label", "status", "filed_on", "colour"]
    );
    assert_eq!(app.count("cases").await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .put(app.url("/api/v1/cases/k"))
        .bearer_auth(&app.key)
        .header("content-type", "application/json")
        .body("{\"status\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    problem(r).await;
}

#[tokio::test]
async fn a_body_that_is_not_declared_as_json_is_refused() {
    let app = TestApp::spawn().await;
    let r = app
        .client
        .put(app.url("/api/v1/cases/k"))
        .bearer_auth(&app.key)
        .header("content-type", "text/plain")
        .body(the_guides_case().to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    problem(r).await;
}

#[tokio::test]
async fn a_body_over_the_limit_is_too_large() {
    let app = TestApp::spawn().await;
    let mut case = the_guides_case();
    case["chamber"] = json!("x".repeat(100_000));
    let r = app.put_json("/api/v1/cases/k", &case).await;
    assert_eq!(r.status(), 413);
    problem(r).await;
    assert_eq!(app.count("cases").await, 0);
}

#[tokio::test]
async fn an_unknown_case_is_not_found() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/cases/nothing-here").await;
    assert_eq!(r.status(), 404);
    assert_eq!(problem(r).await["status"], 404);
}
