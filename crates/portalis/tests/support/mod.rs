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
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

pub struct TestApp {
    pub address: String,
    pub services: Services,
    pub clock: ManualClock,
    pub client: Client,
    /// The key of the first court, `tj-saint-denis-reunion`.
    pub key: String,
    pub dir: PathBuf,
    pub database: TestDatabase,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

pub const COURTS_CSV: &str = "\
code,name,kind,address,postcode,city,department,phone,email,sauj_hours,time_zone
tj-saint-denis-reunion,Tribunal judiciaire de Saint-Denis-de-La-Réunion,tribunal_judiciaire,,97400,Saint-Denis,974,,,,Indian/Reunion
tj-paris,Tribunal judiciaire de Paris,tribunal_judiciaire,Parvis du Tribunal de Paris,75017,Paris,75,,,,Europe/Paris
";

pub fn config_for(database_url: &str, dir: &std::path::Path) -> Config {
    let mut sources = Sources::default();
    sources.set("PORTALIS_DATABASE_URL", database_url);
    sources.set("PORTALIS_DATA_DIR", dir.display().to_string());
    sources.set("PORTALIS_LISTEN", "127.0.0.1:0");
    sources.set("PORTALIS_SECRET_KEY", "test-secret-key-of-at-least-thirty-two-characters");
    Config::from_sources(Mode::Tool, &sources, |_| unreachable!()).expect("test configuration")
}

impl TestApp {
    /// A portal with two courts and an API key for the first.
    pub async fn spawn() -> Self {
        let database = TestDatabase::new().await;
        let dir = std::env::temp_dir().join(format!("portalis-test-{}", portalis_core::random::RandomSource::hex(&portalis_core::random::OsRandom, 8)));
        std::fs::create_dir_all(&dir).unwrap();
        let clock = ManualClock::at(Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap());
        let services = Services::open(config_for(&database.url, &dir), Arc::new(clock.clone()), Arc::new(SeededRandom::new(7)))
            .await
            .expect("services");
        let courts = portalis::import::parse_courts_csv(COURTS_CSV).unwrap();
        portalis::import::put_courts(&services, &courts, "test").await.unwrap();
        let key = portalis::commands::create_api_key(&services, "tj-saint-denis-reunion").await.unwrap();
        let mut app = Self {
            address: String::new(),
            services,
            clock,
            client: Client::new(),
            key,
            dir,
            database,
            shutdown: None,
            server: None,
        };
        app.start().await;
        app
    }

    async fn start(&mut self) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        self.address = format!("http://{}", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = app::router(&self.services);
        self.server = Some(tokio::spawn(async move {
            app::serve(listener, router, async move {
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

    pub async fn put_document(&self, path: &str, metadata: &Value, file: Vec<u8>) -> Response {
        let form = reqwest::multipart::Form::new()
            .text("metadata", metadata.to_string())
            .part("file", reqwest::multipart::Part::bytes(file).file_name("convocation.pdf").mime_str("application/pdf").unwrap());
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
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *conn).await.unwrap();
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
        self.services = Services::open(
            config_for(&self.database.url, &self.dir),
            Arc::new(self.clock.clone()),
            Arc::new(SeededRandom::new(8)),
        )
        .await
        .unwrap();
        self.start().await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
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
    format!("%PDF-1.4\n% document {n}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
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
