//! The reads of a signed-in user's pages, through the page cache
//! (`page_cache.rs`): what is there is used, what is missing is read in as
//! few queries as without the cache, and stored with the tags that will
//! make every process forget it when it changes.
//!
//! The weights are rough estimates of the memory an entry holds, enough to
//! bound the cache.

use crate::attachments::{self, Attached};
use crate::batch::{Answers, Batch, Rows};
use crate::cases::{self, Case};
use crate::changes::Tag;
use crate::courts::Court;
use crate::documents::{self, Document};
use crate::error::StorageError;
use crate::events::{self, Event};
use crate::filings::{self, Filing};
use crate::page_cache::{Key, PageCache, Ticket};
use crate::parties::{self, Party};
use crate::read::Reads;
use crate::sessions::{self, Session};
use crate::staff;
use crate::{Backend, Db};
use chrono::{DateTime, Utc};
use portalis_core::event::to_come_from;
use portalis_core::realm::Realm;
use std::collections::HashMap;
use std::sync::Arc;

/// A case with everything its pages show but the documents.
#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub case: Case,
    pub court: Arc<Court>,
    pub parties: Vec<Party>,
    /// Not withdrawn, in time order.
    pub events: Vec<Event>,
}

/// A case as the lists of a user's cases show it (Mes dossiers, its
/// exports, the agenda of his hearings): its events to come only.
#[derive(Debug, Clone)]
pub struct CaseAhead {
    pub case: Case,
    pub court: Arc<Court>,
    pub parties: Vec<Party>,
    /// Planned (not held, cancelled nor withdrawn), in time order, those
    /// starting from `portalis_core::event::to_come_from` of the time they
    /// were read on: more than are to come now, which a list tells with the
    /// court's today.
    pub planned: Vec<Event>,
}

/// The session whose token has this hash, with its user, and what the
/// pages of `realm` read at every request (`Session::prefetched`): an
/// agent's roles, and on PostgreSQL a litigant's attachments (on SQLite
/// they are left to the pages that need them, `attachments` below). Read
/// afresh, all of it is one batch (one round trip on PostgreSQL); the
/// session and the attachments are kept in the cache as two entries, the
/// roles never; a session found in the cache comes with the attachments the
/// cache still holds. A session of another realm is returned as it is, for
/// the caller to refuse.
///
/// # Errors
/// Database errors.
pub async fn session(db: &Db, token_hash: &str, realm: Realm) -> Result<Option<Session>, StorageError> {
    let cache = db.page_cache();
    let key = Key::Session(token_hash.to_owned());
    if let Some(s) = cache.get::<Session>(&key) {
        let mut s = (*s).clone();
        s.prefetched.attachments = cache.get::<Vec<Attached>>(&Key::Attachments(s.user.id));
        return Ok(Some(s));
    }
    let ticket = cache.ticket();
    let mut batch = Batch::new();
    let found = sessions::find_in(&mut batch, token_hash);
    // A litigant's attachments are read with his session where that saves
    // a round trip (PostgreSQL); on SQLite, in the process, only by the
    // pages that need them (a statement costs more than a round trip there).
    let (attached, roles) = match realm {
        Realm::Litigant if db.backend() == Backend::Postgres => {
            (Some(attachments::of_session_in(&mut batch, token_hash)), None)
        }
        Realm::Litigant => (None, None),
        Realm::Staff => (None, Some(staff::roles_of_session_in(&mut batch, token_hash))),
    };
    let mut answers = db.pages().await?.batch(batch).await?;
    let Some(mut s) = answers.take(found).into_iter().next() else { return Ok(None) };
    let tags = vec![Tag::Session(s.id), Tag::User(s.user.id)];
    cache.put(ticket, key, Arc::new(s.clone()), tags, 1024 + s.id_token.len());
    if s.realm == realm {
        if let Some(attached) = attached {
            let (found, cases) = attachments::not_withdrawn(answers.take(attached));
            s.prefetched.attachments = Some(keep_attachments(cache, ticket, s.user.id, found, cases));
        }
        s.prefetched.roles = roles.map(|r| answers.take(r));
    }
    Ok(Some(s))
}

/// The user's online filings, the latest started first.
///
/// # Errors
/// Database errors.
pub async fn filings(db: &Db, user_id: i64) -> Result<Arc<Vec<Filing>>, StorageError> {
    let cache = db.page_cache();
    if let Some(f) = cache.get::<Vec<Filing>>(&Key::Filings(user_id)) {
        return Ok(f);
    }
    let ticket = cache.ticket();
    let found = filings::list_of_user(&mut db.pages().await?, user_id).await?;
    Ok(keep_filings(cache, ticket, user_id, found))
}

/// The user's online filings and the courts they name, by id: what is
/// missing read in one batch.
///
/// # Errors
/// Database errors.
pub async fn filings_with_courts(
    db: &Db,
    user_id: i64,
) -> Result<(Arc<Vec<Filing>>, HashMap<i64, Arc<Court>>), StorageError> {
    let cache = db.page_cache();
    let mut courts = HashMap::new();
    if let Some(found) = cache.get::<Vec<Filing>>(&Key::Filings(user_id)) {
        let mut missing = Vec::new();
        for id in found.iter().filter_map(|f| f.court_id) {
            match cache.get::<Court>(&Key::Court(id)) {
                Some(c) => {
                    courts.insert(id, c);
                }
                None if !missing.contains(&id) => missing.push(id),
                None => {}
            }
        }
        if !missing.is_empty() {
            let ticket = cache.ticket();
            let mut batch = Batch::new();
            let read = crate::courts::by_ids_in(&mut batch, &missing);
            let read = db.pages().await?.batch(batch).await?.take(read);
            courts.extend(read.into_iter().map(|c| (c.id, keep_court(cache, ticket, c))));
        }
        return Ok((found, courts));
    }
    let ticket = cache.ticket();
    let mut batch = Batch::new();
    let found = filings::list_of_user_in(&mut batch, user_id);
    let read = crate::courts::of_filings_in(&mut batch, user_id);
    let mut answers = db.pages().await?.batch(batch).await?;
    let found = keep_filings(cache, ticket, user_id, answers.take(found));
    courts.extend(answers.take(read).into_iter().map(|c| (c.id, keep_court(cache, ticket, c))));
    Ok((found, courts))
}

fn keep_filings(cache: &PageCache, ticket: Ticket, user_id: i64, found: Vec<Filing>) -> Arc<Vec<Filing>> {
    let found = Arc::new(found);
    let weight = 256 + found.iter().map(|f| 512 + f.answers.len()).sum::<usize>();
    cache.put(ticket, Key::Filings(user_id), found.clone(), vec![Tag::User(user_id)], weight);
    found
}

fn keep_court(cache: &PageCache, ticket: Ticket, court: Court) -> Arc<Court> {
    let id = court.id;
    let court = Arc::new(court);
    cache.put(ticket, Key::Court(id), court.clone(), vec![Tag::Court(id)], 1024);
    court
}

/// A court by its id, if there is one.
///
/// # Errors
/// Database errors.
pub async fn court(db: &Db, id: i64) -> Result<Option<Arc<Court>>, StorageError> {
    let cache = db.page_cache();
    if let Some(c) = cache.get::<Court>(&Key::Court(id)) {
        return Ok(Some(c));
    }
    let ticket = cache.ticket();
    let found = crate::courts::by_id(&mut db.pages().await?, id).await?;
    Ok(found.map(|c| keep_court(cache, ticket, c)))
}

/// What the user has attached, newest first.
///
/// # Errors
/// Database errors.
pub async fn attachments(db: &Db, user_id: i64) -> Result<Arc<Vec<Attached>>, StorageError> {
    let cache = db.page_cache();
    if let Some(a) = cache.get::<Vec<Attached>>(&Key::Attachments(user_id)) {
        return Ok(a);
    }
    let ticket = cache.ticket();
    let (found, cases) = attachments::of_user(&mut db.pages().await?, user_id).await?;
    Ok(keep_attachments(cache, ticket, user_id, found, cases))
}

/// Stores a user's attachments, tagged with the user and the cases of all
/// his attachment rows.
fn keep_attachments(
    cache: &PageCache,
    ticket: Ticket,
    user_id: i64,
    found: Vec<Attached>,
    cases: Vec<i64>,
) -> Arc<Vec<Attached>> {
    let found = Arc::new(found);
    let mut tags = vec![Tag::User(user_id)];
    tags.extend(cases.into_iter().map(Tag::Case));
    cache.put(ticket, Key::Attachments(user_id), found.clone(), tags, 256 + 192 * found.len());
    found
}

/// These cases (those that exist), in the order of `ids`: the missing ones
/// read in one batch whatever their number (one round trip on PostgreSQL).
///
/// # Errors
/// Database errors.
pub async fn cases(db: &Db, ids: &[i64]) -> Result<Vec<Arc<CaseRecord>>, StorageError> {
    Ok(cases_and_documents(db, ids, None).await?.0)
}

/// These cases as the lists show them (those that exist), in the order of
/// `ids`, their events planned from `to_come_from(now)` on: the missing
/// ones read in one batch whatever their number. A list reads a case's
/// events to come, not its whole history.
///
/// # Errors
/// Database errors.
pub async fn cases_ahead(db: &Db, ids: &[i64], now: DateTime<Utc>) -> Result<Vec<Arc<CaseAhead>>, StorageError> {
    let cache = db.page_cache();
    let (mut found, missing) = in_cache::<CaseAhead>(cache, ids, Key::CaseAhead);
    if !missing.is_empty() {
        let ticket = cache.ticket();
        let mut batch = Batch::new();
        let reads = CaseReads::add(&mut batch, &missing, Some(to_come_from(now)));
        let mut answers = db.pages().await?.batch(batch).await?;
        for (case, court, parties, planned) in reads.take(&mut answers, cache, ticket) {
            let weight = 2048 + 384 * (parties.len() + planned.len());
            let tags = vec![Tag::Case(case.id), Tag::Court(court.id)];
            let record = Arc::new(CaseAhead { case, court, parties, planned });
            cache.put(ticket, Key::CaseAhead(record.case.id), record.clone(), tags, weight);
            found.push((record.case.id, record));
        }
    }
    Ok(in_order(found, ids))
}

/// A case, if it exists, and its documents: what is missing read in one
/// batch.
///
/// # Errors
/// Database errors.
pub async fn case_with_documents(
    db: &Db,
    id: i64,
) -> Result<Option<(Arc<CaseRecord>, Arc<Vec<Document>>)>, StorageError> {
    let (mut records, documents) = cases_and_documents(db, &[id], Some(id)).await?;
    Ok(records.pop().zip(documents))
}

/// What the cache holds of `ids` under `key`, and the ids it lacks.
fn in_cache<T: Send + Sync + 'static>(
    cache: &PageCache,
    ids: &[i64],
    key: fn(i64) -> Key,
) -> (Vec<(i64, Arc<T>)>, Vec<i64>) {
    let mut found = Vec::with_capacity(ids.len());
    let mut missing = Vec::new();
    for id in ids {
        match cache.get::<T>(&key(*id)) {
            Some(r) => found.push((*id, r)),
            None => missing.push(*id),
        }
    }
    (found, missing)
}

/// What was found, in the order of `ids`.
fn in_order<T>(mut found: Vec<(i64, Arc<T>)>, ids: &[i64]) -> Vec<Arc<T>> {
    found.sort_by_key(|(id, _)| ids.iter().position(|i| i == id));
    found.into_iter().map(|(_, r)| r).collect()
}

/// The reads of cases added to a batch: the cases, their courts (each
/// once), parties and events (all of them, or those planned from a time
/// on).
struct CaseReads {
    cases: Rows<Case>,
    courts: Rows<Court>,
    parties: Rows<Party>,
    events: Rows<Event>,
}

/// A case read, with its court, parties and events.
type CaseParts = (Case, Arc<Court>, Vec<Party>, Vec<Event>);

impl CaseReads {
    /// `ids` not empty.
    fn add(batch: &mut Batch, ids: &[i64], planned_from: Option<DateTime<Utc>>) -> Self {
        CaseReads {
            cases: cases::by_ids_in(batch, ids),
            courts: crate::courts::of_cases_in(batch, ids),
            parties: parties::of_cases_in(batch, ids),
            events: match planned_from {
                Some(from) => events::planned_of_cases_in(batch, ids, from),
                None => events::of_cases_in(batch, ids),
            },
        }
    }

    /// Each case read with its parts (the courts kept in the cache on the
    /// way); a case whose court was not read (deleted since) is left out.
    fn take(self, answers: &mut Answers, cache: &PageCache, ticket: Ticket) -> Vec<CaseParts> {
        let courts: HashMap<i64, Arc<Court>> =
            answers.take(self.courts).into_iter().map(|c| (c.id, keep_court(cache, ticket, c))).collect();
        let mut parties: HashMap<i64, Vec<Party>> = HashMap::new();
        for p in answers.take(self.parties) {
            parties.entry(p.case_id).or_default().push(p);
        }
        let mut events: HashMap<i64, Vec<Event>> = HashMap::new();
        for e in answers.take(self.events) {
            events.entry(e.case_id).or_default().push(e);
        }
        answers
            .take(self.cases)
            .into_iter()
            .filter_map(|case| {
                let court = courts.get(&case.court_id)?.clone();
                let id = case.id;
                Some((case, court, parties.remove(&id).unwrap_or_default(), events.remove(&id).unwrap_or_default()))
            })
            .collect()
    }
}

/// The cases of `ids` and the documents of `documents_of`, those the cache
/// lacks read in one batch.
async fn cases_and_documents(
    db: &Db,
    ids: &[i64],
    documents_of: Option<i64>,
) -> Result<(Vec<Arc<CaseRecord>>, Option<Arc<Vec<Document>>>), StorageError> {
    let cache = db.page_cache();
    let (mut found, missing) = in_cache::<CaseRecord>(cache, ids, Key::Case);
    let mut documents = documents_of.and_then(|id| cache.get::<Vec<Document>>(&Key::Documents(id)));
    let documents_missing = documents_of.filter(|_| documents.is_none());
    if !missing.is_empty() || documents_missing.is_some() {
        let ticket = cache.ticket();
        let mut batch = Batch::new();
        let records = (!missing.is_empty()).then(|| CaseReads::add(&mut batch, &missing, None));
        // On SQLite the documents are read after the batch, their
        // addressees only when some document has any (no round trip to save
        // there, and a statement saved).
        let postgres = db.backend() == Backend::Postgres;
        let documents_read =
            documents_missing.filter(|_| postgres).map(|id| (id, documents::of_case_in(&mut batch, id)));
        let mut conn = db.pages().await?;
        let mut answers = conn.batch(batch).await?;
        if let Some(case_id) = documents_missing.filter(|_| !postgres) {
            let read = documents::of_case(&mut conn, case_id).await?;
            documents = Some(keep_documents(cache, ticket, case_id, read));
        }
        drop(conn);
        if let Some(records) = records {
            for (case, court, parties, events) in records.take(&mut answers, cache, ticket) {
                let weight = 2048 + 384 * (parties.len() + events.len());
                let tags = vec![Tag::Case(case.id), Tag::Court(court.id)];
                let record = Arc::new(CaseRecord { case, court, parties, events });
                cache.put(ticket, Key::Case(record.case.id), record.clone(), tags, weight);
                found.push((record.case.id, record));
            }
        }
        if let Some((case_id, read)) = documents_read {
            documents = Some(keep_documents(cache, ticket, case_id, read.take(&mut answers)));
        }
    }
    Ok((in_order(found, ids), documents))
}

/// Stores the documents of a case, tagged with the case.
fn keep_documents(cache: &PageCache, ticket: Ticket, case_id: i64, found: Vec<Document>) -> Arc<Vec<Document>> {
    let found = Arc::new(found);
    cache.put(ticket, Key::Documents(case_id), found.clone(), vec![Tag::Case(case_id)], 256 + 512 * found.len());
    found
}
