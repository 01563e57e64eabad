//! Property tests of every parser of the domain: no input makes one panic,
//! what a parser accepts it accepts again unchanged (canonical forms), and
//! what the portal generates always parses.

use portalis_core::event::EventTime;
use portalis_core::identification_number::{ALPHABET, IdentificationNumber};
use portalis_core::mobile::MobileNumber;
use portalis_core::nac::NacCode;
use portalis_core::portalis_number::PortalisNumber;
use portalis_core::random::SeededRandom;
use portalis_core::rg_number::RgNumber;
use portalis_core::{attach, email::Email};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn no_input_makes_a_parser_panic(s in "\\PC{0,40}") {
        let _ = IdentificationNumber::parse(&s);
        let _ = PortalisNumber::parse(&s);
        let _ = RgNumber::parse(&s);
        let _ = NacCode::parse(&s);
        let _ = MobileNumber::parse(&s);
        let _ = Email::parse(&s);
        let _ = EventTime::parse(&s);
        let _ = attach::parse_code(&s);
    }

    #[test]
    fn canonical_forms_parse_to_themselves(s in "[0-9A-Za-z +./@-]{0,24}") {
        if let Ok(n) = IdentificationNumber::parse(&s) { prop_assert_eq!(IdentificationNumber::parse(n.as_str()).unwrap(), n); }
        if let Ok(n) = PortalisNumber::parse(&s) { prop_assert_eq!(PortalisNumber::parse(n.as_str()).unwrap(), n); }
        if let Ok(n) = RgNumber::parse(&s) { prop_assert_eq!(RgNumber::parse(n.as_str()).unwrap(), n); }
        if let Ok(n) = NacCode::parse(&s) { prop_assert_eq!(NacCode::parse(n.as_str()).unwrap(), n); }
        if let Ok(n) = MobileNumber::parse(&s) { prop_assert_eq!(MobileNumber::parse(n.as_str()).unwrap(), n); }
        if let Ok(n) = Email::parse(&s) { prop_assert_eq!(Email::parse(n.as_str()).unwrap(), n); }
    }

    #[test]
    fn identification_numbers_are_found_however_they_are_typed(
        chars in proptest::collection::vec(0..31usize, 12),
        lower in any::<bool>(),
        sep in prop_oneof![Just(""), Just(" "), Just("-")],
    ) {
        let canonical: String = chars.iter().map(|&i| ALPHABET[i] as char).collect();
        let typed = format!("{}{sep}{}{sep}{}", &canonical[..4], &canonical[4..8], &canonical[8..]);
        let typed = if lower { typed.to_lowercase() } else { typed };
        let parsed = IdentificationNumber::parse(&typed).unwrap();
        prop_assert_eq!(parsed.as_str(), canonical.as_str());
    }

    #[test]
    fn generated_numbers_and_codes_always_parse(seed in any::<u64>()) {
        let r = SeededRandom::new(seed);
        let n = IdentificationNumber::generate(&r);
        prop_assert_eq!(IdentificationNumber::parse(n.as_str()).unwrap(), n);
        let code = attach::generate_code(&r);
        prop_assert_eq!(attach::parse_code(&code).unwrap(), code);
    }

    #[test]
    fn french_mobiles_in_any_spacing_are_one_number(digits in "[67][0-9]{8}", sep in prop_oneof![Just(""), Just(" "), Just("."), Just("-")]) {
        let national = format!("0{digits}");
        let spaced: Vec<String> = national.as_bytes().chunks(2).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        let a = MobileNumber::parse(&spaced.join(sep)).unwrap();
        let b = MobileNumber::parse(&format!("+33{digits}")).unwrap();
        prop_assert!(a.as_str().starts_with('+'));
        prop_assert_eq!(a.national().replace(' ', ""), national.clone());
        if !national.starts_with("069") && !national.starts_with("0639") {
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn dates_and_times_round_trip(y in 1990i32..2100, m in 1u32..=12, d in 1u32..=28, h in 0u32..24, min in 0u32..60) {
        let s = format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}");
        prop_assert_eq!(EventTime::parse(&s).unwrap().to_api_string(), s);
        let day = format!("{y:04}-{m:02}-{d:02}");
        prop_assert_eq!(EventTime::parse(&day).unwrap().to_api_string(), day);
    }
}
