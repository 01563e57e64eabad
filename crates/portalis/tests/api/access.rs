//! Who may call the API: a key, and only for its own court's cases.

use crate::support::{TestApp, hearing, marie, pdf, problem, the_guides_case};
use serde_json::json;

const CASE_ROUTES: &[&str] = &[
    "/api/v1/cases/2018-01234",
    "/api/v1/cases/2018-01234/parties/marie",
    "/api/v1/cases/2018-01234/events/mise-en-etat",
    "/api/v1/cases/2018-01234/documents/d1",
    "/api/v1/cases/2018-01234/documents/d1/file",
];

#[tokio::test]
async fn without_a_key_every_route_answers_401_with_a_problem() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    for path in CASE_ROUTES {
        let r = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"portalis\"");
        problem(r).await;
    }
    let r = app.client.put(app.url("/api/v1/cases/x")).json(&the_guides_case()).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(
        app.client
            .post(app.url("/api/v1/cases/2018-01234/parties/marie/identification-number"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        app.client.delete(app.url("/api/v1/cases/2018-01234/parties/marie")).send().await.unwrap().status(),
        401
    );
}

#[tokio::test]
async fn a_wrong_key_answers_401() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    for key in ["ptl_0000000000000000000000000000000000000000000000000000000000000000", "not-a-key", ""] {
        for path in CASE_ROUTES {
            assert_eq!(app.get_with(key, path).await.status(), 401, "{path} with {key:?}");
        }
    }
}

#[tokio::test]
async fn another_courts_key_sees_none_of_this_courts_cases() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    app.put_document(
        "/api/v1/cases/2018-01234/documents/d1",
        &json!({"title": "Convocation", "kind": "convocation", "issued_on": "2026-11-20"}),
        pdf(1),
    )
    .await;
    let paris = app.key_for("tj-paris").await;
    for path in CASE_ROUTES {
        let r = app.get_with(&paris, path).await;
        assert_eq!(r.status(), 404, "{path}");
        problem(r).await;
    }
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/2018-01234/parties/marie", &marie()).await.status(), 404);
    assert_eq!(
        app.put_json_with(&paris, "/api/v1/cases/2018-01234/events/mise-en-etat", &hearing()).await.status(),
        404
    );
    let r =
        app.client.delete(app.url("/api/v1/cases/2018-01234/parties/marie")).bearer_auth(&paris).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = app
        .client
        .post(app.url("/api/v1/cases/2018-01234/parties/marie/identification-number"))
        .bearer_auth(&paris)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);

    // The same reference in Paris is another case altogether.
    assert_eq!(app.put_json_with(&paris, "/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
    assert_eq!(app.count("cases").await, 2);
    let ours: serde_json::Value = app.get("/api/v1/cases/2018-01234").await.json().await.unwrap();
    assert_eq!(ours["court"], "tj-saint-denis-reunion");
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_with_problems() {
    let app = TestApp::spawn().await;
    let r = app.get("/api/v1/nothing").await;
    assert_eq!(r.status(), 404);
    problem(r).await;
    let r = app.client.patch(app.url("/api/v1/cases/x")).bearer_auth(&app.key).send().await.unwrap();
    assert_eq!(r.status(), 405);
    problem(r).await;
}

#[tokio::test]
async fn a_revoked_key_is_refused_from_its_next_request() {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
    let id = {
        let mut conn = app.services.db.read().await.unwrap();
        portalis_storage::api_keys::list(&mut conn, Some("tj-saint-denis-reunion")).await.unwrap()[0].id
    };
    portalis::commands::revoke_api_key(&app.services, id, "test").await.unwrap();
    let r = app.get("/api/v1/cases/2018-01234").await;
    assert_eq!(r.status(), 401);
    assert_eq!(app.last_audit().await.0, "api_key.revoke");
}
