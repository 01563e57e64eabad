//! The demo's ProConnect simulator (`portalis pc-sim`): an agent types his
//! professional address, signs in at his directory's page, and comes back
//! to the console; the simulator is a real OpenID provider that the
//! portal's ProConnect client accepts as it would ProConnect.

use crate::support::{Browser, TestApp, form_value};
use portalis_core::random::SeededRandom;
use portalis_core::staff::Role;
use portalis_fc_sim::{AGENT_PASSWORD, Client, Simulator};
use std::sync::Arc;

const CLIENT_ID: &str = "portalis-demo-juridiction";
const SECRET: &str = "pc-sim-secret";
const NATHALIE: &str = "nathalie.payet@justice.example.org";

/// A portal whose console is registered at a ProConnect simulator.
async fn portal_with_the_simulator() -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/api/v2", listener.local_addr().unwrap());
    let app = TestApp::spawn_with(&[
        ("PORTALIS_PROCONNECT_ISSUER", &issuer),
        ("PORTALIS_PROCONNECT_CLIENT_ID", CLIENT_ID),
        ("PORTALIS_PROCONNECT_CLIENT_SECRET", SECRET),
    ])
    .await;
    let client = Client {
        client_id: CLIENT_ID.into(),
        client_secret: SECRET.into(),
        redirect_uris: vec![format!("{}/juridiction/connexion/retour", app.address)],
        post_logout_redirect_uris: vec![format!("{}/juridiction/deconnexion/retour", app.address)],
        service_name: "Ministère de la justice — espace des juridictions".into(),
        site: "justice.fr".into(),
    };
    let sim = Simulator::proconnect(issuer, vec![client], Arc::new(app.clock.clone()), Arc::new(SeededRandom::new(5)));
    tokio::spawn(async move { axum::serve(listener, portalis_fc_sim::router(sim)).await.unwrap() });
    app
}

async fn grant(app: &TestApp, email: &str, role: Role) {
    let mut tx = app.services.db.begin().await.unwrap();
    let court = portalis_storage::courts::by_code(&mut tx, "tj-saint-denis-reunion").await.unwrap().unwrap();
    portalis_storage::staff::grant(&mut tx, email, court.id, role, "test", app.services.clock.now()).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
}

/// From the console's sign-in page to the simulator's first page (the
/// professional address): its HTML and address.
async fn to_the_simulator(browser: &Browser) -> (String, String) {
    let html = browser.get("/juridiction/connexion").await.text().await.unwrap();
    let csrf = form_value(&html, "csrf").unwrap();
    let start = browser.post("/juridiction/connexion/proconnect", &[("csrf", &csrf), ("retour", "/juridiction")]).await;
    assert_eq!(start.status(), 303);
    let page = browser.follow(start).await;
    assert_eq!(page.status(), 200);
    let url = page.url().to_string();
    assert!(url.contains("/api/v2/interaction/"), "{url}");
    (page.text().await.unwrap(), url)
}

#[tokio::test]
async fn an_agent_signs_in_through_the_simulator_with_his_address_then_his_directory_password() {
    let app = portal_with_the_simulator().await;
    grant(&app, NATHALIE, Role::Sauj).await;
    let nathalie = Browser::new(&app);
    let (html, interaction) = to_the_simulator(&nathalie).await;
    assert!(html.contains("Adresse e-mail professionnelle") && html.contains("Simulateur ProConnect"));
    assert!(html.contains(NATHALIE), "the demo's agents are listed");

    let directory =
        nathalie.post(&format!("{interaction}/email"), &[("email", " Nathalie.Payet@Justice.Example.org ")]).await;
    assert_eq!(directory.status(), 200);
    let html = directory.text().await.unwrap();
    assert!(html.contains("Annuaire du ministère de la Justice") && html.contains("Mot de passe"));

    let back = nathalie
        .post(&format!("{interaction}/mot-de-passe"), &[("email", NATHALIE), ("password", AGENT_PASSWORD)])
        .await;
    assert_eq!(back.status(), 303);
    let home = nathalie.follow(back).await;
    assert_eq!(home.url().path(), "/juridiction");
    let html = home.text().await.unwrap();
    assert!(html.contains("Bonjour Nathalie PAYET."), "{html}");
    assert!(html.contains("Accueil du justiciable (SAUJ)"));

    let mut conn = app.services.db.read().await.unwrap();
    let (email, siret, idp): (String, String, Option<String>) =
        sqlx::query_as("SELECT email, siret, idp_id FROM agents").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(email, NATHALIE);
    assert_eq!((siret.as_str(), idp.as_deref()), (portalis_fc_sim::DIRECTORY_SIRET, Some("demo-annuaire-justice")));
}

#[tokio::test]
async fn an_unknown_address_or_a_wrong_password_is_told_on_the_simulators_page_and_nothing_is_signed_in() {
    let app = portal_with_the_simulator().await;
    grant(&app, NATHALIE, Role::Sauj).await;
    let someone = Browser::new(&app);
    let (_, interaction) = to_the_simulator(&someone).await;

    let r = someone.post(&format!("{interaction}/email"), &[("email", "marie.delestable@example.org")]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Aucune organisation de la démonstration"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    let r = someone.post(&format!("{interaction}/email"), &[("email", "  ")]).await;
    assert_eq!(r.status(), 422);

    let r = someone.post(&format!("{interaction}/mot-de-passe"), &[("email", NATHALIE), ("password", "123456")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("Adresse e-mail ou mot de passe incorrect."));
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(app.count("agents").await, 0);
}

#[tokio::test]
async fn an_agent_the_portal_grants_no_role_signs_in_at_the_simulator_and_is_refused_by_the_console() {
    let app = portal_with_the_simulator().await;
    let julien = Browser::new(&app);
    let (_, interaction) = to_the_simulator(&julien).await;
    let email = "julien.fontaine@justice.example.org";
    let back =
        julien.post(&format!("{interaction}/mot-de-passe"), &[("email", email), ("password", AGENT_PASSWORD)]).await;
    assert_eq!(back.status(), 303);
    let refused = julien.follow(back).await;
    assert_eq!(refused.status(), 403);
    assert!(refused.text().await.unwrap().contains("aucun rôle"));
    assert_eq!(app.count("sessions").await, 0);
}
