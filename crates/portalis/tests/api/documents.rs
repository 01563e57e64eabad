use crate::support::{TestApp, invalid_fields, pdf, problem};
use bytes::Bytes;
use portalis_core::document::MAX_DOCUMENT_BYTES;
use serde_json::{Value, json};

fn convocation() -> Value {
    json!({
        "title": "Convocation Marie Delestable",
        "kind": "convocation",
        "issued_on": "2026-11-20",
        "event_ref": "mise-en-etat",
        "addressees": ["marie"]
    })
}

const DOC: &str = "/api/v1/cases/2018-01234/documents/convocation-1";

#[tokio::test]
async fn a_pdf_is_published_read_back_and_downloaded() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let r = app.put_document(DOC, &convocation(), pdf(1)).await;
    assert_eq!(r.status(), 201);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["addressees"], json!(["marie"]));
    assert_eq!(body["event_ref"], "mise-en-etat");
    assert_eq!(body["size"], pdf(1).len());
    assert_eq!(body["content_type"], "application/pdf");
    assert_eq!(body["sha256"], portalis_core::secret::sha256_hex(&pdf(1)));

    let read: Value = app.get(DOC).await.json().await.unwrap();
    assert_eq!(read, body);
    let file = app.get(&format!("{DOC}/file")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    assert_eq!(file.bytes().await.unwrap(), Bytes::from(pdf(1)));
}

#[tokio::test]
async fn the_same_document_twice_is_unchanged_and_a_new_file_is_a_new_publication() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    app.put_document(DOC, &convocation(), pdf(1)).await;
    let again = app.put_document(DOC, &convocation(), pdf(1)).await;
    assert_eq!(again.status(), 200);
    let first: Value = again.json().await.unwrap();
    app.clock.advance(chrono::Duration::minutes(5));
    let replaced: Value = app.put_document(DOC, &convocation(), pdf(2)).await.json().await.unwrap();
    assert_ne!(replaced["sha256"], first["sha256"]);
    assert_ne!(replaced["published_at"], first["published_at"]);
    assert_eq!(app.count("documents").await, 1);
}

#[tokio::test]
async fn a_document_for_all_parties_has_no_addressees() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let mut meta = convocation();
    meta["addressees"] = json!([]);
    let body: Value = app.put_document(DOC, &meta, pdf(1)).await.json().await.unwrap();
    assert_eq!(body["addressees"], json!([]));
}

#[tokio::test]
async fn a_file_that_is_not_a_pdf_is_refused_whatever_its_declared_type() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let r = app.put_document(DOC, &convocation(), b"GIF89a not a pdf".to_vec()).await;
    assert_eq!(r.status(), 415);
    problem(r).await;
    assert_eq!(app.count("documents").await, 0);
}

#[tokio::test]
async fn a_file_over_twenty_megabytes_is_too_large() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let mut big = pdf(1);
    big.resize(MAX_DOCUMENT_BYTES + 10, b' ');
    let r = app.put_document(DOC, &convocation(), big).await;
    assert_eq!(r.status(), 413);
    problem(r).await;
    assert_eq!(app.count("documents").await, 0);
}

#[tokio::test]
async fn unknown_events_and_addressees_are_named_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let mut meta = convocation();
    meta["event_ref"] = json!("no-such-hearing");
    meta["addressees"] = json!(["marie", "nobody"]);
    let r = app.put_document(DOC, &meta, pdf(1)).await;
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["event_ref", "addressees[1]"]);
    assert_eq!(app.count("documents").await, 0);
    assert_eq!(app.count("document_addressees").await, 0);
}

#[tokio::test]
async fn invalid_metadata_and_missing_parts_are_named() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let r = app.put_document(DOC, &json!({"kind": "lettre", "issued_on": "demain"}), pdf(1)).await;
    assert_eq!(invalid_fields(&problem(r).await), ["title", "kind", "issued_on"]);
    let form = reqwest::multipart::Form::new().text("metadata", convocation().to_string());
    let r = app.client.put(app.url(DOC)).bearer_auth(&app.key).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(invalid_fields(&problem(r).await), ["file"]);
    let r = app.put_json(DOC, &convocation()).await;
    assert_eq!(r.status(), 415, "JSON where multipart is expected");
}

#[tokio::test]
async fn a_corrupted_stored_file_is_detected_on_download() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let body: Value = app.put_document(DOC, &convocation(), pdf(1)).await.json().await.unwrap();
    let sha = body["sha256"].as_str().unwrap();
    let key = format!("{}/{}.pdf", &sha[..2], sha);
    app.services.documents.overwrite_for_tests(&key, Bytes::from_static(b"%PDF-1.4 altered")).await.unwrap();
    let r = app.get(&format!("{DOC}/file")).await;
    assert_eq!(r.status(), 500);
    let p = problem(r).await;
    assert!(!p["detail"].as_str().unwrap().contains(sha), "no internals leak");
}

#[tokio::test]
async fn a_withdrawn_document_is_gone() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    app.put_document(DOC, &convocation(), pdf(1)).await;
    assert_eq!(app.delete(DOC).await.status(), 204);
    assert_eq!(app.get(DOC).await.status(), 404);
    assert_eq!(app.get(&format!("{DOC}/file")).await.status(), 404);
}
