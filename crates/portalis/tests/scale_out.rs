//! Scale-out: two `portalis serve` processes on one database, on two ports,
//! as behind a load balancer. A user signed in through one is served by the
//! other (sessions and form tokens live in the database and derive from the
//! shared secret), and the background jobs both processes run deliver each
//! message once. Runs on each backend of the suite (PostgreSQL is the scale
//! path; SQLite in WAL mode also allows several processes).

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Child processes killed when the test ends, however it ends.
struct Processes(Vec<Child>);

impl Drop for Processes {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The real SMTP server of the notification tests.
fn smtp_sink(port: u16, dir: &Path) -> Child {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../portalis-notify/tests/smtp_sink.py");
    let mut child = Command::new("python3")
        .args([script, &port.to_string(), &dir.display().to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 with aiosmtpd (the test command installs it)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready", "the SMTP server did not start");
    child
}

async fn wait_ready(client: &reqwest::Client, url: &str, child: &mut Child) {
    for _ in 0..300 {
        assert!(child.try_wait().unwrap().is_none(), "the process behind {url} exited");
        if let Ok(r) = client.get(url).send().await
            && r.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{url} never answered");
}

fn mails_in(dir: &Path) -> Vec<String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files.iter().map(|f| std::fs::read_to_string(f).unwrap()).collect()
}

#[tokio::test]
async fn two_portals_on_one_database_share_sessions_and_send_each_message_once() {
    let database = portalis_storage::testing::TestDatabase::new().await;
    // The servers' ports are kept until each listens (support::reserved_port).
    let reserved = [(); 4].map(|()| support::reserved_port());
    let [port_a, port_b, port_sim, port_smtp] = [0, 1, 2, 3].map(|i| reserved[i].1);
    let dir = std::env::temp_dir().join(format!("portalis-scale-out-{}-{port_a}", std::process::id()));
    let mail_dir = dir.join("mail");
    std::fs::create_dir_all(&mail_dir).unwrap();
    let (a, b) = (format!("http://127.0.0.1:{port_a}"), format!("http://127.0.0.1:{port_b}"));
    let issuer = format!("http://127.0.0.1:{port_sim}/api/v2");
    let smtp = format!("smtp://127.0.0.1:{port_smtp}");
    let cmd = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalis"));
        c.args(args).envs([
            ("PORTALIS_DATABASE_URL", database.url.as_str()),
            ("PORTALIS_DATA_DIR", dir.to_str().unwrap()),
            ("PORTALIS_SECRET_KEY", "scale-out-secret-key-of-at-least-32-chars"),
            // Both behind one public address (a load balancer would be there).
            ("PORTALIS_PUBLIC_URL", a.as_str()),
            ("PORTALIS_FC_ISSUER", issuer.as_str()),
            ("PORTALIS_FC_CLIENT_ID", "portalis-scale-out"),
            ("PORTALIS_FC_CLIENT_SECRET", "scale-out-client-secret"),
            ("PORTALIS_DELIVERY", "real"),
            ("PORTALIS_SMTP_URL", smtp.as_str()),
            ("PORTALIS_MAIL_FROM", "Portail du justiciable <ne-pas-repondre@portalis.example>"),
            ("PORTALIS_SMS_API_URL", "http://127.0.0.1:9"),
            ("PORTALIS_SMS_API_KEY", "unused"),
            ("PORTALIS_OPERATOR_NAME", "Portalis (essai)"),
            ("PORTALIS_CONTACT_EMAIL", "contact@portalis.example"),
            ("PORTALIS_LOG", "warn"),
        ]);
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c
    };
    let courts = dir.join("courts.csv");
    std::fs::write(&courts, support::COURTS_CSV).unwrap();
    assert!(cmd(&["court", "import", courts.to_str().unwrap()]).status().unwrap().success());
    let key = cmd(&["api-key", "create", "--court", "tj-paris"]).stdout(Stdio::piped()).output().unwrap();
    let key = String::from_utf8(key.stdout).unwrap().trim().to_owned();

    let mut processes = Processes(vec![smtp_sink(port_smtp, &mail_dir)]);
    processes.0.push(cmd(&["fc-sim", "--listen", &format!("127.0.0.1:{port_sim}")]).spawn().unwrap());
    processes.0.push(cmd(&["serve"]).env("PORTALIS_LISTEN", format!("127.0.0.1:{port_a}")).spawn().unwrap());
    processes.0.push(cmd(&["serve"]).env("PORTALIS_LISTEN", format!("127.0.0.1:{port_b}")).spawn().unwrap());
    let plain = reqwest::Client::new();
    wait_ready(&plain, &format!("{issuer}/.well-known/openid-configuration"), &mut processes.0[1]).await;
    wait_ready(&plain, &format!("{a}/readyz"), &mut processes.0[2]).await;
    wait_ready(&plain, &format!("{b}/readyz"), &mut processes.0[3]).await;
    drop(reserved);

    // Twelve parties created through either portal: twelve identification
    // e-mails for the two workers to share.
    let parties = 12;
    for i in 0..parties {
        let base = if i % 2 == 0 { &a } else { &b };
        let r = plain
            .put(format!("{base}/api/v1/cases/k{i}"))
            .bearer_auth(&key)
            .json(&support::the_guides_case())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let mut party = support::marie();
        party["email"] = format!("partie{i}@example.org").into();
        let r = plain
            .put(format!("{base}/api/v1/cases/k{i}/parties/p"))
            .bearer_auth(&key)
            .json(&party)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }

    // Marie signs in through portal A (the simulator sends her back to A)…
    let browser = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let login = browser.get(format!("{a}/connexion")).send().await.unwrap().text().await.unwrap();
    let csrf = support::form_value(&login, "csrf").unwrap();
    let choose = browser
        .post(format!("{a}/connexion/franceconnect"))
        .form(&[("csrf", csrf.as_str()), ("retour", "/mon-espace")])
        .send()
        .await
        .unwrap();
    let interaction = choose.url().to_string();
    assert!(interaction.starts_with(&issuer), "sent to the simulator: {interaction}");
    browser.post(format!("{interaction}/fournisseur")).form(&[("fournisseur", "ameli")]).send().await.unwrap();
    browser
        .post(format!("{interaction}/connexion"))
        .form(&[("nir", support::MARIE_NIR), ("code", "123456")])
        .send()
        .await
        .unwrap();
    let landed = browser.post(format!("{interaction}/confirmation")).send().await.unwrap();
    assert_eq!(landed.url().as_str(), format!("{a}/mon-espace"));
    assert!(landed.text().await.unwrap().contains("Marie"));

    // …and portal B serves her: her space, and a form whose token A issued.
    let space = browser.get(format!("{b}/mon-espace")).send().await.unwrap();
    assert_eq!(space.url().as_str(), format!("{b}/mon-espace"), "not sent to sign in again");
    assert!(space.text().await.unwrap().contains("Marie"));
    let prefs = browser.get(format!("{b}/mon-espace/preferences")).send().await.unwrap().text().await.unwrap();
    let csrf = support::form_value(&prefs, "csrf").unwrap();
    let saved = browser
        .post(format!("{a}/mon-espace/preferences"))
        .form(&[("csrf", csrf.as_str()), ("mises_a_jour", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200, "the form token of B is good at A");
    let (updates, reminders): (i64, i64) = {
        let mut conn = database.db.read().await.unwrap();
        sqlx::query_as("SELECT updates_by_email, reminders_by_sms FROM users").fetch_one(&mut *conn).await.unwrap()
    };
    assert_eq!((updates, reminders), (1, 0), "the choice made through A is recorded");

    // Both workers poll the outbox every 2 seconds; each message leaves once.
    let mut sent = 0;
    for _ in 0..300 {
        let mut conn = database.db.read().await.unwrap();
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").fetch_one(&mut *conn).await.unwrap();
        sent = n;
        if sent == parties {
            break;
        }
        drop(conn);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sent, parties, "every identification e-mail was sent");
    let mails = mails_in(&mail_dir);
    assert_eq!(mails.len(), parties as usize, "one e-mail per party, none twice");
    for i in 0..parties {
        let to = format!("partie{i}@example.org");
        assert_eq!(mails.iter().filter(|m| m.contains(&to)).count(), 1, "{to} got exactly one e-mail");
    }
    let (attempts,): (i64,) = {
        let mut conn = database.db.read().await.unwrap();
        sqlx::query_as("SELECT CAST(SUM(attempts) AS BIGINT) FROM outbox").fetch_one(&mut *conn).await.unwrap()
    };
    assert_eq!(attempts, parties, "no message was attempted twice");
    drop(processes);
    let _ = std::fs::remove_dir_all(&dir);
}
