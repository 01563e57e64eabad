//! The first consultation of a document (a receipt) and of a case (consent
//! to electronic communication) are the person's own acts: recorded for a
//! navigation from the portal's pages or typed by him, never for one that
//! another site started — a co-party's page sending the browser to a
//! document's URL rides on the session cookie (SameSite=Lax) and would
//! otherwise start the victim's time limits.

use crate::support::{Browser, TestApp, local_links, marie_with_her_cases};
use serde_json::Value;

/// The guide's case page and the first document on it, as Marie's list
/// and page link them (read without recording anything).
async fn guide_case_and_a_document(app: &TestApp, browser: &Browser) -> (String, String) {
    let list = browser.get("/mon-espace").await.text().await.unwrap();
    let start = list.find("fr-card__title\">Demande en réparation").unwrap();
    let case = local_links(&list[start..]).into_iter().find(|l| l.starts_with("/dossiers/")).unwrap();
    let page = browser.get_from(&case, "cross-site").await.text().await.unwrap();
    let document = local_links(&page).into_iter().find(|l| l.contains("/documents/")).unwrap();
    assert_eq!(app.count("document_receipts").await, 0);
    (case, document)
}

async fn maries_consent(app: &TestApp) -> Value {
    let key = app.key_for("tj-saint-denis-reunion").await;
    let party: Value =
        app.get_with(&key, "/api/v1/cases/2018-01234/parties/marie-delestable").await.json().await.unwrap();
    party["consent"].clone()
}

#[tokio::test]
async fn a_document_opened_from_another_site_is_served_but_makes_no_receipt() {
    let (app, marie) = marie_with_her_cases().await;
    let (_, document) = guide_case_and_a_document(&app, &marie).await;
    for site in ["cross-site", "same-site"] {
        let r = marie.get_from(&document, site).await;
        assert_eq!(r.status(), 200, "{site}: the person still gets the file");
        assert!(r.bytes().await.unwrap().starts_with(b"%PDF-"));
        assert_eq!(app.count("document_receipts").await, 0, "{site}: no receipt");
    }
    let bare = marie.client.get(app.url(&document)).send().await.unwrap();
    assert_eq!(bare.status(), 200);
    assert_eq!(app.count("document_receipts").await, 0, "nothing says where it comes from: no receipt");
    let elsewhere =
        marie.client.get(app.url(&document)).header("referer", "https://co-partie.example/").send().await.unwrap();
    assert_eq!(elsewhere.status(), 200);
    assert_eq!(app.count("document_receipts").await, 0, "an old browser coming from another site: no receipt");

    assert_eq!(marie.get_from(&document, "none").await.status(), 200);
    assert_eq!(app.count("document_receipts").await, 1, "an address the person typed or bookmarked is his own act");
}

#[tokio::test]
async fn a_document_opened_from_the_portals_page_makes_the_receipt() {
    let (app, marie) = marie_with_her_cases().await;
    let (case, document) = guide_case_and_a_document(&app, &marie).await;
    let old_browser = marie.client.get(app.url(&document)).header("referer", app.url(&case)).send().await.unwrap();
    assert_eq!(old_browser.status(), 200);
    assert_eq!(app.count("document_receipts").await, 1, "a browser without Fetch Metadata, from the portal's page");
}

#[tokio::test]
async fn a_case_page_opened_from_another_site_records_no_consent_until_the_person_opens_it() {
    let (app, marie) = marie_with_her_cases().await;
    let (case, _) = guide_case_and_a_document(&app, &marie).await;
    let page = marie.get_from(&case, "cross-site").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Vie du dossier"), "the page is shown");
    assert_eq!(maries_consent(&app).await, Value::Null, "no consent from another site's navigation");
    let (viewed,): (i64,) = {
        let mut conn = app.services.db.read().await.unwrap();
        sqlx::query_as("SELECT COUNT(*) FROM attachments WHERE first_viewed_at IS NOT NULL")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    assert_eq!(viewed, 0, "nor a first consultation");

    assert_eq!(marie.get(&case).await.status(), 200);
    assert_eq!(maries_consent(&app).await["source"], "consultation", "her own click records it");
}

/// A signed-out person follows a link to a document (from his webmail: a
/// cross-site navigation), signs in with FranceConnect and lands on it: a
/// chain the browser calls cross-site, but his own act, which the login
/// marked for that page and that session.
#[tokio::test]
async fn a_document_reached_through_the_login_makes_the_receipt() {
    let (app, marie) = marie_with_her_cases().await;
    let (_, document) = guide_case_and_a_document(&app, &marie).await;
    let later = Browser::new(&app);
    let to_login = later.get_from(&document, "cross-site").await;
    assert_eq!(to_login.status(), 303);
    let login = later.follow(to_login).await;
    let html = login.text().await.unwrap();
    let token = crate::support::form_value(&html, "csrf").unwrap();
    let retour = crate::support::form_value(&html, "retour").unwrap_or_else(|| document.clone());
    assert_eq!(retour, document, "the login page returns to the document");
    let back = later.through_franceconnect_returning(&token, crate::support::MARIE_NIR, &retour).await;
    let landed = later.follow(back).await;
    assert_eq!(landed.status(), 200);
    assert!(landed.bytes().await.unwrap().starts_with(b"%PDF-"));
    assert_eq!(app.count("document_receipts").await, 1, "his own act");

    // The mark holds for that page only: another document reached from
    // another site the same minute makes no receipt.
    let page = later
        .get_from(
            &local_links(&later.get("/mon-espace").await.text().await.unwrap())
                .into_iter()
                .find(|l| l.starts_with("/dossiers/"))
                .unwrap(),
            "cross-site",
        )
        .await
        .text()
        .await
        .unwrap();
    let other = local_links(&page).into_iter().filter(|l| l.contains("/documents/")).find(|l| *l != document).unwrap();
    assert_eq!(later.get_from(&other, "cross-site").await.status(), 200);
    assert_eq!(app.count("document_receipts").await, 1);
}
