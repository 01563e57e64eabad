//! The journal of what court agents look at: each page of a party an agent
//! opens (under the party's court), each search he makes (under each court
//! where he holds a role); who (his address and name, copied), what, when.
//! The court's administrator reads his court's.

use crate::error::StorageError;
use crate::journal_writer::Line;
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use chrono::{DateTime, Utc};

/// A view to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View<'a> {
    pub agent_email: &'a str,
    pub agent_name: &'a str,
    pub court_id: i64,
    pub case_id: i64,
    /// `None`: the case's page.
    pub party_id: Option<i64>,
}

/// Records a search under each of `court_ids` (the agent's courts, each
/// once): one statement that commits by itself, a line a court
/// (`Db::journal`), rather than a transaction of a statement a court (on
/// PostgreSQL three round trips at least, on SQLite three hops to sqlx's
/// writer thread).
///
/// # Errors
/// Database errors.
pub async fn record_search(
    db: &crate::Db,
    agent_email: &str,
    agent_name: &str,
    court_ids: &[i64],
    search: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let mut courts = court_ids.to_vec();
    courts.sort_unstable();
    courts.dedup();
    let line = |court_id| Line {
        at: instant(now),
        agent_email: agent_email.to_owned(),
        agent_name: agent_name.to_owned(),
        court_id,
        case_id: None,
        party_id: None,
        search: Some(search.to_owned()),
    };
    db.journal(courts.into_iter().map(line).collect()).await
}

/// A view recorded, with what the journal shows of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewed {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub agent_email: String,
    pub agent_name: String,
    pub portalis_number: Option<String>,
    /// The party's name, when a party's page was viewed (and still exists).
    pub party_name: Option<String>,
    pub party_id: Option<i64>,
    /// A search, as the journal keeps it (`None`: a page viewed).
    pub search: Option<String>,
}

/// Records a view: one statement that commits by itself (`Db::journal`).
///
/// # Errors
/// Database errors.
pub async fn record(db: &crate::Db, view: &View<'_>, now: DateTime<Utc>) -> Result<(), StorageError> {
    let line = Line {
        at: instant(now),
        agent_email: view.agent_email.to_owned(),
        agent_name: view.agent_name.to_owned(),
        court_id: view.court_id,
        case_id: Some(view.case_id),
        party_id: view.party_id,
        search: None,
    };
    db.journal(vec![line]).await
}

fn from_row(r: &dyn Cells) -> Result<Viewed, StorageError> {
    let party_name = match r.opt_text("kind")? {
        Some(kind) => Some(portalis_core::party::display_name(
            portalis_core::party::PartyKind::parse(&kind).unwrap_or(portalis_core::party::PartyKind::Person),
            r.opt_text("given_names")?.as_deref(),
            r.opt_text("family_name")?.as_deref(),
            r.opt_text("organisation_name")?.as_deref(),
        )),
        None => None,
    };
    Ok(Viewed {
        id: r.int("id")?,
        at: parse_instant(&r.text("at")?)?,
        agent_email: r.text("agent_email")?,
        agent_name: r.text("agent_name")?,
        portalis_number: r.opt_text("portalis_number")?,
        party_name,
        party_id: r.opt_int("party_id")?,
        search: r.opt_text("search")?,
    })
}

/// The court's views, newest first, before the view `before` (paging).
///
/// # Errors
/// Database errors.
pub async fn of_court(
    conn: &mut impl Reads,
    court_id: i64,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<Viewed>, StorageError> {
    let sql = "SELECT v.id, v.at, v.agent_email, v.agent_name, v.party_id, v.search, c.portalis_number, p.kind, p.given_names,
                      p.family_name, p.organisation_name
               FROM staff_views v LEFT JOIN cases c ON c.id = v.case_id LEFT JOIN parties p ON p.id = v.party_id
               WHERE v.court_id = $1 AND v.id < $2 ORDER BY v.id DESC LIMIT $3";
    conn.rows(sql, vec![court_id.into(), before.unwrap_or(i64::MAX).into(), limit.into()], from_row).await
}
