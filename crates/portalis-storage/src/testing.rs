//! Fresh databases for tests: a new SQLite file each, or — when
//! `PORTALIS_TEST_DATABASE_URL` names a PostgreSQL server — a new database on
//! it each, named `portalis_test_<random>`. The test command drops those left
//! from earlier runs.

use crate::party_search::Keys;
use crate::{Backend, Db};
use portalis_core::random::{OsRandom, RandomSource};
use sqlx::Connection;

/// A migrated, empty database and the URL it lives at.
pub struct TestDatabase {
    pub url: String,
    pub db: Db,
    file: Option<std::path::PathBuf>,
}

impl TestDatabase {
    /// # Panics
    /// When the database cannot be created: a test cannot go on without it.
    pub async fn new() -> Self {
        let name = format!("portalis_test_{}", OsRandom.hex(8));
        match std::env::var("PORTALIS_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty()) {
            Some(server) if server.starts_with("postgres") => {
                let mut admin = sqlx::postgres::PgConnection::connect(&server)
                    .await
                    .expect("connect to PORTALIS_TEST_DATABASE_URL");
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                let url = replace_database(&server, &name);
                let db = Db::connect(&url, 4).await.expect("connect to test database");
                db.migrate().await.expect("migrate test database");
                Self { url, db, file: None }
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{name}.db"));
                let url = format!("sqlite://{}", path.display());
                let db = Db::connect(&url, 4).await.expect("open test database");
                db.migrate().await.expect("migrate test database");
                Self { url, db, file: Some(path) }
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(path) = &self.file {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

/// `postgres://user@host:port/db?x` with `db` replaced by `name`.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let root = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{root}/{name}?{q}"),
        None => format!("{root}/{name}"),
    }
}

/// Forgets what the staff's search finds parties by (words and pairs), then
/// writes it again as the migrations that added them do for the parties
/// already stored.
///
/// # Panics
/// On a database error: a test cannot go on.
pub async fn rewrite_search_words(db: &Db) -> u64 {
    let mut tx = db.begin().await.expect("begin");
    sqlx::raw_sql("DELETE FROM party_words; DELETE FROM party_word_pairs").execute(&mut *tx).await.expect("clear");
    let written = crate::party_search::fill_keys(&mut tx, Keys::Words).await.expect("fill the search's words");
    crate::party_search::fill_keys(&mut tx, Keys::Pairs).await.expect("fill the search's pairs");
    crate::commit(tx).await.expect("commit");
    written
}

#[cfg(test)]
mod tests {
    use super::replace_database;

    #[test]
    fn the_database_name_is_replaced() {
        assert_eq!(
            replace_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(replace_database("postgres://h:5432", "t1"), "postgres://h:5432/t1");
        assert_eq!(replace_database("postgres://h/db?sslmode=disable", "t1"), "postgres://h/t1?sslmode=disable");
    }
}
