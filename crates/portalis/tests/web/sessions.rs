use crate::support::{Browser, MARIE_NIR, TestApp, form_value};
use chrono::Duration;

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("portalis-session=") && !c.starts_with("portalis-session=;"))
        .map(|c| c.split(';').next().unwrap().trim_start_matches("portalis-session=").to_owned())
}

/// After logout on a shared computer, Back must not show a case: no page
/// seen signed in is kept by the browser.
#[tokio::test]
async fn no_signed_in_page_is_kept_by_the_browser() {
    let (_app, marie) = crate::support::marie_with_her_cases().await;
    let list = marie.get("/mon-espace").await;
    let html_links = crate::support::local_links(&list.text().await.unwrap());
    let case = html_links.iter().find(|l| l.starts_with("/dossiers/")).unwrap().clone();
    for path in
        ["/mon-espace", case.as_str(), "/mon-espace/ajouter", "/mon-espace/preferences", "/aide", "/", "/page-inconnue"]
    {
        let r = marie.get(path).await;
        let cache = r.headers().get("cache-control").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        assert!(cache.contains("no-store"), "{path}: {cache:?}");
    }
    let anonymous = Browser::new(&_app);
    let r = anonymous.get("/aide").await;
    let cache = r.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(
        cache.contains("no-cache") && cache.contains("private"),
        "a public page is revalidated, never shared: {cache}"
    );
    let html = marie.get("/aide").await.text().await.unwrap();
    let css = marie.get(&crate::support::link(&html, "stylesheet")).await;
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable",
        "assets keep theirs, signed in too"
    );
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let landing = browser.get(back.headers()["location"].to_str().unwrap()).await;
    let cookie = landing
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portalis-session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Lax"));
    assert!(cookie.contains("Path=/"));
}

#[tokio::test]
async fn a_new_session_id_is_issued_at_login() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let first = session_cookie(&browser.get(back.headers()["location"].to_str().unwrap()).await).unwrap();
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    let back = browser.through_franceconnect_with(&form_value(&space, "csrf").unwrap(), MARIE_NIR).await;
    let second = session_cookie(&browser.get(back.headers()["location"].to_str().unwrap()).await).unwrap();
    assert_ne!(first, second);
    assert_eq!(app.count("sessions").await, 1, "the earlier session of this browser is closed");
}

#[tokio::test]
async fn an_idle_session_expires() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(browser.get("/mon-espace").await.status(), 200, "activity keeps it alive");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(browser.get("/mon-espace").await.status(), 200);
    app.clock.advance(Duration::minutes(31));
    assert_eq!(browser.get("/mon-espace").await.status(), 303, "idle for 31 minutes");
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_lifetime_even_when_active() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    for _ in 0..25 {
        app.clock.advance(Duration::minutes(29));
        browser.get("/mon-espace").await;
    }
    assert_eq!(browser.get("/mon-espace").await.status(), 303, "12 hours at most");
}

#[tokio::test]
async fn activity_is_written_at_most_once_a_minute() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    let last_seen = || async {
        let mut conn = app.services.db.read().await.unwrap();
        let (t,): (String,) = sqlx::query_as("SELECT last_seen_at FROM sessions").fetch_one(&mut *conn).await.unwrap();
        t
    };
    let before = last_seen().await;
    app.clock.advance(Duration::seconds(30));
    browser.get("/mon-espace").await;
    assert_eq!(last_seen().await, before, "not written after 30 seconds");
    app.clock.advance(Duration::seconds(31));
    browser.get("/mon-espace").await;
    assert_ne!(last_seen().await, before);
}

#[tokio::test]
async fn logout_ends_the_session_here_and_at_franceconnect() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let space = browser.login_as(MARIE_NIR).await.text().await.unwrap();
    let token = form_value(&space, "csrf").unwrap();

    let out = browser.post("/deconnexion", &[("csrf", &token)]).await;
    assert_eq!(out.status(), 303);
    let to_fc = out.headers()["location"].to_str().unwrap().to_owned();
    assert!(to_fc.starts_with(&format!("{}/session/end?", app.issuer)));
    assert!(to_fc.contains("id_token_hint="));
    assert!(to_fc.contains("post_logout_redirect_uri="));
    assert_eq!(app.count("sessions").await, 0, "gone on the server");

    let page = browser.follow(out).await;
    assert_eq!(page.url().path(), "/deconnexion/retour");
    let html = page.text().await.unwrap();
    assert!(html.contains("Déconnexion effectuée"));
    assert!(html.contains("votre connexion FranceConnect sont terminées"), "the simulator returned our state");
    assert!(!html.contains("Marie DELESTABLE"));
    assert_eq!(browser.get("/mon-espace").await.status(), 303);

    // A return that does not carry this browser's state confirms nothing.
    let forged = browser.get_from("/deconnexion/retour?state=forged", "cross-site").await.text().await.unwrap();
    assert!(forged.contains("pas pu être confirmée") && !forged.contains("sont terminées"), "{forged}");
}

#[tokio::test]
async fn an_old_session_cookie_is_dead_after_logout() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let landing = browser.get(back.headers()["location"].to_str().unwrap()).await;
    let stolen = session_cookie(&landing).unwrap();
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    browser.post("/deconnexion", &[("csrf", &form_value(&space, "csrf").unwrap())]).await;

    let r = app
        .client
        .get(app.url("/mon-espace"))
        .header("cookie", format!("portalis-session={stolen}"))
        .send()
        .await
        .unwrap();
    assert!(r.url().path() == "/connexion" || r.status() == 200 && r.text().await.unwrap().contains("Connectez-vous"));
}

#[tokio::test]
async fn logout_without_its_token_is_refused() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    let r = browser.post("/deconnexion", &[("csrf", "forged")]).await;
    assert_eq!(r.status(), 403);
    assert_eq!(app.count("sessions").await, 1);
}

/// The identity provider's return addresses are open to anyone: a GET that
/// no login or logout of this browser started writes nothing (on SQLite,
/// every write takes the file's one write lock).
#[tokio::test]
async fn unsolicited_returns_from_the_provider_write_nothing() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let audited = app.count("audit_log").await;
    for i in 0..30 {
        let r = browser.get_from(&format!("/deconnexion/retour?state=forged-{i}"), "cross-site").await;
        assert_eq!(r.status(), 200);
        let r = browser.get_from(&format!("/connexion/retour?code=c{i}&state=s{i}"), "cross-site").await;
        assert_eq!(r.status(), 400);
        assert!(
            r.text().await.unwrap().contains("Connexion interrompue"),
            "a French page says the login was cut short"
        );
        let forged_cookie = browser
            .client
            .get(app.url(&format!("/connexion/retour?code=c{i}&state=s{i}")))
            .header("cookie", format!("portalis-login=forged-{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(forged_cookie.status(), 400);
    }
    assert_eq!(app.count("audit_log").await, audited, "no audit row, no write");
}

/// Answers that set several cookies send them all (an array of headers
/// kept only the last: the session cookie outlived the logout, the login
/// cookie its callback).
#[tokio::test]
async fn logout_and_login_send_every_cookie_they_set() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let callback = browser.get_from(back.headers()["location"].to_str().unwrap(), "same-site").await;
    let set: Vec<String> =
        callback.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(set.iter().any(|c| c.starts_with("portalis-session=")), "{set:?}");
    assert!(
        set.iter().any(|c| c.starts_with("portalis-login=;") && c.contains("Max-Age=0")),
        "the login cookie is cleared: {set:?}"
    );
    assert!(set.iter().any(|c| c.starts_with("portalis-arrival=")), "{set:?}");
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    let out = browser.post("/deconnexion", &[("csrf", &form_value(&space, "csrf").unwrap())]).await;
    let set: Vec<String> = out.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert!(
        set.iter().any(|c| c.starts_with("portalis-session=;") && c.contains("Max-Age=0")),
        "the session cookie is cleared: {set:?}"
    );
    assert!(set.iter().any(|c| c.starts_with("portalis-logout=")), "{set:?}");
}

/// A session that is not a litigant's (an agent's, once the console signs
/// agents in) opens no litigant's page, whatever cookie carries it.
#[tokio::test]
async fn a_session_of_another_realm_opens_no_litigants_page() {
    let (app, marie) = crate::support::marie_with_her_cases().await;
    assert_eq!(marie.get("/mon-espace").await.status(), 200);
    let mut tx = app.services.db.begin().await.unwrap();
    sqlx::query("UPDATE sessions SET realm = 'staff'").execute(&mut *tx).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
    let r = marie.get("/mon-espace").await;
    assert_eq!(r.status(), 303, "treated as signed out");
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/connexion"));
    let (count,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM sessions").fetch_one(app.services.db.reader()).await.unwrap();
    assert_eq!(count, 1, "the agent's session is left alone, not ended by a litigant's page");
}
