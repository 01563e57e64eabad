//! The logs of a whole journey hold no secret: no identification number,
//! SMS code, session id, ID token or API key.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use support::{Browser, MARIE_NIR, TestApp, form_value};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture() -> Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = Captured::default();
        let writer = logs.clone();
        tracing_subscriber::fmt().with_env_filter("debug").with_writer(move || writer.clone()).with_ansi(false).init();
        logs
    })
    .clone()
}

#[tokio::test]
async fn a_whole_journey_logs_no_secret() {
    let logs = capture();
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    let number = app.number_of("marie").await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    let (session_token, id_token) = {
        let mut conn = app.services.db.read().await.unwrap();
        let (hash, id_token): (String, String) =
            sqlx::query_as("SELECT token_hash, id_token FROM sessions").fetch_one(&mut *conn).await.unwrap();
        (hash, id_token)
    };
    browser.attach_form("code", &number, "").await;
    let code = app.last_code().await;
    assert_eq!(browser.attach_form("ajouter", &number, &code).await.0, 303);
    // A wrong code and a malformed number too.
    browser.attach_form("ajouter", &number, "0000000").await;
    browser.attach_form("code", "PJTK5", "").await;
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    browser.post("/deconnexion", &[("csrf", &form_value(&space, "csrf").unwrap())]).await;
    portalis::app::outbox_worker(&app.services).unwrap().run_once().await.unwrap();

    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    assert!(text.contains("portal") || text.contains("request"), "the logs were captured");
    for (what, secret) in [
        ("the identification number", number.as_str()),
        ("the SMS code", code.as_str()),
        ("the session's hash", session_token.as_str()),
        ("the ID token", id_token.as_str()),
        ("the API key", app.key.as_str()),
    ] {
        assert!(!text.contains(secret), "{what} is in the logs");
    }
    // The ID token's signature alone, in case a log cut it.
    let signature = id_token.rsplit('.').next().unwrap();
    assert!(!text.contains(signature));
}

#[tokio::test]
async fn a_document_altered_underneath_is_logged_as_an_integrity_failure() {
    let logs = capture();
    let (app, marie) = support::marie_with_her_cases().await;
    let (key, sha, size): (String, String, i64) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT storage_key, sha256, size_bytes FROM documents LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    let mut altered = app.services.documents.get(&key, &sha, size as u64).await.unwrap().to_vec();
    altered[10] ^= 0x01;
    app.services.documents.overwrite_for_tests(&key, bytes::Bytes::from(altered)).await.unwrap();
    // Downloading every document of every case reaches the altered one.
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let mut refused = 0;
    for case in support::local_links(&list).into_iter().filter(|l| l.starts_with("/dossiers/")) {
        let page = marie.get(&case).await.text().await.unwrap();
        for document in support::local_links(&page).into_iter().filter(|l| l.contains("/documents/")) {
            if marie.get(&document).await.status() == 500 {
                refused += 1;
            }
        }
    }
    assert!(refused > 0, "the altered file was asked for and refused");
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains(&key) && l.contains("integrity"))
        .expect("an integrity failure naming the file is logged");
    assert!(line.contains("ERROR"), "{line}");
}

#[tokio::test]
async fn a_clients_request_id_is_logged_apart_and_cleaned() {
    let logs = capture();
    let app = TestApp::spawn().await;
    let r = app
        .client
        .get(app.url("/aide"))
        .header("x-request-id", "abc def\" request_id=ffffffffffffffff")
        .send()
        .await
        .unwrap();
    let ours = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("request_id={ours}")))
        .expect("the request is logged with the portal's id");
    assert!(line.contains("client_request_id=\"abc_def__request_id_ffffffffffffffff\""), "{line}");
    assert!(!text.contains("request_id=ffffffffffffffff "), "the client cannot forge a field");
}
