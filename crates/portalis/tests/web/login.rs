use crate::support::{Browser, MARIE_NIR, NICOLAS_NIR, TestApp, form_value};

#[tokio::test]
async fn marie_logs_in_with_franceconnect_and_lands_in_her_space() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let space = browser.login_as(MARIE_NIR).await;
    assert_eq!(space.status(), 200);
    assert_eq!(space.url().path(), "/mon-espace");
    let html = space.text().await.unwrap();
    assert!(html.contains("Mes affaires"));
    assert!(html.contains("Votre espace est encore vide."));
    assert!(html.contains("Marie DELESTABLE"), "her name in the header");
    assert!(html.contains("Se déconnecter"));

    assert_eq!(app.count("users").await, 1);
    assert_eq!(app.count("sessions").await, 1);
    assert_eq!(app.count("login_attempts").await, 0, "the attempt was used up");
    let mut conn = app.services.db.read().await.unwrap();
    let (given, family, birthdate): (String, String, String) =
        sqlx::query_as("SELECT given_name, family_name, birthdate FROM users").fetch_one(&mut *conn).await.unwrap();
    assert_eq!((given.as_str(), family.as_str(), birthdate.as_str()), ("Marie", "DELESTABLE", "1980-07-15"));
    let latest = portalis_storage::audit::latest(&mut conn, 1).await.unwrap();
    assert_eq!(latest[0].1, "login");
    assert_eq!(latest[0].3, "ok");
}

#[tokio::test]
async fn the_same_person_is_the_same_user_at_the_next_login() {
    let app = TestApp::spawn().await;
    Browser::new(&app).login_as(MARIE_NIR).await;
    Browser::new(&app).login_as(MARIE_NIR).await;
    Browser::new(&app).login_as(NICOLAS_NIR).await;
    assert_eq!(app.count("users").await, 2);
    assert_eq!(app.count("sessions").await, 3);
}

#[tokio::test]
async fn a_visitor_who_is_not_signed_in_is_sent_to_the_login_page_and_back() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let r = browser.get("/mon-espace").await;
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/connexion?retour=%2Fmon-espace");
    let page = browser.follow(r).await.text().await.unwrap();
    assert!(page.contains("Connectez-vous"));
    assert!(page.contains("Pour pouvoir vous connecter, utilisez le service FranceConnect."));
    assert_eq!(form_value(&page, "retour").as_deref(), Some("/mon-espace"));
}

#[tokio::test]
async fn the_login_button_without_its_token_is_refused() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_form_token().await;
    let r = browser.post("/connexion/franceconnect", &[("csrf", "forged")]).await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("Action refusée"));
    let r = browser.post("/connexion/franceconnect", &[]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("login_attempts").await, 0);
}

/// Refused, and logged rather than audited: anyone can GET the callback,
/// and a request that no login of this browser started writes nothing
/// (`sessions.rs`, unsolicited returns).
#[tokio::test]
async fn a_callback_without_the_browsers_attempt_is_refused() {
    let app = TestApp::spawn().await;
    let marie = Browser::new(&app);
    let back = marie.through_franceconnect(MARIE_NIR).await;
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    let audited = app.count("audit_log").await;
    // Another browser (no login cookie) replays Marie's callback.
    let mallory = Browser::new(&app);
    let r = mallory.get(&callback).await;
    assert_eq!(r.status(), 400);
    let html = r.text().await.unwrap();
    assert!(html.contains("La connexion n'a pas abouti"));
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(app.count("audit_log").await, audited);
    // Marie's own login is untouched by the replay.
    assert_eq!(marie.follow(back).await.status(), 200);
    assert_eq!(app.count("sessions").await, 1);
}

#[tokio::test]
async fn a_tampered_state_is_refused() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    let tampered = callback.replace("state=", "state=x");
    let r = browser.get(&tampered).await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.count("sessions").await, 0);
    // The attempt is used up: the genuine callback no longer works either.
    assert_eq!(browser.get(&callback).await.status(), 400);
}

#[tokio::test]
async fn a_replayed_callback_opens_no_second_session() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let callback = back.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(browser.get(&callback).await.status(), 303);
    assert_eq!(browser.get(&callback).await.status(), 400);
    assert_eq!(app.count("sessions").await, 1);
}

#[tokio::test]
async fn a_refusal_at_franceconnect_ends_on_a_french_page() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let to_fc = browser.post("/connexion/franceconnect", &[("csrf", &token)]).await;
    let authorize = to_fc.headers()["location"].to_str().unwrap().to_owned();
    let state = url::Url::parse(&authorize).unwrap().query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let r = browser.get(&format!("/connexion/retour?error=access_denied&error_description=refus&state={state}")).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("Vous avez annulé la connexion avec FranceConnect."));
}

#[tokio::test]
async fn after_login_the_user_returns_only_to_a_local_page() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let page = browser.get("/connexion?retour=https://evil.example/").await.text().await.unwrap();
    assert_eq!(form_value(&page, "retour").as_deref(), Some("/mon-espace"));
    let token = form_value(&page, "csrf").unwrap();
    let r = browser.post("/connexion/franceconnect", &[("csrf", &token), ("retour", "//evil.example")]).await;
    assert_eq!(r.status(), 303);
    let mut conn = app.services.db.read().await.unwrap();
    let (return_to,): (String,) =
        sqlx::query_as("SELECT return_to FROM login_attempts").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(return_to, "/mon-espace");
}

#[tokio::test]
async fn the_simulator_remembers_the_provider_and_can_skip_the_confirmation() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let choose = browser.follow(browser.post("/connexion/franceconnect", &[("csrf", &token)]).await).await;
    let interaction = choose.url().clone();
    let base = format!("http://{}:{}", interaction.host_str().unwrap(), interaction.port().unwrap());
    let path = interaction.path().to_owned();
    browser
        .client
        .post(format!("{base}{path}/fournisseur"))
        .form(&[("fournisseur", "ameli"), ("souvenir", "1")])
        .send()
        .await
        .unwrap();
    browser
        .client
        .post(format!("{base}{path}/connexion"))
        .form(&[("nir", MARIE_NIR), ("code", "123456")])
        .send()
        .await
        .unwrap();
    let back = browser.client.post(format!("{base}{path}/confirmation")).form(&[("plus", "1")]).send().await.unwrap();
    assert_eq!(browser.follow(back).await.url().path(), "/mon-espace");

    // Next time: straight to ameli's form, and no confirmation page.
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    let token = form_value(&space, "csrf").unwrap();
    let form = browser.follow(browser.post("/connexion/franceconnect", &[("csrf", &token)]).await).await;
    let interaction = form.url().clone();
    assert!(form.text().await.unwrap().contains("Mon numéro de sécurité sociale"), "the remembered provider");
    let back = browser
        .client
        .post(format!("{base}{}/connexion", interaction.path()))
        .form(&[("nir", NICOLAS_NIR), ("code", "123456")])
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 303, "no confirmation page");
    let page = browser.follow(back).await.text().await.unwrap();
    assert!(page.contains("Nicolas LARRET"));
}
