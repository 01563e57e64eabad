//! A court's administrator grants and withdraws its agents' roles at the
//! console, as `portalis staff` does: a role granted works at the agent's
//! next sign-in, one withdrawn stops at his next page.

use crate::support::{CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;

const ISABELLE: &str = "isabelle.grondin@justice.example.org";
const PATH: &str = "/juridiction/administration/agents";

#[tokio::test]
async fn the_administrator_grants_a_role_and_withdraws_it_and_both_are_audited() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let isabelle = app.agent(ISABELLE, "tj-saint-denis-reunion", Role::Admin).await;
    let html = isabelle.get(PATH).await.text().await.unwrap();
    assert!(html.contains(ISABELLE) && html.contains("Votre rôle"), "{html}");
    let csrf = form_value(&html, "csrf").unwrap();

    let bad = [
        ("csrf", csrf.as_str()),
        ("juridiction", "tj-saint-denis-reunion"),
        ("email", "pas une adresse"),
        ("role", "juge"),
    ];
    let r = isabelle.post(PATH, &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"email-erreur\"") && html.contains("id=\"role-erreur\""), "{html}");
    assert_eq!(app.count("staff_roles").await, 1, "nothing written");

    let form = [
        ("csrf", csrf.as_str()),
        ("juridiction", "tj-saint-denis-reunion"),
        ("email", " Thierry.Hoarau@Justice.Example.org "),
        ("role", "greffe"),
    ];
    let r = isabelle.post(PATH, &form).await;
    assert_eq!(r.status(), 303);
    let html = isabelle.follow(r).await.text().await.unwrap();
    assert!(html.contains("Le rôle est attribué") && html.contains("thierry.hoarau@justice.example.org"), "{html}");
    assert!(html.contains(&format!("par {ISABELLE}")));

    let thierry = app.agent("thierry.hoarau@justice.example.org", "tj-saint-denis-reunion", Role::Greffe).await;
    assert_eq!(thierry.get("/juridiction/demandes").await.status(), 200);
    let remove = [
        ("csrf", csrf.as_str()),
        ("juridiction", "tj-saint-denis-reunion"),
        ("email", "thierry.hoarau@justice.example.org"),
    ];
    let r = isabelle.post("/juridiction/administration/agents/retrait", &remove).await;
    assert_eq!(r.status(), 303);
    assert_eq!(thierry.get("/juridiction").await.status(), 403, "withdrawn at his next page");
    let audited = format!("actor = 'agent:{ISABELLE}' AND action IN ('staff.grant', 'staff.revoke')");
    assert_eq!(app.count_where("audit_log", &audited).await, 2);

    let own = [("csrf", csrf.as_str()), ("juridiction", "tj-saint-denis-reunion"), ("email", ISABELLE)];
    let r = isabelle.post("/juridiction/administration/agents/retrait", &own).await;
    assert_eq!(r.status(), 409, "not her own");
    assert_eq!(isabelle.get(PATH).await.status(), 200);
}

#[tokio::test]
async fn only_the_courts_administrator_manages_its_agents() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let greffe = app.agent("thierry.hoarau@justice.example.org", "tj-saint-denis-reunion", Role::Greffe).await;
    assert_eq!(greffe.get(PATH).await.status(), 404);
    let paris = app.agent("julien.fontaine@justice.example.org", "tj-paris", Role::Admin).await;
    let html = paris.get(PATH).await.text().await.unwrap();
    assert!(!html.contains("thierry.hoarau"), "Paris's agents only");
    let csrf = form_value(&html, "csrf").unwrap();
    let form = [
        ("csrf", csrf.as_str()),
        ("juridiction", "tj-saint-denis-reunion"),
        ("email", "x@justice.example.org"),
        ("role", "admin"),
    ];
    assert_eq!(paris.post(PATH, &form).await.status(), 404);
    let remove = [
        ("csrf", csrf.as_str()),
        ("juridiction", "tj-saint-denis-reunion"),
        ("email", "thierry.hoarau@justice.example.org"),
    ];
    assert_eq!(paris.post("/juridiction/administration/agents/retrait", &remove).await.status(), 404);
    assert_eq!(greffe.get("/juridiction/demandes").await.status(), 200, "Thierry keeps his role");
}
