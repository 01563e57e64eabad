//! The greffe at the console: its court's online filings, read whole and
//! answered — registered under the case its system opened, or refused with
//! a reason — through the same use cases as the court's API, which may
//! answer side by side (the first answer stands).

use crate::filing_intake::{a_sent_jaf_request, marie_signed_in};
use crate::support::{Browser, CONSOLE_SETTINGS, TestApp, form_value};
use portalis_core::staff::Role;
use serde_json::{Value, json};

const THIERRY: &str = "thierry.hoarau@justice.example.org";

async fn greffe_with_a_filing() -> (TestApp, Browser, String) {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let marie = marie_signed_in(&app).await;
    let number = a_sent_jaf_request(&app, &marie).await;
    let thierry = app.agent(THIERRY, "tj-saint-denis-reunion", Role::Greffe).await;
    (app, thierry, number)
}

fn grouped(number: &str) -> String {
    format!("{}-{}-{}", &number[..4], &number[4..8], &number[8..])
}

#[tokio::test]
async fn the_greffe_reads_a_filing_whole_and_registers_it_and_the_filer_is_told() {
    let (app, thierry, number) = greffe_with_a_filing().await;
    let inbox = thierry.get("/juridiction/demandes").await;
    assert_eq!(inbox.status(), 200);
    let html = inbox.text().await.unwrap();
    assert!(html.contains(&grouped(&number)) && html.contains("Requête au juge aux affaires familiales"), "{html}");
    assert!(html.contains("1 demande."));

    let page = thierry.get(&format!("/juridiction/demandes/{number}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("Demande n° {}", grouped(&number))));
    assert!(html.contains("Léa") && html.contains("acte de naissance.pdf"), "answers and files: {html}");
    let pdf = thierry.get(&format!("/juridiction/demandes/{number}/demande.pdf")).await;
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.bytes().await.unwrap().starts_with(b"%PDF-"));
    let file = thierry.get(&format!("/juridiction/demandes/{number}/pieces/1")).await;
    assert_eq!(file.status(), 200);
    assert_eq!(thierry.get(&format!("/juridiction/demandes/{number}/pieces/2")).await.status(), 404);

    let csrf = form_value(&html, "csrf").unwrap();
    let action = format!("/juridiction/demandes/{number}/enregistrement");
    let r = thierry.post(&action, &[("csrf", &csrf), ("case_ref", " "), ("party_ref", "a b")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Saisissez la référence de l&#39;affaire")
            || html.contains("Saisissez la référence de l'affaire")
    );
    assert!(html.contains("id=\"party_ref-erreur\""));
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1, "nothing written");

    let r = thierry.post(&action, &[("csrf", &csrf), ("case_ref", "2026-00042"), ("party_ref", "requerante")]).await;
    assert_eq!(r.status(), 303);
    let page = thierry.follow(r).await.text().await.unwrap();
    assert!(page.contains("La demande est enregistrée"), "{page}");
    assert!(page.contains("affaire « 2026-00042 », partie « requerante »"));
    assert_eq!(app.outbox_of_kind("filing_registered").await.len(), 1, "the filer is told");
    assert_eq!(
        app.count_where("audit_log", &format!("actor = 'agent:{THIERRY}' AND action = 'filing.registered'")).await,
        1
    );

    // The court's system sees the console's answer; the same again is no
    // change, another is a conflict.
    let seen: Value = app.get(&format!("/api/v1/filings/{number}")).await.json().await.unwrap();
    assert_eq!(seen["registration"]["case_ref"], "2026-00042");
    let same = json!({"case_ref": "2026-00042", "party_ref": "requerante"});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/registration"), &same).await.status(), 200);
    let other = json!({"case_ref": "2026-00043", "party_ref": "requerante"});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/registration"), &other).await.status(), 409);
    assert_eq!(app.outbox_of_kind("filing_registered").await.len(), 1, "told once");
}

#[tokio::test]
async fn the_greffe_refuses_with_a_reason_and_an_answer_given_through_the_api_first_stands() {
    let (app, thierry, number) = greffe_with_a_filing().await;
    let html = thierry.get(&format!("/juridiction/demandes/{number}")).await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    let action = format!("/juridiction/demandes/{number}/refus");
    let r = thierry.post(&action, &[("csrf", &csrf), ("reason", "   ")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Saisissez le motif du refus"));
    let r = thierry.post(&action, &[("csrf", "forged"), ("reason", "Incomplète")]).await;
    assert_eq!(r.status(), 403);

    // The court's system registers it meanwhile: the console's refusal is
    // refused, said next to its field.
    let body = json!({"case_ref": "2026-00042", "party_ref": "requerante"});
    assert_eq!(app.post_json(&format!("/api/v1/filings/{number}/registration"), &body).await.status(), 200);
    let reason = "La juridiction saisie n'est pas compétente.";
    let r = thierry.post(&action, &[("csrf", &csrf), ("reason", reason)]).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("cette demande a déjà été enregistrée") && html.contains("role=\"alert\""), "{html}");
    assert_eq!(app.outbox_of_kind("filing_refused").await.len(), 0);
}

#[tokio::test]
async fn a_refusal_tells_the_filer_why() {
    let (app, thierry, number) = greffe_with_a_filing().await;
    let html = thierry.get(&format!("/juridiction/demandes/{number}")).await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    // Two lines, as a browser sends a textarea's (CRLF).
    let reason = "La juridiction saisie n'est pas compétente.\r\nAdressez votre requête au tribunal de votre domicile.";
    let r =
        thierry.post(&format!("/juridiction/demandes/{number}/refus"), &[("csrf", &csrf), ("reason", reason)]).await;
    assert_eq!(r.status(), 303);
    let page = thierry.follow(r).await.text().await.unwrap();
    assert!(page.contains("La demande est refusée"));
    let told = app.outbox_of_kind("filing_refused").await;
    assert_eq!(told.len(), 1);
    assert!(told[0].2.contains("compétente.\nAdressez votre requête au tribunal de votre domicile"), "{}", told[0].2);
    let listed = thierry.get("/juridiction/demandes").await.text().await.unwrap();
    assert!(listed.contains("Aucune demande."), "no longer to be registered");
    let all = thierry.get("/juridiction/demandes?statut=toutes").await.text().await.unwrap();
    assert!(all.contains(&grouped(&number)) && all.contains("Refusée"));
}

#[tokio::test]
async fn only_its_own_courts_greffe_sees_a_filing() {
    let (app, _thierry, number) = greffe_with_a_filing().await;
    let sauj = app.agent("nathalie.payet@justice.example.org", "tj-saint-denis-reunion", Role::Sauj).await;
    assert_eq!(sauj.get("/juridiction/demandes").await.status(), 404, "the SAUJ has no inbox");
    assert_eq!(sauj.get(&format!("/juridiction/demandes/{number}")).await.status(), 404);
    let home = sauj.get("/juridiction").await.text().await.unwrap();
    assert!(!home.contains("Demandes en ligne"));
    let paris = app.agent("julien.fontaine@justice.example.org", "tj-paris", Role::Admin).await;
    assert_eq!(paris.get(&format!("/juridiction/demandes/{number}")).await.status(), 404);
    assert_eq!(paris.get(&format!("/juridiction/demandes/{number}/demande.pdf")).await.status(), 404);
    assert_eq!(paris.get(&format!("/juridiction/demandes/{number}/pieces/1")).await.status(), 404);
    let html = paris.get("/juridiction/demandes").await.text().await.unwrap();
    assert!(html.contains("Aucune demande."), "Paris's inbox is its own");
    let csrf = form_value(&html, "csrf").unwrap();
    let r = paris.post(&format!("/juridiction/demandes/{number}/refus"), &[("csrf", &csrf), ("reason", "x")]).await;
    assert_eq!(r.status(), 404);
    assert_eq!(app.count_where("filings", "status = 'envoyee'").await, 1);
}
