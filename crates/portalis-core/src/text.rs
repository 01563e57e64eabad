//! Rules for text that comes from outside (court systems, imports), each
//! with the pattern that says the same thing in the court API's OpenAPI
//! document: a value the pattern matches is accepted, and only those
//! (`tests/patterns.rs` checks each pair on generated strings).
//!
//! Patterns use only what ECMA-262, Python and Rust regular expressions
//! all read: anchors, classes of `\uXXXX` code points and ranges,
//! non-capturing groups, alternation and bounded repetition. Repetition
//! counts characters (code points), as JSON Schema validators and the
//! parsers do; an ECMA-262 engine without its `u` flag would count a
//! character beyond the BMP (an emoji) twice.

use crate::Invalid;

/// What Rust's `char::is_whitespace` (Unicode `White_Space`) matches, as
/// the inside of a character class: what `str::trim` removes.
pub const WHITESPACE: &str = r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// What `char::is_control` (Unicode `Cc`) matches, inside a class.
pub const CONTROL: &str = r"\u0000-\u001F\u007F-\u009F";

/// Control characters but the line feed, inside a class.
const CONTROL_BUT_NEWLINE: &str = r"\u0000-\u0009\u000B-\u001F\u007F-\u009F";

/// Characters that reorder or hide text (bidirectional controls, zero-width
/// spaces), inside a class: in a name they only serve to deceive.
pub const DECEPTIVE: &str = r"\u061C\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF";

/// Whether `c` reorders or hides text (see [`DECEPTIVE`]).
pub fn deceptive(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{200e}' | '\u{200f}' | '\u{061c}' | '\u{feff}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A string that is empty or only whitespace: what an optional field may
/// hold to say "none".
pub fn blank_pattern() -> String {
    format!("^[{WHITESPACE}]*$")
}

/// A string whose trimmed value is 1 to `max` characters, its first and
/// last drawn from `edge` and the others from `inner` (classes' insides,
/// negated: the characters refused), surrounded by whitespace.
fn trimmed_pattern(max: usize, edge_refused: &str, inner_refused: &str) -> String {
    let inner = match max {
        0 | 1 => String::new(),
        n => format!("(?:[^{inner_refused}]{{0,{}}}[^{edge_refused}])?", n - 2),
    };
    format!("^[{WHITESPACE}]*[^{edge_refused}]{inner}[{WHITESPACE}]*$")
}

/// Free text (names, labels, rooms): trimmed, 1 to `max` characters, no
/// control character but line feeds, no bidirectional control.
pub fn free_text(max: usize) -> impl Fn(&str) -> Result<String, Invalid> {
    move |s: &str| {
        let t = s.trim();
        if t.is_empty() || t.chars().count() > max || t.chars().any(|c| (c.is_control() && c != '\n') || deceptive(c)) {
            Err(Invalid::new("1 to the allowed number of printable characters", "Le texte n'est pas valide."))
        } else {
            Ok(t.to_owned())
        }
    }
}

/// The pattern of [`free_text`].
pub fn free_text_pattern(max: usize) -> String {
    trimmed_pattern(max, &format!("{WHITESPACE}{CONTROL}{DECEPTIVE}"), &format!("{CONTROL_BUT_NEWLINE}{DECEPTIVE}"))
}

/// A single line of text (a document's title): trimmed, 1 to `max`
/// characters, no control character at all, no bidirectional control.
pub fn single_line(max: usize) -> impl Fn(&str) -> Result<String, Invalid> {
    move |s: &str| {
        let t = s.trim();
        if t.is_empty() || t.chars().count() > max || t.chars().any(|c| c.is_control() || deceptive(c)) {
            Err(Invalid::new(
                "1 to the allowed number of printable characters on one line",
                "Le texte n'est pas valide.",
            ))
        } else {
            Ok(t.to_owned())
        }
    }
}

/// The pattern of [`single_line`].
pub fn single_line_pattern(max: usize) -> String {
    trimmed_pattern(max, &format!("{WHITESPACE}{CONTROL}{DECEPTIVE}"), &format!("{CONTROL}{DECEPTIVE}"))
}

/// The most characters a court's own reference holds.
pub const REFERENCE_MAX: usize = 100;

/// A court's own reference of a record (`case_ref`, `party_ref`, …): 1 to
/// 100 characters, none of them whitespace or a control character.
pub fn reference(value: &str) -> Result<String, Invalid> {
    let ok = !value.is_empty()
        && value.chars().count() <= REFERENCE_MAX
        && value.chars().all(|c| !c.is_control() && !c.is_whitespace());
    if ok {
        Ok(value.to_owned())
    } else {
        Err(Invalid::new(
            "a reference has 1 to 100 printable characters and no spaces",
            "La référence n'est pas valide.",
        ))
    }
}

/// The pattern of [`reference`].
pub fn reference_pattern() -> String {
    format!("^[^{WHITESPACE}{CONTROL}]{{1,{REFERENCE_MAX}}}$")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        let t = free_text(5);
        assert_eq!(t("  Marie \n").unwrap(), "Marie");
        assert_eq!(t("a\nb").unwrap(), "a\nb", "a line feed inside is kept");
        assert!(t("abcdef").is_err() && t(" ").is_err() && t("a\tb").is_err() && t("a\u{202e}b").is_err());
        assert!(single_line(5)("a\nb").is_err());
        assert_eq!(reference("2018-01234"), Ok("2018-01234".into()));
        assert!(reference("a b").is_err() && reference("").is_err() && reference(&"x".repeat(101)).is_err());
    }
}
