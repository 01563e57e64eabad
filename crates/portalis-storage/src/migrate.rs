//! A small migration runner: the SQL files of the backend, applied in order,
//! each in its own transaction, recorded in `portalis_migrations`. Two
//! processes starting together do not race: on PostgreSQL an advisory lock
//! orders them, on SQLite each migration is checked and applied under the
//! file's write lock.

use crate::db::{Backend, Db};
use crate::error::StorageError;
use crate::party_search::Keys;
use sqlx::Acquire;

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sqlite: include_str!("../migrations/sqlite/0001_foundation.sql"),
        postgres: include_str!("../migrations/postgres/0001_foundation.sql"),
    },
    Migration {
        version: 2,
        name: "sessions",
        sqlite: include_str!("../migrations/sqlite/0002_sessions.sql"),
        postgres: include_str!("../migrations/postgres/0002_sessions.sql"),
    },
    Migration {
        version: 3,
        name: "attach_and_outbox",
        sqlite: include_str!("../migrations/sqlite/0003_attach_and_outbox.sql"),
        postgres: include_str!("../migrations/postgres/0003_attach_and_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "receipts",
        sqlite: include_str!("../migrations/sqlite/0004_receipts.sql"),
        postgres: include_str!("../migrations/postgres/0004_receipts.sql"),
    },
    Migration {
        version: 5,
        name: "notifications",
        sqlite: include_str!("../migrations/sqlite/0005_notifications.sql"),
        postgres: include_str!("../migrations/postgres/0005_notifications.sql"),
    },
    Migration {
        version: 6,
        name: "housekeeping",
        sqlite: include_str!("../migrations/sqlite/0006_housekeeping.sql"),
        postgres: include_str!("../migrations/postgres/0006_housekeeping.sql"),
    },
    Migration {
        version: 7,
        name: "changes",
        sqlite: include_str!("../migrations/sqlite/0007_changes.sql"),
        postgres: include_str!("../migrations/postgres/0007_changes.sql"),
    },
    Migration {
        version: 8,
        name: "ended_attachments",
        sqlite: include_str!("../migrations/sqlite/0008_ended_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0008_ended_attachments.sql"),
    },
    Migration {
        version: 9,
        name: "outbox_secrets",
        sqlite: include_str!("../migrations/sqlite/0009_outbox_secrets.sql"),
        postgres: include_str!("../migrations/postgres/0009_outbox_secrets.sql"),
    },
    Migration {
        version: 10,
        name: "receipts_per_publication",
        sqlite: include_str!("../migrations/sqlite/0010_receipts_per_publication.sql"),
        postgres: include_str!("../migrations/postgres/0010_receipts_per_publication.sql"),
    },
    Migration {
        version: 11,
        name: "api_key_prefix",
        sqlite: include_str!("../migrations/sqlite/0011_api_key_prefix.sql"),
        postgres: include_str!("../migrations/postgres/0011_api_key_prefix.sql"),
    },
    Migration {
        version: 12,
        name: "change_triggers",
        sqlite: include_str!("../migrations/sqlite/0012_change_triggers.sql"),
        postgres: include_str!("../migrations/postgres/0012_change_triggers.sql"),
    },
    Migration {
        version: 13,
        name: "session_realm",
        sqlite: include_str!("../migrations/sqlite/0013_session_realm.sql"),
        postgres: include_str!("../migrations/postgres/0013_session_realm.sql"),
    },
    Migration {
        version: 14,
        name: "staff",
        sqlite: include_str!("../migrations/sqlite/0014_staff.sql"),
        postgres: include_str!("../migrations/postgres/0014_staff.sql"),
    },
    Migration {
        version: 15,
        name: "court_territories",
        sqlite: include_str!("../migrations/sqlite/0015_court_territories.sql"),
        postgres: include_str!("../migrations/postgres/0015_court_territories.sql"),
    },
    Migration {
        version: 16,
        name: "filings",
        sqlite: include_str!("../migrations/sqlite/0016_filings.sql"),
        postgres: include_str!("../migrations/postgres/0016_filings.sql"),
    },
    Migration {
        version: 17,
        name: "filing_attachments",
        sqlite: include_str!("../migrations/sqlite/0017_filing_attachments.sql"),
        postgres: include_str!("../migrations/postgres/0017_filing_attachments.sql"),
    },
    Migration {
        version: 18,
        name: "staff_console",
        sqlite: include_str!("../migrations/sqlite/0018_staff_console.sql"),
        postgres: include_str!("../migrations/postgres/0018_staff_console.sql"),
    },
    Migration {
        version: 19,
        name: "contact_changes",
        sqlite: include_str!("../migrations/sqlite/0019_contact_changes.sql"),
        postgres: include_str!("../migrations/postgres/0019_contact_changes.sql"),
    },
    Migration {
        version: 20,
        name: "party_words_only",
        sqlite: include_str!("../migrations/sqlite/0020_party_words_only.sql"),
        postgres: include_str!("../migrations/postgres/0020_party_words_only.sql"),
    },
    Migration {
        version: 21,
        name: "notices_by_party",
        sqlite: include_str!("../migrations/sqlite/0021_notices_by_party.sql"),
        postgres: include_str!("../migrations/postgres/0021_notices_by_party.sql"),
    },
    Migration {
        version: 22,
        name: "hearings_to_come",
        sqlite: include_str!("../migrations/sqlite/0022_hearings_to_come.sql"),
        postgres: include_str!("../migrations/postgres/0022_hearings_to_come.sql"),
    },
    Migration {
        version: 23,
        name: "party_word_pairs",
        sqlite: include_str!("../migrations/sqlite/0023_party_word_pairs.sql"),
        postgres: include_str!("../migrations/postgres/0023_party_word_pairs.sql"),
    },
    Migration {
        version: 24,
        name: "job_runs",
        sqlite: include_str!("../migrations/sqlite/0024_job_runs.sql"),
        postgres: include_str!("../migrations/postgres/0024_job_runs.sql"),
    },
    Migration {
        version: 25,
        name: "hearings_by_time_and_id",
        sqlite: include_str!("../migrations/sqlite/0025_hearings_by_time_and_id.sql"),
        postgres: include_str!("../migrations/postgres/0025_hearings_by_time_and_id.sql"),
    },
    Migration {
        version: 26,
        name: "reminder_sweeps",
        sqlite: include_str!("../migrations/sqlite/0026_reminder_sweeps.sql"),
        postgres: include_str!("../migrations/postgres/0026_reminder_sweeps.sql"),
    },
];

/// The migrations whose new tables the runner fills in Rust, in their
/// transaction: the parties' search keys (folded as the core folds them),
/// their words, then the pairs of their words.
const SEARCH_KEYS: [(i64, Keys); 2] = [(18, Keys::Words), (23, Keys::Pairs)];

const LOCK_ID: i64 = 0x5054_4c53; // "PTLS"

pub(crate) async fn run(db: &Db) -> Result<usize, StorageError> {
    let mut conn = db.write_pool().acquire().await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_lock($1)").bind(LOCK_ID).execute(&mut *conn).await?;
    }
    let result = apply(db.backend(), &mut conn).await;
    if db.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_unlock($1)").bind(LOCK_ID).execute(&mut *conn).await?;
    }
    result
}

/// Whether every migration is recorded, read without taking any lock: a
/// command started beside a running portal (`portalis import`) on an
/// up-to-date database then never queues behind its writes. `false` when
/// the table is missing or a migration is not recorded.
async fn up_to_date(conn: &mut sqlx::AnyConnection) -> bool {
    let Ok(rows) = sqlx::query_as::<_, (i64,)>("SELECT version FROM portalis_migrations").fetch_all(&mut *conn).await
    else {
        return false;
    };
    MIGRATIONS.iter().all(|m| rows.iter().any(|(v,)| *v == m.version))
}

async fn apply(backend: Backend, conn: &mut sqlx::AnyConnection) -> Result<usize, StorageError> {
    if up_to_date(conn).await {
        return Ok(0);
    }
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS portalis_migrations (
            version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
    )
    .execute(&mut *conn)
    .await?;
    let mut applied = 0;
    for m in MIGRATIONS {
        // On SQLite the write lock, taken at once, keeps two starting
        // processes from racing (PostgreSQL: the advisory lock of `run`);
        // whether the migration is done is asked under it.
        let (sql, mut tx) = match backend {
            Backend::Sqlite => (m.sqlite, sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?),
            Backend::Postgres => (m.postgres, conn.begin().await?),
        };
        let done: Option<(i64,)> = sqlx::query_as("SELECT version FROM portalis_migrations WHERE version = $1")
            .bind(m.version)
            .fetch_optional(&mut *tx)
            .await?;
        if done.is_some() {
            continue;
        }
        sqlx::raw_sql(sql)
            .execute(&mut *tx)
            .await
            .map_err(|source| StorageError::Migration { version: m.version, source })?;
        if let Some((_, keys)) = SEARCH_KEYS.iter().find(|(v, _)| *v == m.version) {
            let written = crate::party_search::fill_keys(&mut tx, *keys).await?;
            tracing::info!(parties = written, ?keys, "search keys written");
        }
        sqlx::query("INSERT INTO portalis_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
            .bind(m.version)
            .bind(m.name)
            // Bookkeeping of the schema itself, outside any business rule.
            .bind(crate::time::instant(applied_at()))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        tracing::info!(version = m.version, name = m.name, "migration applied");
        applied += 1;
    }
    Ok(applied)
}

#[allow(clippy::disallowed_methods)]
fn applied_at() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_keys_are_written_by_the_migrations_that_create_their_tables() {
        for (version, keys) in SEARCH_KEYS {
            let m = MIGRATIONS.iter().find(|m| m.version == version).expect("a migration of that version");
            let table = match keys {
                Keys::Words => "CREATE TABLE party_words (",
                Keys::Pairs => "CREATE TABLE party_word_pairs (",
            };
            assert!(m.sqlite.contains(table) && m.postgres.contains(table), "{version}: {table}");
        }
    }
}
