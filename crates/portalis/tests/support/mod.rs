//! The test harness: a portal on port 0 with a fresh real database (SQLite,
//! or PostgreSQL when PORTALIS_TEST_DATABASE_URL names a server), documents
//! in a temporary directory, a manual clock and a seeded random source.
#![allow(dead_code)]

use chrono::{TimeZone, Utc};
use portalis::app::{self, Services};
use portalis::config::{Config, Mode, Sources};
use portalis_core::clock::ManualClock;
use portalis_core::random::SeededRandom;
use portalis_storage::testing::TestDatabase;
use reqwest::{Client, Response};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;

pub struct TestApp {
    pub address: String,
    /// The FranceConnect simulator's issuer (`http://127.0.0.1:<port>/api/v2`).
    pub issuer: String,
    pub services: Services,
    pub clock: ManualClock,
    pub client: Client,
    /// The key of the first court, `tj-saint-denis-reunion`.
    pub key: String,
    pub dir: PathBuf,
    pub database: TestDatabase,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    listen: std::net::SocketAddr,
    sim_server: Option<tokio::task::JoinHandle<()>>,
}

/// When every test's clock starts: not a round instant, but one with
/// nanoseconds, as the system clock gives (the database keeps
/// microseconds).
pub fn test_start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap() + chrono::Duration::nanoseconds(123_456_789)
}

/// An instant of the tests' world: the given second, plus the same
/// sub-microsecond nanoseconds as [`test_start`].
pub fn moment(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap() + chrono::Duration::nanoseconds(123_456_789)
}

/// [`COURTS_CSV`] with each court's territory (the last column), as the
/// test portal loads it: 97400 is Saint-Denis, 75017 Paris.
pub fn courts_with_territories() -> String {
    let mut lines = COURTS_CSV.lines();
    let header = format!("{},territory\n", lines.next().unwrap());
    let body: String = lines.zip(["97400 97490", "75001 75017"]).map(|(l, t)| format!("{l},{t}\n")).collect();
    header + &body
}

pub const COURTS_CSV: &str = "\
code,name,kind,address,postcode,city,department,phone,email,sauj_hours,time_zone
tj-saint-denis-reunion,Tribunal judiciaire de Saint-Denis-de-La-Réunion,tribunal_judiciaire,,97400,Saint-Denis,974,,,,Indian/Reunion
tj-paris,Tribunal judiciaire de Paris,tribunal_judiciaire,Parvis du Tribunal de Paris,75017,Paris,75,,,,Europe/Paris
";

pub fn config_for(database_url: &str, dir: &std::path::Path) -> Config {
    config_with(database_url, dir, &[])
}

/// A test configuration with extra settings.
pub fn config_with(database_url: &str, dir: &std::path::Path, extra: &[(&str, &str)]) -> Config {
    let mut sources = Sources::default();
    for (k, v) in extra {
        sources.set(k, *v);
    }
    sources.set("PORTALIS_DATABASE_URL", database_url);
    sources.set("PORTALIS_DATA_DIR", dir.display().to_string());
    sources.set("PORTALIS_LISTEN", "127.0.0.1:0");
    sources.set("PORTALIS_SECRET_KEY", "test-secret-key-of-at-least-thirty-two-characters");
    Config::from_sources(Mode::Demo, &sources, |_| unreachable!()).expect("test configuration")
}

impl TestApp {
    /// A portal with two courts and an API key for the first, and a
    /// FranceConnect simulator it is registered with.
    pub async fn spawn() -> Self {
        Self::spawn_with(&[]).await
    }

    /// The same, with extra settings (`PORTALIS_BRANDING`, …).
    pub async fn spawn_with(extra: &[(&str, &str)]) -> Self {
        Self::spawn_full(extra, None).await
    }

    /// The same, on the system clock, as production runs: for the tests
    /// of what the manual clock could hide (its `clock` field then moves
    /// nothing).
    pub async fn spawn_on_the_system_clock() -> Self {
        Self::spawn_full(&[], Some(Arc::new(portalis_core::clock::SystemClock))).await
    }

    async fn spawn_full(extra: &[(&str, &str)], system_clock: Option<Arc<dyn portalis_core::clock::Clock>>) -> Self {
        let database = TestDatabase::new().await;
        let dir = std::env::temp_dir().join(format!(
            "portalis-test-{}",
            portalis_core::random::RandomSource::hex(&portalis_core::random::OsRandom, 8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let clock = ManualClock::at(test_start());
        let clock_used: Arc<dyn portalis_core::clock::Clock> = system_clock.unwrap_or_else(|| Arc::new(clock.clone()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listen = listener.local_addr().unwrap();
        let sim_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}/api/v2", sim_listener.local_addr().unwrap());
        let public_url = format!("http://{listen}");
        let mut settings: Vec<(&str, &str)> =
            vec![("PORTALIS_PUBLIC_URL", &public_url), ("PORTALIS_FC_ISSUER", &issuer)];
        settings.extend_from_slice(extra);
        let config = config_with(&database.url, &dir, &settings);
        let sim = portalis_fc_sim::Simulator::new(
            issuer.clone(),
            vec![portalis_fc_sim::Client {
                client_id: config.franceconnect.client_id.clone(),
                client_secret: config.franceconnect.client_secret.expose().to_owned(),
                redirect_uris: vec![format!("{public_url}/connexion/retour")],
                post_logout_redirect_uris: vec![format!("{public_url}/deconnexion/retour")],
                service_name: "Ministère de la justice".into(),
                site: "justice.fr".into(),
            }],
            clock_used.clone(),
            Arc::new(SeededRandom::new(11)),
        )
        .with_population(config.simulator.population);
        let sim_server = tokio::spawn(async move {
            axum::serve(sim_listener, portalis_fc_sim::router(sim)).await.unwrap();
        });
        let services = Services::open(config, clock_used, Arc::new(SeededRandom::new(7))).await.expect("services");
        let courts = portalis::import::parse_courts_csv(&courts_with_territories()).unwrap();
        portalis::import::put_courts(&services, &courts, "test").await.unwrap();
        let key = portalis::commands::create_api_key(&services, "tj-saint-denis-reunion").await.unwrap();
        let mut app = Self {
            address: public_url,
            issuer,
            services,
            clock,
            client: Client::new(),
            key,
            dir,
            database,
            shutdown: None,
            server: None,
            listen,
            sim_server: Some(sim_server),
        };
        app.start(listener).await;
        app
    }

    async fn start(&mut self, listener: tokio::net::TcpListener) {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let providers = app::providers(&self.services.config).unwrap();
        let router = app::router(&self.services, providers);
        let limits = self.services.config.server.limits;
        self.server = Some(tokio::spawn(async move {
            app::serve(listener, router, &limits, async move {
                let _ = rx.await;
            })
            .await
            .unwrap();
        }));
        self.shutdown = Some(tx);
    }

    /// A key for another court.
    pub async fn key_for(&self, court: &str) -> String {
        portalis::commands::create_api_key(&self.services, court).await.unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn put_json_with(&self, key: &str, path: &str, body: &Value) -> Response {
        self.client.put(self.url(path)).bearer_auth(key).json(body).send().await.unwrap()
    }

    pub async fn put_json(&self, path: &str, body: &Value) -> Response {
        self.put_json_with(&self.key, path, body).await
    }

    pub async fn get_with(&self, key: &str, path: &str) -> Response {
        self.client.get(self.url(path)).bearer_auth(key).send().await.unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.get_with(&self.key, path).await
    }

    pub async fn delete(&self, path: &str) -> Response {
        self.client.delete(self.url(path)).bearer_auth(&self.key).send().await.unwrap()
    }

    pub async fn post(&self, path: &str) -> Response {
        self.client.post(self.url(path)).bearer_auth(&self.key).send().await.unwrap()
    }

    pub async fn post_json_with(&self, key: &str, path: &str, body: &Value) -> Response {
        self.client.post(self.url(path)).bearer_auth(key).json(body).send().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.post_json_with(&self.key, path, body).await
    }

    pub async fn put_document(&self, path: &str, metadata: &Value, file: Vec<u8>) -> Response {
        let form = reqwest::multipart::Form::new().text("metadata", metadata.to_string()).part(
            "file",
            reqwest::multipart::Part::bytes(file).file_name("convocation.pdf").mime_str("application/pdf").unwrap(),
        );
        self.client.put(self.url(path)).bearer_auth(&self.key).multipart(form).send().await.unwrap()
    }

    /// The guide's case, its two parties and its hearing.
    pub async fn publish_the_guides_case(&self) {
        assert_eq!(self.put_json("/api/v1/cases/2018-01234", &the_guides_case()).await.status(), 201);
        assert_eq!(self.put_json("/api/v1/cases/2018-01234/parties/marie", &marie()).await.status(), 201);
        assert_eq!(self.put_json("/api/v1/cases/2018-01234/events/mise-en-etat", &hearing()).await.status(), 201);
    }

    /// How many rows a table has.
    pub async fn count(&self, table: &str) -> i64 {
        let mut conn = self.services.db.reader().acquire().await.unwrap();
        let (n,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *conn).await.unwrap();
        n
    }

    /// How many rows of a table meet a condition (SQL of the test's own).
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        let mut conn = self.services.db.reader().acquire().await.unwrap();
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table} WHERE {condition}"))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        n
    }

    /// Stops the server, letting in-flight requests finish.
    pub async fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(s) = self.server.take() {
            s.await.unwrap();
        }
    }

    /// Stops, reopens the services on the same database and directory, and
    /// serves again: what a restart does.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.services.db.close().await;
        let config = (*self.services.config).clone();
        self.services =
            Services::open(config, Arc::new(self.clock.clone()), Arc::new(SeededRandom::new(8))).await.unwrap();
        let listener = tokio::net::TcpListener::bind(self.listen).await.unwrap();
        self.start(listener).await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.sim_server.take() {
            s.abort();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub fn the_guides_case() -> Value {
    json!({
        "portalis_number": "DB3Z-W-B7C-DFW5",
        "rg_number": "18/01234",
        "nature": {"code": "60A", "label": "Demande en réparation des dommages causés par des véhicules terrestres à moteur"},
        "status": "en_cours",
        "filed_on": "2018-05-17",
        "chamber": "1re chambre civile"
    })
}

pub fn marie() -> Value {
    json!({
        "kind": "person",
        "given_names": "Marie",
        "family_name": "Delestable",
        "role": "demandeur",
        "email": "marie.delestable@example.org",
        "mobile": "0692 00 00 42"
    })
}

pub fn hearing() -> Value {
    json!({
        "kind": "audience",
        "starts_at": "2027-01-21T14:00",
        "label": "Mises en état",
        "room": "9",
        "status": "prevu",
        "approved_on": "2026-11-24"
    })
}

/// A small valid PDF whose content varies with `n`.
pub fn pdf(n: u32) -> Vec<u8> {
    format!("%PDF-1.4\n% document {n}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

/// The problem document of a response, after checking its content type.
pub async fn problem(response: Response) -> Value {
    let ct = response.headers().get("content-type").unwrap().to_str().unwrap().to_owned();
    assert_eq!(ct, "application/problem+json");
    response.json().await.unwrap()
}

/// The names of the invalid fields in a 422 problem.
pub fn invalid_fields(problem: &Value) -> Vec<String> {
    problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap().to_owned()).collect()
}

/// A browser as the HTTP tests drive it: it keeps cookies, and follows
/// redirects only when told to, so that each step can be checked.
pub struct Browser {
    pub client: Client,
    pub base: String,
    /// Its cookies (a test may hand it one, as a cookie set elsewhere).
    pub jar: Arc<reqwest::cookie::Jar>,
}

/// The Fetch Metadata a browser sends with a top-level navigation that
/// `site` started.
fn navigation(request: reqwest::RequestBuilder, site: &str) -> reqwest::RequestBuilder {
    request
        .header("sec-fetch-site", site)
        .header("sec-fetch-mode", "navigate")
        .header("sec-fetch-dest", "document")
        .header("sec-fetch-user", "?1")
}

/// The `href` of the first `<link rel="REL" …>` of a page (the stylesheet's
/// hashed address, the preloaded font, the favicons).
pub fn link(html: &str, rel: &str) -> String {
    let marker = format!("<link rel=\"{rel}\" href=\"");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {rel} link")) + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

/// The value of the first `name="<field>" value="…"` in a page.
pub fn form_value(html: &str, field: &str) -> Option<String> {
    let marker = format!("name=\"{field}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].replace("&#x2f;", "/").replace("&#47;", "/"))
}

impl Browser {
    pub fn new(app: &TestApp) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client =
            Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, base: app.address.clone(), jar }
    }

    /// A browser of a portal served elsewhere (a `portalis` process).
    pub fn at(base: &str) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let client =
            Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { client, base: base.trim_end_matches('/').to_owned(), jar }
    }

    fn absolute(&self, url: &str) -> String {
        if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", self.base) }
    }

    /// A click on one of the portal's links: sent as a browser sends it,
    /// with its Fetch Metadata.
    pub async fn get(&self, url: &str) -> Response {
        self.get_from(url, "same-origin").await
    }

    /// A navigation that `site` started (`Sec-Fetch-Site`): `none` for an
    /// address typed by the person, `cross-site` for a link or a script
    /// on another site.
    pub async fn get_from(&self, url: &str, site: &str) -> Response {
        navigation(self.client.get(self.absolute(url)), site).send().await.unwrap()
    }

    /// A form of the portal's, submitted.
    pub async fn post(&self, url: &str, form: &[(&str, &str)]) -> Response {
        navigation(self.client.post(self.absolute(url)), "same-origin").form(form).send().await.unwrap()
    }

    /// A form of the portal's with a file (`multipart/form-data`), submitted.
    pub async fn post_multipart(&self, url: &str, form: reqwest::multipart::Form) -> Response {
        navigation(self.client.post(self.absolute(url)), "same-origin").multipart(form).send().await.unwrap()
    }

    /// Follows redirects (GET) from `response` to the final page.
    ///
    /// Each request says where the chain comes from as a browser does: a
    /// chain that went through another origin (the identity provider) is
    /// `same-site` (another port of this host) or `cross-site` from then on.
    pub async fn follow(&self, response: Response) -> Response {
        self.follow_until(response, None).await
    }

    /// The same, stopping at the answer of the portal's `path` (to read
    /// what it sets), not followed.
    pub async fn follow_to(&self, response: Response, path: &str) -> Response {
        let r = self.follow_until(response, Some(path)).await;
        assert_eq!(r.url().path(), path, "the chain reached {path}");
        r
    }

    async fn follow_until(&self, mut response: Response, stop: Option<&str>) -> Response {
        let portal = url::Url::parse(&self.base).unwrap();
        let mut site = "same-origin";
        for _ in 0..10 {
            if !response.status().is_redirection()
                || stop.is_some_and(|p| response.url().path() == p && response.url().origin() == portal.origin())
            {
                return response;
            }
            let location = response.headers()["location"].to_str().unwrap().to_owned();
            let next = if location.starts_with("http") {
                location
            } else if location.starts_with('/') {
                let url = response.url().clone();
                format!(
                    "{}://{}{location}",
                    url.scheme(),
                    url.host_str().unwrap().to_owned() + &url.port().map(|p| format!(":{p}")).unwrap_or_default()
                )
            } else {
                panic!("relative redirect {location}")
            };
            for hop in [response.url().clone(), url::Url::parse(&next).unwrap()] {
                if hop.origin() != portal.origin() {
                    site = if hop.host_str() == portal.host_str() && site != "cross-site" {
                        "same-site"
                    } else {
                        "cross-site"
                    };
                }
            }
            response = navigation(self.client.get(next), site).send().await.unwrap();
        }
        panic!("too many redirects");
    }

    /// The login page's CSRF token (the page sets the anonymous cookie).
    pub async fn login_form_token(&self) -> String {
        let page = self.get("/connexion").await.text().await.unwrap();
        form_value(&page, "csrf").expect("the login page has a CSRF token")
    }

    /// Clicks "S’identifier avec FranceConnect" and goes through the
    /// simulator's pages with `nir`, up to the redirect back to the portal's
    /// callback (not followed).
    pub async fn through_franceconnect(&self, nir: &str) -> Response {
        let token = self.login_form_token().await;
        self.through_franceconnect_with(&token, nir).await
    }

    /// The same, with the form token taken elsewhere (a signed-in user's).
    pub async fn through_franceconnect_with(&self, token: &str, nir: &str) -> Response {
        self.through_franceconnect_returning(token, nir, "/mon-espace").await
    }

    /// The same, from a login page that is to return to `retour`.
    pub async fn through_franceconnect_returning(&self, token: &str, nir: &str, retour: &str) -> Response {
        let to_fc = self.post("/connexion/franceconnect", &[("csrf", token), ("retour", retour)]).await;
        assert_eq!(to_fc.status(), 303, "the button sends to FranceConnect");
        let choose = self.follow(to_fc).await;
        assert_eq!(choose.status(), 200);
        let interaction = choose.url().clone();
        let html = choose.text().await.unwrap();
        assert!(html.contains("Je choisis un compte pour me connecter sur : justice.fr"));
        let base = format!(
            "{}://{}",
            interaction.scheme(),
            interaction.host_str().unwrap().to_owned() + &format!(":{}", interaction.port().unwrap())
        );
        let path = interaction.path().to_owned();
        let login = self
            .client
            .post(format!("{base}{path}/fournisseur"))
            .form(&[("fournisseur", "ameli")])
            .send()
            .await
            .unwrap();
        assert!(login.text().await.unwrap().contains("Mon numéro de sécurité sociale"));
        let confirm = self
            .client
            .post(format!("{base}{path}/connexion"))
            .form(&[("nir", nir), ("code", "123456")])
            .send()
            .await
            .unwrap();
        assert_eq!(confirm.status(), 200, "the simulator accepts the credentials");
        self.client.post(format!("{base}{path}/confirmation")).send().await.unwrap()
    }

    /// A whole login; returns the page the portal lands on.
    pub async fn login_as(&self, nir: &str) -> Response {
        let back = self.through_franceconnect(nir).await;
        assert_eq!(back.status(), 303);
        self.follow(back).await
    }
}

pub const MARIE_NIR: &str = "280079741123418";
pub const NICOLAS_NIR: &str = "175057511234534";

impl TestApp {
    /// The identification number of a party, as stored.
    pub async fn number_of(&self, party_ref: &str) -> String {
        let mut conn = self.services.db.read().await.unwrap();
        let (n,): (String,) = sqlx::query_as("SELECT identification_number FROM parties WHERE party_ref = $1")
            .bind(party_ref)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        n
    }

    /// The messages of a channel in the outbox, oldest first: (recipient,
    /// subject, body).
    pub async fn outbox(&self, channel: &str) -> Vec<(String, Option<String>, String)> {
        let mut conn = self.services.db.read().await.unwrap();
        sqlx::query_as("SELECT recipient, subject, body FROM outbox WHERE channel = $1 ORDER BY id")
            .bind(channel)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    }

    /// The code of the latest SMS.
    pub async fn last_code(&self) -> String {
        let sms = self.outbox("sms").await;
        let body = &sms.last().expect("an SMS was sent").2;
        body.split_whitespace()
            .map(|w| w.trim_end_matches('.'))
            .find(|w| w.len() == 7 && w.bytes().all(|b| b.is_ascii_digit()))
            .expect("the SMS carries a 7-digit code")
            .to_owned()
    }

    /// The latest audit entry's action, outcome and detail.
    pub async fn last_audit(&self) -> (String, String, Option<String>) {
        let mut conn = self.services.db.read().await.unwrap();
        sqlx::query_as("SELECT action, outcome, detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    }
}

impl Browser {
    /// Posts the "Ajouter un dossier" form with `action` (`code` or
    /// `ajouter`); returns the status and the page.
    pub async fn attach_form(&self, action: &str, number: &str, code: &str) -> (u16, String) {
        let page = self.get("/mon-espace/ajouter").await.text().await.unwrap();
        let token = form_value(&page, "csrf").expect("the form has a CSRF token");
        let r = self
            .post("/mon-espace/ajouter", &[("csrf", &token), ("numero", number), ("code", code), ("action", action)])
            .await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }
}

/// The links of a page (`href="…"`), local ones only.
pub fn local_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with('/'))
        .map(|h| h.replace("&amp;", "&"))
        .collect()
}

impl TestApp {
    /// The identification numbers of a party reference, in every case.
    pub async fn numbers_of(&self, party_ref: &str) -> Vec<String> {
        let mut conn = self.services.db.read().await.unwrap();
        let rows: Vec<(String,)> =
            sqlx::query_as("SELECT identification_number FROM parties WHERE party_ref = $1 ORDER BY id")
                .bind(party_ref)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
        rows.into_iter().map(|(n,)| n).collect()
    }

    /// Attaches every case of `party_ref` to the browser's user, through the
    /// form, reading each code from the outbox.
    pub async fn attach_all(&self, browser: &Browser, party_ref: &str) {
        for number in self.numbers_of(party_ref).await {
            let (status, page) = browser.attach_form("code", &number, "").await;
            assert_eq!(status, 200, "{page}");
            let code = self.last_code().await;
            assert_eq!(browser.attach_form("ajouter", &number, &code).await.0, 303);
        }
    }
}

/// The demo world, Marie signed in with her three cases attached.
pub async fn marie_with_her_cases() -> (TestApp, Browser) {
    marie_with_her_cases_with(&[]).await
}

/// The same, with extra settings (another document store, …).
pub async fn marie_with_her_cases_with(extra: &[(&str, &str)]) -> (TestApp, Browser) {
    let app = TestApp::spawn_with(extra).await;
    portalis::demo::load(&app.services).await.unwrap();
    let browser = Browser::new(&app);
    browser.login_as(MARIE_NIR).await;
    app.attach_all(&browser, "marie-delestable").await;
    (app, browser)
}

impl TestApp {
    /// The messages of a kind in the outbox: (recipient, subject, body).
    pub async fn outbox_of_kind(&self, kind: &str) -> Vec<(String, Option<String>, String)> {
        let mut conn = self.services.db.read().await.unwrap();
        sqlx::query_as("SELECT recipient, subject, body FROM outbox WHERE kind = $1 ORDER BY id")
            .bind(kind)
            .fetch_all(&mut *conn)
            .await
            .unwrap()
    }

    /// A scheduler pass, as the portal runs one every few seconds.
    pub async fn schedule(&self) -> portalis_notify::scheduler::Pass {
        app::scheduler(&self.services).run_once().await.unwrap()
    }
}

/// A loopback port kept for a server about to start: bound but never
/// listening, so connections to it are refused and no other socket (of this
/// process or of another run of the suite beside it) is given it, until the
/// server binds it too (with `SO_REUSEADDR`, which tokio's listeners,
/// Python's servers and aiosmtpd set) and the reservation is dropped.
pub fn reserved_port() -> (tokio::net::TcpSocket, u16) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_reuseaddr(true).unwrap();
    socket.bind(([127, 0, 0, 1], 0).into()).unwrap();
    let port = socket.local_addr().unwrap().port();
    (socket, port)
}

/// A real S3 endpoint on loopback (moto's server, which the test command
/// installs), with one bucket; stopped when dropped.
pub struct S3 {
    child: std::process::Child,
    pub endpoint: String,
}

impl S3 {
    pub async fn start(bucket: &str) -> Self {
        let (_reserved, port) = reserved_port();
        let child = std::process::Command::new("python3")
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("moto must be installed (the test command installs it: pip install 'moto[server]')");
        let s3 = Self { child, endpoint: format!("http://127.0.0.1:{port}") };
        let client = Client::new();
        for _ in 0..400 {
            if client.get(format!("{}/moto-api/", s3.endpoint)).send().await.is_ok() {
                let created = client.put(format!("{}/{bucket}", s3.endpoint)).send().await.unwrap();
                assert!(created.status().is_success(), "bucket creation: {}", created.status());
                return s3;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("moto did not start on {}", s3.endpoint);
    }

    /// The settings of a portal whose documents are in `url` (`s3://bucket/prefix`).
    pub fn settings<'a>(&'a self, url: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("PORTALIS_DOCUMENTS_URL", url),
            ("PORTALIS_S3_ENDPOINT", self.endpoint.as_str()),
            ("PORTALIS_S3_REGION", "eu-west-3"),
            ("PORTALIS_S3_ACCESS_KEY_ID", "test"),
            ("PORTALIS_S3_SECRET_ACCESS_KEY", "test"),
            ("PORTALIS_S3_ALLOW_HTTP", "true"),
        ]
    }
}

impl Drop for S3 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The console's registration at a provider that these tests do not reach
/// (pages that need no sign-in, sessions made by hand).
pub const CONSOLE_SETTINGS: &[(&str, &str)] = &[
    ("PORTALIS_PROCONNECT_ISSUER", "http://127.0.0.1:9/api/v2"),
    ("PORTALIS_PROCONNECT_CLIENT_ID", "portalis-console"),
    ("PORTALIS_PROCONNECT_CLIENT_SECRET", "console-secret"),
];

impl TestApp {
    /// An agent of `court` with `role`, signed in as ProConnect would have
    /// signed him in (identity bound to his address, staff session); the
    /// browser carries his session cookie.
    pub async fn agent(&self, email: &str, court: &str, role: portalis_core::staff::Role) -> Browser {
        use portalis_storage::{courts, sessions, staff, users};
        let now = self.services.clock.now();
        let mut tx = self.services.db.begin().await.unwrap();
        let court = courts::by_code(&mut tx, court).await.unwrap().expect("a court of the tests");
        staff::grant(&mut tx, email, court.id, role, "test", now).await.unwrap();
        let claims = users::Claims {
            given_name: Some("Paul".into()),
            family_name: Some("HOARAU".into()),
            email: Some(email.into()),
            ..Default::default()
        };
        let user = users::upsert(&mut tx, "https://proconnect.test", email, &claims, now).await.unwrap();
        let agent = staff::AgentRecord { email, uid: "1", siret: "11000201100044", idp_id: None };
        assert_eq!(staff::bind(&mut tx, user.id, &agent, now).await.unwrap(), staff::Binding::Bound);
        let token = portalis_core::random::RandomSource::hex(&portalis_core::random::OsRandom, 32);
        let hash = portalis_core::secret::sha256_hex(token.as_bytes());
        let expires = now + chrono::Duration::hours(8);
        sessions::create(&mut tx, portalis_core::realm::Realm::Staff, &hash, user.id, "id-token", now, expires)
            .await
            .unwrap();
        portalis_storage::commit(tx).await.unwrap();
        let browser = Browser::new(self);
        let url = url::Url::parse(&self.address).unwrap();
        browser.jar.add_cookie_str(&format!("portalis-staff-session={token}; Path=/"), &url);
        browser
    }
}
