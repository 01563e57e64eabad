//! How many queries a page costs, counted from sqlx's own statement events
//! and from those of the pages' SQLite reads (`portalis_storage::read`):
//! the list and the case page, read afresh, cost the same whatever the
//! number of cases and documents (no N+1); seen again, they cost none (the
//! page cache answers). On PostgreSQL a batch of reads is one statement
//! (`portalis_storage::batch`); `tests/round_trips.rs` counts its round
//! trips on the wire.

mod support;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{Browser, TestApp, marie_with_her_cases, pdf};
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

static QUERIES: AtomicUsize = AtomicUsize::new(0);

struct CountQueries;

impl<S: tracing::Subscriber> Layer<S> for CountQueries {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if matches!(event.metadata().target(), "sqlx::query" | "portalis_storage::read") {
            QUERIES.fetch_add(1, Ordering::SeqCst);
        }
    }
}

fn install() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(
            CountQueries.with_filter(
                tracing_subscriber::filter::Targets::new()
                    .with_target("sqlx::query", tracing::Level::TRACE)
                    .with_target("portalis_storage::read", tracing::Level::TRACE),
            ),
        );
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// The queries of a page read afresh (the page cache emptied first): the
/// fewest of three loads, so that a connection the pool happens to open
/// (and its set-up statements) is not counted.
async fn queries_for(app: &TestApp, browser: &Browser, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        app.services.db.page_cache().clear();
        QUERIES.store(0, Ordering::SeqCst);
        let r = browser.get(path).await;
        assert_eq!(r.status(), 200, "{path}");
        r.bytes().await.unwrap();
        fewest = fewest.min(QUERIES.load(Ordering::SeqCst));
    }
    fewest
}

/// The queries of a page loaded twice in a row, the second time.
async fn queries_when_seen_again(browser: &Browser, path: &str) -> usize {
    assert_eq!(browser.get(path).await.status(), 200, "{path}");
    QUERIES.store(0, Ordering::SeqCst);
    let r = browser.get(path).await;
    assert_eq!(r.status(), 200, "{path}");
    r.bytes().await.unwrap();
    QUERIES.load(Ordering::SeqCst)
}

/// Attaches `n` more cases, each with a party for Marie and `docs` documents.
async fn more_cases(app: &TestApp, browser: &Browser, n: usize, docs: usize) {
    for i in 0..n {
        let case_ref = format!("extra-{i}");
        let mut case = support::the_guides_case();
        case["portalis_number"] = serde_json::json!(format!("DB3Z-W-B7C-X{i:03}"));
        assert_eq!(app.put_json(&format!("/api/v1/cases/{case_ref}"), &case).await.status(), 201);
        let party = serde_json::json!({"kind": "person", "given_names": "Marie", "family_name": "DELESTABLE", "role": "demandeur", "mobile": "0692 00 00 42"});
        app.put_json(&format!("/api/v1/cases/{case_ref}/parties/marie-{i}"), &party).await;
        app.put_json(&format!("/api/v1/cases/{case_ref}/events/h"), &support::hearing()).await;
        for d in 0..docs {
            app.put_document(
                &format!("/api/v1/cases/{case_ref}/documents/d{d}"),
                &serde_json::json!({"title": format!("Avis {d}"), "kind": "avis", "issued_on": "2026-11-20", "addressees": [format!("marie-{i}")]}),
                pdf(d as u32),
            )
            .await;
        }
        let number = app.number_of(&format!("marie-{i}")).await;
        browser.attach_form("code", &number, "").await;
        let code = app.last_code().await;
        assert_eq!(browser.attach_form("ajouter", &number, &code).await.0, 303);
    }
}

#[tokio::test]
async fn pages_cost_the_same_number_of_queries_whatever_the_number_of_cases_and_documents() {
    install();
    let (app, marie) = marie_with_her_cases().await;
    // SQLite runs each query of a batch (the session, the attachments, the
    // cases, their courts, parties and events; a case page adds its
    // documents and their addressees); PostgreSQL receives one statement.
    let (list_most, case_most) = match app.database.backend() {
        portalis_storage::Backend::Sqlite => (6, 8),
        portalis_storage::Backend::Postgres => (2, 2),
    };
    let list_with_3 = queries_for(&app, &marie, "/mon-espace").await;
    assert!(list_with_3 >= 2, "the queries are counted: {list_with_3}");
    eprintln!("queries: list {list_with_3}");
    more_cases(&app, &marie, 5, 0).await;
    let list_with_8 = queries_for(&app, &marie, "/mon-espace").await;
    assert_eq!(list_with_8, list_with_3, "the list does not grow with the cases");
    assert!(list_with_8 <= list_most, "{list_with_8} queries for the list");
    assert_eq!(queries_when_seen_again(&marie, "/mon-espace").await, 0, "the list seen again");

    // The case page: a case with 1 document, then one with 6.
    let (app2, browser2) = {
        let app = TestApp::spawn().await;
        let browser = Browser::new(&app);
        browser.login_as(support::MARIE_NIR).await;
        (app, browser)
    };
    more_cases(&app2, &browser2, 2, 1).await;
    let list = browser2.get("/mon-espace").await.text().await.unwrap();
    let cases: Vec<String> = support::local_links(&list).into_iter().filter(|l| l.starts_with("/dossiers/")).collect();
    for c in &cases {
        browser2.get(c).await; // the first consultation records a fact; count the next ones
    }
    let one_doc = queries_for(&app2, &browser2, &cases[0]).await;
    eprintln!("queries: case page {one_doc}");
    for d in 1..6 {
        app2.put_document(
            "/api/v1/cases/extra-0/documents/more".replace("more", &format!("more{d}")).as_str(),
            &serde_json::json!({"title": format!("Plus {d}"), "kind": "avis", "issued_on": "2026-11-21"}),
            pdf(100 + d),
        )
        .await;
    }
    let page_a = queries_for(&app2, &browser2, &cases[0]).await;
    let page_b = queries_for(&app2, &browser2, &cases[1]).await;
    assert_eq!(page_a.max(page_b), one_doc, "the case page does not grow with the documents");
    assert!(one_doc <= case_most, "{one_doc} queries for a case page");
    assert_eq!(queries_when_seen_again(&browser2, &cases[1]).await, 0, "the case page seen again");
}
