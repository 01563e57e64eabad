//! The court staff's search (the SAUJ's): what an agent types, read as a
//! name, a N° Portalis, a N° RG or an identification number — whichever it
//! can be — and the folded names a party is found by.
//!
//! A name is found when each word typed starts one of its words, in any
//! order: « delest », « Délestable Marie », « marie dele » and « payet »
//! find Marie Josée DELESTABLE-PAYET. Case, accents, marks, ligatures,
//! hyphens and apostrophes are forgiven ([`fold`]); a name is never found
//! by the middle of a word.

use crate::Invalid;
use crate::identification_number::IdentificationNumber;
use crate::portalis_number::PortalisNumber;
use crate::rg_number::RgNumber;

/// The fewest letters the longest word of a name search needs: one letter
/// would read a twentieth of the country's names.
pub const MIN_NAME_LETTERS: usize = 2;

/// The most characters a search may have.
pub const MAX_LENGTH: usize = 200;

/// What the agent typed, read every way it can be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The folded words typed, each the start of a word of the name:
    /// `None` when they hold fewer than two letters.
    pub name: Option<Vec<String>>,
    pub identification_number: Option<IdentificationNumber>,
    pub portalis_number: Option<PortalisNumber>,
    pub rg_number: Option<RgNumber>,
}

const EMPTY: Invalid = Invalid::new(
    "type a name, a N° Portalis, a N° RG or an identification number",
    "Saisissez un nom, un N° Portalis, un N° RG ou un numéro d'identification.",
);

const TOO_SHORT: Invalid =
    Invalid::new("a name needs at least two letters", "Saisissez au moins deux lettres du nom, ou un numéro complet.");

const TOO_LONG: Invalid =
    Invalid::new("a search has at most 200 characters", "La recherche comporte au plus 200 caractères.");

impl SearchQuery {
    /// # Errors
    /// Nothing typed, too long, or neither a number nor two letters of a
    /// name.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let input = input.trim();
        if input.is_empty() {
            return Err(EMPTY);
        }
        if input.chars().count() > MAX_LENGTH {
            return Err(TOO_LONG);
        }
        let folded = fold(input);
        let mut words: Vec<String> = folded.split(' ').filter(|w| !w.is_empty()).map(str::to_owned).collect();
        words.sort();
        words.dedup();
        // The longest word leads the search: it needs two letters, or it
        // would read a twentieth of the country's names.
        let longest = words.iter().map(|w| w.chars().count()).max().unwrap_or(0);
        let query = SearchQuery {
            name: (longest >= MIN_NAME_LETTERS).then_some(words),
            identification_number: IdentificationNumber::parse(input).ok(),
            portalis_number: PortalisNumber::parse(input).ok(),
            rg_number: RgNumber::parse(input).ok(),
        };
        let any = query.name.is_some()
            || query.identification_number.is_some()
            || query.portalis_number.is_some()
            || query.rg_number.is_some();
        if any { Ok(query) } else { Err(TOO_SHORT) }
    }
}

/// Text as names are compared: lower case, without accents or marks,
/// ligatures and letters without a decomposition written out (« Lœuillet »
/// is « loeuillet », « ß » « ss »), every other sign a space, words
/// separated by one space.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase) {
        let letters = match c {
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            'ø' => "o",
            'ł' => "l",
            'đ' => "d",
            'ı' => "i",
            c if c.is_alphanumeric() => {
                if space && !out.is_empty() {
                    out.push(' ');
                }
                space = false;
                out.push(c);
                continue;
            }
            _ => {
                space = true;
                continue;
            }
        };
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push_str(letters);
    }
    out
}

/// A party's name as the search reads it: folded, family name (or the
/// organisation's name) first, then the given names.
pub fn party_name_key(family_name: Option<&str>, given_names: Option<&str>, organisation_name: Option<&str>) -> String {
    let parts = [family_name.or(organisation_name), given_names];
    fold(&parts.iter().flatten().copied().collect::<Vec<_>>().join(" "))
}

/// The words a party is found by: each word of its name once, folded.
pub fn party_words(
    family_name: Option<&str>,
    given_names: Option<&str>,
    organisation_name: Option<&str>,
) -> Vec<String> {
    let mut words: Vec<String> = party_name_key(family_name, given_names, organisation_name)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The most words of a party's name whose every ordered pair is a key
/// ([`party_pair_keys`]): a name of 8 words has 56 pairs; one of more words
/// (an organisation's long name) has one [`MANY_WORDS`] key a word instead,
/// so that what is written grows with the name, never as its square.
pub const PAIR_WORDS_MAX: usize = 8;

/// What follows a word in the key a party of more than [`PAIR_WORDS_MAX`]
/// words has for each word, in place of its pairs: not a word (a folded
/// word holds letters and digits only), and sorted before every word.
pub const MANY_WORDS: &str = "*";

/// The keys that find a party by two words typed at once: each ordered
/// pair of its words, « first second » (one space between), so that a
/// party bearing a word starting with one word typed and another starting
/// with the other is one range of keys per word of the first kind. A name
/// of more than [`PAIR_WORDS_MAX`] words has « word * » for each word
/// instead (the search then checks the second word among its words).
pub fn party_pair_keys(words: &[String]) -> Vec<String> {
    if words.len() > PAIR_WORDS_MAX {
        return words.iter().map(|w| format!("{w} {MANY_WORDS}")).collect();
    }
    let mut keys = Vec::with_capacity(words.len() * words.len().saturating_sub(1));
    for a in words {
        for b in words {
            if a != b {
                keys.push(format!("{a} {b}"));
            }
        }
    }
    keys
}

/// The first key of the pairs of `word` whose second word starts with
/// `second`, and the key after the last: one range of the pairs' index.
pub fn pair_range(word: &str, second: &str) -> (String, String) {
    let start = format!("{word} {second}");
    let end = prefix_end(&start);
    (start, end)
}

/// The key a party of many words has for `word` ([`MANY_WORDS`]).
pub fn many_words_key(word: &str) -> String {
    format!("{word} {MANY_WORDS}")
}

impl SearchQuery {
    /// What the journal of views keeps of a search: as typed, but an
    /// identification number (a credential) only by its last characters.
    pub fn journal_text(&self, input: &str) -> String {
        match &self.identification_number {
            Some(n) => format!("numéro d'identification se terminant par {}", &n.as_str()[n.as_str().len() - 3..]),
            None => input.trim().to_owned(),
        }
    }

    /// The word of the name whose range the search reads (the longest: the
    /// fewest names start with it), and the others, each checked on the
    /// names found.
    pub fn name_driver(&self) -> Option<(&str, Vec<&str>)> {
        let words = self.name.as_ref()?;
        let driver = words.iter().max_by_key(|w| (w.chars().count(), std::cmp::Reverse(w.as_str())))?;
        Some((driver.as_str(), words.iter().filter(|w| *w != driver).map(String::as_str).collect()))
    }
}

impl SearchQuery {
    /// Two words typed or more: the one whose range the search reads (the
    /// longest, as [`SearchQuery::name_driver`]), the longest of the others
    /// (read with it through the pairs' keys), and the rest, each checked on
    /// the names found.
    pub fn name_pair(&self) -> Option<(&str, &str, Vec<&str>)> {
        let (driver, mut others) = self.name_driver()?;
        let second = others.iter().copied().max_by_key(|w| (w.chars().count(), std::cmp::Reverse(*w)))?;
        others.retain(|w| *w != second);
        Some((driver, second, others))
    }
}

/// A key after every key that starts with `prefix`, in byte order (the
/// keys' collation: SQLite's binary, PostgreSQL's "C"): the keys starting
/// with `prefix` are those from `prefix` included to this excluded, one
/// range of an index.
pub fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_without_case_accents_ligatures_or_signs() {
        assert_eq!(fold("  Délestable-Payet  Marie "), "delestable payet marie");
        assert_eq!(fold("LŒUILLET Strauß d'Argenson"), "loeuillet strauss d argenson");
        assert_eq!(fold("Muñoz"), "munoz");
        assert_eq!(fold("--"), "");
    }

    #[test]
    fn a_party_is_found_by_each_word_of_its_name() {
        assert_eq!(party_name_key(Some("DELESTABLE-PAYET"), Some("Marie Josée"), None), "delestable payet marie josee");
        assert_eq!(
            party_words(Some("DELESTABLE-PAYET"), Some("Marie Josée"), None),
            ["delestable", "josee", "marie", "payet"]
        );
        assert_eq!(party_words(None, None, Some("SCI Les Lilas")), ["les", "lilas", "sci"]);
        assert_eq!(party_words(Some("Marie"), Some("Marie"), None), ["marie"]);
    }

    #[test]
    fn the_journal_keeps_a_search_but_not_an_identification_number() {
        let q = SearchQuery::parse(" pjtk-5sy2-zzpj ").unwrap();
        assert_eq!(q.journal_text(" pjtk-5sy2-zzpj "), "numéro d'identification se terminant par ZPJ");
        let q = SearchQuery::parse(" Délestable ").unwrap();
        assert_eq!(q.journal_text(" Délestable "), "Délestable");
    }

    #[test]
    fn the_longest_word_typed_leads_the_search() {
        let q = SearchQuery::parse("marie Délestable d").unwrap();
        assert_eq!(q.name_driver(), Some(("delestable", vec!["d", "marie"])));
        let q = SearchQuery::parse("marie marie").unwrap();
        assert_eq!(q.name_driver(), Some(("marie", vec![])));
    }

    #[test]
    fn two_words_typed_are_read_through_the_pairs_of_the_two_longest() {
        let q = SearchQuery::parse("marie Délestable d").unwrap();
        assert_eq!(q.name_pair(), Some(("delestable", "marie", vec!["d"])));
        let q = SearchQuery::parse("jo ma").unwrap();
        assert_eq!(q.name_pair(), Some(("jo", "ma", vec![])), "the same length: the first in byte order leads");
        assert_eq!(SearchQuery::parse("delestable").unwrap().name_pair(), None);
    }

    #[test]
    fn a_name_has_a_key_per_ordered_pair_of_its_words_or_one_per_word_when_long() {
        let words = party_words(Some("DELESTABLE-PAYET"), Some("Marie"), None);
        let keys = party_pair_keys(&words);
        assert_eq!(keys.len(), 6);
        for key in ["delestable marie", "marie delestable", "payet marie", "marie payet", "delestable payet"] {
            assert!(keys.contains(&key.to_owned()), "{key}");
        }
        assert!(party_pair_keys(&["seul".to_owned()]).is_empty());

        let long = party_words(None, None, Some("Société civile immobilière des jardins de la mer bleue"));
        assert!(long.len() > PAIR_WORDS_MAX);
        let keys = party_pair_keys(&long);
        assert_eq!(keys.len(), long.len());
        assert!(keys.contains(&"jardins *".to_owned()));
        assert_eq!(many_words_key("jardins"), "jardins *");
    }

    #[test]
    fn a_pair_range_holds_the_pairs_of_the_word_whose_second_word_starts_so() {
        let (start, end) = pair_range("delestable", "ma");
        for inside in ["delestable ma", "delestable marie", "delestable mathilde"] {
            assert!(inside >= start.as_str() && inside < end.as_str(), "{inside}");
        }
        for outside in ["delestable m", "delestable payet", "delestablex marie", "delestable *", "delestables marie"] {
            assert!(!(outside >= start.as_str() && outside < end.as_str()), "{outside}");
        }
    }

    #[test]
    fn what_is_typed_is_read_every_way_it_can_be() {
        let q = SearchQuery::parse(" délestable ").unwrap();
        assert_eq!(q.name, Some(vec!["delestable".to_owned()]));
        assert_eq!((q.identification_number, q.portalis_number, q.rg_number), (None, None, None));

        let q = SearchQuery::parse("pjtk-5sy2-zzpj").unwrap();
        assert_eq!(q.identification_number.unwrap().as_str(), "PJTK5SY2ZZPJ");

        let q = SearchQuery::parse("24/01234").unwrap();
        assert_eq!(q.rg_number.unwrap().as_str(), "24/01234");
        assert!(q.portalis_number.is_none());
    }

    #[test]
    fn an_empty_a_one_letter_or_an_overlong_search_is_refused_in_french() {
        assert_eq!(SearchQuery::parse("  ").unwrap_err().fr, EMPTY.fr);
        assert_eq!(SearchQuery::parse("é").unwrap_err().fr, TOO_SHORT.fr);
        assert_eq!(SearchQuery::parse("a z").unwrap_err().fr, TOO_SHORT.fr, "each word one letter");
        assert_eq!(SearchQuery::parse(&"a".repeat(201)).unwrap_err().fr, TOO_LONG.fr);
    }

    #[test]
    fn the_prefix_range_holds_every_longer_key_and_no_other() {
        let end = prefix_end("dele");
        for inside in ["dele", "delestable marie", "dele zz"] {
            assert!(inside >= "dele" && inside < end.as_str(), "{inside}");
        }
        for outside in ["del", "delf", "dem"] {
            assert!(!(outside >= "dele" && outside < end.as_str()), "{outside}");
        }
    }
}
