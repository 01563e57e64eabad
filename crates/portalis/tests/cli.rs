//! The `portalis` binary as an operator runs it.

mod support;

use portalis_storage::testing::TestDatabase;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

struct Cli {
    database: TestDatabase,
    dir: PathBuf,
}

impl Cli {
    async fn new() -> Self {
        let database = TestDatabase::new().await;
        let dir = std::env::temp_dir().join(format!(
            "portalis-cli-{}",
            portalis_core::random::RandomSource::hex(&portalis_core::random::OsRandom, 8)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Self { database, dir }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_portalis"));
        c.args(args)
            .arg("--data-dir")
            .arg(&self.dir)
            .env("PORTALIS_DATABASE_URL", &self.database.url)
            .env("PORTALIS_LOG", "warn");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    async fn count(&self, table: &str) -> i64 {
        let mut conn = self.database.db.reader().acquire().await.unwrap();
        let (n,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(&mut *conn).await.unwrap();
        n
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn courts_are_imported_from_csv_and_listed_code_first() {
    let cli = Cli::new().await;
    let csv = cli.write("courts.csv", support::COURTS_CSV);
    let o = cli.run(&["court", "import", &csv]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "courts: 2 created, 0 updated, 0 unchanged");
    let again = cli.run(&["court", "import", &csv]);
    assert_eq!(stdout(&again).trim(), "courts: 0 created, 0 updated, 2 unchanged");
    let list = cli.run(&["court", "list"]);
    let lines: Vec<String> = stdout(&list).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("tj-paris\tTribunal judiciaire de Paris\t"));
    assert!(lines[1].starts_with("tj-saint-denis-reunion\t"));
    assert!(lines[1].ends_with("Indian/Reunion"));
}

/// The courts a filing is proposed to, from where the litigant lives.
async fn courts_for(cli: &Cli, postcode: &str) -> Vec<String> {
    use portalis_core::court::CourtKind;
    use portalis_core::postcode::PostCode;
    let mut conn = cli.database.db.read().await.unwrap();
    let code = PostCode::parse(postcode).unwrap();
    let found = portalis_storage::courts::for_postcode(&mut conn, &code, CourtKind::TribunalJudiciaire).await.unwrap();
    found.into_iter().map(|c| c.details.code.as_str().to_owned()).collect()
}

#[tokio::test]
async fn a_courts_territory_is_imported_with_it_and_names_the_court_of_a_postal_code() {
    let cli = Cli::new().await;
    let with = |territories: [&str; 2]| {
        let mut lines = support::COURTS_CSV.lines();
        let header = format!("{},territory\n", lines.next().unwrap());
        let body: String = lines.zip(territories).map(|(l, t)| format!("{l},\"{t}\"\n")).collect();
        header + &body
    };
    let csv = cli.write("courts.csv", &with(["97400 97490 97417", "75001, 75017;75116"]));
    let o = cli.run(&["court", "import", &csv]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(courts_for(&cli, "97490").await, ["tj-saint-denis-reunion"]);
    assert_eq!(courts_for(&cli, "75116").await, ["tj-paris"]);
    assert!(courts_for(&cli, "33000").await.is_empty(), "no court's territory");
    assert_eq!(stdout(&cli.run(&["court", "import", &csv])).trim(), "courts: 0 created, 0 updated, 2 unchanged");

    // A new territory replaces the old one; a file without the column
    // leaves territories as they are.
    let csv = cli.write("courts.csv", &with(["97400 97438", ""]));
    assert_eq!(stdout(&cli.run(&["court", "import", &csv])).trim(), "courts: 0 created, 2 updated, 0 unchanged");
    assert_eq!(courts_for(&cli, "97438").await, ["tj-saint-denis-reunion"]);
    assert!(courts_for(&cli, "97490").await.is_empty() && courts_for(&cli, "75116").await.is_empty());
    let plain = cli.write("plain.csv", support::COURTS_CSV);
    assert_eq!(stdout(&cli.run(&["court", "import", &plain])).trim(), "courts: 0 created, 0 updated, 2 unchanged");
    assert_eq!(courts_for(&cli, "97438").await, ["tj-saint-denis-reunion"]);

    let bad = cli.write("bad.csv", &with(["97400 9749", "75001"]));
    let o = cli.run(&["court", "import", &bad]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 2") && stderr(&o).contains("territory"), "{}", stderr(&o));
    assert_eq!(courts_for(&cli, "75001").await, Vec::<String>::new(), "nothing of the bad file");
}

/// The demo's courts come with their territories: 97400 is Saint-Denis.
#[tokio::test]
async fn the_demo_courts_territories_propose_their_court() {
    let cli = Cli::new().await;
    let csv = cli.write("courts.csv", include_str!("../src/demo/courts.csv"));
    assert!(cli.run(&["court", "import", &csv]).status.success());
    assert_eq!(courts_for(&cli, "97400").await, ["tj-saint-denis-reunion"]);
    assert_eq!(courts_for(&cli, "97110").await, ["tj-pointe-a-pitre"]);
    assert_eq!(courts_for(&cli, "75017").await, ["tj-paris"]);
}

#[tokio::test]
async fn a_court_csv_with_a_bad_line_imports_nothing_and_names_the_line() {
    let cli = Cli::new().await;
    let csv = cli.write(
        "courts.csv",
        &format!("{}tj-nowhere,Tribunal de nulle part,tribunal_imaginaire,,,,,,,,Mars/Olympus\n", support::COURTS_CSV),
    );
    let o = cli.run(&["court", "import", &csv]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 4"), "{}", stderr(&o));
    assert!(stderr(&o).contains("kind"));
    assert!(stderr(&o).contains("time_zone"));
    assert_eq!(cli.count("courts").await, 0);
}

#[tokio::test]
async fn an_api_key_is_printed_once_alone_on_its_line_and_stored_hashed() {
    let cli = Cli::new().await;
    cli.run(&["court", "import", &cli.write("courts.csv", support::COURTS_CSV)]);
    let o = cli.run(&["api-key", "create", "--court", "tj-paris"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1);
    let key = out.trim();
    assert!(key.starts_with("ptl_") && key.len() == 68, "{key}");
    let mut conn = cli.database.db.reader().acquire().await.unwrap();
    let (hash,): (String,) = sqlx::query_as("SELECT key_hash FROM api_keys").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(hash, portalis_core::secret::sha256_hex(key.as_bytes()));
    assert!(!hash.contains(key));

    let unknown = cli.run(&["api-key", "create", "--court", "tj-atlantide"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("tj-atlantide"));
}

#[tokio::test]
async fn records_are_imported_from_ndjson_and_a_bad_file_imports_nothing() {
    let cli = Cli::new().await;
    cli.run(&["court", "import", &cli.write("courts.csv", support::COURTS_CSV)]);
    std::fs::write(cli.dir.join("convocation.pdf"), support::pdf(1)).unwrap();
    let case = serde_json::json!({"type": "case", "case_ref": "2018-01234"});
    let mut case = case.as_object().unwrap().clone();
    case.extend(support::the_guides_case().as_object().unwrap().clone());
    let mut party = serde_json::json!({"type": "party", "case_ref": "2018-01234", "party_ref": "marie"})
        .as_object()
        .unwrap()
        .clone();
    party.extend(support::marie().as_object().unwrap().clone());
    let mut event = serde_json::json!({"type": "event", "case_ref": "2018-01234", "event_ref": "mise-en-etat"})
        .as_object()
        .unwrap()
        .clone();
    event.extend(support::hearing().as_object().unwrap().clone());
    let document = serde_json::json!({"type": "document", "case_ref": "2018-01234", "document_ref": "c1", "file": "convocation.pdf",
        "metadata": {"title": "Convocation", "kind": "convocation", "issued_on": "2026-11-20", "event_ref": "mise-en-etat", "addressees": ["marie"]}});
    let good = [serde_json::Value::Object(case), party.into(), event.into(), document]
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join("\n");

    let bad = cli.write(
        "bad.ndjson",
        &format!(
            "{good}\n{{\"type\": \"event\", \"case_ref\": \"2018-01234\", \"event_ref\": \"x\", \"kind\": \"fete\"}}\n"
        ),
    );
    let o = cli.run(&["import", "--court", "tj-saint-denis-reunion", &bad]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("line 5"), "{}", stderr(&o));
    assert_eq!(cli.count("cases").await, 0);

    let file = cli.write("good.ndjson", &good);
    let o = cli.run(&["import", "--court", "tj-saint-denis-reunion", &file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "records: 4 created, 0 updated, 0 unchanged");
    let again = cli.run(&["import", "--court", "tj-saint-denis-reunion", &file]);
    assert_eq!(stdout(&again).trim(), "records: 0 created, 0 updated, 4 unchanged");
    assert_eq!(cli.count("documents").await, 1);
    assert_eq!(cli.count("document_addressees").await, 1);
}

#[tokio::test]
async fn migrate_brings_the_database_up_to_date() {
    let cli = Cli::new().await;
    let o = cli.run(&["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../portalis-storage/migrations/sqlite");
    let files = std::fs::read_dir(dir).unwrap().count() as i64;
    assert_eq!(cli.count("portalis_migrations").await, files, "every migration applied");
}

#[test]
fn serve_refuses_to_start_without_its_settings_and_names_them() {
    let dir = std::env::temp_dir().join("portalis-cli-serve");
    let o = Command::new(env!("CARGO_BIN_EXE_portalis"))
        .args(["serve", "--data-dir"])
        .arg(&dir)
        .env_remove("PORTALIS_PUBLIC_URL")
        .env_remove("PORTALIS_SECRET_KEY")
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(stderr(&o).contains("PORTALIS_PUBLIC_URL is required"), "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_portalis"))
        .args(["serve", "--data-dir"])
        .arg(&dir)
        .env("PORTALIS_PUBLIC_URL", "https://justice.example")
        .env_remove("PORTALIS_SECRET_KEY")
        .output()
        .unwrap();
    assert!(stderr(&o).contains("PORTALIS_SECRET_KEY is required"), "{}", stderr(&o));
}

#[test]
fn every_subcommand_has_help() {
    for args in [
        &["--help"][..],
        &["demo", "--help"],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["court", "list", "--help"],
        &["court", "import", "--help"],
        &["api-key", "create", "--help"],
        &["import", "--help"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_portalis")).args(args).output().unwrap();
        assert!(o.status.success(), "{args:?}");
        assert!(stdout(&o).contains("--data-dir"), "{args:?}");
    }
}

#[tokio::test]
async fn the_demo_serves_the_guides_world_and_stops_cleanly_on_sigterm() {
    let cli = Cli::new().await;
    let mut child = cli
        .command(&["demo", "--listen", "127.0.0.1:0", "--fc-listen", "127.0.0.1:0", "--pc-listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{line}");
    let health = reqwest::get(format!("{url}healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let home = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(home.contains("Bienvenue sur le portail du Justiciable."));
    assert!(home.contains("Environnement de démonstration"));
    assert!(cli.count("cases").await >= 5);

    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful exit on SIGTERM: {status:?}");
}

#[tokio::test]
async fn api_keys_are_listed_by_their_first_characters_and_revoked_by_id() {
    let cli = Cli::new().await;
    let csv = cli.write("courts.csv", support::COURTS_CSV);
    assert!(cli.run(&["court", "import", &csv]).status.success());
    let first = stdout(&cli.run(&["api-key", "create", "--court", "tj-paris"])).trim().to_owned();
    let second = stdout(&cli.run(&["api-key", "create", "--court", "tj-saint-denis-reunion"])).trim().to_owned();
    let list = stdout(&cli.run(&["api-key", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with(&format!("1\ttj-paris\t{}…\t", &first[..12])), "{list}");
    assert!(lines[0].ends_with("\tactive"), "{list}");
    assert!(!list.contains(&first) && !list.contains(&second), "never the keys themselves");
    let paris = stdout(&cli.run(&["api-key", "list", "--court", "tj-paris"]));
    assert_eq!(paris.lines().count(), 1);

    let revoked = cli.run(&["api-key", "revoke", "1"]);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    assert!(stdout(&revoked).contains("\trevoked "), "{}", stdout(&revoked));
    let list = stdout(&cli.run(&["api-key", "list"]));
    assert!(list.lines().next().unwrap().contains("\trevoked "), "{list}");
    assert!(list.lines().nth(1).unwrap().ends_with("\tactive"));
    let unknown = cli.run(&["api-key", "revoke", "99"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no API key with id 99"), "{}", stderr(&unknown));
}

#[tokio::test]
async fn court_staff_roles_are_granted_listed_and_withdrawn_per_court() {
    let cli = Cli::new().await;
    let csv = cli.write("courts.csv", support::COURTS_CSV);
    assert!(cli.run(&["court", "import", &csv]).status.success());
    let add = |email: &str, court: &str, role: &str| {
        cli.run(&["staff", "add", "--email", email, "--court", court, "--role", role])
    };
    let o = add(" Paul.Hoarau@Justice.example", "tj-saint-denis-reunion", "sauj");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "tj-saint-denis-reunion\tpaul.hoarau@justice.example\tsauj\n");
    assert!(add("paul.hoarau@justice.example", "tj-saint-denis-reunion", "greffe").status.success(), "changed");
    assert!(add("anne.payet@justice.example", "tj-paris", "admin").status.success());
    let list = stdout(&cli.run(&["staff", "list"]));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(lines[0].starts_with("tj-paris\tanne.payet@justice.example\tadmin\t"), "{list}");
    assert!(lines[1].starts_with("tj-saint-denis-reunion\tpaul.hoarau@justice.example\tgreffe\t"), "{list}");
    assert!(lines[1].ends_with("\tcli"), "{list}");
    assert_eq!(stdout(&cli.run(&["staff", "list", "--court", "tj-paris"])).lines().count(), 1);

    for (bad, says) in [
        (add("paul", "tj-paris", "sauj"), "not an e-mail address"),
        (add("paul@justice.example", "tj-atlantide", "sauj"), "no court with code tj-atlantide"),
        (add("paul@justice.example", "tj-paris", "juge"), "expected sauj, greffe or admin"),
    ] {
        assert!(!bad.status.success());
        assert!(stderr(&bad).contains(says), "{}", stderr(&bad));
    }
    let removed =
        cli.run(&["staff", "remove", "--email", "PAUL.HOARAU@justice.example", "--court", "tj-saint-denis-reunion"]);
    assert!(removed.status.success(), "{}", stderr(&removed));
    assert_eq!(cli.count("staff_roles").await, 1);
    let again =
        cli.run(&["staff", "remove", "--email", "paul.hoarau@justice.example", "--court", "tj-saint-denis-reunion"]);
    assert!(!again.status.success());
    assert!(stderr(&again).contains("has no role"), "{}", stderr(&again));
    let mut conn = cli.database.db.reader().acquire().await.unwrap();
    let audited: Vec<(String,)> =
        sqlx::query_as("SELECT action FROM audit_log WHERE actor = 'cli' AND action LIKE 'staff.%' ORDER BY id")
            .fetch_all(&mut *conn)
            .await
            .unwrap();
    let audited: Vec<&str> = audited.iter().map(|(a,)| a.as_str()).collect();
    assert_eq!(audited, ["staff.grant", "staff.grant", "staff.grant", "staff.revoke"]);
    let unbind = cli.run(&["staff", "unbind", "--email", "anne.payet@justice.example"]);
    assert!(!unbind.status.success(), "she never signed in");
    assert!(stderr(&unbind).contains("bound to no ProConnect identity"), "{}", stderr(&unbind));
}

/// Logs that go to a file or a pipe are plain text: no terminal colour
/// codes for a log collector to store.
#[tokio::test]
async fn logs_to_a_pipe_carry_no_colour_codes() {
    let cli = Cli::new().await;
    let o = cli.command(&["migrate"]).env("PORTALIS_LOG", "debug").output().unwrap();
    assert!(o.status.success());
    let logs = stderr(&o);
    assert!(logs.contains("DEBUG") || logs.contains("INFO"), "something was logged: {logs}");
    assert!(!logs.contains('\u{1b}'), "no escape sequence: {logs:?}");
}
