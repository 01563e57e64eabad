//! The court staff's search of parties, every court's: by identification
//! number, N° Portalis or N° RG (exact), and by name — each word typed
//! starts a word of the name, in any order.
//!
//! One word typed reads one range of `party_words` in order. Two to four
//! read, for each distinct word starting with the longest (found by a loose
//! index scan of `party_words`), the range of `party_word_pairs` whose
//! second word starts with the next longest, ordered and cut before the
//! parties are read: about the rows returned, however many parties bear
//! either word — but for the names of more than 8 words bearing the first,
//! which have no pairs and are each checked for the second. The other
//! words typed are checked among the party's own words (an index of
//! `party_words` by party). The range of the longest word is read as for
//! one word, each party checked for the others, when it starts more than 16
//! distinct words, when more than 4 words are typed, or when the second
//! word starts the longest. The numbers' answers come first, then the
//! names' by the key found (word, or pair), then by party.

use crate::error::StorageError;
use crate::parties::{self, Party};
use crate::read::{Cells, Param, Reads};
use portalis_core::search::{SearchQuery, many_words_key, pair_range, party_pair_keys, party_words, prefix_end};

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

/// The most keys of `party_word_pairs` one party may take in the ranges a
/// search by pairs reads (its words that start alike): what such a page
/// reads beyond, so that enough distinct parties come back.
const WORDS_A_PARTY: i64 = 4;

/// The most distinct words starting with the longest word typed whose
/// pairs a search of two words or more reads, one range each; beyond
/// (a short word typed, « ma »), it reads the range of that word.
const PAIR_WORDS_READ: i64 = 16;

/// The most words typed that the pairs of words are read for.
const PAIR_SEARCH_WORDS: usize = 4;

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
    if (found.len() as i64) < wanted
        && let Some((driver, others)) = query.name_driver()
    {
        let row_limit = (wanted - found.len() as i64) * WORDS_A_PARTY;
        // Each party comes once, and `wanted` of them are enough (a party
        // found by a number too is one of them); by pairs, a party may have
        // several keys: up to `row_limit` keys are read for them.
        let (rows, more_may_follow) = match query.name_pair() {
            // A word of the name starting with the longest word typed
            // starts with the second too when the second starts the first:
            // the pairs (of two distinct words) would miss it.
            // Beyond 4 words typed, each of the pairs' 32 ranges would
            // check every other word: the range of the longest is read.
            Some((driver, second, rest)) if !driver.starts_with(second) && rest.len() + 2 <= PAIR_SEARCH_WORDS => {
                let words = words_starting(conn, driver, PAIR_WORDS_READ + 1).await?;
                if words.len() as i64 > PAIR_WORDS_READ {
                    by_word(conn, driver, &others, wanted).await?
                } else {
                    by_pairs(conn, &words, second, &rest, row_limit, wanted).await?
                }
            }
            _ => by_word(conn, driver, &others, wanted).await?,
        };
        cut_short = more_may_follow;
        add(rows, &mut found);
    }
    let more = found.len() as i64 > offset + limit || (cut_short && found.len() as i64 > offset);
    let found = found.into_iter().skip(offset as usize).take(limit as usize).collect();
    Ok(FoundPage { found, more })
}

/// The first `most` distinct words of names starting with `prefix`, in
/// order: one probe of `party_words`' key a word (a loose index scan),
/// whatever the number of parties bearing each.
async fn words_starting(conn: &mut impl Reads, prefix: &str, most: i64) -> Result<Vec<String>, StorageError> {
    let sql = "WITH RECURSIVE d(w, n) AS (
            SELECT (SELECT min(word) FROM party_words WHERE word >= $1 AND word < $2), 1
            UNION ALL
            SELECT (SELECT min(word) FROM party_words WHERE word > d.w AND word < $2), d.n + 1
            FROM d WHERE d.w IS NOT NULL AND d.n < $3)
        SELECT w FROM d WHERE w IS NOT NULL";
    let params = vec![prefix.into(), prefix_end(prefix).into(), most.into()];
    conn.rows(sql, params, |r| r.text("w")).await
}

/// `AND EXISTS` a word of the party of `alias` starting with each of
/// `words`, their ranges pushed onto `params`: each a probe of the index
/// that holds a party's words (SQLite's `party_words_party`, PostgreSQL's
/// `party_words_party_word`), not a read of the party's row — and a
/// condition whose selectivity both planners estimate from the words'
/// statistics (PostgreSQL misjudged a `LIKE` on the folded name by a
/// factor of 500 and scanned every party).
fn bearing(alias: &str, words: &[&str], params: &mut Vec<Param>) -> String {
    let mut checks = String::new();
    for word in words {
        params.push((*word).to_owned().into());
        params.push(prefix_end(word).into());
        checks.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM party_words o WHERE o.party_id = {alias}.party_id AND o.word >= ${} AND o.word < ${})",
            params.len() - 1,
            params.len()
        ));
    }
    checks
}

/// The first `limit` parties bearing a word starting with `driver` and
/// each of `others`, by the word, then by party, each once (at its first
/// word in the range): the range of `driver` in `party_words`, each party
/// checked for an earlier word of the range and for the others. Only the
/// parties returned (up to the end of the page, and one more) are joined to
/// their rows: a party of several words
/// starting alike used to come once a word, so that four rows a party
/// were joined and sent for each one shown (84 for a page of 20: at
/// 1,000,000 cases, three times the time of this query). With them,
/// whether more may follow (`limit` came).
async fn by_word(
    conn: &mut impl Reads,
    driver: &str,
    others: &[&str],
    limit: i64,
) -> Result<(Vec<Found>, bool), StorageError> {
    let mut params: Vec<Param> = vec![driver.to_owned().into(), prefix_end(driver).into()];
    let checks = bearing("w", others, &mut params);
    params.push(limit.into());
    let sql = format!(
        "SELECT {}, {COLUMNS} FROM party_words w JOIN parties p ON p.id = w.party_id
         JOIN cases c ON c.id = p.case_id JOIN courts ct ON ct.id = c.court_id
         WHERE w.word >= $1 AND w.word < $2
         AND NOT EXISTS (SELECT 1 FROM party_words e WHERE e.party_id = w.party_id AND e.word >= $1 AND e.word < w.word)\
         {checks} ORDER BY w.word, w.party_id LIMIT ${}",
        parties::COLUMNS_OF_P,
        params.len()
    );
    let rows = conn.rows(&sql, params, from_row).await?;
    let more_may_follow = rows.len() as i64 == limit;
    Ok((rows, more_may_follow))
}

/// The first `limit` parties bearing one of `words` and a word starting
/// with `second` (and each of `rest`), by their first pair's key, then by
/// party: for each word, the range of its pairs whose second word starts
/// with `second`, and its key of a name of many words (whose words are then
/// checked for `second`), each read in order, the first `row_limit` keys of
/// them all kept. Only the parties returned are joined to their rows (all
/// the keys were, before: 84 rows for a page of 20, and 582 µs against
/// 241 µs at 1,000,000 cases on SQLite). With them, whether more may
/// follow: `limit` came, or every key was read (names whose many words
/// start alike).
async fn by_pairs(
    conn: &mut impl Reads,
    words: &[String],
    second: &str,
    rest: &[&str],
    row_limit: i64,
    limit: i64,
) -> Result<(Vec<Found>, bool), StorageError> {
    if words.is_empty() {
        return Ok((Vec::new(), false));
    }
    let mut params: Vec<Param> = Vec::new();
    let mut members: Vec<String> = Vec::new();
    for word in words {
        let (start, end) = pair_range(word, second);
        params.push(start.into());
        params.push(end.into());
        let (a, b) = (params.len() - 1, params.len());
        let checks = bearing("x", rest, &mut params);
        params.push(row_limit.into());
        members.push(format!(
            "SELECT * FROM (SELECT x.pair, x.party_id FROM party_word_pairs x
             WHERE x.pair >= ${a} AND x.pair < ${b}{checks} ORDER BY x.pair, x.party_id LIMIT ${}) m{}",
            params.len(),
            members.len()
        ));
        params.push(many_words_key(word).into());
        let key = params.len();
        let checks = bearing("x", &[&[second][..], rest].concat(), &mut params);
        params.push(row_limit.into());
        members.push(format!(
            "SELECT * FROM (SELECT x.pair, x.party_id FROM party_word_pairs x
             WHERE x.pair = ${key}{checks} ORDER BY x.party_id LIMIT ${}) m{}",
            params.len(),
            members.len()
        ));
    }
    params.push(row_limit.into());
    params.push(limit.into());
    // The keys are ordered and cut, then each party kept once at its first
    // key, before the parties are read. Below `limit` parties, every
    // party's keys are counted: their sum is the keys read.
    let sql = format!(
        "SELECT {}, {COLUMNS}, k.keys FROM
         (SELECT r.party_id, min(r.pair) AS first_pair, count(*) AS keys
          FROM (SELECT u.pair, u.party_id FROM ({}) u ORDER BY u.pair, u.party_id LIMIT ${}) r
          GROUP BY r.party_id ORDER BY first_pair, r.party_id LIMIT ${}) k
         JOIN parties p ON p.id = k.party_id JOIN cases c ON c.id = p.case_id JOIN courts ct ON ct.id = c.court_id
         ORDER BY k.first_pair, k.party_id",
        parties::COLUMNS_OF_P,
        members.join(" UNION ALL "),
        params.len() - 1,
        params.len()
    );
    let rows = conn.rows(&sql, params, |r| Ok((from_row(r)?, r.int("keys")?))).await?;
    let more_may_follow = rows.len() as i64 == limit || rows.iter().map(|(_, keys)| keys).sum::<i64>() == row_limit;
    Ok((rows.into_iter().map(|(found, _)| found).collect(), more_may_follow))
}

/// Writes what the search finds the party by: its words and the pairs of
/// its words, in place of those it had.
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
    sqlx::query("DELETE FROM party_word_pairs WHERE party_id = $1").bind(party_id).execute(&mut *conn).await?;
    let words = party_words(family_name, given_names, organisation_name);
    let pairs: Vec<(String, i64)> = party_pair_keys(&words).into_iter().map(|k| (k, party_id)).collect();
    let words: Vec<(String, i64)> = words.into_iter().map(|w| (w, party_id)).collect();
    insert_keys(conn, Keys::Words, &words).await?;
    insert_keys(conn, Keys::Pairs, &pairs).await
}

/// The keys a party is found by, each in its table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keys {
    /// Its words (`party_words`), since migration 18.
    Words,
    /// The pairs of its words (`party_word_pairs`), since migration 23.
    Pairs,
}

impl Keys {
    fn insert(self) -> &'static str {
        match self {
            Keys::Words => "INSERT INTO party_words (word, party_id) VALUES ",
            Keys::Pairs => "INSERT INTO party_word_pairs (pair, party_id) VALUES ",
        }
    }

    fn of(self, family: Option<&str>, given: Option<&str>, organisation: Option<&str>) -> Vec<String> {
        let words = party_words(family, given, organisation);
        match self {
            Keys::Words => words,
            Keys::Pairs => party_pair_keys(&words),
        }
    }
}

/// Inserts `(key, party)` rows into the table of `keys`, in statements of
/// at most 1,000 rows.
async fn insert_keys(conn: &mut sqlx::AnyConnection, keys: Keys, rows: &[(String, i64)]) -> Result<(), StorageError> {
    for chunk in rows.chunks(1000) {
        let values: Vec<String> = (0..chunk.len()).map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("{}{}", keys.insert(), values.join(", "));
        let mut q = sqlx::query(&sql);
        for (key, id) in chunk {
            q = q.bind(key.as_str()).bind(*id);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Writes the `keys` of every party, when the migration that adds them
/// runs: 500 parties at a time, in its transaction.
///
/// # Errors
/// Database errors.
pub(crate) async fn fill_keys(conn: &mut sqlx::AnyConnection, keys: Keys) -> Result<u64, StorageError> {
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
        let mut found: Vec<(String, i64)> = Vec::new();
        for (id, family, given, organisation) in &rows {
            let (f, g, o) = (family.as_deref(), given.as_deref(), organisation.as_deref());
            found.extend(keys.of(f, g, o).into_iter().map(|k| (k, *id)));
        }
        insert_keys(conn, keys, &found).await?;
        written += rows.len() as u64;
    }
}
