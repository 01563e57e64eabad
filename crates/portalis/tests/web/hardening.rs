//! The security suite's HTTP checks: headers everywhere, the court API's
//! keys on every route, limits by address, redirects, hostile text.

use crate::support::{Browser, MARIE_NIR, TestApp, marie, marie_with_her_cases, pdf, the_guides_case};
use serde_json::json;

fn assert_security_headers(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    let csp = h.get("content-security-policy").unwrap_or_else(|| panic!("{what}: CSP")).to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
    assert!(h.contains_key("referrer-policy"), "{what}");
    assert!(h.contains_key("permissions-policy"), "{what}");
    assert!(h.contains_key("x-request-id"), "{what}");
}

#[tokio::test]
async fn every_kind_of_response_carries_the_security_headers() {
    let (app, marie) = marie_with_her_cases().await;
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let case = crate::support::local_links(&list).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = marie.get(&case).await.text().await.unwrap();
    let doc = crate::support::local_links(&page).into_iter().find(|l| l.contains("/documents/")).unwrap();
    let key = app.key_for("tj-saint-denis-reunion").await;
    let home = marie.get("/").await.text().await.unwrap();
    let stylesheet = crate::support::link(&home, "stylesheet");
    assert!(stylesheet.starts_with("/static/"));
    let responses = vec![
        ("page", marie.get("/").await),
        ("case page", marie.get(&case).await),
        ("document", marie.get(&doc).await),
        ("csv", marie.get("/mon-espace/export.csv").await),
        ("ics", marie.get("/mon-espace/agenda.ics").await),
        ("stylesheet", marie.get(&stylesheet).await),
        ("favicon", marie.get("/favicon.ico").await),
        ("robots.txt", marie.get("/robots.txt").await),
        ("404 page", marie.get("/nulle-part").await),
        ("API", app.get_with(&key, "/api/v1/cases/2018-01234").await),
        ("API problem", app.get_with("ptl_nope", "/api/v1/cases/2018-01234").await),
        ("API file", app.get_with(&key, "/api/v1/cases/2018-01234/documents/jugement/file").await),
        ("OpenAPI", app.client.get(app.url("/api/v1/openapi.json")).send().await.unwrap()),
        ("health", app.client.get(app.url("/healthz")).send().await.unwrap()),
    ];
    for (what, r) in &responses {
        assert_security_headers(r, what);
    }
}

#[tokio::test]
async fn https_turns_on_hsts_and_host_prefixed_secure_cookies() {
    let app = TestApp::spawn_with(&[("PORTALIS_PUBLIC_URL", "https://justice.example")]).await;
    let r = app.client.get(app.url("/connexion")).send().await.unwrap();
    assert!(r.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("__Host-portalis-csrf="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"));
    assert!(!cookie.contains("Domain="));
}

#[tokio::test]
async fn the_receipts_route_needs_the_courts_own_key_too() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    app.put_document(
        "/api/v1/cases/2018-01234/documents/d1",
        &json!({"title": "Avis", "kind": "avis", "issued_on": "2026-11-20"}),
        pdf(1),
    )
    .await;
    let path = "/api/v1/cases/2018-01234/documents/d1/receipts";
    assert_eq!(app.client.get(app.url(path)).send().await.unwrap().status(), 401);
    assert_eq!(app.get_with("ptl_wrong", path).await.status(), 401);
    let paris = app.key_for("tj-paris").await;
    assert_eq!(app.get_with(&paris, path).await.status(), 404);
    assert_eq!(app.get(path).await.status(), 200);
}

#[tokio::test]
async fn code_requests_are_limited_per_address_with_a_429() {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/k", &the_guides_case()).await.status(), 201);
    for i in 0..21 {
        let party = json!({"kind": "person", "family_name": format!("P{i}"), "role": "intervenant", "mobile": format!("06 00 00 01 {i:02}")});
        app.put_json(&format!("/api/v1/cases/k/parties/p{i}"), &party).await;
    }
    // Several accounts from one address.
    let mut last = (0, String::new());
    for i in 0..21 {
        let browser = Browser::new(&app);
        browser.login_as(if i % 2 == 0 { MARIE_NIR } else { crate::support::NICOLAS_NIR }).await;
        last = browser.attach_form("code", &app.number_of(&format!("p{i}")).await, "").await;
    }
    assert_eq!(last.0, 429);
    assert!(last.1.contains("Trop de codes ont été demandés."));
    assert_eq!(app.outbox("sms").await.len(), 20);
    assert_eq!(app.last_audit().await.2.as_deref(), Some("limit:address"));
}

#[tokio::test]
async fn after_login_only_local_paths_are_returned_to_whatever_their_encoding() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    for hostile in [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "%2F%2Fevil.example",
        "/%5Cevil.example",
        "\\\\evil.example",
        "javascript:alert(1)",
    ] {
        let page = browser
            .get(&format!(
                "/connexion?retour={}",
                url::form_urlencoded::byte_serialize(hostile.as_bytes()).collect::<String>()
            ))
            .await
            .text()
            .await
            .unwrap();
        let kept = crate::support::form_value(&page, "retour").unwrap();
        assert!(
            kept == "/mon-espace" || (kept.starts_with('/') && !kept.starts_with("//") && !kept.contains('\\')),
            "{hostile} → {kept}"
        );
    }
}

#[tokio::test]
async fn hostile_text_in_names_is_refused_and_nothing_is_written() {
    let app = TestApp::spawn().await;
    assert_eq!(app.put_json("/api/v1/cases/k", &the_guides_case()).await.status(), 201);
    let long = "A".repeat(1000);
    for (family, why) in [
        (long.as_str(), "a 1,000-character name"),
        ("DELESTABLE\u{202e}ELBATSELED", "a right-to-left override"),
        ("DELE\u{200f}STABLE", "a right-to-left mark"),
        ("DELE\u{0000}STABLE", "a NUL"),
        ("   ", "blanks only"),
    ] {
        let mut party = marie();
        party["family_name"] = json!(family);
        let r = app.put_json("/api/v1/cases/k/parties/hostile", &party).await;
        assert_eq!(r.status(), 422, "{why}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
    // Combining accents are ordinary French.
    let mut party = marie();
    party["given_names"] = json!("Hélène Zoe\u{0301}");
    assert_eq!(app.put_json("/api/v1/cases/k/parties/ok", &party).await.status(), 201);
    assert_eq!(app.count("parties").await, 1);
}

/// Opens a connection and sends `bytes` (a request cut short, or nothing).
async fn connection(app: &TestApp, bytes: &[u8]) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let address = app.address.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream
}

/// What the server sends before it closes, waiting at most `patience`.
async fn read_until_closed(stream: &mut tokio::net::TcpStream, patience: std::time::Duration) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut received = Vec::new();
    match tokio::time::timeout(patience, stream.read_to_end(&mut received)).await {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn a_client_holding_partial_headers_is_let_go() {
    let app = TestApp::spawn_with(&[("PORTALIS_HEADER_READ_TIMEOUT_SECONDS", "1")]).await;
    // Let go after the configured second (well before the default 10 s).
    let mut slow = connection(&app, b"GET /aide HTTP/1.1\r\nHost: portail\r\nX-Slow: ").await;
    let answer = read_until_closed(&mut slow, std::time::Duration::from_secs(4)).await;
    assert!(answer.is_some(), "the server closes a connection whose headers do not come");
    // A client that sends nothing at all is let go too.
    let mut silent = connection(&app, b"").await;
    assert!(read_until_closed(&mut silent, std::time::Duration::from_secs(4)).await.is_some());
}

#[tokio::test]
async fn connections_beyond_the_cap_are_answered_busy_and_closed() {
    let app = TestApp::spawn_with(&[("PORTALIS_MAX_CONNECTIONS", "2")]).await;
    let held = [connection(&app, b"").await, connection(&app, b"").await];
    let mut third = connection(&app, b"GET /healthz HTTP/1.1\r\nHost: portail\r\n\r\n").await;
    let answer = read_until_closed(&mut third, std::time::Duration::from_secs(5)).await.expect("answered at once");
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After"), "{answer}");
    drop(held);
    let mut ok = None;
    for _ in 0..50 {
        let r = app.client.get(app.url("/healthz")).header("connection", "close").send().await.unwrap();
        if r.status() == 200 {
            ok = Some(r.status());
            break;
        }
        tokio::task::yield_now().await;
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(ok.map(|s| s.as_u16()), Some(200), "a freed place serves again");
}

/// The request id in the logs, the answer and the court API's audit is
/// the portal's own: a client's is kept apart, cleaned, in the logs only.
#[tokio::test]
async fn a_clients_request_id_is_never_taken_as_ours() {
    let app = TestApp::spawn().await;
    let forged = "forged\" id=\"other";
    let r = app
        .client
        .put(app.url("/api/v1/cases/2018-01234"))
        .bearer_auth(&app.key)
        .header("x-request-id", forged)
        .json(&the_guides_case())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let ours = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(ours.len() == 16 && ours.bytes().all(|b| b.is_ascii_hexdigit()), "{ours}");
    let mut conn = app.services.db.read().await.unwrap();
    let (audited,): (Option<String>,) = sqlx::query_as("SELECT request_id FROM audit_log WHERE action = 'case.put'")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(audited.as_deref(), Some(ours.as_str()), "the audit names the portal's id");
}
