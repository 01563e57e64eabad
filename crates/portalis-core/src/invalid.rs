//! The one error a parser of this crate returns: what was expected, said in
//! English for the court API and in French for litigants' pages.

use std::fmt;

/// A value that does not parse. `en` is for developers (API problem details),
/// `fr` is shown to litigants next to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub en: &'static str,
    pub fr: &'static str,
}

impl Invalid {
    pub const fn new(en: &'static str, fr: &'static str) -> Self {
        Self { en, fr }
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.en)
    }
}

impl std::error::Error for Invalid {}

/// What [`compact_upper`] drops, inside a pattern's character class.
pub(crate) const COMPACT_SEPARATORS: &str = r"\u0020\u0009.\u00A0-";

/// Upper-cases `input` (ASCII letters only: the codes are ASCII) and drops
/// the spaces, tabs, dashes and dots people type between groups of
/// characters.
pub(crate) fn compact_upper(input: &str) -> String {
    input.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '\u{a0}' | '\t')).map(|c| c.to_ascii_uppercase()).collect()
}
