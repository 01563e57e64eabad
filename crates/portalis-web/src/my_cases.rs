//! What a signed-in user may see: the cases of the parties attached to his
//! account, and in them the documents addressed to those parties or to all.
//! Every page about a case goes through here; anything else is "not found".

use crate::error::PageError;
use crate::{public_id, WebState};
use portalis_storage::attachments::{self, Attached};
use portalis_storage::cases::{self, Case};
use portalis_storage::courts::Court;
use portalis_storage::documents::{self, Document};
use portalis_storage::events::{self, Event};
use portalis_storage::parties::{self, Party};
use portalis_storage::read::Reads;
use std::collections::BTreeMap;

/// One of the user's cases, with everything its pages show.
pub struct MyCase {
    pub public_id: String,
    pub case: Case,
    pub court: Court,
    /// The user's own parties in this case (usually one).
    pub mine: Vec<Party>,
    pub parties: Vec<Party>,
    /// Every event for a case's own page ([`find`]); for the lists
    /// ([`all`]), only those that may still be to come.
    pub events: Vec<Event>,
    pub attached: Attached,
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

/// The user's attachments grouped by case: (case id, attachments).
async fn by_case(conn: &mut impl Reads, user_id: i64) -> Result<BTreeMap<i64, Vec<Attached>>, PageError> {
    let mut map: BTreeMap<i64, Vec<Attached>> = BTreeMap::new();
    for a in attachments::of_user(conn, user_id).await? {
        map.entry(a.case_id).or_default().push(a);
    }
    Ok(map)
}

/// A case of the user from its parts.
fn assemble(state: &WebState, case: Case, court: Court, parties: Vec<Party>, events: Vec<Event>, attached: Vec<Attached>) -> Option<MyCase> {
    let mine: Vec<Party> = parties.iter().filter(|p| attached.iter().any(|a| a.party_id == p.id)).cloned().collect();
    let attached = attached.into_iter().next()?;
    Some(MyCase { public_id: public_id::of(&state.settings.secret_key, "case", case.id), case, court, mine, parties, events, attached })
}

async fn load(state: &WebState, conn: &mut impl Reads, case_id: i64, attached: Vec<Attached>) -> Result<Option<MyCase>, PageError> {
    let Some((case, court)) = cases::with_court_by_id(conn, case_id).await? else { return Ok(None) };
    let parties = parties::of_case(conn, case.id).await?;
    let events = events::of_case(conn, case.id).await?;
    Ok(assemble(state, case, court, parties, events, attached))
}

/// How far back the lists look for events "to come": an event dated today
/// in the court's time zone starts at the court's midnight, at most a day
/// (and a daylight-saving hour) before now, wherever the court is.
const TODAY_ANYWHERE: chrono::Duration = chrono::Duration::hours(26);

/// Every case of the user, in four queries whatever their number, with
/// the events that may still be to come (see [`MyCase::events`]).
pub async fn all(state: &WebState, user_id: i64) -> Result<Vec<MyCase>, PageError> {
    let mut conn = state.db.pages().await?;
    let mut grouped = by_case(&mut conn, user_id).await?;
    let ids: Vec<i64> = grouped.keys().copied().collect();
    let cases = cases::with_courts_by_ids(&mut conn, &ids).await?;
    let mut parties = parties::of_cases(&mut conn, &ids).await?;
    let since = state.clock.now() - TODAY_ANYWHERE;
    let mut events = events::of_cases_since(&mut conn, &ids, since).await?;
    let mut out = Vec::with_capacity(cases.len());
    for (case, court) in cases {
        let (mine, rest): (Vec<Party>, Vec<Party>) = parties.into_iter().partition(|p| p.case_id == case.id);
        parties = rest;
        let (its, rest): (Vec<Event>, Vec<Event>) = events.into_iter().partition(|e| e.case_id == case.id);
        events = rest;
        let attached = grouped.remove(&case.id).unwrap_or_default();
        if let Some(c) = assemble(state, case, court, mine, its, attached) {
            out.push(c);
        }
    }
    out.sort_by_key(|c| c.case.id);
    Ok(out)
}

/// The user's case with this public identifier, if he has one.
pub async fn find(state: &WebState, user_id: i64, public: &str) -> Result<Option<MyCase>, PageError> {
    let mut conn = state.db.pages().await?;
    for (case_id, attached) in by_case(&mut conn, user_id).await? {
        if public_id::of(&state.settings.secret_key, "case", case_id) == public {
            return load(state, &mut conn, case_id, attached).await;
        }
    }
    Ok(None)
}

/// The documents of the case the user may read, newest first.
pub async fn readable_documents(state: &WebState, my: &MyCase) -> Result<Vec<Document>, PageError> {
    let mut conn = state.db.pages().await?;
    Ok(documents::of_case(&mut conn, my.case.id).await?.into_iter().filter(|d| my.may_read(d)).collect())
}
