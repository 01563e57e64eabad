//! The FranceConnect client against an independent OpenID provider, panva's
//! `oidc-provider` (npm), configured like FranceConnect v2 and started on
//! loopback (`interop/oidc-provider.mjs`).

use crate::support::{Browser, TestApp, form_value};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub struct Node(Child);

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repository() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().parent().unwrap()
}

fn start_provider(port: u16, app: &TestApp) -> Node {
    let fc = &app.services.config.franceconnect;
    let (id, secret) = (fc.client_id.clone(), fc.client_secret.expose().to_owned());
    start(port, &id, &secret, app, ("/connexion/retour", "/deconnexion/retour"), "franceconnect")
}

/// The provider configured like `profile` (`franceconnect`, `proconnect`),
/// the portal registered with `client_id` and `secret`, returning to its
/// `paths` (sign-in, sign-out).
pub fn start(port: u16, client_id: &str, secret: &str, app: &TestApp, paths: (&str, &str), profile: &str) -> Node {
    let root = repository();
    assert!(
        root.join("node_modules/oidc-provider").is_dir(),
        "oidc-provider is missing: run `npm ci --ignore-scripts` (scripts/test does)"
    );
    let mut child = Command::new("node")
        .current_dir(root)
        .args([
            "interop/oidc-provider.mjs",
            &port.to_string(),
            client_id,
            secret,
            &format!("{}{}", app.address, paths.0),
            &format!("{}{}", app.address, paths.1),
            profile,
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("node is installed (scripts/test installs it)");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(line.starts_with("ready "), "oidc-provider did not start: {line:?}");
    // Keep reading what it prints, so that its writes never hit a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    Node(child)
}

/// From the portal's answer to a sign-out form to the page the provider
/// sends the browser back to: the provider asks for a confirmation, which
/// is given.
pub async fn sign_out_at_the_provider(browser: &Browser, issuer: &str, out: reqwest::Response) -> reqwest::Response {
    assert_eq!(out.status(), 303);
    let confirm = browser.follow(out).await;
    let page = confirm.text().await.unwrap();
    let xsrf = form_value(&page, "xsrf").expect("the provider's logout confirmation");
    let back = browser
        .client
        .post(format!("{issuer}/session/end/confirm"))
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
        .send()
        .await
        .unwrap();
    browser.follow(back).await
}

#[tokio::test]
async fn login_and_logout_work_with_an_independent_provider_configured_like_franceconnect() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let issuer = format!("http://127.0.0.1:{port}");
    let app = TestApp::spawn_with(&[("PORTALIS_FC_ISSUER", &issuer)]).await;
    // The provider signs with the real time: so must the portal check.
    #[allow(clippy::disallowed_methods)]
    app.clock.set(chrono::Utc::now());
    let _provider = start_provider(port, &app);

    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let start = browser.post("/connexion/franceconnect", &[("csrf", &token), ("retour", "/mon-espace")]).await;
    assert_eq!(start.status(), 303);
    let authorize = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(authorize.starts_with(&format!("{issuer}/auth?")), "{authorize}");
    for param in ["response_type=code", "acr_values=eidas1", "code_challenge_method=S256", "scope=openid+given_name"] {
        assert!(authorize.contains(param), "{param} in {authorize}");
    }

    let space = browser.follow(start).await;
    if space.url().path() != "/mon-espace" {
        let mut conn = app.services.db.read().await.unwrap();
        let detail: Vec<(Option<String>,)> = sqlx::query_as("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
        panic!("the login was refused: {detail:?}");
    }
    let html = space.text().await.unwrap();
    assert!(html.contains("Marie DELESTABLE"), "claims from the signed UserInfo");
    let mut conn = app.services.db.read().await.unwrap();
    let (iss, sub, birthdate): (String, String, String) =
        sqlx::query_as("SELECT issuer, subject, birthdate FROM users").fetch_one(&mut *conn).await.unwrap();
    assert_eq!((iss.as_str(), sub.as_str(), birthdate.as_str()), (issuer.as_str(), "marie-interop", "1980-07-15"));
    drop(conn);

    // Logout: the provider asks for a confirmation, then returns with state.
    let out = browser.post("/deconnexion", &[("csrf", &form_value(&html, "csrf").unwrap())]).await;
    let done = sign_out_at_the_provider(&browser, &issuer, out).await;
    assert_eq!(done.url().path(), "/deconnexion/retour");
    assert!(done.text().await.unwrap().contains("Déconnexion effectuée"));
    assert_eq!(app.count("sessions").await, 0);
    let mut conn = app.services.db.read().await.unwrap();
    let refused: (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE outcome = 'refused'").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(refused.0, 0, "the returned logout state matched");
}
