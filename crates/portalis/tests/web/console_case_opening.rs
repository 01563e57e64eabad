//! The greffe of a court whose system does not publish to the portal
//! registers a filing by opening its case in the portal: the case with the
//! numbers its software gave, the parties read from the answers, the filer
//! following it at once; an answer given first elsewhere leaves no case.

use crate::filing_intake::{a_sent_jaf_request, marie_signed_in};
use crate::support::{Browser, CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;
use serde_json::{Value, json};

const THIERRY: &str = "thierry.hoarau@justice.example.org";

async fn greffe_with_a_filing() -> (TestApp, Browser, Browser, String) {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let marie = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie).await;
    let thierry = app.agent(THIERRY, "tj-saint-denis-reunion", Role::Greffe).await;
    (app, thierry, marie, number)
}

fn opening<'a>(csrf: &'a str, portalis_number: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("portalis_number", portalis_number),
        ("rg_number", "26/00101"),
        ("nature_code", "22A"),
        ("nature_label", "Demande relative à l'exercice de l'autorité parentale"),
    ]
}

#[tokio::test]
async fn the_greffe_opens_the_case_from_the_request_and_the_filer_follows_it_at_once() {
    let (app, thierry, marie, number) = greffe_with_a_filing().await;
    let page = thierry.get(&format!("/juridiction/demandes/{number}")).await.text().await.unwrap();
    assert!(page.contains("Marie DELESTABLE, demandeur (l"), "the parties it would open: {page}");
    assert!(page.contains("Nicolas DUPONT, défendeur"));
    assert_eq!(form_value(&page, "nature_code").as_deref(), Some("22A"), "a nature suggested for the procedure");
    let csrf = form_value(&page, "csrf").unwrap();
    let action = format!("/juridiction/demandes/{number}/ouverture");

    let mut wrong = opening(&csrf, "DB3Z");
    wrong[2].1 = "2026/101";
    let r = thierry.post(&action, &wrong).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"portalis_number-erreur\"") && html.contains("id=\"rg_number-erreur\""), "{html}");
    assert_eq!(form_value(&html, "rg_number").as_deref(), Some("2026/101"), "what was typed is kept");
    assert_eq!(app.count("cases").await, 0, "nothing written");

    let r = thierry.post(&action, &opening(&csrf, "run9-w-b7c-0101")).await;
    assert_eq!(r.status(), 303);
    let page = thierry.follow(r).await.text().await.unwrap();
    assert!(page.contains("La demande est enregistrée"), "{page}");
    assert!(page.contains("affaire N° Portalis RUN9-W-B7C-0101 (N° RG 26/00101), partie « demandeur »"), "{page}");

    // The case, as the court's system reads it back.
    let case: Value = app.get(&format!("/api/v1/cases/{number}")).await.json().await.unwrap();
    assert_eq!(case["portalis_number"], "RUN9-W-B7C-0101");
    assert_eq!(case["rg_number"], "26/00101");
    assert_eq!(case["status"], "en_cours");
    let filer: Value = app.get(&format!("/api/v1/cases/{number}/parties/demandeur")).await.json().await.unwrap();
    assert_eq!((filer["family_name"].as_str(), filer["role"].as_str()), (Some("DELESTABLE"), Some("demandeur")));
    assert_eq!(filer["attached"], true, "Marie follows it at once");
    let other: Value = app.get(&format!("/api/v1/cases/{number}/parties/autre-parent")).await.json().await.unwrap();
    assert_eq!((other["family_name"].as_str(), other["role"].as_str()), (Some("DUPONT"), Some("defendeur")));
    let registration: Value = app.get(&format!("/api/v1/filings/{number}")).await.json().await.unwrap();
    assert_eq!(registration["registration"]["case_ref"], number.as_str());
    assert_eq!(registration["registration"]["party_ref"], "demandeur");

    let space = marie.get("/mon-espace").await.text().await.unwrap();
    assert!(space.contains("Demande relative à l"), "the case in Marie's space: {space}");
    let told = app.outbox_of_kind("filing_registered").await;
    assert_eq!(told.len(), 1);
    let audited = format!("actor = 'agent:{THIERRY}' AND action IN ('case.put', 'party.put', 'filing.registered')");
    assert_eq!(app.count_where("audit_log", &audited).await, 4, "the case, its two parties, the registration");
}

#[tokio::test]
async fn an_answer_the_courts_system_gave_first_stands_and_no_case_is_left_behind() {
    let (app, thierry, _marie, number) = greffe_with_a_filing().await;
    let page = thierry.get(&format!("/juridiction/demandes/{number}")).await.text().await.unwrap();
    let csrf = form_value(&page, "csrf").unwrap();
    let refusal = json!({"reason": "Le tribunal compétent est celui de Saint-Pierre."});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/refusal"), &refusal).await.status(), 200);

    let r =
        thierry.post(&format!("/juridiction/demandes/{number}/ouverture"), &opening(&csrf, "RUN9-W-B7C-0101")).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("déjà été refusée"));
    assert_eq!(app.count("cases").await, 0, "the case opened within the answer is rolled back");
    assert_eq!(app.count("parties").await, 0);
    assert_eq!(app.outbox_of_kind("identification_number").await.len(), 0, "no number sent for it");
}

#[tokio::test]
async fn a_case_the_courts_system_published_under_the_filings_number_is_not_replaced() {
    let (app, thierry, _marie, number) = greffe_with_a_filing().await;
    assert_eq!(
        app.put_json(&format!("/api/v1/cases/{number}"), &crate::support::the_guides_case()).await.status(),
        201
    );
    let page = thierry.get(&format!("/juridiction/demandes/{number}")).await.text().await.unwrap();
    let csrf = form_value(&page, "csrf").unwrap();
    let r =
        thierry.post(&format!("/juridiction/demandes/{number}/ouverture"), &opening(&csrf, "RUN9-W-B7C-0101")).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains("porte déjà la référence"));
    let case: Value = app.get(&format!("/api/v1/cases/{number}")).await.json().await.unwrap();
    assert_eq!(case["portalis_number"], "DB3Z-W-B7C-DFW5", "the court's case is kept");
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1, "the filing still waits");
}
