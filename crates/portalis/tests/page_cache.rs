//! The page cache with several portals on one database, each with its own
//! cache: what is changed through one portal (or by a court through its
//! API) is shown at once by that portal and, as soon as the change feed
//! delivers it, by the others. Runs on each backend of the suite.

mod support;

use portalis::app::{self, Services};
use portalis_core::random::SeededRandom;
use portalis_storage::Backend;
use portalis_storage::changes::Tag;
use portalis_storage::page_cache::Key;
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
    let router = app::router(&services, app::providers(&services.config).unwrap());
    tokio::spawn(
        async move { app::serve(listener, router, &Default::default(), std::future::pending()).await.unwrap() },
    );
    address
}

/// The same browser, talking to another portal.
fn at(browser: &Browser, base: &str) -> Browser {
    Browser { client: browser.client.clone(), base: base.to_owned(), jar: browser.jar.clone() }
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
    // The lists (their own entries, with the events to come only) are in
    // both caches too.
    for m in [&marie, &marie_on_b] {
        let list = text(m, "/mon-espace").await;
        assert!(list.contains("1 évènement à venir") && !list.contains("2 évènements à venir"), "{list}");
    }

    // A new hearing, through portal A's API.
    let mut hearing = support::hearing();
    hearing["label"] = "Audience de plaidoirie".into();
    hearing["starts_at"] = "2027-02-11T09:00".into();
    assert_eq!(app.put_json("/api/v1/cases/2018-01234/events/plaidoirie", &hearing).await.status(), 201);
    assert!(text(&marie, &case).await.contains("Audience de plaidoirie"), "A shows it at once");
    eventually("the new hearing on B", || async { text(&marie_on_b, &case).await.contains("Audience de plaidoirie") })
        .await;
    assert!(text(&marie, "/mon-espace").await.contains("2 évènements à venir"), "A's list counts it at once");
    eventually("the new hearing in B's list", || async {
        text(&marie_on_b, "/mon-espace").await.contains("2 évènements à venir")
    })
    .await;

    // A hearing moved by an NDJSON import through A (a load: the triggers
    // are paused and every portal forgets everything at its commit).
    let mut moved = support::hearing();
    moved["label"] = "Audience de plaidoirie".into();
    moved["starts_at"] = "2027-02-12T10:30".into();
    moved["type"] = "event".into();
    moved["case_ref"] = "2018-01234".into();
    moved["event_ref"] = "plaidoirie".into();
    let court = {
        let mut conn = app.services.db.read().await.unwrap();
        portalis_storage::courts::by_code(&mut conn, "tj-saint-denis-reunion").await.unwrap().unwrap()
    };
    let record =
        portalis::import::parse_line(&moved.to_string(), court.details.time_zone, std::path::Path::new(".")).unwrap();
    portalis::import::apply_all(&app.services, &court, &[record], "test").await.unwrap();
    assert!(text(&marie, &case).await.contains("12 février 2027"), "A shows the import at once");
    eventually("the import on B", || async { text(&marie_on_b, &case).await.contains("12 février 2027") }).await;
    // A large import is a load: recorded as "everything" at its commit.
    moved["starts_at"] = "2027-02-13T10:30".into();
    let mut lines = vec![moved.to_string()];
    for n in 0..portalis::import::LOAD_RECORDS {
        let mut past = moved.clone();
        past["event_ref"] = format!("archive-{n}").into();
        past["starts_at"] = "2019-03-04".into();
        past["status"] = "tenu".into();
        lines.push(past.to_string());
    }
    let records: Vec<_> = lines
        .iter()
        .map(|l| portalis::import::parse_line(l, court.details.time_zone, std::path::Path::new(".")).unwrap())
        .collect();
    portalis::import::apply_all(&app.services, &court, &records, "test").await.unwrap();
    assert!(text(&marie, &case).await.contains("13 février 2027"), "A shows the load at once");
    eventually("the load on B", || async { text(&marie_on_b, &case).await.contains("13 février 2027") }).await;

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

/// The tables the cached reads use, with the column that says which thing
/// a row belongs to: every write to them is recorded by the database's
/// triggers (migration `0012_change_triggers`).
const WATCHED: &[(&str, &str)] = &[
    ("courts", "id"),
    ("cases", "id"),
    ("parties", "case_id"),
    ("events", "case_id"),
    ("documents", "case_id"),
    ("document_addressees", "document_id"),
    ("users", "id"),
    ("attachments", "user_id"),
    ("sessions", "id"),
    ("filings", "user_id"),
];

/// The tables no cached read uses: a table added to the schema must be put
/// in one list or the other, with a trigger if it is read through the cache.
const UNREAD: &[&str] = &[
    "api_keys",
    "audit_log",
    "login_attempts",
    "outbox",
    "attach_codes",
    "rate_events",
    "document_receipts",
    "document_notices",
    "hearing_reminders",
    "case_updates",
    "changes",
    "change_feed",
    // The console reads roles at every request, never from the cache.
    "staff_roles",
    "agents",
    // Read by the filing's court step, never from the cache.
    "court_territories",
    // A filing's files and the queue of files to delete: read uncached.
    "filing_attachments",
    "file_deletions",
    "ended_attachments",
    // The console's search words and journal of views: read uncached.
    "party_words",
    "party_word_pairs",
    "staff_views",
    "contact_changes",
    // When the scheduler's periodic jobs last started, and what its
    // reminders' sweep remembers between two sweeps.
    "job_runs",
    "hearings_swept",
    "reminder_rechecks",
    "reminder_sweep_state",
    "portalis_migrations",
];

/// The thing a row of `table` belongs to, from the value of its column.
async fn tag_of(db: &portalis_storage::Db, table: &str, owner: i64) -> Tag {
    match table {
        "courts" => Tag::Court(owner),
        "cases" | "parties" | "events" | "documents" => Tag::Case(owner),
        "document_addressees" => {
            let (case,): (i64,) = sqlx::query_as("SELECT case_id FROM documents WHERE id = $1")
                .bind(owner)
                .fetch_one(db.reader())
                .await
                .unwrap();
            Tag::Case(case)
        }
        "users" | "attachments" | "filings" => Tag::User(owner),
        "sessions" => Tag::Session(owner),
        other => panic!("no tag for {other}"),
    }
}

/// On PostgreSQL, waits until this process's listener has heard every
/// notice sent so far: a marker sent now arrives after them.
async fn listener_caught_up(db: &portalis_storage::Db, n: i64) {
    if db.backend() != Backend::Postgres {
        return;
    }
    let marker = Tag::Case(-1_000_000 - n);
    let cache = db.page_cache();
    cache.put(cache.ticket(), Key::Documents(-n), Arc::new(1u8), vec![marker], 1);
    sqlx::query("SELECT count(*) FROM (SELECT pg_notify('portalis_changes', $1)) AS sent")
        .bind(format!("c:{}", -1_000_000 - n))
        .fetch_one(db.reader())
        .await
        .unwrap();
    eventually("the marker heard", || async { db.page_cache().get::<u8>(&Key::Documents(-n)).is_none() }).await;
}

/// Runs `sql` in a transaction of the portal, as an operator would.
async fn by_hand(db: &portalis_storage::Db, sql: &str, binds: Vec<i64>) {
    let mut tx = db.begin().await.unwrap();
    let mut q = sqlx::query(sql);
    for b in binds {
        q = q.bind(b);
    }
    q.execute(&mut *tx).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    portalis_storage::commit(tx).await.unwrap();
}

/// Puts two entries in the cache, one tagged `tag`, then runs `write`:
/// the first must be forgotten at once, the other kept.
async fn forgotten_by<F, Fut>(db: &portalis_storage::Db, n: i64, tag: Tag, what: &str, write: F)
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = ()>,
{
    listener_caught_up(db, n).await;
    let cache = db.page_cache();
    let (watched, other) = (Key::Documents(1_000 + n), Key::Documents(2_000 + n));
    cache.put(cache.ticket(), watched.clone(), Arc::new(1u8), vec![tag], 1);
    cache.put(cache.ticket(), other.clone(), Arc::new(1u8), vec![Tag::Case(-1)], 1);
    assert!(cache.get::<u8>(&watched).is_some(), "{what}: cached before");
    write().await;
    let cache = db.page_cache();
    assert!(cache.get::<u8>(&watched).is_none(), "{what}: forgotten at once");
    assert!(cache.get::<u8>(&other).is_some(), "{what}: nothing else forgotten");
}

#[tokio::test]
async fn every_table_is_either_watched_by_the_change_triggers_or_declared_unread_by_cached_pages() {
    let (app, _marie) = marie_with_her_cases().await;
    let sql = match app.services.db.backend() {
        Backend::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()"
        }
    };
    let tables: Vec<(String,)> = sqlx::query_as(sql).fetch_all(app.services.db.reader()).await.unwrap();
    for (table,) in &tables {
        assert!(
            WATCHED.iter().any(|(t, _)| t == table) || UNREAD.contains(&table.as_str()),
            "table {table}: is it read by a cached page (WATCHED, with a trigger) or not (UNREAD)?"
        );
    }
    let listed = WATCHED.iter().map(|(t, _)| *t).chain(UNREAD.iter().copied());
    // PostgreSQL announces changes by NOTIFY and pauses by a setting: no tables.
    let sqlite_only = |t: &str| ["changes", "change_feed"].contains(&t);
    for table in listed.filter(|t| !(sqlite_only(t) && app.services.db.backend() == Backend::Postgres)) {
        assert!(tables.iter().any(|(t,)| t == table), "{table} is listed but not in the schema");
    }
}

#[tokio::test]
async fn any_statement_writing_a_watched_table_is_forgotten_by_the_cache_whoever_runs_it() {
    let (app, _marie) = marie_with_her_cases().await;
    let db = &app.services.db;
    // One addressee, written and removed by hand below.
    let (document, party): (i64, i64) = sqlx::query_as(
        "SELECT d.id, p.id FROM documents d JOIN parties p ON p.case_id = d.case_id
         WHERE NOT EXISTS (SELECT 1 FROM document_addressees a WHERE a.document_id = d.id AND a.party_id = p.id)
         ORDER BY d.id DESC, p.id LIMIT 1",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    let tag = tag_of(db, "document_addressees", document).await;
    forgotten_by(db, 0, tag.clone(), "an addressee added", || {
        by_hand(db, "INSERT INTO document_addressees (document_id, party_id) VALUES ($1, $2)", vec![document, party])
    })
    .await;

    for (i, (table, column)) in WATCHED.iter().enumerate() {
        // A row whose thing is not itself, where there is one: a trigger
        // reading the wrong column would name the wrong thing.
        let (owner,): (i64,) = sqlx::query_as(&format!(
            "SELECT {column} FROM {table} ORDER BY CASE WHEN {column} = {} THEN 1 ELSE 0 END, {column} DESC LIMIT 1",
            if *table == "document_addressees" { "party_id" } else { "id" }
        ))
        .fetch_one(db.reader())
        .await
        .unwrap_or_else(|e| panic!("a row of {table}: {e}"));
        let tag = tag_of(db, table, owner).await;
        // A statement no storage function wrote, that changes nothing.
        let sql = format!("UPDATE {table} SET {column} = {column} WHERE {column} = $1");
        forgotten_by(db, 1 + i as i64, tag, &format!("an update of {table}"), || by_hand(db, &sql, vec![owner])).await;
    }

    forgotten_by(db, 100, tag, "an addressee removed", || {
        by_hand(db, "DELETE FROM document_addressees WHERE document_id = $1 AND party_id = $2", vec![document, party])
    })
    .await;
}

#[tokio::test]
async fn what_an_operator_changes_by_hand_in_the_database_shows_on_every_portal() {
    let (app, marie) = marie_with_her_cases().await;
    let marie_on_b = at(&marie, &second_portal(&app).await);
    let case = local_links(&text(&marie, "/mon-espace").await)
        .into_iter()
        .find(|l| l.starts_with("/dossiers/"))
        .expect("a case in Marie's space");
    assert!(text(&marie, &case).await.contains("Tribunal judiciaire"));
    assert!(text(&marie_on_b, &case).await.contains("Tribunal judiciaire"));

    let mut tx = app.services.db.begin().await.unwrap();
    if app.services.db.backend() == Backend::Postgres {
        // An operator whose session does not look in the portal's schema.
        sqlx::query("SET LOCAL search_path TO pg_catalog").execute(&mut *tx).await.unwrap();
        sqlx::query("UPDATE public.courts SET name = 'Tribunal renommé à la main'").execute(&mut *tx).await.unwrap();
    } else {
        sqlx::query("UPDATE courts SET name = 'Tribunal renommé à la main'").execute(&mut *tx).await.unwrap();
    }
    portalis_storage::commit(tx).await.unwrap();

    assert!(text(&marie, &case).await.contains("Tribunal renommé à la main"), "at once where it was written");
    eventually("the new name on the other portal", || async {
        text(&marie_on_b, &case).await.contains("Tribunal renommé à la main")
    })
    .await;
}
