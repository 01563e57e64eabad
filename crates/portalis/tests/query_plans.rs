//! Every query a signed-in user's pages run searches an index: on SQLite,
//! the statements the pages ran (captured from `portalis_storage::read`) are
//! explained, and no plan scans a whole table. (PostgreSQL picks sequential
//! scans on a test's tiny tables whatever the indexes; its plans at
//! 1,000,000 cases are in bench/results/.)

mod support;

use portalis_core::staff::Role;
use portalis_storage::Backend;
use std::sync::{Mutex, OnceLock};
use support::marie_with_her_cases_with;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::{Context, SubscriberExt};

static STATEMENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

struct Capture;

struct SqlField(Option<String>);

impl tracing::field::Visit for SqlField {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "sql" {
            self.0 = Some(value.to_owned());
        }
    }
    fn record_debug(&mut self, _field: &tracing::field::Field, _value: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for Capture {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() == "portalis_storage::read" {
            let mut sql = SqlField(None);
            event.record(&mut sql);
            if let Some(s) = sql.0 {
                STATEMENTS.lock().unwrap().push(s);
            }
        }
    }
}

fn install() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        let subscriber = tracing_subscriber::registry().with(Capture.with_filter(
            tracing_subscriber::filter::Targets::new().with_target("portalis_storage::read", tracing::Level::TRACE),
        ));
        tracing::subscriber::set_global_default(subscriber).unwrap();
    });
}

/// The highest `$n` of a statement.
fn placeholders(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|s| s.chars().take_while(char::is_ascii_digit).collect::<String>().parse().ok())
        .max()
        .unwrap_or(0)
}

#[tokio::test]
async fn every_query_of_the_pages_searches_an_index() {
    install();
    let (app, marie) = marie_with_her_cases_with(support::CONSOLE_SETTINGS).await;
    if app.services.db.backend() != Backend::Sqlite {
        return;
    }
    let list = marie.get("/mon-espace").await.text().await.unwrap();
    let cases: Vec<String> = support::local_links(&list).into_iter().filter(|l| l.starts_with("/dossiers/")).collect();
    assert!(!cases.is_empty());
    for c in &cases {
        let page = marie.get(c).await.text().await.unwrap();
        if let Some(doc) = support::local_links(&page).into_iter().find(|l| l.contains("/documents/")) {
            assert_eq!(marie.get(&doc).await.status(), 200);
        }
    }
    for path in ["/mon-espace/export.csv", "/mon-espace/agenda.ics", "/mon-espace/preferences"] {
        assert_eq!(marie.get(path).await.status(), 200, "{path}");
    }
    // The console's: the search (a name, a number), a party's page, the
    // journal.
    let admin = app.agent("isabelle.grondin@justice.example.org", "tj-saint-denis-reunion", Role::Admin).await;
    let number = app.numbers_of("marie-delestable").await.remove(0);
    for q in ["delestable+marie", number.as_str(), "DB3Z-W-B7C-DFW5", "18%2F01234"] {
        let html = admin.get(&format!("/juridiction/recherche?q={q}")).await.text().await.unwrap();
        let party = support::local_links(&html).into_iter().find(|l| l.starts_with("/juridiction/parties/"));
        assert_eq!(admin.get(&party.expect("a party found")).await.status(), 200, "{q}");
    }
    assert_eq!(admin.get("/juridiction/journal").await.status(), 200);

    let mut statements = STATEMENTS.lock().unwrap().clone();
    statements.sort();
    statements.dedup();
    assert!(statements.len() >= 7, "the pages' statements are captured: {statements:#?}");
    assert!(
        statements.iter().any(|s| s.contains("FROM party_word_pairs")),
        "a search of two words reads the pairs of words: {statements:#?}"
    );
    let mut conn = app.services.db.read().await.unwrap();
    // SQLite names a scanned table by its alias (`SCAN p`): every scan
    // fails but those of what a subquery or a recursive query produced,
    // by their aliases in the search's statements (`party_search.rs`).
    let scans_a_table = |step: &str| {
        step.strip_prefix("SCAN ").and_then(|rest| rest.split(' ').next()).is_some_and(|name| {
            let produced = ["d", "k", "r", "u", "CONSTANT"].contains(&name)
                || name.strip_prefix('m').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
            !produced
        })
    };
    for sql in &statements {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
        for _ in 0..placeholders(sql) {
            q = q.bind(1i64);
        }
        let plan: Vec<String> = q.fetch_all(&mut *conn).await.unwrap().into_iter().map(|r| r.3).collect();
        assert!(plan.iter().all(|step| !scans_a_table(step)), "a full scan in\n{sql}\n{plan:#?}");
        assert!(plan.iter().any(|step| step.starts_with("SEARCH ")), "an index search in\n{sql}\n{plan:#?}");
    }
}
