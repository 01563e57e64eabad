//! « Envoyer ma demande » pressed, and the portal's process killed
//! (SIGKILL) while it sends: after a restart the filing is either sent once
//! — its number, one avis de réception — or still a draft with nothing
//! sent, and sending it again sends it once.

use crate::filings::{a_jaf_request_to_review, token};
use crate::support::{Browser, MARIE_NIR};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A `portalis demo` process on a test database: its address.
struct Portal {
    dir: std::path::PathBuf,
    url: String,
    /// The simulator's address, the same at each start: accounts are keyed
    /// by the provider's issuer, which names it.
    fc_listen: String,
    child: Option<Child>,
}

impl Portal {
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalis"));
        c.args(args)
            .arg("--data-dir")
            .arg(&self.dir)
            .env("PORTALIS_DATABASE_URL", &self.url)
            .env("PORTALIS_LOG", "warn");
        c
    }

    /// Starts the demo (again): the portal's base URL.
    fn start(&mut self) -> String {
        let mut child = self
            .cmd(&["demo", "--listen", "127.0.0.1:0", "--fc-listen", &self.fc_listen])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        self.child = Some(child);
        line.trim().rsplit(' ').next().unwrap().trim_end_matches('/').to_owned()
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            c.kill().unwrap(); // SIGKILL
            c.wait().unwrap();
        }
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The avis de réception in the demo's outbox sent to Marie's address.
async fn avis_to_marie(b: &Browser) -> usize {
    let items: serde_json::Value = b.get("/_dev/outbox.json").await.json().await.unwrap();
    items
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["to"] == "marie.delestable@exemple.fr"
                && m["subject"].as_str().is_some_and(|s| s.starts_with("Avis de réception de votre demande"))
        })
        .count()
}

#[tokio::test]
async fn a_portal_killed_while_sending_sends_the_filing_once_or_not_at_all() {
    let database = portalis_storage::testing::TestDatabase::new().await;
    let dir = std::env::temp_dir().join(format!("portalis-send-kill-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let fc_port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut portal = Portal { dir, url: database.url.clone(), fc_listen: format!("127.0.0.1:{fc_port}"), child: None };
    // The kill lands before, during or after the sending's transaction;
    // each round's filing is Marie's `sent_before + 1`-th sent.
    for (sent_before, delay_ms) in [0u64, 3, 8, 20, 60].into_iter().enumerate() {
        let base = portal.start();
        let marie = Browser::at(&base);
        marie.login_as(MARIE_NIR).await;
        let review = a_jaf_request_to_review(&marie).await;
        let draft = review.trim_end_matches("/verification").to_owned();
        let csrf = token(&marie, &review).await;
        let send = review.replace("/verification", "/envoi");
        let presses: Vec<_> = (0..3)
            .map(|_| {
                let (client, url, csrf) = (marie.client.clone(), format!("{base}{send}"), csrf.clone());
                tokio::spawn(async move {
                    let _ = client.post(url).form(&[("csrf", csrf.as_str()), ("certifie", "1")]).send().await;
                })
            })
            .collect();
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        portal.kill();
        for p in presses {
            let _ = p.await;
        }

        let base = portal.start();
        let marie = Browser::at(&base);
        marie.login_as(MARIE_NIR).await;
        let page = marie.get(&draft).await.text().await.unwrap();
        let sent = page.contains("Avis électronique de réception");
        let avis = avis_to_marie(&marie).await;
        eprintln!("killed after {delay_ms} ms: sent {sent}");
        assert_eq!(avis, sent_before + usize::from(sent), "{delay_ms} ms: one avis if sent, none if not");
        if !sent {
            assert!(page.contains("Ce brouillon n'a pas été envoyé"), "{delay_ms} ms: still a draft: {page}");
            let csrf = token(&marie, &review).await;
            let r = marie.post(&send, &[("csrf", &csrf), ("certifie", "1")]).await;
            assert_eq!(r.status(), 303);
            assert_eq!(avis_to_marie(&marie).await, sent_before + 1, "sent again, once");
        }
        portal.kill();
    }
}
