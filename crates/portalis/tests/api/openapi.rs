//! The OpenAPI document is generated from the code; this snapshot shows every
//! change to it in review. `UPDATE_SNAPSHOTS=1` rewrites the snapshot.

use crate::support::TestApp;

#[tokio::test]
async fn the_openapi_document_matches_its_snapshot_and_is_served() {
    let generated = portalis_api::openapi::document();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("{generated}\n")).unwrap();
    }
    let snapshot = std::fs::read_to_string(&path).expect("snapshot exists (run with UPDATE_SNAPSHOTS=1 to create it)");
    assert_eq!(
        generated.trim_end(),
        snapshot.trim_end(),
        "the OpenAPI document changed: review, then UPDATE_SNAPSHOTS=1"
    );

    let app = TestApp::spawn().await;
    let served: serde_json::Value =
        app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_eq!(served["openapi"].as_str().map(|v| v.starts_with("3.")), Some(true));
    assert!(served["paths"]["/api/v1/cases/{case_ref}/documents/{document_ref}"]["put"].is_object());
}
