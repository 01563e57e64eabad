//! How many round trips to PostgreSQL a page costs when it is read afresh
//! (a first view: the page cache off), counted on the wire by a proxy
//! between the portal and the server: every `Sync` and every simple
//! `Query` the portal sends is a round trip, since it then waits for the
//! server's `ReadyForQuery`. A signed-in page reads in two: the session
//! with what its realm reads at every request, then the page's own reads
//! in one batch (`portalis_storage::batch`). On a real network each round
//! trip costs a fraction of a millisecond or more; the count is what the
//! database on its own machine would charge.
//!
//! On SQLite the database is in the process and there is no round trip;
//! the statements a page runs there are counted by `tests/queries.rs`.

mod support;

use portalis::app::{self, Services};
use portalis_core::random::SeededRandom;
use portalis_core::staff::Role;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{Browser, TestApp, form_value, local_links, marie_with_her_cases_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A TCP proxy in front of PostgreSQL that counts the round trips its
/// clients start.
struct Wire {
    port: u16,
    round_trips: Arc<AtomicUsize>,
}

impl Wire {
    async fn start(upstream: String) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let round_trips = Arc::new(AtomicUsize::new(0));
        let counter = round_trips.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let (upstream, counter) = (upstream.clone(), counter.clone());
                tokio::spawn(async move {
                    let Ok(server) = tokio::net::TcpStream::connect(upstream).await else { return };
                    let (mut client_read, mut client_write) = client.into_split();
                    let (mut server_read, mut server_write) = server.into_split();
                    let answers = tokio::spawn(async move {
                        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                    });
                    let _ = forward_counting(&mut client_read, &mut server_write, &counter).await;
                    answers.abort();
                });
            }
        });
        Self { port, round_trips }
    }

    fn count(&self) -> usize {
        self.round_trips.load(Ordering::SeqCst)
    }
}

/// Copies what a client sends, message by message (PostgreSQL's frontend
/// protocol), counting its `Sync` and `Query` messages. The first messages
/// have no type byte: an SSL or GSS encryption request (answered with one
/// byte, then the real start-up follows) and the start-up message.
async fn forward_counting(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    counter: &AtomicUsize,
) -> std::io::Result<()> {
    const SSL_REQUEST: u32 = 80_877_103;
    const GSS_REQUEST: u32 = 80_877_104;
    let mut started = false;
    loop {
        let mut head = [0u8; 5];
        if started {
            from.read_exact(&mut head).await?;
        } else {
            from.read_exact(&mut head[1..]).await?;
        }
        let length = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; length.saturating_sub(4)];
        from.read_exact(&mut body).await?;
        if started {
            if matches!(head[0], b'S' | b'Q') {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            to.write_all(&head).await?;
        } else {
            let code = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
            started = !matches!(code, SSL_REQUEST | GSS_REQUEST);
            to.write_all(&head[1..]).await?;
        }
        to.write_all(&body).await?;
    }
}

/// A second portal on the app's database through the counting proxy, the
/// page cache off, behind the same public address (cookies are per host,
/// so the app's browsers are signed in on it too); `None` on SQLite.
async fn portal_through_the_wire(app: &TestApp) -> Option<(String, Wire)> {
    let url = app.database.url.clone();
    if !url.starts_with("postgres") {
        return None;
    }
    let rest = url.split_once("://").unwrap().1;
    let (authority, path) = rest.split_once('/').unwrap();
    let host = authority.rsplit('@').next().unwrap();
    let wire = Wire::start(host.to_owned()).await;
    let proxied = url.replace(&format!("{host}/{path}"), &format!("127.0.0.1:{}/{path}", wire.port));
    // In clear, for the proxy to read the messages (Debian's server offers
    // TLS, which the client would otherwise take).
    let proxied = format!("{proxied}{}sslmode=disable", if proxied.contains('?') { '&' } else { '?' });
    let dir = app.dir.join("through-the-wire");
    std::fs::create_dir_all(&dir).unwrap();
    let mut settings = vec![
        ("PORTALIS_PUBLIC_URL", app.address.as_str()),
        ("PORTALIS_FC_ISSUER", app.issuer.as_str()),
        ("PORTALIS_PAGE_CACHE_MB", "0"),
    ];
    settings.extend_from_slice(support::CONSOLE_SETTINGS);
    let config = support::config_with(&proxied, &dir, &settings);
    let services = Services::open(config, Arc::new(app.clock.clone()), Arc::new(SeededRandom::new(8))).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let router = app::router(&services, app::providers(&services.config).unwrap());
    tokio::spawn(
        async move { app::serve(listener, router, &Default::default(), std::future::pending()).await.unwrap() },
    );
    Some((address, wire))
}

/// The round trips of a page: the fewest of three loads, so that a
/// connection the pool happens to open (its start-up and checks) is not
/// counted.
async fn round_trips(wire: &Wire, browser: &Browser, url: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let before = wire.count();
        let r = browser.get(url).await;
        assert_eq!(r.status(), 200, "{url}");
        r.bytes().await.unwrap();
        fewest = fewest.min(wire.count() - before);
    }
    fewest
}

#[tokio::test]
async fn a_litigants_pages_read_afresh_cost_two_round_trips_to_postgresql() {
    let (app, marie) = marie_with_her_cases_with(support::CONSOLE_SETTINGS).await;
    let Some((base, wire)) = portal_through_the_wire(&app).await else { return };
    let space = marie.get("/mon-espace").await.text().await.unwrap();
    let cases: Vec<String> = local_links(&space).into_iter().filter(|l| l.starts_with("/dossiers/")).collect();
    assert!(cases.len() >= 2, "Marie follows several cases");
    let case = &cases[0];
    // The first consultation of a case records a fact (a write): count the
    // next ones.
    marie.get(case).await;
    let csrf = form_value(&marie.get("/demarches").await.text().await.unwrap(), "csrf").unwrap();
    let started = marie.post("/demarches/protection_majeur", &[("csrf", &csrf)]).await;
    assert_eq!(started.status(), 303);
    let step = started.headers()["location"].to_str().unwrap().to_owned();

    for (page, path) in [
        ("Mes dossiers", "/mon-espace"),
        ("a case", case.as_str()),
        ("Mes démarches", "/mes-demarches"),
        ("a step", &step),
    ] {
        let n = round_trips(&wire, &marie, &format!("{base}{path}")).await;
        eprintln!("round trips: {page} {n}");
        assert!(n <= 2, "{page} read afresh costs {n} round trips");
        assert!(n >= 1, "{page}: the round trips are counted");
    }
}

#[tokio::test]
async fn the_consoles_party_page_reads_in_two_round_trips_and_journals_in_one() {
    let (app, _marie) = marie_with_her_cases_with(support::CONSOLE_SETTINGS).await;
    let Some((base, wire)) = portal_through_the_wire(&app).await else { return };
    let agent = app.agent("paul.hoarau@justice.example.org", "tj-saint-denis-reunion", Role::Sauj).await;
    let found = agent.get("/juridiction/recherche?q=DELESTABLE").await.text().await.unwrap();
    let party = local_links(&found).into_iter().find(|l| l.starts_with("/juridiction/parties/")).expect("Marie found");
    let n = round_trips(&wire, &agent, &format!("{base}{party}")).await;
    eprintln!("round trips: the console's party page {n}");
    assert!(n <= 3, "the party page costs {n} round trips: two reads and the journal's line");
    assert!(n >= 2, "the view is journaled");
}
