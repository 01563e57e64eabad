//! The page cache: what the pages read most (a session, a user's
//! attachments, a case with its parties and events, its documents), kept in
//! memory so that a page seen again costs no query.
//!
//! Every entry carries *tags* — the things it was read from (a session, a
//! user, a case, a court). Whatever changes one of them records the tag in
//! the same transaction (`changes.rs`), and every process forgets the
//! entries carrying it: this one when the transaction commits, the others
//! through the change feed (SQLite's `changes` table, read before each use
//! of the cache; PostgreSQL's `NOTIFY`, received by a listener). The cache
//! is therefore never behind a commit of this process, and behind another
//! process's commit only for the time the notice travels (PostgreSQL).
//!
//! A read that raced with a change must not store what it read: a reader
//! takes a [`Ticket`] before reading, and the entry is stored only if none
//! of its tags changed since (each tag hashes to one of a fixed number of
//! stripes that remember when they last changed).
//!
//! The cache is bounded by an estimate of its entries' size (evicting with
//! a second chance for entries used since they were last considered), and
//! an entry older than its maximum age is read again whatever happened.

use crate::changes::Tag;
use portalis_core::clock::Clock;
use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hash};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// What an entry holds.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// A session by the hash of its token.
    Session(String),
    /// What a user has attached.
    Attachments(i64),
    /// A case with its court, parties and events.
    Case(i64),
    /// A case with its court, parties and planned events (`CaseAhead`).
    CaseAhead(i64),
    /// The documents of a case.
    Documents(i64),
    /// A user's online filings.
    Filings(i64),
    /// A court.
    Court(i64),
}

const STRIPES: usize = 1024;

/// When a read started, to tell whether what it read may be stored.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

struct Entry {
    value: Arc<dyn Any + Send + Sync>,
    tags: Vec<Tag>,
    weight: usize,
    stored_at: chrono::DateTime<chrono::Utc>,
    used: bool,
}

#[derive(Default)]
struct Entries {
    map: HashMap<Key, Entry>,
    by_tag: HashMap<Tag, Vec<Key>>,
    /// Keys in the order they were stored (or given a second chance).
    order: VecDeque<Key>,
    weight: usize,
}

impl Entries {
    fn remove(&mut self, key: &Key) {
        if let Some(e) = self.map.remove(key) {
            self.weight -= e.weight;
            for t in &e.tags {
                if let Some(keys) = self.by_tag.get_mut(t) {
                    keys.retain(|k| k != key);
                    if keys.is_empty() {
                        self.by_tag.remove(t);
                    }
                }
            }
        }
    }

    fn evict_until(&mut self, capacity: usize) {
        while self.weight > capacity {
            let Some(key) = self.order.pop_front() else { break };
            match self.map.get_mut(&key) {
                Some(e) if e.used => {
                    e.used = false;
                    self.order.push_back(key);
                }
                Some(_) => self.remove(&key),
                None => {}
            }
        }
        // Keys of entries forgotten by a change stay in `order` until they
        // come up; rebuild it before it outgrows the entries by much.
        if self.order.len() > 2 * self.map.len() + 64 {
            self.order = self.map.keys().cloned().collect();
        }
    }
}

/// See the module's documentation.
pub struct PageCache {
    /// In bytes (estimated); 0 turns the cache off.
    capacity: AtomicUsize,
    max_age: chrono::Duration,
    clock: Mutex<Option<Arc<dyn Clock>>>,
    /// Whether changes made elsewhere reach this cache (PostgreSQL: the
    /// listener is connected); when not, the cache is not used.
    live: AtomicBool,
    entries: Mutex<Entries>,
    /// How many times something was forgotten; tickets are its values.
    changes: AtomicU64,
    stripes: Box<[AtomicU64]>,
    /// The value of `changes` when everything was last forgotten.
    cleared_at: AtomicU64,
    hasher: std::collections::hash_map::RandomState,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache").field("capacity", &self.capacity.load(Ordering::Relaxed)).finish_non_exhaustive()
    }
}

impl PageCache {
    /// A cache that is off until [`PageCache::start`].
    pub(crate) fn off() -> Self {
        Self {
            capacity: AtomicUsize::new(0),
            max_age: chrono::Duration::minutes(10),
            clock: Mutex::new(None),
            live: AtomicBool::new(false),
            entries: Mutex::new(Entries::default()),
            changes: AtomicU64::new(0),
            stripes: (0..STRIPES).map(|_| AtomicU64::new(0)).collect(),
            cleared_at: AtomicU64::new(0),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }

    /// Turns the cache on with this size (0 keeps it off).
    pub(crate) fn start(&self, capacity_bytes: usize, clock: Arc<dyn Clock>) {
        *self.clock.lock().expect("page cache clock") = Some(clock);
        self.capacity.store(capacity_bytes, Ordering::SeqCst);
    }

    /// Whether the cache may be used now.
    pub fn is_on(&self) -> bool {
        self.capacity.load(Ordering::Relaxed) > 0 && self.live.load(Ordering::Acquire)
    }

    pub(crate) fn set_live(&self, live: bool) {
        self.clear();
        self.live.store(live, Ordering::Release);
    }

    fn now(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.clock.lock().expect("page cache clock").as_ref().map(|c| c.now())
    }

    fn stripe(&self, tag: &Tag) -> &AtomicU64 {
        let h = self.hasher.hash_one(tag) as usize;
        &self.stripes[h % STRIPES]
    }

    /// Taken before reading what may be stored.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.changes.load(Ordering::SeqCst))
    }

    /// The entry under `key`, if it is here and young enough.
    pub fn get<T: Any + Send + Sync>(&self, key: &Key) -> Option<Arc<T>> {
        if !self.is_on() {
            return None;
        }
        let now = self.now()?;
        let mut entries = self.entries.lock().expect("page cache");
        let e = entries.map.get_mut(key)?;
        if now - e.stored_at > self.max_age || now < e.stored_at {
            entries.remove(key);
            return None;
        }
        e.used = true;
        e.value.clone().downcast::<T>().ok()
    }

    /// Stores what a read that took `ticket` found, unless one of `tags`
    /// changed since.
    pub fn put<T: Any + Send + Sync>(&self, ticket: Ticket, key: Key, value: Arc<T>, tags: Vec<Tag>, weight: usize) {
        let capacity = self.capacity.load(Ordering::Relaxed);
        if !self.is_on() || weight > capacity / 4 {
            return;
        }
        let Some(now) = self.now() else { return };
        let mut entries = self.entries.lock().expect("page cache");
        // Checked under the lock: `forget` bumps the stripes under it too.
        let stale = self.cleared_at.load(Ordering::SeqCst) > ticket.0
            || tags.iter().any(|t| self.stripe(t).load(Ordering::SeqCst) > ticket.0);
        if stale {
            return;
        }
        entries.remove(&key);
        for t in &tags {
            entries.by_tag.entry(t.clone()).or_default().push(key.clone());
        }
        entries.weight += weight;
        entries.order.push_back(key.clone());
        entries.map.insert(key, Entry { value, tags, weight, stored_at: now, used: false });
        entries.evict_until(capacity);
    }

    /// Forgets every entry read from these things.
    pub fn forget(&self, tags: &[Tag]) {
        if tags.is_empty() {
            return;
        }
        if tags.contains(&Tag::Everything) {
            self.clear();
            return;
        }
        let mut entries = self.entries.lock().expect("page cache");
        let n = self.changes.fetch_add(1, Ordering::SeqCst) + 1;
        for t in tags {
            self.stripe(t).store(n, Ordering::SeqCst);
            if let Some(keys) = entries.by_tag.remove(t) {
                for k in keys {
                    entries.remove(&k);
                }
            }
        }
    }

    /// Forgets everything.
    pub fn clear(&self) {
        let mut entries = self.entries.lock().expect("page cache");
        let n = self.changes.fetch_add(1, Ordering::SeqCst) + 1;
        self.cleared_at.store(n, Ordering::SeqCst);
        *entries = Entries::default();
    }

    /// How many entries, and their estimated size in bytes.
    pub fn size(&self) -> (usize, usize) {
        let entries = self.entries.lock().expect("page cache");
        (entries.map.len(), entries.weight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portalis_core::clock::ManualClock;

    fn cache(capacity: usize) -> (PageCache, ManualClock) {
        let clock =
            ManualClock::at(chrono::DateTime::parse_from_rfc3339("2026-11-26T08:00:00.123456789Z").unwrap().into());
        let c = PageCache::off();
        c.start(capacity, Arc::new(clock.clone()));
        c.set_live(true);
        (c, clock)
    }

    #[test]
    fn an_entry_is_forgotten_when_one_of_its_tags_changes() {
        let (c, _) = cache(1 << 20);
        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1), Tag::Court(9)], 100);
        c.put(c.ticket(), Key::Case(2), Arc::new(2u32), vec![Tag::Case(2), Tag::Court(8)], 100);
        assert_eq!(c.get::<u32>(&Key::Case(1)).as_deref(), Some(&1));
        c.forget(&[Tag::Court(9)]);
        assert!(c.get::<u32>(&Key::Case(1)).is_none());
        assert_eq!(c.get::<u32>(&Key::Case(2)).as_deref(), Some(&2));
        assert_eq!(c.size(), (1, 100));
    }

    #[test]
    fn what_was_read_before_a_change_is_not_stored() {
        let (c, _) = cache(1 << 20);
        let before = c.ticket();
        c.forget(&[Tag::User(3)]);
        c.put(before, Key::Attachments(3), Arc::new(vec![1u8]), vec![Tag::User(3)], 10);
        assert!(c.get::<Vec<u8>>(&Key::Attachments(3)).is_none());
        // Another user's change does not matter (one whose tag falls in
        // another stripe: a shared stripe only refuses more than needed).
        let other = (4..).find(|i| !std::ptr::eq(c.stripe(&Tag::User(*i)), c.stripe(&Tag::User(3)))).unwrap();
        let before = c.ticket();
        c.forget(&[Tag::User(other)]);
        c.put(before, Key::Attachments(3), Arc::new(vec![1u8]), vec![Tag::User(3)], 10);
        assert!(c.get::<Vec<u8>>(&Key::Attachments(3)).is_some());
        let before = c.ticket();
        c.clear();
        c.put(before, Key::Attachments(5), Arc::new(vec![1u8]), vec![Tag::User(5)], 10);
        assert!(c.get::<Vec<u8>>(&Key::Attachments(5)).is_none());
    }

    #[test]
    fn the_size_stays_under_the_capacity_and_used_entries_are_kept_longer() {
        let (c, _) = cache(1000);
        for i in 0..5 {
            c.put(c.ticket(), Key::Case(i), Arc::new(i), vec![Tag::Case(i)], 200);
        }
        assert!(c.get::<i64>(&Key::Case(0)).is_some());
        c.put(c.ticket(), Key::Case(5), Arc::new(5i64), vec![Tag::Case(5)], 200);
        assert!(c.size().1 <= 1000);
        assert!(c.get::<i64>(&Key::Case(0)).is_some(), "used since stored: kept");
        assert!(c.get::<i64>(&Key::Case(1)).is_none(), "the oldest unused: evicted");
    }

    #[test]
    fn an_old_entry_is_read_again_and_an_off_cache_holds_nothing() {
        let (c, clock) = cache(1 << 20);
        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1)], 10);
        clock.advance(chrono::Duration::minutes(11));
        assert!(c.get::<u32>(&Key::Case(1)).is_none());
        c.set_live(false);
        c.put(c.ticket(), Key::Case(1), Arc::new(1u32), vec![Tag::Case(1)], 10);
        assert!(c.get::<u32>(&Key::Case(1)).is_none());
    }
}
