use crate::support::{TestApp, invalid_fields, marie, problem, the_guides_case};
use portalis_core::identification_number::IdentificationNumber;
use serde_json::{Value, json};

async fn with_case() -> TestApp {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
    app
}

#[tokio::test]
async fn a_new_party_gets_an_identification_number_that_updates_keep() {
    let app = with_case().await;
    let r = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await;
    assert_eq!(r.status(), 201);
    let created: Value = r.json().await.unwrap();
    let number = created["identification_number"].as_str().unwrap().to_owned();
    assert_eq!(IdentificationNumber::parse(&number).unwrap().as_str(), number);
    assert_eq!(created["family_name"], "DELESTABLE");
    assert_eq!(created["mobile"], "+262692000042", "stored in E.164");

    let again = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await;
    assert_eq!(again.status(), 200);
    let mut moved = marie();
    moved["mobile"] = json!("0693 11 22 33");
    let updated: Value = app.put_json("/api/v1/cases/2018-01234/parties/marie", &moved).await.json().await.unwrap();
    assert_eq!(updated["identification_number"], number.as_str());
    assert_eq!(updated["mobile"], "+262693112233");
    assert_eq!(app.count("parties").await, 1);
}

#[tokio::test]
async fn a_reissued_number_replaces_the_old_one() {
    let app = with_case().await;
    let created: Value = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await.json().await.unwrap();
    let old = IdentificationNumber::parse(created["identification_number"].as_str().unwrap()).unwrap();
    let r = app.post("/api/v1/cases/2018-01234/parties/marie/identification-number").await;
    assert_eq!(r.status(), 200);
    let reissued: Value = r.json().await.unwrap();
    let new = IdentificationNumber::parse(reissued["identification_number"].as_str().unwrap()).unwrap();
    assert_ne!(old, new);
    let mut conn = app.services.db.reader().acquire().await.unwrap();
    assert!(portalis_storage::parties::by_identification_number(&mut conn, &old).await.unwrap().is_none());
    assert!(portalis_storage::parties::by_identification_number(&mut conn, &new).await.unwrap().is_some());
}

#[tokio::test]
async fn a_withdrawn_party_is_gone_and_its_number_stops_working() {
    let app = with_case().await;
    let created: Value = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await.json().await.unwrap();
    let number = IdentificationNumber::parse(created["identification_number"].as_str().unwrap()).unwrap();
    assert_eq!(app.delete("/api/v1/cases/2018-01234/parties/marie").await.status(), 204);
    assert_eq!(app.get("/api/v1/cases/2018-01234/parties/marie").await.status(), 404);
    assert_eq!(app.delete("/api/v1/cases/2018-01234/parties/marie").await.status(), 404);
    let mut conn = app.services.db.reader().acquire().await.unwrap();
    assert!(portalis_storage::parties::by_identification_number(&mut conn, &number).await.unwrap().is_none());
    drop(conn);
    let back = app.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await;
    assert_eq!(back.status(), 201, "published again");
}

#[tokio::test]
async fn a_person_needs_a_family_name_and_an_organisation_a_name() {
    let app = with_case().await;
    let r = app
        .put_json(
            "/api/v1/cases/2018-01234/parties/p",
            &json!({"kind": "person", "given_names": "Marie", "role": "demandeur", "email": "nope", "mobile": "01 23 45 67 89"}),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["email", "mobile", "family_name"]);
    let r =
        app.put_json("/api/v1/cases/2018-01234/parties/o", &json!({"kind": "organisation", "role": "defendeur"})).await;
    assert_eq!(invalid_fields(&problem(r).await), ["organisation_name"]);
    let r = app.put_json("/api/v1/cases/2018-01234/parties/o", &json!({"kind": "robot", "role": "juge"})).await;
    assert_eq!(invalid_fields(&problem(r).await), ["kind", "role"]);
    assert_eq!(app.count("parties").await, 0);
}

/// What a client reads of a party whose names do not fit its kind: each
/// message says for which kind.
#[tokio::test]
async fn the_names_that_do_not_fit_a_partys_kind_are_named_with_their_reason() {
    let app = with_case().await;
    let messages = |p: Value| {
        p["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{} {}", e["field"].as_str().unwrap(), e["message"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    let person = json!({"kind": "person", "role": "demandeur", "organisation_name": "SCI Les Lilas", "email": "nope"});
    let r = app.put_json("/api/v1/cases/2018-01234/parties/p", &person).await;
    let m = messages(problem(r).await);
    assert_eq!(m[1..], ["family_name is required for a person", "organisation_name must be absent for a person"]);
    assert!(m[0].starts_with("email "), "{m:?}");
    let organisation =
        json!({"kind": "organisation", "role": "defendeur", "given_names": "Marie", "organisation_name": "SCI"});
    let r = app.put_json("/api/v1/cases/2018-01234/parties/o", &organisation).await;
    assert_eq!(messages(problem(r).await), ["given_names must be absent for an organisation"]);
    // An unknown kind: a name sent is still checked, none is called missing.
    let robot = json!({"kind": "robot", "role": "demandeur", "family_name": "\u{7}"});
    let r = app.put_json("/api/v1/cases/2018-01234/parties/r", &robot).await;
    assert_eq!(invalid_fields(&problem(r).await), ["kind", "family_name"]);
    assert_eq!(app.count("parties").await, 0);
}

#[tokio::test]
async fn a_party_of_an_unknown_case_is_not_found() {
    let app = TestApp::spawn().await;
    let r = app.put_json("/api/v1/cases/none/parties/marie", &marie()).await;
    assert_eq!(r.status(), 404);
    problem(r).await;
    assert_eq!(app.post("/api/v1/cases/none/parties/marie/identification-number").await.status(), 404);
}
