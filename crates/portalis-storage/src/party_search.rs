//! The court staff's search of parties, every court's: by identification
//! number, N° Portalis or N° RG (exact), and by the start of the words of a
//! name in either order (`parties.search_name` and
//! `search_name_given_first`, each one range of its index, read in order).
//! The numbers' answers come first, then the names' in alphabetical order.

use crate::error::StorageError;
use crate::parties::{self, Party};
use crate::read::{Cells, Param, Reads};
use portalis_core::search::{SearchQuery, party_keys, prefix_end};

/// A party found, with its case and court.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub party: Party,
    pub case_ref: String,
    pub portalis_number: String,
    pub rg_number: Option<String>,
    pub nature_label: String,
    pub court_id: i64,
    pub court_name: String,
}

/// A page of what was found, and whether more follows.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundPage {
    pub found: Vec<Found>,
    pub more: bool,
}

/// The most parties one number finds (a N° RG is one per court).
const MAX_BY_NUMBER: i64 = 200;

fn select(where_order: &str) -> String {
    format!(
        "SELECT {}, c.case_ref, c.portalis_number, c.rg_number, c.nature_label, c.court_id, ct.name AS court_name,
                p.search_name, p.search_name_given_first
         FROM parties p JOIN cases c ON c.id = p.case_id JOIN courts ct ON ct.id = c.court_id {where_order}",
        parties::COLUMNS_OF_P
    )
}

/// A row, and the key it was found by (for the merge of the two orders).
fn from_row(r: &dyn Cells) -> Result<(Found, String, Option<String>), StorageError> {
    Ok((
        Found {
            party: parties::from_row(r)?,
            case_ref: r.text("case_ref")?,
            portalis_number: r.text("portalis_number")?,
            rg_number: r.opt_text("rg_number")?,
            nature_label: r.text("nature_label")?,
            court_id: r.int("court_id")?,
            court_name: r.text("court_name")?,
        },
        r.opt_text("search_name")?.unwrap_or_default(),
        r.opt_text("search_name_given_first")?,
    ))
}

/// The page of `limit` parties after the first `offset` of what `query`
/// finds.
///
/// # Errors
/// Database errors.
pub async fn search(
    conn: &mut impl Reads,
    query: &SearchQuery,
    offset: i64,
    limit: i64,
) -> Result<FoundPage, StorageError> {
    let mut found: Vec<Found> = Vec::new();
    let exact = |rows: Vec<(Found, String, Option<String>)>, found: &mut Vec<Found>| {
        for (f, _, _) in rows {
            if !found.iter().any(|g| g.party.id == f.party.id) {
                found.push(f);
            }
        }
    };
    if let Some(n) = &query.identification_number {
        let sql = select("WHERE p.identification_number = $1");
        exact(conn.rows(&sql, vec![n.as_str().into()], from_row).await?, &mut found);
    }
    if let Some(n) = &query.portalis_number {
        let sql = select("WHERE c.portalis_number = $1 ORDER BY c.id, p.id LIMIT $2");
        exact(conn.rows(&sql, vec![n.as_str().into(), MAX_BY_NUMBER.into()], from_row).await?, &mut found);
    }
    if let Some(n) = &query.rg_number {
        let sql = select("WHERE c.rg_number = $1 ORDER BY c.id, p.id LIMIT $2");
        exact(conn.rows(&sql, vec![n.as_str().into(), MAX_BY_NUMBER.into()], from_row).await?, &mut found);
    }
    let wanted = offset + limit + 1;
    if let Some(name) = &query.name
        && (found.len() as i64) < wanted
    {
        let take = wanted - found.len() as i64;
        let range = |column: &str| {
            select(&format!("WHERE p.{column} >= $1 AND p.{column} < $2 ORDER BY p.{column}, p.id LIMIT $3"))
        };
        let params = || -> Vec<Param> { vec![name.clone().into(), prefix_end(name).into(), take.into()] };
        let family_first = conn.rows(&range("search_name"), params(), from_row).await?;
        let given_first = conn.rows(&range("search_name_given_first"), params(), from_row).await?;
        // Each in the order of the key it matched by; merged in that order.
        let mut by_name: Vec<(String, Found)> = family_first
            .into_iter()
            .map(|(f, key, _)| (key, f))
            .chain(given_first.into_iter().map(|(f, _, key)| (key.unwrap_or_default(), f)))
            .collect();
        by_name.sort_by(|(a, f), (b, g)| a.cmp(b).then(f.party.id.cmp(&g.party.id)));
        for (_, f) in by_name {
            if !found.iter().any(|g| g.party.id == f.party.id) {
                found.push(f);
            }
        }
    }
    let more = found.len() as i64 > offset + limit;
    let found = found.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(FoundPage { found, more })
}

/// Writes the search keys of every party without them: once, when the
/// migration that adds them runs.
///
/// # Errors
/// Database errors.
pub(crate) async fn fill_keys(conn: &mut sqlx::AnyConnection) -> Result<u64, StorageError> {
    type Names = (i64, Option<String>, Option<String>, Option<String>);
    let rows: Vec<Names> = sqlx::query_as(
        "SELECT id, family_name, given_names, organisation_name FROM parties WHERE search_name IS NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut written = 0;
    for (id, family, given, organisation) in rows {
        let (key, given_first) = party_keys(family.as_deref(), given.as_deref(), organisation.as_deref());
        sqlx::query("UPDATE parties SET search_name = $1, search_name_given_first = $2 WHERE id = $3")
            .bind(key)
            .bind(given_first)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        written += 1;
    }
    Ok(written)
}
