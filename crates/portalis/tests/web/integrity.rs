//! A stored file altered underneath, without changing its length, is never
//! served to a litigant as a complete download: checked before the first
//! byte leaves, on local files and on S3 alike.

use crate::support::{Browser, S3, TestApp, local_links, marie_with_her_cases_with};
use bytes::Bytes;

/// Marie's first document on the guide's case page.
async fn a_document(marie: &Browser) -> String {
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let start = list.find("fr-card__title\">Demande en réparation").unwrap();
    let case = local_links(&list[start..]).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = marie.get(&case).await.text().await.unwrap();
    local_links(&page).into_iter().find(|l| l.contains("/documents/")).unwrap()
}

/// Every stored file, altered without changing its length: one byte in
/// the middle.
async fn tamper_every_file(app: &TestApp) {
    let files: Vec<(String, String, i64)> = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT DISTINCT storage_key, sha256, size_bytes FROM documents")
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    };
    for (key, sha, size) in files {
        let mut altered = app.services.documents.get(&key, &sha, size as u64).await.unwrap().to_vec();
        let middle = altered.len() / 2;
        altered[middle] ^= 0x20;
        app.services.documents.overwrite_for_tests(&key, Bytes::from(altered)).await.unwrap();
    }
}

async fn a_tampered_file_is_refused_whole(extra: &[(&str, &str)]) {
    let (app, marie) = marie_with_her_cases_with(extra).await;
    let url = a_document(&marie).await;
    tamper_every_file(&app).await;
    let r = marie.get(&url).await;
    assert_eq!(r.status(), 500, "never a 200 for a file that does not match its checksum");
    assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(page.contains("Ce document ne peut pas être téléchargé"), "{page}");
    assert_eq!(app.count("document_receipts").await, 0, "no receipt for a file not delivered");
}

#[tokio::test]
async fn a_same_size_tampered_file_is_not_served_from_local_files() {
    a_tampered_file_is_refused_whole(&[]).await;
}

#[tokio::test]
async fn a_same_size_tampered_file_is_not_served_from_s3() {
    let s3 = S3::start("portalis-integrity").await;
    a_tampered_file_is_refused_whole(&s3.settings("s3://portalis-integrity/documents")).await;
}
