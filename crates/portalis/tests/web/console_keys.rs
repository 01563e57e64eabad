//! A court's administrator manages its API keys at the console: a key is
//! shown once when created and works at once; revoked, it is refused from
//! the next request. Only the court's administrator sees them.

use crate::support::{CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;

const ISABELLE: &str = "isabelle.grondin@justice.example.org";

#[tokio::test]
async fn the_administrator_creates_a_key_shown_once_and_revokes_it_after_confirming() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let isabelle = app.agent(ISABELLE, "tj-saint-denis-reunion", Role::Admin).await;
    let page = isabelle.get("/juridiction/administration/cles-api").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Active"), "the key the tests' court was given: {html}");
    let csrf = form_value(&html, "csrf").unwrap();
    let created = isabelle
        .post("/juridiction/administration/cles-api", &[("csrf", &csrf), ("juridiction", "tj-saint-denis-reunion")])
        .await;
    assert_eq!(created.status(), 200);
    let html = created.text().await.unwrap();
    let key = html.split("<code class=\"portalis-key\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
    assert!(key.starts_with("ptl_") && key.len() == 68, "{key}");
    assert_eq!(app.get_with(&key, "/api/v1/filings").await.status(), 200, "it works at once");
    let again = isabelle.get("/juridiction/administration/cles-api").await.text().await.unwrap();
    assert!(!again.contains(&key) && again.contains(&format!("{}…", &key[..12])), "never shown again");

    let id: (i64,) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT MAX(id) FROM api_keys").fetch_one(&mut *conn).await.unwrap()
    };
    let confirm =
        format!("/juridiction/administration/cles-api/{}/revocation?juridiction=tj-saint-denis-reunion", id.0);
    let html = isabelle.get(&confirm).await.text().await.unwrap();
    assert!(html.contains("Révoquer la clé") && html.contains(&key[..12]));
    assert_eq!(app.get_with(&key, "/api/v1/filings").await.status(), 200, "nothing before confirming");
    let done = isabelle.post(&confirm, &[("csrf", &csrf)]).await;
    assert_eq!(done.status(), 303);
    let html = isabelle.follow(done).await.text().await.unwrap();
    assert!(html.contains("La clé est révoquée") && html.contains("Révoquée le"));
    assert_eq!(app.get_with(&key, "/api/v1/filings").await.status(), 401, "refused from the next request");
    let audited = format!("actor = 'agent:{ISABELLE}' AND action IN ('api_key.create', 'api_key.revoke')");
    assert_eq!(app.count_where("audit_log", &audited).await, 2);
}

#[tokio::test]
async fn only_the_courts_administrator_sees_or_revokes_its_keys() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let greffe = app.agent("thierry.hoarau@justice.example.org", "tj-saint-denis-reunion", Role::Greffe).await;
    assert_eq!(greffe.get("/juridiction/administration/cles-api").await.status(), 404);
    let paris = app.agent("julien.fontaine@justice.example.org", "tj-paris", Role::Admin).await;
    let html = paris.get("/juridiction/administration/cles-api").await.text().await.unwrap();
    assert!(html.contains("Aucune clé n&#39;a été créée.") || html.contains("Aucune clé n'a été créée."), "{html}");
    let csrf = form_value(&html, "csrf").unwrap();
    // The Saint-Denis key (id 1), through Paris's administrator.
    for court in ["tj-paris", "tj-saint-denis-reunion"] {
        let url = format!("/juridiction/administration/cles-api/1/revocation?juridiction={court}");
        assert_eq!(paris.get(&url).await.status(), 404, "{court}");
        assert_eq!(paris.post(&url, &[("csrf", &csrf)]).await.status(), 404, "{court}");
    }
    let r = paris
        .post("/juridiction/administration/cles-api", &[("csrf", &csrf), ("juridiction", "tj-saint-denis-reunion")])
        .await;
    assert_eq!(r.status(), 404, "no key for a court he does not administer");
    assert_eq!(app.get("/api/v1/filings").await.status(), 200, "the Saint-Denis key still works");
    assert_eq!(app.count("api_keys").await, 1);
}
