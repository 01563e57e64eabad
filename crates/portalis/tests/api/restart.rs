use crate::support::{TestApp, pdf};
use serde_json::{Value, json};

#[tokio::test]
async fn a_restart_keeps_cases_parties_events_documents_and_keys() {
    let mut app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let doc = "/api/v1/cases/2018-01234/documents/d1";
    let published: Value = app
        .put_document(doc, &json!({"title": "Convocation", "kind": "convocation", "issued_on": "2026-11-20"}), pdf(3))
        .await
        .json()
        .await
        .unwrap();
    let marie: Value = app.get("/api/v1/cases/2018-01234/parties/marie").await.json().await.unwrap();

    app.restart().await;

    let after: Value = app.get("/api/v1/cases/2018-01234/parties/marie").await.json().await.unwrap();
    assert_eq!(after, marie, "the key still works and the party is unchanged");
    assert_eq!(app.get("/api/v1/cases/2018-01234/events/mise-en-etat").await.status(), 200);
    let read: Value = app.get(doc).await.json().await.unwrap();
    assert_eq!(read, published);
    let file = app.get(&format!("{doc}/file")).await.bytes().await.unwrap();
    assert_eq!(file.as_ref(), pdf(3).as_slice());
}
