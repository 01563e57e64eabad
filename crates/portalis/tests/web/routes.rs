//! Every page route, from the router's own table: forms refuse a POST
//! without their token, and reading routes change nothing.

use crate::support::{Browser, CONSOLE_SETTINGS, TestApp, local_links, marie_with_her_cases_with};
use portalis_core::staff::Role;
use portalis_web::Effect;

/// What the database holds, in numbers: rows of every table that keeps
/// state, and the facts recorded in place.
async fn state_of(app: &TestApp) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for (name, sql) in [
        ("courts", "SELECT COUNT(*) FROM courts"),
        ("cases", "SELECT COUNT(*) FROM cases"),
        ("parties", "SELECT COUNT(*) FROM parties"),
        ("consents", "SELECT COUNT(*) FROM parties WHERE consent_source IS NOT NULL"),
        ("events", "SELECT COUNT(*) FROM events"),
        ("documents", "SELECT COUNT(*) FROM documents"),
        ("users", "SELECT COUNT(*) FROM users"),
        ("sessions", "SELECT COUNT(*) FROM sessions"),
        ("attachments", "SELECT COUNT(*) FROM attachments"),
        ("first views", "SELECT COUNT(*) FROM attachments WHERE first_viewed_at IS NOT NULL"),
        ("receipts", "SELECT COUNT(*) FROM document_receipts"),
        ("codes", "SELECT COUNT(*) FROM attach_codes"),
        ("outbox", "SELECT COUNT(*) FROM outbox"),
        ("login attempts", "SELECT COUNT(*) FROM login_attempts"),
        ("staff roles", "SELECT COUNT(*) FROM staff_roles"),
        ("agents", "SELECT COUNT(*) FROM agents"),
        ("filings", "SELECT COUNT(*) FROM filings"),
        ("filings' answers", "SELECT COUNT(DISTINCT answers) FROM filings"),
        ("filings' files", "SELECT COUNT(*) FROM filing_attachments"),
        ("files to delete", "SELECT COUNT(*) FROM file_deletions"),
        ("rate events", "SELECT COUNT(*) FROM rate_events"),
        ("filings answered", "SELECT COUNT(*) FROM filings WHERE decided_at IS NOT NULL"),
        ("api keys", "SELECT COUNT(*) FROM api_keys"),
        ("api keys revoked", "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL"),
        ("looked at by agents", "SELECT COUNT(*) FROM staff_views"),
        ("preferences", "SELECT COUNT(*) FROM users WHERE updates_by_email = 1 AND reminders_by_sms = 1"),
    ] {
        let mut conn = app.services.db.read().await.unwrap();
        let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.unwrap();
        out.push((name.to_owned(), n));
    }
    out
}

/// A concrete URL for a route of the table, from Marie's own pages (and,
/// for the console's, the demo court's sent filing and API key).
async fn concrete(path: &str, marie: &Browser, app: &TestApp) -> String {
    let first = |sql: &'static str| async move {
        let mut conn = app.services.db.read().await.unwrap();
        let (v,): (String,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.unwrap();
        v
    };
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let case = local_links(&list).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = marie.get(&case).await.text().await.unwrap();
    let links = local_links(&page);
    match path {
        "/dossiers/{case}" => case,
        "/dossiers/{case}/agenda/{event}" => links.into_iter().find(|l| l.contains("/agenda/")).unwrap_or(case),
        "/dossiers/{case}/documents/{document}" => links.into_iter().find(|l| l.contains("/documents/")).unwrap(),
        "/annuaire/{code}" => "/annuaire/tj-saint-denis-reunion".into(),
        p if p.starts_with("/mes-demarches/{filing}") => {
            let mine = marie.get("/mes-demarches").await.text().await.unwrap();
            let draft = local_links(&mine)
                .into_iter()
                .find(|l| l.starts_with("/mes-demarches/") && !l.contains("/etape/"))
                .expect("Marie has a draft");
            p.replace("/mes-demarches/{filing}", &draft).replace("{step}", "vous").replace("{piece}", "1")
        }
        p if p.starts_with("/juridiction/demandes/{filing}") => {
            let number = first("SELECT filing_number FROM filings WHERE status = 'envoyee' ORDER BY id LIMIT 1").await;
            p.replace("{filing}", &number).replace("{piece}", "1")
        }
        p if p.starts_with("/juridiction/parties/{party}") => {
            let id = first("SELECT CAST(MIN(id) AS TEXT) FROM parties WHERE withdrawn_at IS NULL").await;
            p.replace("{party}", &id).replace("{action}", "renvoyer-numero")
        }
        p if p.contains("/cles-api/{key}") => {
            let id = first("SELECT CAST(MIN(id) AS TEXT) FROM api_keys").await;
            p.replace("{key}", &id)
        }
        p => p.to_owned(),
    }
}

#[tokio::test]
async fn every_form_refuses_a_post_without_its_token() {
    let (app, marie) = marie_with_her_cases_with(CONSOLE_SETTINGS).await;
    let paul = app.agent("paul.hoarau@justice.example", "tj-saint-denis-reunion", Role::Admin).await;
    let forms: Vec<_> = portalis_web::route_table().into_iter().filter(|(_, m, _)| m.contains(&"POST")).collect();
    assert!(forms.len() >= 6, "{forms:?}");
    for (path, _, effect) in forms {
        assert_eq!(effect, Effect::Form, "{path}: a POST is a form");
        // The console's forms, by a signed-in agent; the others by Marie.
        let by = if portalis_web::console::is_console(path) { &paul } else { &marie };
        let before = state_of(&app).await;
        for token in [None, Some("forged")] {
            let mut fields = vec![("numero", "PJTK5SY2ZZPJ"), ("action", "code")];
            if let Some(t) = token {
                fields.push(("csrf", t));
            }
            let r = by.post(path, &fields).await;
            assert_eq!(r.status(), 403, "{path} with {token:?}");
        }
        assert_eq!(state_of(&app).await, before, "{path}: nothing changed");
    }
    let anonymous = Browser::new(&app);
    anonymous.get("/connexion").await;
    assert_eq!(anonymous.post("/connexion/franceconnect", &[]).await.status(), 403);
    anonymous.get("/juridiction/connexion").await;
    assert_eq!(anonymous.post("/juridiction/connexion/proconnect", &[]).await.status(), 403);
}

#[tokio::test]
async fn no_reading_route_changes_state() {
    let (app, marie) = marie_with_her_cases_with(CONSOLE_SETTINGS).await;
    let paul = app.agent("paul.hoarau@justice.example", "tj-saint-denis-reunion", Role::Admin).await;
    // Open every case once first: the first consultation is a fact of its own.
    for path in ["/dossiers/{case}", "/dossiers/{case}/documents/{document}"] {
        marie.get(&concrete(path, &marie, &app).await).await;
    }
    // And a draft of a filing, whose pages read it.
    let form = marie.get("/demarches").await.text().await.unwrap();
    let csrf = crate::support::form_value(&form, "csrf").unwrap();
    let r = marie.post("/demarches/jaf", &[("csrf", &csrf)]).await;
    assert_eq!(r.status(), 303);
    // With a file attached, whose page reads it.
    let pieces = r.headers()["location"].to_str().unwrap().replace("/etape/vous", "/pieces");
    let file = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("piece", "autre")
        .part("fichier", reqwest::multipart::Part::bytes(crate::support::pdf(1)).file_name("a.pdf"));
    assert_eq!(marie.post_multipart(&pieces, file).await.status(), 303);
    let reads: Vec<_> = portalis_web::route_table()
        .into_iter()
        .filter(|(_, m, e)| m.contains(&"GET") && *e != Effect::Records)
        .collect();
    assert!(reads.len() >= 15, "{reads:?}");
    let before = state_of(&app).await;
    for (path, _, _) in &reads {
        let url = concrete(path, &marie, &app).await;
        for browser in [&marie, &paul] {
            let r = browser.get(&url).await;
            assert!(r.status().is_success() || r.status() == 303, "{url}: {}", r.status());
        }
    }
    assert_eq!(state_of(&app).await, before);
}
