//! The change feed that keeps every process's page cache (`page_cache.rs`)
//! true: a write that changes what a page reads records a [`Tag`] in its
//! transaction, and every process forgets what it read from that thing.
//!
//! The tags are recorded by the database itself: a trigger on each table
//! the cached reads use (migration `0012_change_triggers`) turns every
//! inserted, updated or deleted row into the tag of the thing it belongs
//! to, whatever code wrote it — an API call, an import, the console, an
//! operator's SQL. `crates/portalis/tests/page_cache.rs` checks that every
//! table is either watched or declared unread by cached pages.
//!
//! A trigger fires per row: on SQLite a transaction that writes many rows
//! of one case adds as many rows to `changes` (each process reads them
//! all, cheaply); on PostgreSQL a tag is sent once per transaction, and a
//! transaction naming more than 8 KB of tags says "everything" instead.
//! `TRUNCATE` (PostgreSQL) fires no row trigger: an operator who empties a
//! table restarts the portals.
//!
//! - SQLite: the tag is a row of `changes`, numbered in commit order (one
//!   writer at a time). Before using the cache, a process asks SQLite
//!   whether anything was committed since it last looked (`PRAGMA
//!   data_version`) and, if so, reads the new rows; it asks at most once
//!   every [`LOOK_EVERY`] (a page uses the cache several times in a row,
//!   and each question takes file locks). Old rows are pruned by the
//!   scheduler; a process that fell behind the pruning forgets everything.
//! - PostgreSQL: the tag is a `NOTIFY` on `portalis_changes`, delivered at
//!   commit to every process's listener. A lost listener connection turns
//!   the cache off until it is back, and then everything is forgotten.

use crate::error::StorageError;
use crate::page_cache::PageCache;
use crate::{Backend, Tx};
use std::sync::Mutex;
use std::time::Duration;

/// A thing pages read, as changes name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Tag {
    Session(i64),
    User(i64),
    Case(i64),
    Court(i64),
    /// Anything (after a bulk load).
    Everything,
}

impl Tag {
    fn text(&self) -> String {
        match self {
            Tag::Session(id) => format!("s:{id}"),
            Tag::User(id) => format!("u:{id}"),
            Tag::Case(id) => format!("c:{id}"),
            Tag::Court(id) => format!("k:{id}"),
            Tag::Everything => "*".into(),
        }
    }

    /// An unknown tag (from a newer version of the portal) is read as
    /// "anything": forgetting too much is safe.
    fn parse(text: &str) -> Tag {
        let id = |s: &str| s.parse::<i64>().ok();
        match text.split_once(':') {
            Some(("s", n)) => id(n).map_or(Tag::Everything, Tag::Session),
            Some(("u", n)) => id(n).map_or(Tag::Everything, Tag::User),
            Some(("c", n)) => id(n).map_or(Tag::Everything, Tag::Case),
            Some(("k", n)) => id(n).map_or(Tag::Everything, Tag::Court),
            _ => Tag::Everything,
        }
    }
}

/// The PostgreSQL channel.
const CHANNEL: &str = "portalis_changes";

/// How many rows of `changes` housekeeping keeps: a process that has not
/// looked for longer than it takes to write them forgets everything.
const KEPT: i64 = 100_000;

/// Tells every process that anything may have changed (after a bulk load,
/// whose rows the triggers left unrecorded: `bulk.rs` pauses them).
///
/// # Errors
/// Database errors.
pub async fn everything_changed(tx: &mut Tx) -> Result<(), StorageError> {
    let tag = Tag::Everything.text();
    match tx.backend {
        Backend::Sqlite => {
            sqlx::query("INSERT INTO changes (tag) VALUES ($1)").bind(tag).execute(&mut **tx).await?;
        }
        Backend::Postgres => {
            // `pg_notify` returns `void`, which the portable layer cannot read.
            sqlx::query("SELECT count(*) FROM (SELECT pg_notify($1, $2)) AS sent")
                .bind(CHANNEL)
                .bind(tag)
                .fetch_one(&mut **tx)
                .await?;
        }
    }
    tx.everything = true;
    Ok(())
}

/// Turns the change triggers off for the rest of this transaction, which
/// loads many rows (an import): a row of the feed per row loaded would cost
/// as much as the load. When the transaction commits, every process
/// forgets everything instead (`Tx::commit`); no other writer sees the
/// pause (SQLite: one writer at a time; PostgreSQL: a transaction-local
/// setting).
///
/// # Errors
/// Database errors.
pub async fn pause_for_load(tx: &mut Tx) -> Result<(), StorageError> {
    pause(tx.backend, tx).await?;
    tx.paused = true;
    everything_changed(tx).await
}

/// The pause itself, on any connection in a transaction.
pub(crate) async fn pause(backend: Backend, conn: &mut crate::Conn) -> Result<(), StorageError> {
    let sql = match backend {
        Backend::Sqlite => "UPDATE change_feed SET paused = 1",
        Backend::Postgres => "SELECT set_config('portalis.paused', 'on', true)",
    };
    sqlx::query(sql).fetch_optional(&mut *conn).await?;
    Ok(())
}

/// Ends the pause before the transaction commits (SQLite; PostgreSQL's
/// setting ends with the transaction).
pub(crate) async fn resume(backend: Backend, conn: &mut crate::Conn) -> Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::query("UPDATE change_feed SET paused = 0").execute(&mut *conn).await?;
    }
    Ok(())
}

/// The tags PostgreSQL's trigger kept in the transaction's
/// `portalis.changed` setting (space-separated).
pub(crate) fn kept_tags(kept: &str) -> Vec<Tag> {
    kept.split_whitespace().map(Tag::parse).collect()
}

/// Deletes the oldest rows of `changes` (SQLite; nothing to do on
/// PostgreSQL). Returns how many.
///
/// # Errors
/// Database errors.
pub async fn prune(tx: &mut Tx) -> Result<u64, StorageError> {
    if tx.backend != Backend::Sqlite {
        return Ok(0);
    }
    let r = sqlx::query("DELETE FROM changes WHERE seq <= (SELECT max(seq) FROM changes) - $1")
        .bind(KEPT)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected())
}

/// How long another process's commit may go unseen by this process's
/// cache on SQLite (this process's own commits are forgotten at once).
pub const LOOK_EVERY: Duration = Duration::from_millis(2);

/// SQLite: what this process has read of the feed.
pub(crate) struct SqliteFeed {
    conn: rusqlite::Connection,
    data_version: i64,
    last_seq: i64,
    /// Monotonic, not the portal's clock: it paces a check, it dates nothing.
    looked_at: std::time::Instant,
}

impl SqliteFeed {
    /// Starts reading the feed at its current end.
    pub(crate) fn open(path: &std::path::Path) -> Result<Self, StorageError> {
        use rusqlite::OpenFlags;
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let data_version = conn.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let last_seq = conn.query_row("SELECT coalesce(max(seq), 0) FROM changes", [], |r| r.get(0))?;
        Ok(Self { conn, data_version, last_seq, looked_at: std::time::Instant::now() })
    }

    /// Applies to `cache` what was committed since the last look; `now`
    /// looks even if it looked less than [`LOOK_EVERY`] ago (after this
    /// process's own commit).
    fn catch_up(&mut self, cache: &PageCache, now: bool) -> Result<(), StorageError> {
        if !now && self.looked_at.elapsed() < LOOK_EVERY {
            return Ok(());
        }
        self.looked_at = std::time::Instant::now();
        let version: i64 = self.conn.prepare_cached("PRAGMA data_version")?.query_row([], |r| r.get(0))?;
        if version == self.data_version {
            return Ok(());
        }
        let sql = "SELECT seq, tag FROM changes WHERE seq > $1 ORDER BY seq";
        tracing::trace!(target: "portalis_storage::read", sql, "page query");
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows: Vec<(i64, String)> =
            stmt.query_map([self.last_seq], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?;
        match rows.first() {
            Some((first, _)) if *first != self.last_seq + 1 => cache.clear(),
            _ => {
                let tags: Vec<Tag> = rows.iter().map(|(_, t)| Tag::parse(t)).collect();
                cache.forget(&tags);
            }
        }
        if let Some((last, _)) = rows.last() {
            self.last_seq = *last;
        }
        self.data_version = version;
        Ok(())
    }
}

/// How the cache hears of other processes' changes.
pub(crate) enum Feed {
    Sqlite(Mutex<SqliteFeed>),
    Postgres,
}

impl std::fmt::Debug for Feed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Feed::Sqlite(_) => "Feed::Sqlite",
            Feed::Postgres => "Feed::Postgres",
        })
    }
}

impl Feed {
    /// Brings `cache` up to date before it is used (SQLite; PostgreSQL's
    /// listener does it as notices come). On an error the cache is cleared
    /// and the caller reads the database.
    pub(crate) fn catch_up(&self, cache: &PageCache) {
        self.look(cache, false);
    }

    /// Brings `cache` up to date at once, after this process committed
    /// (SQLite).
    pub(crate) fn catch_up_now(&self, cache: &PageCache) {
        self.look(cache, true);
    }

    fn look(&self, cache: &PageCache, now: bool) {
        if let Feed::Sqlite(feed) = self {
            let mut feed = feed.lock().expect("change feed");
            if let Err(e) = feed.catch_up(cache, now) {
                tracing::warn!(error = %e, "cannot read the change feed: the page cache is cleared");
                cache.clear();
            }
        }
    }
}

/// What the PostgreSQL listener heard.
#[derive(Debug)]
pub(crate) enum Heard<'a> {
    /// A change's tag.
    Notice(&'a str),
    /// The connection was lost (the listener would reconnect by itself,
    /// but the notices sent meanwhile are gone).
    Lost,
    /// The connection failed.
    Failed(&'a str),
}

/// Whether to go on listening on this connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Listening {
    GoOn,
    Reconnect,
}

/// Applies what the listener heard to the cache. A lost or failed
/// connection turns the cache off until the listener is back
/// ([`listening_again`]): notices sent meanwhile are lost, and what is read
/// meanwhile must not be kept.
pub(crate) fn heard(cache: &PageCache, what: Heard<'_>) -> Listening {
    match what {
        Heard::Notice(tag) => {
            cache.forget(&[Tag::parse(tag)]);
            Listening::GoOn
        }
        Heard::Lost => {
            tracing::warn!("the change listener lost its connection: the page cache is off until it is back");
            cache.set_live(false);
            Listening::Reconnect
        }
        Heard::Failed(e) => {
            tracing::warn!(error = %e, "the change listener failed: the page cache is off until it is back");
            cache.set_live(false);
            Listening::Reconnect
        }
    }
}

/// The listener listens again: the cache starts empty and is used again.
pub(crate) fn listening_again(cache: &PageCache) {
    cache.set_live(true);
}

/// PostgreSQL: listens for changes, turning the cache off while the
/// connection is lost. The task ends when the returned handle is aborted
/// (the `Db` is dropped or closed).
pub(crate) fn listen(url: String, cache: std::sync::Weak<PageCache>) -> tokio::task::AbortHandle {
    let task = tokio::spawn(async move {
        loop {
            match sqlx::postgres::PgListener::connect(&url).await {
                Ok(mut listener) => match listener.listen(CHANNEL).await {
                    Ok(()) => {
                        let Some(c) = cache.upgrade() else { return };
                        listening_again(&c);
                        drop(c);
                        loop {
                            let next = listener.try_recv().await;
                            let Some(c) = cache.upgrade() else { return };
                            let what = match &next {
                                Ok(Some(n)) => Heard::Notice(n.payload()),
                                Ok(None) => Heard::Lost,
                                Err(e) => Heard::Failed(&e.to_string()),
                            };
                            if heard(&c, what) == Listening::Reconnect {
                                // Reconnect here rather than let the
                                // listener do it unseen: the cache is back
                                // on only once LISTEN is in place again.
                                break;
                            }
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot listen for changes: the page cache is off"),
                },
                Err(e) => tracing::warn!(error = %e, "cannot connect the change listener: the page cache is off"),
            }
            if cache.strong_count() == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    });
    task.abort_handle()
}

#[cfg(test)]
mod tests {
    use super::{Heard, Listening, Tag, heard, listening_again};
    use crate::page_cache::{Key, PageCache};
    use std::sync::Arc;

    fn live_cache() -> PageCache {
        let clock = portalis_core::clock::ManualClock::at(
            chrono::DateTime::parse_from_rfc3339("2026-11-26T08:00:00.123456789Z").unwrap().into(),
        );
        let c = PageCache::off();
        c.start(1 << 20, Arc::new(clock));
        listening_again(&c);
        c
    }

    #[test]
    fn a_lost_listener_turns_the_cache_off_until_it_listens_again() {
        let c = live_cache();
        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1)], 10);
        assert_eq!(heard(&c, Heard::Notice("c:2")), Listening::GoOn);
        assert!(c.get::<u32>(&Key::Case(1)).is_some(), "another case's notice");
        assert_eq!(heard(&c, Heard::Notice("c:1")), Listening::GoOn);
        assert!(c.get::<u32>(&Key::Case(1)).is_none());

        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1)], 10);
        assert_eq!(heard(&c, Heard::Lost), Listening::Reconnect);
        assert!(!c.is_on(), "off while notices may be missed");
        // A page read meanwhile is not kept: a change it missed would stay.
        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1)], 10);
        assert!(c.get::<u32>(&Key::Case(1)).is_none());
        listening_again(&c);
        assert!(c.is_on());
        assert!(c.get::<u32>(&Key::Case(1)).is_none(), "back on, empty");

        assert_eq!(heard(&c, Heard::Failed("connection reset")), Listening::Reconnect);
        assert!(!c.is_on());
    }

    #[test]
    fn tags_read_back_as_written_and_unknown_ones_as_anything() {
        for t in [Tag::Session(1), Tag::User(22), Tag::Case(333), Tag::Court(4), Tag::Everything] {
            assert_eq!(Tag::parse(&t.text()), t);
        }
        assert_eq!(Tag::parse("z:1"), Tag::Everything);
        assert_eq!(Tag::parse("c:x"), Tag::Everything);
    }

    #[test]
    fn the_tags_a_postgresql_transaction_kept_are_read_back() {
        assert_eq!(super::kept_tags(""), vec![]);
        assert_eq!(super::kept_tags(" c:1  u:2 "), vec![Tag::Case(1), Tag::User(2)]);
    }
}
