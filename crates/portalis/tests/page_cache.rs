//! The page cache with several portals on one database, each with its own
//! cache: what is changed through one portal (or by a court through its
//! API) is shown at once by that portal and, as soon as the change feed
//! delivers it, by the others. Runs on each backend of the suite.

mod support;

use portalis::app::{self, Services};
use portalis_core::random::SeededRandom;
use std::sync::Arc;
use std::time::Duration;
use support::{Browser, TestApp, form_value, local_links, marie_with_her_cases};

/// A second portal on the app's database, behind the same public address
/// (cookies are per host, so the same browser is signed in on both).
async fn second_portal(app: &TestApp) -> String {
    let dir = app.dir.join("second");
    std::fs::create_dir_all(&dir).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let config = support::config_with(
        &app.database.url,
        &dir,
        &[("PORTALIS_PUBLIC_URL", &app.address), ("PORTALIS_FC_ISSUER", &app.issuer)],
    );
    let services = Services::open(config, Arc::new(app.clock.clone()), Arc::new(SeededRandom::new(8))).await.unwrap();
    let router = app::router(&services, app::franceconnect(&services.config).unwrap());
    tokio::spawn(
        async move { app::serve(listener, router, &Default::default(), std::future::pending()).await.unwrap() },
    );
    address
}

/// The same browser, talking to another portal.
fn at(browser: &Browser, base: &str) -> Browser {
    Browser { client: browser.client.clone(), base: base.to_owned() }
}

/// Waits (at most five seconds) for another portal to hear of a change:
/// on PostgreSQL the notice travels asynchronously.
async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    for _ in 0..250 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("never seen: {what}");
}

async fn text(browser: &Browser, path: &str) -> String {
    let r = browser.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.text().await.unwrap()
}

#[tokio::test]
async fn a_session_ended_through_one_portal_ends_on_the_others() {
    let (app, marie) = marie_with_her_cases().await;
    let marie_on_b = at(&marie, &second_portal(&app).await);
    // Seen twice on B: the second time from its cache.
    for _ in 0..2 {
        assert!(text(&marie_on_b, "/mon-espace").await.contains("Marie"));
    }

    let space = text(&marie, "/mon-espace").await;
    let out = marie.post("/deconnexion", &[("csrf", &form_value(&space, "csrf").unwrap())]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(marie.get("/mon-espace").await.status(), 303, "signed out at once where she signed out");
    eventually("the session ended on the other portal", || async {
        marie_on_b.get("/mon-espace").await.status() == 303
    })
    .await;
}

#[tokio::test]
async fn what_a_court_changes_shows_at_once_on_its_portal_and_soon_on_the_others() {
    let (app, marie) = marie_with_her_cases().await;
    let marie_on_b = at(&marie, &second_portal(&app).await);
    let list = text(&marie, "/mon-espace").await;
    let mut case = String::new();
    for link in local_links(&list).into_iter().filter(|l| l.starts_with("/dossiers/")) {
        if text(&marie, &link).await.contains("DB3Z-W-B7C-DFW5") {
            case = link;
        }
    }
    assert!(!case.is_empty(), "the guide's case is in Marie's space");
    let page = text(&marie_on_b, &case).await;
    assert!(!page.contains("Audience de plaidoirie"));
    assert!(text(&marie, &case).await.contains("Tribunal judiciaire de Saint-Denis-de-La-Réunion"));

    // A new hearing, through portal A's API.
    let mut hearing = support::hearing();
    hearing["label"] = "Audience de plaidoirie".into();
    hearing["starts_at"] = "2027-02-11T09:00".into();
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/events/plaidoirie", &hearing).await.status(), 201);
    assert!(text(&marie, &case).await.contains("Audience de plaidoirie"), "A shows it at once");
    eventually("the new hearing on B", || async { text(&marie_on_b, &case).await.contains("Audience de plaidoirie") })
        .await;

    // The court's own details, changed by an operator's import through A.
    let renamed = support::COURTS_CSV
        .replace("Tribunal judiciaire de Saint-Denis-de-La-Réunion", "Tribunal judiciaire de Saint-Denis (La Réunion)");
    let courts = portalis::import::parse_courts_csv(&renamed).unwrap();
    portalis::import::put_courts(&app.services, &courts, "test").await.unwrap();
    assert!(text(&marie, &case).await.contains("Tribunal judiciaire de Saint-Denis (La Réunion)"));
    eventually("the court's new name on B", || async {
        text(&marie_on_b, &case).await.contains("Saint-Denis (La Réunion)")
    })
    .await;

    // Marie's party withdrawn by the court: the case leaves her space.
    assert_eq!(app.delete("/api/v1/cases/2018-01234/parties/marie-delestable").await.status(), 204);
    assert_eq!(marie.get(&case).await.status(), 404, "A no longer shows the case");
    eventually("the case gone from B", || async { marie_on_b.get(&case).await.status() == 404 }).await;
    assert!(!text(&marie_on_b, "/mon-espace").await.contains(&case));
}
