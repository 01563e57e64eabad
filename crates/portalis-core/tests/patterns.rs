//! Each rule's pattern (the court API's OpenAPI document states them) says
//! exactly what its parser accepts: a string matches the pattern if and
//! only if the parser accepts it. Checked on strings drawn from the
//! pattern, on those strings altered one to three characters at a time
//! (where rules and patterns are likely to part), and on strings of
//! awkward characters.

use portalis_core::calendar::{date_pattern, parse_date};
use portalis_core::document::{TITLE_MAX, parse_title};
use portalis_core::email::Email;
use portalis_core::event::EventTime;
use portalis_core::mobile::MobileNumber;
use portalis_core::nac::{LABEL_MAX, NacCode, parse_label};
use portalis_core::portalis_number::PortalisNumber;
use portalis_core::rg_number::RgNumber;
use portalis_core::text::{blank_pattern, free_text, free_text_pattern, reference, reference_pattern};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// Characters where rules tend to draw their lines.
const AWKWARD: &[char] = &[
    'a', 'Z', 'é', 'ß', 'ſ', 'İ', '0', '1', '2', '3', '6', '7', '9', ' ', '\t', '\n', '\r', '\u{0b}', '\u{85}',
    '\u{a0}', '\u{1680}', '\u{2000}', '\u{2028}', '\u{3000}', '\u{200b}', '\u{202e}', '\u{2066}', '\u{061c}',
    '\u{feff}', '\u{0}', '\u{1f}', '\u{7f}', '\u{9f}', '@', '.', '-', '(', ')', '+', '/', ':', 'T', '<', ',', ';', '_',
    '😀', '\u{ff10}', '٣',
];

/// Checks that the parser and the schema (`pattern`, and `maxLength` when
/// there is one) agree on `input`.
fn agree(
    name: &str,
    pattern: &regex::Regex,
    max_chars: Option<usize>,
    accepts: &dyn Fn(&str) -> bool,
    input: &str,
) -> Result<(), TestCaseError> {
    let within = max_chars.is_none_or(|m| input.chars().count() <= m);
    let (matched, accepted) = (pattern.is_match(input) && within, accepts(input));
    prop_assert_eq!(matched, accepted, "{}: {:?} (pattern {}, parser {})", name, input, matched, accepted);
    Ok(())
}

/// Strings the anchored `pattern` matches.
fn drawn(pattern: &str) -> impl Strategy<Value = String> {
    let inner = pattern.strip_prefix('^').and_then(|p| p.strip_suffix('$')).expect("an anchored pattern");
    proptest::string::string_regex(inner).expect("the pattern generates")
}

/// A string drawn from `pattern`, altered at up to three places.
fn drawn_then_altered(pattern: &str) -> impl Strategy<Value = String> {
    // Half the edits put in an ordinary character of codes and numbers,
    // where a pattern's digits and letters are most likely to be wrong.
    let ordinary: Vec<char> = "0123456789abcfzABCFZ +.-()@/:T".chars().collect();
    let character = prop_oneof![proptest::sample::select(AWKWARD), proptest::sample::select(ordinary)];
    let edit = (0usize..64, 0usize..3, character);
    (drawn(pattern), proptest::collection::vec(edit, 0..=3)).prop_map(|(s, edits)| {
        let mut chars: Vec<char> = s.chars().collect();
        for (at, how, c) in edits {
            let at = if chars.is_empty() { 0 } else { at % (chars.len() + 1) };
            match how {
                0 => chars.insert(at, c),
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => chars[at] = c,
                _ => chars.push(c),
            }
        }
        chars.into_iter().collect()
    })
}

fn awkward_strings(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(AWKWARD), 0..max).prop_map(|v| v.into_iter().collect())
}

/// Runs the three kinds of strings against one rule, each with a runner
/// of its own (a runner counts its successes across runs).
fn check(name: &str, pattern: &str, accepts: impl Fn(&str) -> bool, awkward_len: usize) {
    check_with(name, pattern, None, accepts, awkward_len);
}

/// The same, for a schema of a pattern and a `maxLength`.
fn check_with(name: &str, pattern: &str, max_chars: Option<usize>, accepts: impl Fn(&str) -> bool, awkward_len: usize) {
    let compiled = regex::Regex::new(pattern).unwrap_or_else(|e| panic!("{name}: {e}"));
    let runner = || TestRunner::new(Config { cases: 3000, failure_persistence: None, ..Config::default() });
    runner()
        .run(&drawn(pattern), |s| {
            prop_assert!(
                accepts(&s) || max_chars.is_some_and(|m| s.chars().count() > m),
                "{}: drawn from the pattern but refused: {:?}",
                name,
                s
            );
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let many = || TestRunner::new(Config { cases: 20_000, failure_persistence: None, ..Config::default() });
    many()
        .run(&drawn_then_altered(pattern), |s| agree(name, &compiled, max_chars, &accepts, &s))
        .unwrap_or_else(|e| panic!("{e}"));
    runner()
        .run(&awkward_strings(awkward_len), |s| agree(name, &compiled, max_chars, &accepts, &s))
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn references() {
    check("reference", &reference_pattern(), |s| reference(s).is_ok(), 8);
    assert!(regex::Regex::new(&reference_pattern()).unwrap().is_match(&"é".repeat(100)));
    assert!(!regex::Regex::new(&reference_pattern()).unwrap().is_match(&"é".repeat(101)));
}

#[test]
fn free_text_of_every_length_used() {
    for max in [100, 200, 300] {
        check(&format!("free_text({max})"), &free_text_pattern(max), |s| free_text(max)(s).is_ok(), 8);
        let p = regex::Regex::new(&free_text_pattern(max)).unwrap();
        for (s, ok) in [
            ("a".repeat(max), true),
            ("a".repeat(max + 1), false),
            (format!(" \t{}\u{3000}", "a".repeat(max)), true),
            (format!("a{}a", " ".repeat(max - 2)), true),
            (format!("a{}a", " ".repeat(max - 1)), false),
        ] {
            assert_eq!(p.is_match(&s), ok, "{max}: {} characters", s.chars().count());
            assert_eq!(free_text(max)(&s).is_ok(), ok);
        }
    }
}

#[test]
fn titles() {
    check("title", &portalis_core::text::single_line_pattern(TITLE_MAX), |s| parse_title(s).is_ok(), 8);
}

#[test]
fn nature_labels() {
    check("nature label", &free_text_pattern(LABEL_MAX), |s| parse_label(s).is_ok(), 8);
}

#[test]
fn blank_means_none() {
    let p = regex::Regex::new(&blank_pattern()).unwrap();
    assert!(p.is_match("") && p.is_match(" \t\u{3000}") && !p.is_match(" a "));
}

#[test]
fn every_day_from_1890_to_3010_is_a_date_exactly_when_the_pattern_says() {
    let p = regex::Regex::new(&date_pattern()).unwrap();
    for y in 1890..=3010 {
        for m in 0..=13 {
            for d in 0..=32 {
                let s = format!("{y:04}-{m:02}-{d:02}");
                assert_eq!(p.is_match(&s), parse_date(&s).is_ok(), "{s}");
            }
        }
    }
    check("date", &date_pattern(), |s| parse_date(s).is_ok(), 12);
}

#[test]
fn event_times() {
    check("event time", &EventTime::pattern(), |s| EventTime::parse(s).is_ok(), 12);
    let p = regex::Regex::new(&EventTime::pattern()).unwrap();
    for (s, ok) in [
        ("2019-06-04T14:00", true),
        (" 2019-06-04 ", true),
        ("2019-06-04T24:00", false),
        ("2019-06-04T14:00:00", false),
    ] {
        assert_eq!(p.is_match(s), ok, "{s}");
        assert_eq!(EventTime::parse(s).is_ok(), ok, "{s}");
    }
}

#[test]
fn e_mail_addresses() {
    // The pattern goes with `maxLength`.
    check_with("e-mail", &Email::pattern(), Some(Email::MAX), |s| Email::parse(s).is_ok(), 12);
    let long = format!("{}@{}.fr", "a".repeat(64), "b".repeat(200));
    assert!(regex::Regex::new(&Email::pattern()).unwrap().is_match(&long) && Email::parse(&long).is_err());
}

#[test]
fn mobile_numbers() {
    check("mobile", &MobileNumber::pattern(), |s| MobileNumber::parse(s).is_ok(), 16);
}

#[test]
fn portalis_numbers() {
    check("N° Portalis", &PortalisNumber::pattern(), |s| PortalisNumber::parse(s).is_ok(), 16);
}

#[test]
fn rg_numbers() {
    check("N° RG", &RgNumber::pattern(), |s| RgNumber::parse(s).is_ok(), 12);
}

#[test]
fn nac_codes() {
    check("NAC code", &NacCode::pattern(), |s| NacCode::parse(s).is_ok(), 6);
}

#[test]
fn filing_numbers() {
    use portalis_core::filing::FilingNumber;
    check("filing number", &FilingNumber::pattern(), |s| FilingNumber::parse(s).is_ok(), 16);
}
