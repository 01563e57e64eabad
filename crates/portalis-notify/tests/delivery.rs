//! Delivering the outbox for real: e-mail to an SMTP server on loopback
//! (aiosmtpd), SMS to a stub of Brevo's API that checks every request and
//! fails on demand. On SQLite, and on PostgreSQL when
//! PORTALIS_TEST_DATABASE_URL names one.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{Duration, TimeZone, Utc};
use portalis_core::clock::{Clock, ManualClock};
use portalis_core::random::SeededRandom;
use portalis_notify::mail::Mail;
use portalis_notify::sms::Sms;
use portalis_notify::worker::{Delivery, Pass, Worker};
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::testing::TestDatabase;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

fn clock() -> ManualClock {
    // Nanoseconds, as the system clock has them.
    ManualClock::at(Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap() + Duration::nanoseconds(123_456_789))
}

async fn enqueue(db: &TestDatabase, m: NewMessage, now: chrono::DateTime<Utc>) {
    let mut tx = db.db.begin().await.unwrap();
    outbox::enqueue(&mut tx, &m, now).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
}

fn email(n: u32) -> NewMessage {
    NewMessage {
        channel: Channel::Email,
        recipient: "marie.delestable@example.org".into(),
        subject: Some(format!("Votre numéro d'identification n°{n}")),
        body: "Bonjour Marie DELESTABLE,\n\nVotre numéro d'identification : PJTK5SY2ZZPJ\n".into(),
        kind: "identification_number".into(),
        secret: Some("PJTK5SY2ZZPJ".into()),
        party_id: None,
    }
}

fn sms(n: u32) -> NewMessage {
    NewMessage {
        channel: Channel::Sms,
        recipient: "+262692000042".into(),
        subject: None,
        body: format!("Portail du justiciable : votre code est {n:07}. Il est valable 10 minutes."),
        kind: "attach_code".into(),
        secret: Some(format!("{n:07}")),
        party_id: None,
    }
}

async fn statuses(db: &TestDatabase) -> Vec<(String, i64)> {
    let mut conn = db.db.read().await.unwrap();
    sqlx::query_as("SELECT status, attempts FROM outbox ORDER BY id").fetch_all(&mut *conn).await.unwrap()
}

/// An SMTP server on loopback, started on demand: until then its port
/// refuses connections (a server that is down).
///
/// The port stays reserved from the start: a socket bound to it, never
/// listening, is kept until the server listens beside it (both allow the
/// address's reuse). Other tests, in this process or another run of the
/// suite beside it, are never given the port meanwhile.
struct SmtpSink {
    child: Option<Child>,
    reserved: Option<tokio::net::TcpSocket>,
    port: u16,
    dir: PathBuf,
}

impl SmtpSink {
    fn new() -> Self {
        let reserved = tokio::net::TcpSocket::new_v4().unwrap();
        reserved.set_reuseaddr(true).unwrap();
        reserved.bind(([127, 0, 0, 1], 0).into()).unwrap();
        let port = reserved.local_addr().unwrap().port();
        // The port is this sink's while it lives: the folder's name is too.
        let dir = std::env::temp_dir().join(format!("portalis-smtp-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self { child: None, reserved: Some(reserved), port, dir }
    }

    fn start(&mut self) {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .args([script, &self.port.to_string(), &self.dir.display().to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 with aiosmtpd (the test command installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start (pip install aiosmtpd)");
        self.child = Some(child);
        self.reserved = None;
    }

    fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    fn received(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(&self.dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
    }

    fn mail(&self) -> Mail {
        Mail::smtp(
            &format!("smtp://127.0.0.1:{}", self.port),
            "Portail du justiciable <ne-pas-repondre@portalis.example>",
        )
        .unwrap()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test]
async fn an_e_mail_reaches_the_smtp_server_once() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let mut sink = SmtpSink::new();
    sink.start();
    enqueue(&db, email(1), clock.now()).await;
    let worker = Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(5)),
        Delivery { mail: sink.mail(), sms: Sms::DevOutbox },
    );
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 1, retried: 0, failed: 0 });
    assert_eq!(worker.run_once().await.unwrap(), Pass::default(), "nothing twice");
    let received = sink.received();
    assert_eq!(received.len(), 1);
    let m = &received[0];
    assert!(m.contains("To: marie.delestable@example.org"));
    assert!(
        m.contains("From: \"Portail du justiciable\" <ne-pas-repondre@portalis.example>")
            || m.contains("From: Portail du justiciable <ne-pas-repondre@portalis.example>")
    );
    assert!(m.contains("Subject:"));
    assert!(m.contains("MIME-Version: 1.0"), "RFC 2045: a message with Content-Type says its MIME version\n{m}");
    let id = message_id(m);
    assert!(
        id.starts_with("<portalis-")
            && id.ends_with("@portalis.example>")
            && id.len() == "<portalis-@portalis.example>".len() + 32,
        "{id}"
    );
    assert_eq!(statuses(&db).await, [("sent".to_owned(), 1)]);
}

/// The `Message-ID` header of a received message.
fn message_id(message: &str) -> String {
    message.lines().find_map(|l| l.strip_prefix("Message-ID: ")).expect("a Message-ID").trim().to_owned()
}

/// The same message (id 1 of a fresh database) sent by two deployments, or
/// by one whose database was started afresh, is not a duplicate for mail
/// systems: its `Message-ID` is drawn at random, once, and kept across
/// attempts.
#[tokio::test]
async fn message_ids_are_unique_across_databases_and_kept_across_attempts() {
    let mut sink = SmtpSink::new();
    let clock = clock();
    let mut ids = Vec::new();
    for seed in [1, 2] {
        let db = TestDatabase::new().await;
        enqueue(&db, email(1), clock.now()).await;
        let worker = Worker::new(
            db.db.clone(),
            Arc::new(clock.clone()),
            Arc::new(SeededRandom::new(seed)),
            Delivery { mail: sink.mail(), sms: Sms::DevOutbox },
        );
        if ids.is_empty() {
            // The server is down at the first attempt: the retry keeps the id.
            assert_eq!(worker.run_once().await.unwrap().retried, 1);
            let (first,): (String,) = {
                let mut conn = db.db.read().await.unwrap();
                sqlx::query_as("SELECT reference FROM outbox").fetch_one(&mut *conn).await.unwrap()
            };
            sink.start();
            clock.advance(Duration::seconds(31));
            assert_eq!(worker.run_once().await.unwrap().sent, 1);
            ids.push(message_id(&sink.received()[0]));
            assert_eq!(ids[0], format!("<{first}@portalis.example>"), "the id drawn at the first attempt");
        } else {
            assert_eq!(worker.run_once().await.unwrap().sent, 1);
            ids.push(message_id(&sink.received()[1]));
        }
    }
    assert_ne!(ids[0], ids[1], "message 1 of two databases: two ids");
}

/// What is left of a message's secret in the database once it is delivered
/// or given up: the body without it.
async fn stored_bodies(db: &TestDatabase) -> Vec<String> {
    let mut conn = db.db.read().await.unwrap();
    let rows: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT body, secret FROM outbox ORDER BY id").fetch_all(&mut *conn).await.unwrap();
    assert!(rows.iter().all(|(_, secret)| secret.is_none()), "no secret kept beside the body");
    rows.into_iter().map(|(b, _)| b).collect()
}

#[tokio::test]
async fn a_delivered_message_keeps_no_number_and_no_code_in_the_database() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let mut sink = SmtpSink::new();
    sink.start();
    let stub = Stub::default();
    let url = start_stub(stub.clone()).await;
    enqueue(&db, email(1), clock.now()).await;
    enqueue(&db, sms(2340978), clock.now()).await;
    let worker = Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(3)),
        Delivery { mail: sink.mail(), sms: Sms::brevo(&url, "test-key", "Justice").unwrap() },
    );
    assert_eq!(worker.run_once().await.unwrap().sent, 2);
    assert!(sink.received()[0].contains("PJTK5SY2ZZPJ"), "the person got his number");
    assert!(stub.received.lock().unwrap()[0]["content"].as_str().unwrap().contains("2340978"), "and his code");
    let bodies = stored_bodies(&db).await;
    assert!(!bodies[0].contains("PJTK5SY2ZZPJ") && !bodies[1].contains("2340978"), "{bodies:?}");
    assert!(
        bodies[0].contains("Votre numéro d'identification : ") && bodies[1].contains("votre code est "),
        "the rest is kept: {bodies:?}"
    );
}

#[tokio::test]
async fn a_message_given_up_keeps_no_secret_either() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let url = start_stub(Stub { refuse: true, ..Stub::default() }).await;
    enqueue(&db, sms(2340978), clock.now()).await;
    let worker = sms_worker(&db, &clock, &url);
    assert_eq!(worker.run_once().await.unwrap().failed, 1);
    assert!(!stored_bodies(&db).await[0].contains("2340978"));
}

#[tokio::test]
async fn the_development_outbox_keeps_showing_them() {
    let db = TestDatabase::new().await;
    let clock = clock();
    enqueue(&db, sms(2340978), clock.now()).await;
    let worker = Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(3)),
        Delivery { mail: Mail::DevOutbox, sms: Sms::DevOutbox },
    );
    assert_eq!(worker.run_once().await.unwrap().sent, 1);
    let mut conn = db.db.read().await.unwrap();
    let (body,): (String,) = sqlx::query_as("SELECT body FROM outbox").fetch_one(&mut *conn).await.unwrap();
    assert!(body.contains("2340978"), "the demo's outbox is where its codes are read");
}

#[tokio::test]
async fn a_server_that_is_down_and_comes_back_gets_the_message_once() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let mut sink = SmtpSink::new();
    enqueue(&db, email(1), clock.now()).await;
    let worker = Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(5)),
        Delivery { mail: sink.mail(), sms: Sms::DevOutbox },
    );

    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 0, retried: 1, failed: 0 }, "the server is down");
    assert_eq!(statuses(&db).await, [("pending".to_owned(), 1)]);
    sink.start();
    assert_eq!(worker.run_once().await.unwrap(), Pass::default(), "not before its retry time");
    clock.advance(Duration::seconds(31));
    assert_eq!(worker.run_once().await.unwrap(), Pass { sent: 1, retried: 0, failed: 0 });
    clock.advance(Duration::hours(2));
    assert_eq!(worker.run_once().await.unwrap(), Pass::default());
    assert_eq!(sink.received().len(), 1);
    assert_eq!(statuses(&db).await, [("sent".to_owned(), 2)]);
}

#[tokio::test]
async fn a_message_that_never_gets_through_is_given_up_with_its_reason() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let sink = SmtpSink::new();
    enqueue(&db, email(1), clock.now()).await;
    let worker = Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(5)),
        Delivery { mail: sink.mail(), sms: Sms::DevOutbox },
    );
    for _ in 0..10 {
        worker.run_once().await.unwrap();
        clock.advance(Duration::hours(1));
    }
    let mut conn = db.db.read().await.unwrap();
    let (status, attempts, error): (String, i64, Option<String>) =
        sqlx::query_as("SELECT status, attempts, last_error FROM outbox").fetch_one(&mut *conn).await.unwrap();
    assert_eq!((status.as_str(), attempts), ("failed", 10));
    assert!(error.unwrap().contains("temporary failure"));
}

/// A stub of Brevo's transactional SMS API. It checks each request, answers
/// `fail_first` times with 500, then accepts; `refuse` answers 400.
#[derive(Clone, Default)]
struct Stub {
    received: Arc<Mutex<Vec<Value>>>,
    problems: Arc<Mutex<Vec<String>>>,
    fail_first: Arc<Mutex<usize>>,
    refuse: bool,
}

async fn brevo(State(stub): State<Stub>, headers: HeaderMap, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let mut problems = Vec::new();
    if headers.get("api-key").and_then(|v| v.to_str().ok()) != Some("test-key") {
        problems.push("api-key header".to_owned());
    }
    if body["type"] != "transactional" {
        problems.push("type".into());
    }
    if body["sender"] != "Justice" {
        problems.push("sender".into());
    }
    let recipient = body["recipient"].as_str().unwrap_or("");
    if recipient.is_empty() || !recipient.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(format!("recipient {recipient:?}"));
    }
    if !body["content"].as_str().unwrap_or("").starts_with("Portail du justiciable") {
        problems.push("content".into());
    }
    let tag = body["tag"].as_str().unwrap_or("");
    if !(tag.starts_with("portalis-") && tag.len() == "portalis-".len() + 32) {
        problems.push("tag".into());
    }
    stub.problems.lock().unwrap().extend(problems);
    if stub.refuse {
        return (StatusCode::BAD_REQUEST, Json(json!({"code": "invalid_parameter", "message": "recipient"})));
    }
    {
        let mut fail = stub.fail_first.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({"message": "try later"})));
        }
    }
    let mut received = stub.received.lock().unwrap();
    received.push(body);
    (StatusCode::CREATED, Json(json!({"reference": "ref", "messageId": received.len()})))
}

async fn start_stub(stub: Stub) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let app = Router::new().route("/v3/transactionalSMS/sms", post(brevo)).with_state(stub);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    url
}

/// A worker sending SMS through the stub; each with its own random source,
/// as each process has.
fn sms_worker(db: &TestDatabase, clock: &ManualClock, url: &str) -> Worker {
    static SEEDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(100);
    Worker::new(
        db.db.clone(),
        Arc::new(clock.clone()),
        Arc::new(SeededRandom::new(SEEDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed))),
        Delivery { mail: Mail::DevOutbox, sms: Sms::brevo(url, "test-key", "Justice").unwrap() },
    )
}

#[tokio::test]
async fn an_sms_goes_through_the_gateway_with_a_checked_request() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let stub = Stub::default();
    let url = start_stub(stub.clone()).await;
    enqueue(&db, sms(2340978), clock.now()).await;
    assert_eq!(sms_worker(&db, &clock, &url).run_once().await.unwrap().sent, 1);
    assert!(stub.problems.lock().unwrap().is_empty(), "{:?}", stub.problems.lock().unwrap());
    let received = stub.received.lock().unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0]["recipient"], "262692000042");
    assert!(received[0]["content"].as_str().unwrap().contains("2340978"));
}

#[tokio::test]
async fn a_failing_gateway_is_retried_without_duplicates() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let stub = Stub { fail_first: Arc::new(Mutex::new(2)), ..Stub::default() };
    let url = start_stub(stub.clone()).await;
    enqueue(&db, sms(1), clock.now()).await;
    let worker = sms_worker(&db, &clock, &url);
    assert_eq!(worker.run_once().await.unwrap().retried, 1);
    clock.advance(Duration::seconds(31));
    assert_eq!(worker.run_once().await.unwrap().retried, 1);
    clock.advance(Duration::seconds(61));
    assert_eq!(worker.run_once().await.unwrap().sent, 1);
    clock.advance(Duration::hours(1));
    worker.run_once().await.unwrap();
    assert_eq!(stub.received.lock().unwrap().len(), 1);
    assert_eq!(statuses(&db).await, [("sent".to_owned(), 3)]);
}

#[tokio::test]
async fn a_refused_sms_is_given_up_at_once() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let url = start_stub(Stub { refuse: true, ..Stub::default() }).await;
    enqueue(&db, sms(1), clock.now()).await;
    assert_eq!(sms_worker(&db, &clock, &url).run_once().await.unwrap().failed, 1);
    assert_eq!(statuses(&db).await, [("failed".to_owned(), 1)]);
}

#[tokio::test]
async fn two_workers_at_once_send_each_message_once() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let stub = Stub::default();
    let url = start_stub(stub.clone()).await;
    for n in 0..40 {
        enqueue(&db, sms(n), clock.now()).await;
    }
    let (a, b) = (sms_worker(&db, &clock, &url), sms_worker(&db, &clock, &url));
    let (pa, pb) = tokio::join!(a.run_once(), b.run_once());
    assert_eq!(pa.unwrap().sent + pb.unwrap().sent, 40);
    let received = stub.received.lock().unwrap();
    let mut tags: Vec<&str> = received.iter().map(|m| m["tag"].as_str().unwrap()).collect();
    tags.sort();
    tags.dedup();
    assert_eq!(tags.len(), 40);
    assert_eq!(received.len(), 40, "no message sent twice");
}

#[tokio::test]
async fn a_message_claimed_by_a_worker_that_died_is_sent_after_its_lease() {
    let db = TestDatabase::new().await;
    let clock = clock();
    let stub = Stub::default();
    let url = start_stub(stub.clone()).await;
    enqueue(&db, sms(1), clock.now()).await;
    // A worker claims it, then dies.
    let mut tx = db.db.begin().await.unwrap();
    let now = clock.now();
    outbox::claim_due(&mut tx, db.backend(), now, now + portalis_notify::worker::LEASE, 10).await.unwrap();
    portalis_storage::commit(tx).await.unwrap();
    let worker = sms_worker(&db, &clock, &url);
    assert_eq!(worker.run_once().await.unwrap(), Pass::default(), "leased");
    clock.advance(portalis_notify::worker::LEASE + Duration::seconds(1));
    assert_eq!(worker.run_once().await.unwrap().sent, 1);
    assert_eq!(stub.received.lock().unwrap().len(), 1);
}
