//! The reads of a signed-in user's pages, through the page cache
//! (`page_cache.rs`): what is there is used, what is missing is read in as
//! few queries as without the cache, and stored with the tags that will
//! make every process forget it when it changes.
//!
//! The weights are rough estimates of the memory an entry holds, enough to
//! bound the cache.

use crate::Db;
use crate::attachments::{self, Attached};
use crate::cases::{self, Case};
use crate::changes::Tag;
use crate::courts::Court;
use crate::documents::{self, Document};
use crate::error::StorageError;
use crate::events::{self, Event};
use crate::filings::{self, Filing};
use crate::page_cache::Key;
use crate::parties::{self, Party};
use crate::sessions::{self, Session};
use std::sync::Arc;

/// A case with everything its pages show but the documents.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub case: Case,
    pub court: Court,
    pub parties: Vec<Party>,
    /// Not withdrawn, in time order.
    pub events: Vec<Event>,
}

/// The session whose token has this hash, with its user.
///
/// # Errors
/// Database errors.
pub async fn session(db: &Db, token_hash: &str) -> Result<Option<Session>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Session(token_hash.to_owned());
    if let Some(s) = cache.get::<Session>(&key) {
        return Ok(Some((*s).clone()));
    }
    let ticket = cache.ticket();
    let found = sessions::find(&mut db.pages().await?, token_hash).await?;
    if let Some(s) = &found {
        let tags = vec![Tag::Session(s.id), Tag::User(s.user.id)];
        cache.put(ticket, key, Arc::new(s.clone()), tags, 1024 + s.id_token.len());
    }
    Ok(found)
}

/// The user's online filings, the latest started first.
///
/// # Errors
/// Database errors.
pub async fn filings(db: &Db, user_id: i64) -> Result<Arc<Vec<Filing>>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Filings(user_id);
    if let Some(f) = cache.get::<Vec<Filing>>(&key) {
        return Ok(f);
    }
    let ticket = cache.ticket();
    let found = Arc::new(filings::list_of_user(&mut db.pages().await?, user_id).await?);
    let weight = 256 + found.iter().map(|f| 512 + f.answers.len()).sum::<usize>();
    cache.put(ticket, key, found.clone(), vec![Tag::User(user_id)], weight);
    Ok(found)
}

/// A court by its id, if there is one.
///
/// # Errors
/// Database errors.
pub async fn court(db: &Db, id: i64) -> Result<Option<Arc<Court>>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Court(id);
    if let Some(c) = cache.get::<Court>(&key) {
        return Ok(Some(c));
    }
    let ticket = cache.ticket();
    let Some(found) = crate::courts::by_id(&mut db.pages().await?, id).await? else { return Ok(None) };
    let found = Arc::new(found);
    cache.put(ticket, key, found.clone(), vec![Tag::Court(id)], 1024);
    Ok(Some(found))
}

/// What the user has attached, newest first.
///
/// # Errors
/// Database errors.
pub async fn attachments(db: &Db, user_id: i64) -> Result<Arc<Vec<Attached>>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Attachments(user_id);
    if let Some(a) = cache.get::<Vec<Attached>>(&key) {
        return Ok(a);
    }
    let ticket = cache.ticket();
    let (found, cases) = attachments::of_user(&mut db.pages().await?, user_id).await?;
    let found = Arc::new(found);
    let mut tags = vec![Tag::User(user_id)];
    tags.extend(cases.into_iter().map(Tag::Case));
    cache.put(ticket, key, found.clone(), tags, 256 + 192 * found.len());
    Ok(found)
}

/// These cases (those that exist), in the order of `ids`: the missing ones
/// read in three queries whatever their number.
///
/// # Errors
/// Database errors.
pub async fn cases(db: &Db, ids: &[i64]) -> Result<Vec<Arc<CaseRecord>>, StorageError> {
    let cache = db.page_cache();
    let mut found: Vec<(i64, Arc<CaseRecord>)> = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match cache.get::<CaseRecord>(&Key::Case(*id)) {
            Some(r) => found.push((*id, r)),
            None => missing.push(*id),
        }
    }
    if !missing.is_empty() {
        let ticket = cache.ticket();
        let mut conn = db.pages().await?;
        let read = cases::with_courts_by_ids(&mut conn, &missing).await?;
        let mut parties = parties::of_cases(&mut conn, &missing).await?;
        let mut events = events::of_cases(&mut conn, &missing).await?;
        drop(conn);
        for (case, court) in read {
            let (its_parties, rest): (Vec<Party>, Vec<Party>) = parties.into_iter().partition(|p| p.case_id == case.id);
            parties = rest;
            let (its_events, rest): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.case_id == case.id);
            events = rest;
            let weight = 2048 + 384 * (its_parties.len() + its_events.len());
            let tags = vec![Tag::Case(case.id), Tag::Court(court.id)];
            let record = Arc::new(CaseRecord { case, court, parties: its_parties, events: its_events });
            cache.put(ticket, Key::Case(record.case.id), record.clone(), tags, weight);
            found.push((record.case.id, record));
        }
    }
    found.sort_by_key(|(id, _)| ids.iter().position(|i| i == id));
    Ok(found.into_iter().map(|(_, r)| r).collect())
}

/// The documents of a case that are not withdrawn, newest first.
///
/// # Errors
/// Database errors.
pub async fn documents(db: &Db, case_id: i64) -> Result<Arc<Vec<Document>>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Documents(case_id);
    if let Some(d) = cache.get::<Vec<Document>>(&key) {
        return Ok(d);
    }
    let ticket = cache.ticket();
    let found = Arc::new(documents::of_case(&mut db.pages().await?, case_id).await?);
    cache.put(ticket, key, found.clone(), vec![Tag::Case(case_id)], 256 + 512 * found.len());
    Ok(found)
}
