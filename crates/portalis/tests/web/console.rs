//! The court staff's realm: agents sign in with ProConnect (here an
//! independent provider configured like it, `interop/oidc-provider.mjs`),
//! act only through the portal's own roles, and their sessions never mix
//! with a litigant's.

use crate::interop;
use crate::support::{Browser, CONSOLE_SETTINGS, MARIE_NIR, TestApp, form_value};
use chrono::Duration;
use portalis_core::staff::Role;
use std::net::TcpListener;

const CLIENT_ID: &str = "portalis-console";
const SECRET: &str = "console-secret";
const PAUL: &str = "paul.hoarau@justice.example";

/// A portal registered at a provider configured like `profile`, on loopback.
async fn portal_with_provider(profile: &str) -> (TestApp, interop::Node, String) {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let issuer = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(&[
        ("PORTALIS_PROCONNECT_ISSUER", &issuer),
        ("PORTALIS_PROCONNECT_CLIENT_ID", CLIENT_ID),
        ("PORTALIS_PROCONNECT_CLIENT_SECRET", SECRET),
    ])
    .await;
    // The provider signs with the real time: so must the portal check.
    #[allow(clippy::disallowed_methods)]
    app.clock.set(chrono::Utc::now());
    let node = interop::start(
        port,
        CLIENT_ID,
        SECRET,
        &app,
        ("/juridiction/connexion/retour", "/juridiction/deconnexion/retour"),
        profile,
    );
    (app, node, issuer)
}

async fn grant(app: &TestApp, email: &str, court: &str, role: Role) {
    let mut tx = app.services.db.begin().await.unwrap();
    let court = portalis_storage::courts::by_code(&mut tx, court).await.unwrap().unwrap();
    portalis_storage::staff::grant(&mut tx, email, court.id, role, "test", app.services.clock.now()).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
}

/// From the console's sign-in page to the portal's return address (the
/// provider's pages complete at once); returns that answer, not followed.
async fn through_proconnect(browser: &Browser, issuer: &str) -> reqwest::Response {
    let page = browser.get("/juridiction/connexion?retour=%2Fjuridiction").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("S’identifier avec ProConnect"));
    let csrf = form_value(&html, "csrf").unwrap();
    let start = browser.post("/juridiction/connexion/proconnect", &[("csrf", &csrf), ("retour", "/juridiction")]).await;
    assert_eq!(start.status(), 303);
    let authorize = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(authorize.starts_with(&format!("{issuer}/auth?")), "{authorize}");
    for param in [
        "client_id=portalis-console",
        "acr_values=eidas1",
        "code_challenge_method=S256",
        "usual_name",
        "siret",
        "redirect_uri=http%3A%2F%2F127.0.0.1",
    ] {
        assert!(authorize.contains(param), "{param} in {authorize}");
    }
    browser.follow_to(start, "/juridiction/connexion/retour").await
}

async fn last_audit(app: &TestApp) -> (String, String, String, Option<String>) {
    let mut conn = app.services.db.read().await.unwrap();
    sqlx::query_as("SELECT actor, action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_agent_with_a_role_signs_in_with_a_provider_configured_like_proconnect_and_out() {
    let (app, _provider, issuer) = portal_with_provider("proconnect").await;
    grant(&app, PAUL, "tj-saint-denis-reunion", Role::Sauj).await;
    let paul = Browser::new(&app);
    let r = paul.get("/juridiction").await;
    assert_eq!(r.status(), 303, "signed out, the console sends to its sign-in page");
    assert_eq!(r.headers()["location"], "/juridiction/connexion?retour=%2Fjuridiction");

    let back = through_proconnect(&paul, &issuer).await;
    assert_eq!(back.status(), 303, "{:?}", last_audit(&app).await);
    assert_eq!(back.headers()["location"], "/juridiction");
    let cookies: Vec<String> =
        back.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let session = cookies.iter().find(|c| c.starts_with("portalis-staff-session=")).expect("a staff session cookie");
    assert!(session.contains("Path=/;") && session.contains("HttpOnly"), "{session}");
    assert!(!cookies.iter().any(|c| c.starts_with("portalis-session=")), "no litigant session: {cookies:?}");

    let home = paul.follow(back).await;
    assert_eq!(home.url().path(), "/juridiction");
    assert!(home.headers()["cache-control"].to_str().unwrap().contains("no-store"));
    let html = home.text().await.unwrap();
    assert!(html.contains("Bonjour Paul HOARAU."), "{html}");
    assert!(html.contains("Tribunal judiciaire de Saint-Denis") && html.contains("Accueil du justiciable (SAUJ)"));
    assert_eq!(last_audit(&app).await.1, "staff_login");

    let mut conn = app.services.db.read().await.unwrap();
    let (email, siret, idp, realm, issuer_of_user): (String, String, Option<String>, String, String) = sqlx::query_as(
        "SELECT a.email, a.siret, a.idp_id, s.realm, u.issuer FROM agents a JOIN users u ON u.id = a.user_id
         JOIN sessions s ON s.user_id = u.id",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    drop(conn);
    assert_eq!(email, PAUL, "the provider's Paul.Hoarau@Justice.example is the role's address");
    assert_eq!((siret.as_str(), idp.as_deref()), ("11000201100044", Some("justice-interop")));
    assert_eq!((realm.as_str(), issuer_of_user.as_str()), ("staff", issuer.as_str()));

    // The agent is no litigant: the litigant's pages do not see him.
    let space = paul.get("/mon-espace").await;
    assert_eq!(space.status(), 303);
    assert!(space.headers()["location"].to_str().unwrap().starts_with("/connexion?"));

    // Sign-out: here, then at the provider, which confirms and returns.
    let out = paul.post("/juridiction/deconnexion", &[("csrf", &form_value(&html, "csrf").unwrap())]).await;
    let done = interop::sign_out_at_the_provider(&paul, &issuer, out).await;
    assert_eq!(done.url().path(), "/juridiction/deconnexion/retour");
    let page = done.text().await.unwrap();
    assert!(page.contains("Déconnexion effectuée") && page.contains("votre connexion ProConnect sont terminées"));
    assert_eq!(app.count("sessions").await, 0);
    assert_eq!(paul.get("/juridiction").await.status(), 303, "signed out");
}

#[tokio::test]
async fn an_identity_whose_address_holds_no_role_is_refused_and_nothing_of_it_is_kept() {
    let (app, _provider, issuer) = portal_with_provider("proconnect").await;
    grant(&app, "someone.else@justice.example", "tj-saint-denis-reunion", Role::Admin).await;
    let paul = Browser::new(&app);
    let back = through_proconnect(&paul, &issuer).await;
    assert_eq!(back.status(), 403);
    let html = back.text().await.unwrap();
    assert!(html.contains("aucun rôle ne lui est attribué dans le portail"), "{html}");
    assert_eq!((app.count("users").await, app.count("agents").await, app.count("sessions").await), (0, 0, 0));
    let (actor, action, outcome, detail) = last_audit(&app).await;
    assert_eq!(
        (actor.as_str(), action.as_str(), outcome.as_str(), detail.as_deref()),
        ("anonymous", "staff_login", "refused", Some("no_role"))
    );
}

#[tokio::test]
async fn an_address_bound_to_another_identity_is_not_taken_over() {
    let (app, _provider, issuer) = portal_with_provider("proconnect").await;
    // Paul's address was bound to another ProConnect identity before.
    let earlier = app.agent(PAUL, "tj-saint-denis-reunion", Role::Greffe).await;
    assert_eq!(earlier.get("/juridiction").await.status(), 200);
    let paul = Browser::new(&app);
    let back = through_proconnect(&paul, &issuer).await;
    assert_eq!(back.status(), 403);
    assert!(back.text().await.unwrap().contains("déjà associée à un autre compte ProConnect"));
    assert_eq!(last_audit(&app).await.3.as_deref(), Some("address_bound_to_another_identity"));
    assert_eq!(app.count("sessions").await, 1, "only the earlier agent's");
}

/// ProConnect promises `usual_name`, `uid` and `siret`: a provider that
/// answers a citizen's claims (FranceConnect's) does not sign an agent in.
#[tokio::test]
async fn an_identity_without_the_claims_of_an_agent_is_refused() {
    let (app, _provider, issuer) = portal_with_provider("franceconnect").await;
    grant(&app, "marie.delestable@example.org", "tj-saint-denis-reunion", Role::Admin).await;
    let marie = Browser::new(&app);
    let back = through_proconnect(&marie, &issuer).await;
    assert_eq!(back.status(), 400);
    assert!(back.text().await.unwrap().contains("pas pu être vérifiée"));
    assert_eq!(last_audit(&app).await.3.as_deref(), Some("userinfo:missing_claim"));
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn litigant_and_staff_sessions_never_stand_for_each_other() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let paul = app.agent(PAUL, "tj-saint-denis-reunion", Role::Sauj).await;
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    assert_eq!(paul.get("/juridiction").await.status(), 200);
    assert_eq!(marie.get("/mon-espace").await.status(), 200);

    // Each cookie is sent with the other realm's name: nobody is signed in.
    let url = url::Url::parse(&app.address).unwrap();
    let cookie_of = |browser: &Browser, name: &str| {
        use reqwest::cookie::CookieStore;
        let mut at = url.clone();
        at.set_path("/juridiction/x");
        let header = browser.jar.cookies(&at).unwrap();
        let header = header.to_str().unwrap();
        header.split("; ").find_map(|c| c.strip_prefix(&format!("{name}="))).unwrap().to_owned()
    };
    let staff_token = cookie_of(&paul, "portalis-staff-session");
    let litigant_token = cookie_of(&marie, "portalis-session");
    let swapped = Browser::new(&app);
    swapped.jar.add_cookie_str(&format!("portalis-session={staff_token}; Path=/"), &url);
    swapped.jar.add_cookie_str(&format!("portalis-staff-session={litigant_token}; Path=/"), &url);
    let r = swapped.get("/juridiction").await;
    assert_eq!(r.status(), 303, "a litigant's session is no agent's");
    let r = swapped.get("/mon-espace").await;
    assert_eq!(r.status(), 303, "an agent's session is no litigant's");
    assert_eq!(app.count("sessions").await, 2, "both sessions live on");
}

#[tokio::test]
async fn a_staff_session_ends_after_fifteen_idle_minutes_and_a_role_withdrawn_stops_at_once() {
    let app = TestApp::spawn_with(CONSOLE_SETTINGS).await;
    let paul = app.agent(PAUL, "tj-saint-denis-reunion", Role::Sauj).await;
    app.clock.advance(Duration::minutes(14) + Duration::nanoseconds(999_999_001));
    assert_eq!(paul.get("/juridiction").await.status(), 200, "14 minutes idle");
    app.clock.advance(Duration::minutes(15) + Duration::nanoseconds(1));
    let r = paul.get("/juridiction").await;
    assert_eq!(r.status(), 303, "15 minutes idle: signed out");
    assert_eq!(app.count("sessions").await, 0);

    // A litigant idle as long is still signed in (30 minutes are his).
    let marie = Browser::new(&app);
    marie.login_as(MARIE_NIR).await;
    let paul = app.agent(PAUL, "tj-saint-denis-reunion", Role::Sauj).await;
    app.clock.advance(Duration::minutes(20));
    assert_eq!(marie.get("/mon-espace").await.status(), 200);

    assert_eq!(paul.get("/juridiction").await.status(), 303, "20 minutes idle");
    let paul = app.agent(PAUL, "tj-saint-denis-reunion", Role::Sauj).await;
    assert_eq!(paul.get("/juridiction").await.status(), 200);
    let mut tx = app.services.db.begin().await.unwrap();
    let court = portalis_storage::courts::by_code(&mut tx, "tj-saint-denis-reunion").await.unwrap().unwrap();
    assert!(portalis_storage::staff::revoke(&mut tx, "Paul.Hoarau@justice.example ", court.id).await.unwrap());
    portalis_storage::commit(tx).await.unwrap();
    let r = paul.get("/juridiction").await;
    assert_eq!(r.status(), 403, "signed in, but no role any more");
    let html = r.text().await.unwrap();
    assert!(html.contains("Aucun rôle ne vous est attribué"));
    assert!(html.contains("action=\"/juridiction/deconnexion\""), "he may still sign out");
    assert_eq!(app.count("agents").await, 0, "with its last role, the address lost its binding");
}

#[tokio::test]
async fn without_a_proconnect_registration_there_is_no_console() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    for path in ["/juridiction", "/juridiction/connexion", "/juridiction/connexion/retour?state=x&code=y"] {
        let r = browser.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.text().await.unwrap().contains("Page introuvable"));
    }
    assert_eq!(browser.post("/juridiction/connexion/proconnect", &[]).await.status(), 404);
    assert_eq!(app.count("login_attempts").await, 0);
}

#[tokio::test]
async fn a_litigants_login_under_way_cannot_be_finished_at_the_console() {
    let (app, _provider, _issuer) = portal_with_provider("proconnect").await;
    let marie = Browser::new(&app);
    let token = marie.login_form_token().await;
    let r = marie.post("/connexion/franceconnect", &[("csrf", &token), ("retour", "/mon-espace")]).await;
    assert_eq!(r.status(), 303);
    let login = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find_map(|c| c.strip_prefix("portalis-login="))
        .map(|c| c.split(';').next().unwrap().to_owned())
        .unwrap();
    // Her login cookie, handed to the console's return under its name.
    let url = url::Url::parse(&app.address).unwrap();
    marie.jar.add_cookie_str(&format!("portalis-staff-login={login}; Path=/"), &url);
    let r = marie.get("/juridiction/connexion/retour?state=s&code=c").await;
    assert_eq!(r.status(), 400);
    assert_eq!(app.count("login_attempts").await, 1, "hers is still there, for FranceConnect's return");
}
