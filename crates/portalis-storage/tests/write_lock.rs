//! Several processes on one SQLite file (a second portal, `portalis import`
//! while the portal runs): a change takes the write lock when it begins, so
//! that another process's commit cannot slip between its reads and its
//! writes — which SQLite answers with an immediate "database is locked",
//! not a wait. Migrations likewise, so that processes starting together on a
//! new file apply each once. PostgreSQL orders writers by row locks (and
//! migrations by an advisory lock): nothing to check here.

use portalis_storage::Backend;
use portalis_storage::testing::TestDatabase;
use sqlx::Connection;

/// Whether another process could start writing now, without waiting.
async fn another_process_can_write(url: &str) -> bool {
    let mut other = sqlx::sqlite::SqliteConnection::connect(url).await.unwrap();
    sqlx::query("PRAGMA busy_timeout = 0").execute(&mut other).await.unwrap();
    let began = sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.is_ok();
    if began {
        sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    }
    began
}

#[tokio::test]
async fn a_change_holds_the_write_lock_from_its_start_to_its_commit() {
    let t = TestDatabase::new().await;
    if t.backend() != Backend::Sqlite {
        return;
    }
    assert!(another_process_can_write(&t.url).await, "nothing holds the lock yet");
    let mut tx = t.db.begin().await.unwrap();
    let (_,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM courts").fetch_one(&mut *tx).await.unwrap();
    assert!(!another_process_can_write(&t.url).await, "a change that has only read holds the lock already");
    tx.commit().await.unwrap();
    assert!(another_process_can_write(&t.url).await, "and releases it at its commit");
}

#[tokio::test]
async fn processes_that_start_together_on_a_new_file_migrate_it_once() {
    let t = TestDatabase::new().await;
    if t.backend() != Backend::Sqlite {
        return;
    }
    let fresh = t.url.replace(".db", "-fresh.db");
    let start = || async {
        let db = portalis_storage::Db::connect(&fresh, 1).await.unwrap();
        db.migrate().await.expect("every process starts")
    };
    let (a, b, c, d) = tokio::join!(start(), start(), start(), start());
    let applied = [a, b, c, d];
    let migrations = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).unwrap().count();
    assert_eq!(applied.iter().sum::<usize>(), migrations, "each migration applied by exactly one of them: {applied:?}");
    let path = fresh.trim_start_matches("sqlite://");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{path}{suffix}"));
    }
}

#[tokio::test]
async fn a_command_started_beside_a_busy_portal_does_not_wait_for_its_writes_to_migrate() {
    let t = TestDatabase::new().await;
    if t.backend() != Backend::Sqlite {
        return;
    }
    // The running portal is in the middle of a change.
    let mut portal = sqlx::sqlite::SqliteConnection::connect(&t.url).await.unwrap();
    sqlx::query("BEGIN IMMEDIATE").execute(&mut portal).await.unwrap();
    // `portalis import` starts: the database is up to date, nothing to lock.
    let command = portalis_storage::Db::connect(&t.url, 1).await.unwrap();
    let started = std::time::Instant::now();
    let applied = command.migrate().await.expect("an up-to-date database is checked without the write lock");
    assert_eq!(applied, 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(2), "it did not queue behind the portal's change");
    sqlx::query("ROLLBACK").execute(&mut portal).await.unwrap();
}
