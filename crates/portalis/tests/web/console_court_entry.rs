//! A court's administrator keeps its entry of the portal's directory: the
//! address, the telephone, the e-mail and the SAUJ's hours that litigants
//! read at `/annuaire/{code}`.

use crate::support::{Browser, CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;

const ISABELLE: &str = "isabelle.grondin@justice.example.org";
const PATH: &str = "/juridiction/administration/juridiction";
const SAINT_DENIS: &str = "tj-saint-denis-reunion";

async fn post_entry(agent: &Browser, fields: &[(&str, &str)]) -> reqwest::Response {
    let html = agent.get(&format!("{PATH}?juridiction={SAINT_DENIS}")).await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    let version = form_value(&html, "version").unwrap();
    let mut form = vec![("csrf", csrf.as_str()), ("juridiction", SAINT_DENIS), ("version", version.as_str())];
    form.extend_from_slice(fields);
    agent.post(PATH, &form).await
}

#[tokio::test]
async fn the_administrator_changes_the_sauj_hours_and_the_directory_shows_them_at_once() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let isabelle = app.agent(ISABELLE, SAINT_DENIS, Role::Admin).await;
    let html = isabelle.get(PATH).await.text().await.unwrap();
    assert_eq!(form_value(&html, "postcode").as_deref(), Some("97400"), "the entry as stored: {html}");
    assert_eq!(form_value(&html, "city").as_deref(), Some("Saint-Denis"));
    assert_eq!(form_value(&html, "address").as_deref(), Some(""), "none imported");
    // The directory is read (and cached) before the change.
    let before = Browser::new(&app).get(&format!("/annuaire/{SAINT_DENIS}")).await.text().await.unwrap();
    assert!(!before.contains("de 8 h 30 à 12 h"));

    let hours = "du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 16 h";
    let r = post_entry(
        &isabelle,
        &[
            ("address", "2 rue Juliette Dodu"),
            ("postcode", "97400"),
            ("city", "Saint-Denis"),
            ("phone", "02 62 40 20 20"),
            ("email", ""),
            ("hours", hours),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    let html = isabelle.follow(r).await.text().await.unwrap();
    assert!(html.contains("La fiche est enregistrée"), "{html}");

    let after = Browser::new(&app).get(&format!("/annuaire/{SAINT_DENIS}")).await.text().await.unwrap();
    assert!(after.contains(hours) && after.contains("02 62 40 20 20"), "{after}");
    assert!(after.contains("2 rue Juliette Dodu, 97400 Saint-Denis"));
    let (action, outcome, detail) = app.last_audit().await;
    assert_eq!((action.as_str(), outcome.as_str()), ("court.entry_updated", "ok"));
    assert_eq!(detail.as_deref(), Some("address, phone, sauj_hours"), "the fields, not their values");
}

#[tokio::test]
async fn wrong_fields_are_refused_next_to_each_in_french_and_nothing_changes() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let isabelle = app.agent(ISABELLE, SAINT_DENIS, Role::Admin).await;
    let before = app.count("audit_log").await;
    let r = post_entry(
        &isabelle,
        &[
            ("address", " "),
            ("postcode", "99999"),
            ("city", "Saint-Denis"),
            ("phone", "02 62"),
            ("email", "greffe@"),
            ("hours", "lundi\u{202e}"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for field in ["address", "postcode", "phone", "email", "hours"] {
        assert!(html.contains(&format!("id=\"{field}-erreur\"")), "{field}: {html}");
    }
    assert!(!html.contains("id=\"city-erreur\""));
    assert!(html.contains("<title>Erreur : Fiche de la juridiction"));
    assert_eq!(form_value(&html, "email").as_deref(), Some("greffe@"), "what was typed is kept");
    assert_eq!(app.count("audit_log").await, before, "nothing written");
}

#[tokio::test]
async fn only_the_courts_administrator_keeps_its_entry() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let greffe = app.agent("thierry.hoarau@justice.example.org", SAINT_DENIS, Role::Greffe).await;
    assert_eq!(greffe.get(PATH).await.status(), 404, "a greffe has no such page");
    let paris = app.agent("admin.paris@justice.example.org", "tj-paris", Role::Admin).await;
    assert_eq!(
        paris.get(&format!("{PATH}?juridiction={SAINT_DENIS}")).await.status(),
        404,
        "nor another court's admin"
    );
    let html = paris.get(PATH).await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    let forged =
        [("csrf", csrf.as_str()), ("juridiction", SAINT_DENIS), ("address", "x"), ("postcode", "97400"), ("city", "x")];
    assert_eq!(paris.post(PATH, &forged).await.status(), 404);
    assert_eq!(app.count_where("audit_log", "action = 'court.entry_updated'").await, 0);
}

#[tokio::test]
async fn what_the_ministrys_directory_wrote_is_kept_when_left_as_it_is() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    {
        let mut tx = app.services.db.begin().await.unwrap();
        sqlx::query("UPDATE courts SET address = 'Parvis', phone = '0262 00 00 00 (standard)' WHERE code = $1")
            .bind(SAINT_DENIS)
            .execute(&mut *tx)
            .await
            .unwrap();
        portalis_storage::commit(tx).await.unwrap();
    }
    let isabelle = app.agent(ISABELLE, SAINT_DENIS, Role::Admin).await;
    let html = isabelle.get(PATH).await.text().await.unwrap();
    let phone = form_value(&html, "phone").unwrap();
    assert_eq!(phone, "0262 00 00 00 (standard)");
    let fields = [
        ("address", "Parvis"),
        ("postcode", "97400"),
        ("city", "Saint-Denis"),
        ("phone", &phone),
        ("email", ""),
        ("hours", "Le matin"),
    ];
    let r = post_entry(&isabelle, &fields).await;
    assert_eq!(r.status(), 303, "the telephone as imported stands");
    let (_, _, detail) = app.last_audit().await;
    assert_eq!(detail.as_deref(), Some("sauj_hours"));
}

#[tokio::test]
async fn a_save_over_an_entry_changed_meanwhile_is_refused_and_shows_what_is_stored_now() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let isabelle = app.agent(ISABELLE, SAINT_DENIS, Role::Admin).await;
    let other = app.agent("admin.bis@justice.example.org", SAINT_DENIS, Role::Admin).await;
    // Both open the form; the other administrator saves first.
    let html = isabelle.get(PATH).await.text().await.unwrap();
    let (csrf, version) = (form_value(&html, "csrf").unwrap(), form_value(&html, "version").unwrap());
    let first = [("address", "Parvis"), ("postcode", "97400"), ("city", "Saint-Denis"), ("hours", "Le matin")];
    assert_eq!(post_entry(&other, &first).await.status(), 303);

    let late = [
        ("csrf", csrf.as_str()),
        ("juridiction", SAINT_DENIS),
        ("version", version.as_str()),
        ("address", "Parvis"),
        ("postcode", "97400"),
        ("city", "Saint-Denis"),
        ("hours", "L'après-midi"),
    ];
    let r = isabelle.post(PATH, &late).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("La fiche a été modifiée pendant que vous la modifiiez"), "{html}");
    assert_eq!(form_value(&html, "hours").as_deref(), Some("Le matin"), "what is stored now");
    assert_eq!(app.count_where("audit_log", "action = 'court.entry_updated'").await, 1, "hers was not taken");
}
