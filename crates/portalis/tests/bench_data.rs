//! `portalis bench-data`: the generated world has the promised shape, its
//! benchmark accounts sign in through the FranceConnect simulator and see
//! their five full cases, and a database with cases is refused.

mod support;

use support::{Browser, TestApp, local_links};

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut conn = app.services.db.read().await.unwrap();
    let (n,): (i64,) = sqlx::query_as(sql).fetch_one(&mut *conn).await.unwrap();
    n
}

#[tokio::test]
async fn the_generated_world_has_its_courts_cases_and_accounts_and_every_id_sequence_moves_on() {
    let app = TestApp::spawn_with(&[("PORTALIS_FC_SIM_POPULATION", "1000")]).await;
    let m = portalis::bench_data::run(&app.services, 500, 3).await.unwrap();
    assert_eq!(m.cases, 500);
    assert_eq!(m.bench_nirs.len(), 10, "one benchmark account per 50 cases");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 500);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM courts WHERE code LIKE 'essai-%'").await, 170);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, m.users as i64);
    let parties = count(&app, "SELECT COUNT(*) FROM parties").await;
    assert!((1000..=2000).contains(&parties), "2 to 4 parties a case: {parties}");
    let events = count(&app, "SELECT COUNT(*) FROM events").await;
    assert!((1500..=15000).contains(&events), "3 to 30 events a case: {events}");
    assert_eq!(count(&app, "SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM attachments GROUP BY user_id) t").await, 8);
    assert_eq!(count(&app, "SELECT MIN(c) FROM (SELECT COUNT(*) AS c FROM attachments GROUP BY user_id) t").await, 1);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users u WHERE NOT EXISTS (SELECT 1 FROM attachments a WHERE a.user_id = u.id)"
        )
        .await,
        0
    );

    // The API benchmark writes into cases of the benchmark's court that are
    // not the benchmark accounts' (their pages are measured).
    assert!(!m.api_case_refs.is_empty());
    let refs = m.api_case_refs.iter().map(|r| format!("'{r}'")).collect::<Vec<_>>().join(", ");
    let in_court = format!(
        "SELECT COUNT(*) FROM cases c JOIN courts k ON k.id = c.court_id WHERE k.code = '{}' AND c.case_ref IN ({refs})",
        m.api_court
    );
    assert_eq!(count(&app, &in_court).await, m.api_case_refs.len() as i64);
    let full = format!(
        "SELECT COUNT(*) FROM cases WHERE case_ref IN ({refs}) AND (SELECT COUNT(*) FROM events e WHERE e.case_id = cases.id) = 30 AND case_ref < 'essai-00000050'"
    );
    assert_eq!(count(&app, &full).await, 0, "none of the 50 full cases");

    // The court API goes on creating cases after the generated ids.
    let r = app.put_json("/api/v1/cases/after-the-load", &support::the_guides_case()).await;
    assert_eq!(r.status(), 201);
    let r = app.put_json("/api/v1/cases/after-the-load/parties/p", &support::marie()).await;
    assert_eq!(r.status(), 201);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 501);
}

#[tokio::test]
async fn a_world_of_several_chunks_has_every_row_once_and_no_gap_in_its_ids() {
    // 4,500 cases: three chunks (each its accounts, then the rest), written
    // by two connections at once on PostgreSQL, one after the other on
    // SQLite.
    let app = TestApp::spawn_with(&[("PORTALIS_FC_SIM_POPULATION", "1000")]).await;
    let m = portalis::bench_data::run(&app.services, 4_500, 11).await.unwrap();
    for table in ["cases", "parties", "events", "documents", "users", "attachments"] {
        let rows = count(&app, &format!("SELECT COUNT(*) FROM {table}")).await;
        let highest = count(&app, &format!("SELECT MAX(id) FROM {table}")).await;
        assert_eq!(rows, highest, "{table}: ids 1 to {highest}, each once");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 4_500);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, m.users as i64);
    // An account whose cases straddle two chunks keeps them all.
    assert_eq!(count(&app, "SELECT MAX(c) FROM (SELECT COUNT(*) AS c FROM attachments GROUP BY user_id) t").await, 8);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM attachments a LEFT JOIN users u ON u.id = a.user_id WHERE u.id IS NULL")
            .await,
        0
    );
}

#[tokio::test]
async fn a_benchmark_account_signs_in_through_the_simulator_and_sees_its_five_full_cases() {
    let app = TestApp::spawn_with(&[("PORTALIS_FC_SIM_POPULATION", "1000")]).await;
    let m = portalis::bench_data::run(&app.services, 250, 1).await.unwrap();
    let browser = Browser::new(&app);
    let space = browser.login_as(&m.bench_nirs[2]).await.text().await.unwrap();
    assert!(space.contains("Camille ESSAI-2"), "signed in as the generated person");
    let mut cases: Vec<String> = local_links(&space).into_iter().filter(|l| l.starts_with("/dossiers/")).collect();
    cases.dedup();
    assert_eq!(cases.len(), 5, "{cases:?}");
    let page = browser.get(&cases[0]).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    let documents: Vec<String> = local_links(&page).into_iter().filter(|l| l.contains("/documents/")).collect();
    assert_eq!(documents.len(), 6, "a full case has 6 documents");
    let mut sizes = Vec::new();
    for link in &documents {
        let download = browser.get(link).await;
        assert_eq!(download.status(), 200);
        let bytes = download.bytes().await.unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        sizes.push(bytes.len());
    }
    assert!(sizes.iter().any(|s| (140_000..=160_000).contains(s)), "the 150 KB file is among them: {sizes:?}");
    assert!(sizes.iter().all(|s| (50_000..=310_000).contains(s)), "files of 50 to 300 KB: {sizes:?}");
}

#[tokio::test]
async fn beyond_the_population_nobody_signs_in_and_a_database_with_cases_is_refused() {
    let app = TestApp::spawn_with(&[("PORTALIS_FC_SIM_POPULATION", "5")]).await;
    let m = portalis::bench_data::run(&app.services, 250, 1).await.unwrap();
    assert!(m.population > 5);
    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let to_fc = browser.post("/connexion/franceconnect", &[("csrf", &token), ("retour", "/mon-espace")]).await;
    let choose = browser.follow(to_fc).await;
    let interaction = choose.url().to_string();
    browser.client.post(format!("{interaction}/fournisseur")).form(&[("fournisseur", "ameli")]).send().await.unwrap();
    let refused = browser
        .client
        .post(format!("{interaction}/connexion"))
        .form(&[("nir", portalis_fc_sim::population_nir(7).as_str()), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422, "the 8th person is not in a population of 5");

    let again = portalis::bench_data::run(&app.services, 250, 1).await.unwrap_err();
    assert!(again.to_string().contains("holds cases already"), "{again}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM cases").await, 250);
}
