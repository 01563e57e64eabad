//! What a signed-in user may see: the cases of the parties attached to his
//! account, and in them the documents addressed to those parties or to all.
//! Every page about a case goes through here; anything else is "not found".

use crate::error::PageError;
use crate::{WebState, public_id};
use portalis_storage::attachments::Attached;
use portalis_storage::cached::{self, CaseAhead, CaseRecord};
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
use portalis_storage::documents::Document;
use portalis_storage::parties::Party;
use portalis_storage::sessions::Session;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One of the user's cases, with everything its pages show: the case, its
/// court, parties and events (not withdrawn, in time order) are those of
/// the shared [`CaseRecord`]; a list of cases holds [`CaseAhead`]s, with
/// the events to come only.
pub struct MyCase<R = CaseRecord> {
    pub public_id: String,
    record: Arc<R>,
    /// The user's own parties in this case (usually one).
    pub mine: Vec<Party>,
    pub attached: Attached,
}

/// A case of the user as the lists of his cases show it.
pub type Listed = MyCase<CaseAhead>;

impl<R> std::ops::Deref for MyCase<R> {
    type Target = R;
    fn deref(&self) -> &R {
        &self.record
    }
}

/// What every form of a case read holds.
pub trait Record {
    fn case(&self) -> &Case;
    fn court(&self) -> &Court;
    fn parties(&self) -> &[Party];
}

impl Record for CaseRecord {
    fn case(&self) -> &Case {
        &self.case
    }
    fn court(&self) -> &Court {
        &self.court
    }
    fn parties(&self) -> &[Party] {
        &self.parties
    }
}

impl Record for CaseAhead {
    fn case(&self) -> &Case {
        &self.case
    }
    fn court(&self) -> &Court {
        &self.court
    }
    fn parties(&self) -> &[Party] {
        &self.parties
    }
}

impl MyCase {
    /// Whether the user may read `doc`: addressed to all parties, or to one
    /// of his.
    pub fn may_read(&self, doc: &Document) -> bool {
        doc.details.addressee_ids.is_empty() || self.mine.iter().any(|p| doc.details.addressee_ids.contains(&p.id))
    }

    /// The party through which the user reads `doc` (for the receipt).
    pub fn reader_of(&self, doc: &Document) -> Option<&Party> {
        if doc.details.addressee_ids.is_empty() {
            self.mine.first()
        } else {
            self.mine.iter().find(|p| doc.details.addressee_ids.contains(&p.id))
        }
    }
}

/// The user's attachments grouped by case: (case id, attachments). Those
/// read with the session when it was read (no query then).
async fn by_case(state: &WebState, session: &Session) -> Result<BTreeMap<i64, Vec<Attached>>, PageError> {
    let attachments = match &session.prefetched.attachments {
        Some(a) => a.clone(),
        None => cached::attachments(&state.db, session.user.id).await?,
    };
    let mut map: BTreeMap<i64, Vec<Attached>> = BTreeMap::new();
    for a in attachments.iter() {
        map.entry(a.case_id).or_default().push(a.clone());
    }
    Ok(map)
}

/// A case of the user from its parts.
fn assemble<R: Record>(state: &WebState, record: Arc<R>, attached: Vec<Attached>) -> Option<MyCase<R>> {
    let mine: Vec<Party> =
        record.parties().iter().filter(|p| attached.iter().any(|a| a.party_id == p.id)).cloned().collect();
    let attached = attached.into_iter().next()?;
    Some(MyCase {
        public_id: public_id::of(&state.settings.signing_key, "case", record.case().id),
        record,
        mine,
        attached,
    })
}

/// Every case of the signed-in user, as his lists show them: one batch of
/// queries whatever their number (none when the page cache has them),
/// after the session's.
pub async fn all(state: &WebState, session: &Session) -> Result<Vec<Listed>, PageError> {
    let mut grouped = by_case(state, session).await?;
    let ids: Vec<i64> = grouped.keys().copied().collect();
    let mut out = Vec::with_capacity(ids.len());
    for record in cached::cases_ahead(&state.db, &ids, state.clock.now()).await? {
        let attached = grouped.remove(&record.case.id).unwrap_or_default();
        if let Some(c) = assemble(state, record, attached) {
            out.push(c);
        }
    }
    Ok(out)
}

/// The signed-in user's case with this public identifier, and its
/// attachments, if he has one.
async fn find_attached(
    state: &WebState,
    session: &Session,
    public: &str,
) -> Result<Option<(i64, Vec<Attached>)>, PageError> {
    Ok(by_case(state, session)
        .await?
        .into_iter()
        .find(|(case_id, _)| public_id::of(&state.settings.signing_key, "case", *case_id) == public))
}

/// The signed-in user's case with this public identifier, if he has one.
pub async fn find(state: &WebState, session: &Session, public: &str) -> Result<Option<MyCase>, PageError> {
    let Some((case_id, attached)) = find_attached(state, session, public).await? else { return Ok(None) };
    let record = cached::cases(&state.db, &[case_id]).await?.into_iter().next();
    Ok(record.and_then(|r| assemble(state, r, attached)))
}

/// The same, with the documents of the case the user may read, newest
/// first: the case and its documents in one batch of queries.
pub async fn find_with_documents(
    state: &WebState,
    session: &Session,
    public: &str,
) -> Result<Option<(MyCase, Vec<Document>)>, PageError> {
    let Some((case_id, attached)) = find_attached(state, session, public).await? else { return Ok(None) };
    let Some((record, documents)) = cached::case_with_documents(&state.db, case_id).await? else { return Ok(None) };
    let Some(my) = assemble(state, record, attached) else { return Ok(None) };
    let readable = documents.iter().filter(|d| my.may_read(d)).cloned().collect();
    Ok(Some((my, readable)))
}
