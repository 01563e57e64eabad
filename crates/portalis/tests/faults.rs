//! Faults: the database goes away and comes back; the portal is killed in
//! the middle of a bulk import.

mod support;

use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use support::{Browser, TestApp};

/// A TCP proxy in front of PostgreSQL. Cut, it closes every connection and
/// stops listening (connections are refused, as when a server is down);
/// restored, it listens on the same port again.
struct Proxy {
    port: u16,
    down: tokio::sync::watch::Sender<bool>,
    links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let first = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = first.local_addr().unwrap().port();
        let (down, mut state) = tokio::sync::watch::channel(false);
        let links: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let l = links.clone();
        tokio::spawn(async move {
            let mut listener = Some(first);
            loop {
                match &listener {
                    Some(active) => tokio::select! {
                        accepted = active.accept() => {
                            let Ok((mut client, _)) = accepted else { continue };
                            let upstream = upstream.clone();
                            l.lock().unwrap().push(tokio::spawn(async move {
                                if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                                    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                                }
                            }));
                        }
                        changed = state.changed() => {
                            if changed.is_err() { return; }
                            if *state.borrow() { listener = None; }
                        }
                    },
                    None => {
                        if state.changed().await.is_err() {
                            return;
                        }
                        if !*state.borrow() {
                            listener = Some(tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap());
                        }
                    }
                }
            }
        });
        Self { port, down, links }
    }

    fn cut(&self) {
        self.down.send_replace(true);
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.down.send_replace(false);
    }
}

#[tokio::test]
async fn the_database_goes_away_and_comes_back_without_a_restart() {
    let app = TestApp::spawn().await;
    let url = app.database.url.clone();
    if !url.starts_with("postgres") {
        // With SQLite the database is a file inside the process: it cannot go
        // away on its own. This fault is exercised in the PostgreSQL pass.
        return;
    }
    // The same database, through the proxy.
    let rest = url.split_once("://").unwrap().1;
    let (authority, path) = rest.split_once('/').unwrap();
    let host = authority.rsplit('@').next().unwrap();
    let proxy = Proxy::start(host.to_owned()).await;
    let proxied = url.replace(&format!("{host}/{path}"), &format!("127.0.0.1:{}/{path}", proxy.port));
    let mut config = (*app.services.config).clone();
    config.storage.database_url = proxied;
    let services = portalis::app::Services::open(
        config,
        Arc::new(app.clock.clone()),
        Arc::new(portalis_core::random::SeededRandom::new(3)),
    )
    .await
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let router = portalis::app::router(&services, portalis::app::providers(&services.config).unwrap());
    tokio::spawn(async move {
        portalis::app::serve(listener, router, &Default::default(), std::future::pending()).await.unwrap()
    });
    let client = reqwest::Client::new();
    let get = |p: &str| client.get(format!("{base}{p}")).send();

    assert_eq!(get("/annuaire").await.unwrap().status(), 200);
    proxy.cut();
    tokio::task::yield_now().await;
    let page = get("/annuaire").await.unwrap();
    assert_eq!(page.status(), 503);
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.text().await.unwrap().contains("Le service est momentanément indisponible"));
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<serde_json::Value>().await.unwrap()["database"], "unavailable");
    let api = client.get(format!("{base}/api/v1/cases/x")).bearer_auth(&app.key).send().await.unwrap();
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    proxy.restore();
    tokio::task::yield_now().await;
    let mut recovered = false;
    for _ in 0..3 {
        if get("/annuaire").await.unwrap().status() == 200 {
            recovered = true;
            break;
        }
    }
    assert!(recovered, "the portal recovers without a restart");
    assert_eq!(get("/readyz").await.unwrap().status(), 200);
    drop(Browser::new(&app));
}

#[tokio::test]
async fn an_import_killed_midway_leaves_nothing_half_written_and_can_be_rerun() {
    let database = portalis_storage::testing::TestDatabase::new().await;
    let dir = std::env::temp_dir().join(format!("portalis-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalis"));
        c.args(args)
            .arg("--data-dir")
            .arg(&dir)
            .env("PORTALIS_DATABASE_URL", &database.url)
            .env("PORTALIS_LOG", "warn");
        c
    };
    let courts = dir.join("courts.csv");
    std::fs::write(&courts, support::COURTS_CSV).unwrap();
    assert!(run(&["court", "import", courts.to_str().unwrap()]).status().unwrap().success());
    let mut lines = String::new();
    let n = 3000;
    for i in 0..n {
        let mut case = serde_json::json!({"type": "case", "case_ref": format!("K{i}")});
        case.as_object_mut().unwrap().extend(support::the_guides_case().as_object().unwrap().clone());
        lines.push_str(&case.to_string());
        lines.push('\n');
    }
    let file = dir.join("cases.ndjson");
    std::fs::write(&file, lines).unwrap();

    let mut child = run(&["import", "--court", "tj-paris", file.to_str().unwrap()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(400));
    let _ = child.kill(); // SIGKILL
    let status = child.wait().unwrap();
    let count = || async {
        let mut conn = database.db.read().await.unwrap();
        let (c,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM cases").fetch_one(&mut *conn).await.unwrap();
        c
    };
    let after_kill = count().await;
    if status.success() {
        assert_eq!(after_kill, n, "the import finished before the kill: all of it");
    } else {
        // Killed before its commit: none of it; killed between its commit
        // and its exit: all of it. Never a part.
        assert!(after_kill == 0 || after_kill == n, "killed: nothing half-written, found {after_kill} of {n}");
    }
    let again = run(&["import", "--court", "tj-paris", file.to_str().unwrap()]).output().unwrap();
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert_eq!(count().await, n);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_portal_killed_during_an_upload_keeps_no_half_written_document() {
    use std::io::{BufRead, BufReader};
    use tokio::io::AsyncWriteExt;
    let database = portalis_storage::testing::TestDatabase::new().await;
    let dir = std::env::temp_dir().join(format!("portalis-upload-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cmd = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalis"));
        c.args(args)
            .arg("--data-dir")
            .arg(&dir)
            .env("PORTALIS_DATABASE_URL", &database.url)
            .env("PORTALIS_LOG", "warn");
        c
    };
    let courts = dir.join("courts.csv");
    std::fs::write(&courts, support::COURTS_CSV).unwrap();
    assert!(cmd(&["court", "import", courts.to_str().unwrap()]).status().unwrap().success());
    let key = String::from_utf8(cmd(&["api-key", "create", "--court", "tj-paris"]).output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
    let start = || {
        let mut child =
            cmd(&["demo", "--listen", "127.0.0.1:0", "--fc-listen", "127.0.0.1:0", "--pc-listen", "127.0.0.1:0"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        (child, line.trim().rsplit(' ').next().unwrap().trim_end_matches('/').to_owned())
    };
    let (mut portal, base) = start();
    let client = reqwest::Client::new();
    let r = client
        .put(format!("{base}/api/v1/cases/k1"))
        .bearer_auth(&key)
        .json(&support::the_guides_case())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    // Half a multipart upload, then the portal dies.
    let boundary = "portalis-boundary";
    let file = support::pdf(1).repeat(2000);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n{}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n",
        serde_json::json!({"title": "Convocation", "kind": "convocation", "issued_on": "2026-11-20"})
    )
    .into_bytes();
    let host = base.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&host).await.unwrap();
    let total = body.len() + file.len() + boundary.len() + 8;
    let head = format!(
        "PUT /api/v1/cases/k1/documents/d1 HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {key}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body).await.unwrap();
    stream.write_all(&file[..file.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    portal.kill().unwrap(); // SIGKILL
    portal.wait().unwrap();

    let (mut portal, base) = start();
    let r = client.get(format!("{base}/api/v1/cases/k1/documents/d1")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status(), 404, "nothing half-written is visible");
    let r = client.get(format!("{base}/api/v1/cases/k1")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(r.status(), 200, "the acknowledged write is there");
    let form = reqwest::multipart::Form::new()
        .text(
            "metadata",
            serde_json::json!({"title": "Convocation", "kind": "convocation", "issued_on": "2026-11-20"}).to_string(),
        )
        .part("file", reqwest::multipart::Part::bytes(file).file_name("a.pdf").mime_str("application/pdf").unwrap());
    let r = client
        .put(format!("{base}/api/v1/cases/k1/documents/d1"))
        .bearer_auth(&key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "the upload can be made again");
    portal.kill().unwrap();
    portal.wait().unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn clients_that_hang_up_while_their_writes_wait_leave_the_database_writable() {
    let app = TestApp::spawn().await;
    app.publish_the_guides_case().await;
    // Many writes at once, each client hanging up after a few
    // milliseconds: some while their request waits for the write lock.
    let client = reqwest::Client::new();
    let writes: Vec<_> = (0..120u64)
        .map(|n| {
            let mut event = support::hearing();
            event["label"] = format!("Audience {n}").into();
            client
                .put(app.url(&format!("/api/v1/cases/2018-01234/events/hangup-{n}")))
                .bearer_auth(&app.key)
                .timeout(std::time::Duration::from_millis(1 + n % 12))
                .json(&event)
                .send()
        })
        .collect();
    let _ = futures::future::join_all(writes).await;
    // What comes next is written, by the pages' writers and the scheduler.
    for n in 0..5 {
        let r = app.put_json(&format!("/api/v1/cases/2018-01234/events/after-{n}"), &support::hearing()).await;
        assert_eq!(r.status(), 201, "a write after the hang-ups");
    }
    app.schedule().await;
}
