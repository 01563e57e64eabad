//! The court staff's search of parties, every court's: by identification
//! number, N° Portalis or N° RG (exact), and by name — each word typed
//! starts a word of the name, in any order: the longest word typed reads
//! one range of `party_words` in order, the others are checked among the
//! party's own words (an index of `party_words` by party). The numbers' answers come
//! first, then the names' by the word found, then by party.

use crate::error::StorageError;
use crate::parties::{self, Party};
use crate::read::{Cells, Param, Reads};
use portalis_core::search::{SearchQuery, party_words, prefix_end};

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

const COLUMNS: &str = "c.case_ref, c.portalis_number, c.rg_number, c.nature_label, c.court_id, ct.name AS court_name";

/// The parties found by `where_order`, with their case and court.
fn select(where_order: &str) -> String {
    format!(
        "SELECT {}, {COLUMNS} FROM parties p JOIN cases c ON c.id = p.case_id JOIN courts ct ON ct.id = c.court_id
         {where_order}",
        parties::COLUMNS_OF_P
    )
}

fn from_row(r: &dyn Cells) -> Result<Found, StorageError> {
    Ok(Found {
        party: parties::from_row(r)?,
        case_ref: r.text("case_ref")?,
        portalis_number: r.text("portalis_number")?,
        rg_number: r.opt_text("rg_number")?,
        nature_label: r.text("nature_label")?,
        court_id: r.int("court_id")?,
        court_name: r.text("court_name")?,
    })
}

/// The most rows of `party_words` one party may take in a range (its
/// words that start alike): what a name's page reads beyond, so that
/// enough distinct parties come back.
const WORDS_A_PARTY: i64 = 4;

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
    let add = |rows: Vec<Found>, found: &mut Vec<Found>| {
        for f in rows {
            if !found.iter().any(|g| g.party.id == f.party.id) {
                found.push(f);
            }
        }
    };
    if let Some(n) = &query.identification_number {
        let sql = select("WHERE p.identification_number = $1");
        add(conn.rows(&sql, vec![n.as_str().into()], from_row).await?, &mut found);
    }
    if let Some(n) = &query.portalis_number {
        let sql = select("WHERE c.portalis_number = $1 ORDER BY c.id, p.id LIMIT $2");
        add(conn.rows(&sql, vec![n.as_str().into(), MAX_BY_NUMBER.into()], from_row).await?, &mut found);
    }
    if let Some(n) = &query.rg_number {
        let sql = select("WHERE c.rg_number = $1 ORDER BY c.id, p.id LIMIT $2");
        add(conn.rows(&sql, vec![n.as_str().into(), MAX_BY_NUMBER.into()], from_row).await?, &mut found);
    }
    let wanted = offset + limit + 1;
    let mut cut_short = false;
    if let Some((driver, others)) = query.name_driver()
        && (found.len() as i64) < wanted
    {
        let mut params: Vec<Param> = vec![driver.to_owned().into(), prefix_end(driver).into()];
        let mut checks = String::new();
        for word in others {
            // Each other word starts one of the party's words: a probe of
            // its few words by an index that holds them (SQLite's
            // `party_words_party`, PostgreSQL's `party_words_party_word`),
            // not a read of the party's row — and a condition whose selectivity both
            // planners estimate from the words' statistics (PostgreSQL
            // misjudged a `LIKE` on the folded name by a factor of 500
            // and scanned every party).
            params.push(word.to_owned().into());
            params.push(prefix_end(word).into());
            checks.push_str(&format!(
                " AND EXISTS (SELECT 1 FROM party_words o WHERE o.party_id = w.party_id AND o.word >= ${} AND o.word < ${})",
                params.len() - 1,
                params.len()
            ));
        }
        let row_limit = (wanted - found.len() as i64) * WORDS_A_PARTY;
        params.push(row_limit.into());
        let sql = format!(
            "SELECT {}, {COLUMNS} FROM party_words w JOIN parties p ON p.id = w.party_id
             JOIN cases c ON c.id = p.case_id JOIN courts ct ON ct.id = c.court_id
             WHERE w.word >= $1 AND w.word < $2{checks} ORDER BY w.word, w.party_id LIMIT ${}",
            parties::COLUMNS_OF_P,
            params.len()
        );
        let rows = conn.rows(&sql, params, from_row).await?;
        // Every row read, and still too few parties (names whose many
        // words start alike): more may follow.
        cut_short = rows.len() as i64 == row_limit;
        add(rows, &mut found);
    }
    let more = found.len() as i64 > offset + limit || (cut_short && found.len() as i64 > offset);
    let found = found.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(FoundPage { found, more })
}

/// Writes what the search finds the party by: its words, in place of
/// those it had.
///
/// # Errors
/// Database errors.
pub(crate) async fn write_words(
    conn: &mut sqlx::AnyConnection,
    party_id: i64,
    family_name: Option<&str>,
    given_names: Option<&str>,
    organisation_name: Option<&str>,
) -> Result<(), StorageError> {
    sqlx::query("DELETE FROM party_words WHERE party_id = $1").bind(party_id).execute(&mut *conn).await?;
    let words = party_words(family_name, given_names, organisation_name);
    if words.is_empty() {
        return Ok(());
    }
    let values: Vec<String> = (0..words.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
    let sql = format!("INSERT INTO party_words (word, party_id) VALUES {}", values.join(", "));
    let mut q = sqlx::query(&sql);
    for w in words {
        q = q.bind(w).bind(party_id);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Writes what the search finds every party by, when the migration that
/// adds it runs: 500 parties at a time (their words in statements of at
/// most 1,000), in its transaction.
///
/// # Errors
/// Database errors.
pub(crate) async fn fill_keys(conn: &mut sqlx::AnyConnection) -> Result<u64, StorageError> {
    type Names = (i64, Option<String>, Option<String>, Option<String>);
    let mut after = 0i64;
    let mut written = 0;
    loop {
        let rows: Vec<Names> = sqlx::query_as(
            "SELECT id, family_name, given_names, organisation_name FROM parties WHERE id > $1 ORDER BY id LIMIT 500",
        )
        .bind(after)
        .fetch_all(&mut *conn)
        .await?;
        let Some((last, ..)) = rows.last() else { return Ok(written) };
        after = *last;
        let mut words: Vec<(String, i64)> = Vec::new();
        for (id, family, given, organisation) in &rows {
            let (f, g, o) = (family.as_deref(), given.as_deref(), organisation.as_deref());
            words.extend(party_words(f, g, o).into_iter().map(|w| (w, *id)));
        }
        for chunk in words.chunks(1000) {
            let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
            let sql = format!("INSERT INTO party_words (word, party_id) VALUES {}", values.join(", "));
            let mut q = sqlx::query(&sql);
            for (w, id) in chunk {
                q = q.bind(w.clone()).bind(*id);
            }
            q.execute(&mut *conn).await?;
        }
        written += rows.len() as u64;
    }
}
