//! The logs of a whole journey hold no secret: no identification number,
//! SMS code, session id, ID token or API key.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use support::{form_value, Browser, TestApp, MARIE_NIR};

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
        tracing_subscriber::fmt()
            .with_env_filter("debug")
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
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
