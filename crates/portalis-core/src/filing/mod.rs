//! Online filings (« saisines en ligne »): a request a litigant sends to a
//! court from the portal, from the draft he starts to the court's answer.
//! The rules here hold without I/O: the statuses and how one becomes
//! another, how long a draft is kept, the filing number, and the deadline of
//! a constitution de partie civile.

pub mod answers;
pub mod case_opening;
pub mod cursor;
pub mod export;
pub mod form;
pub mod procedures;
pub mod values;

use crate::Invalid;
use crate::enums::french_enum;
use crate::identification_number::ALPHABET;
use crate::invalid::compact_upper;
use crate::random::RandomSource;
use chrono::{DateTime, Duration, Utc};

french_enum! {
    /// Where a filing stands.
    FilingStatus, "filing status", "Le statut de la demande" {
        Brouillon => ("brouillon", "Brouillon"),
        Envoyee => ("envoyee", "Envoyée"),
        Enregistree => ("enregistree", "Enregistrée"),
        Echec => ("echec", "Échec de l'envoi"),
        Refusee => ("refusee", "Refusée"),
    }
}

impl FilingStatus {
    /// Whether a filing in this status may become `next`: a draft is sent
    /// (or its sending fails, and is tried again); the court registers or
    /// refuses what was sent, once — saying it again changes nothing.
    pub fn may_become(self, next: FilingStatus) -> bool {
        use FilingStatus::{Brouillon, Echec, Enregistree, Envoyee, Refusee};
        matches!(
            (self, next),
            (Brouillon | Echec, Envoyee | Echec)
                | (Envoyee, Enregistree | Refusee)
                | (Enregistree, Enregistree)
                | (Refusee, Refusee)
        )
    }

    /// Whether the litigant may still change or delete it.
    pub fn is_draft(self) -> bool {
        self == FilingStatus::Brouillon
    }
}

french_enum! {
    /// The procedures a litigant may file online.
    Procedure, "procedure", "La démarche" {
        JugeAuxAffairesFamiliales => ("jaf", "Requête au juge aux affaires familiales"),
        PartieCivile => ("partie_civile", "Constitution de partie civile"),
        ProtectionMajeur => ("protection_majeur", "Requête dans une mesure de protection d'un majeur"),
    }
}

impl Procedure {
    /// What the avis électronique de réception stands for, and under which
    /// text: a civil requête's receipt (CPC, arrêté of 21 October 2021),
    /// or the date a constitution de partie civile reached the court (CPP).
    pub fn receipt_basis(self) -> &'static str {
        match self {
            Procedure::PartieCivile => {
                "Cet avis électronique de réception atteste la date à laquelle votre constitution de partie civile est \
                 parvenue au tribunal (article 420-1 du code de procédure pénale)."
            }
            Procedure::JugeAuxAffairesFamiliales | Procedure::ProtectionMajeur => {
                "Cet avis électronique de réception vaut récépissé de votre requête (articles 748-8 et suivants du code \
                 de procédure civile ; arrêté du 21 octobre 2021)."
            }
        }
    }
}

/// How long a draft is kept after it was started.
pub const DRAFT_DAYS: i64 = 30;

/// When a draft started at `started_at` is deleted (shown on the draft).
pub fn draft_deleted_at(started_at: DateTime<Utc>) -> DateTime<Utc> {
    started_at + Duration::days(DRAFT_DAYS)
}

/// Whether a draft started at `started_at` is past its keeping at `now`.
pub fn draft_expired(started_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= draft_deleted_at(started_at)
}

/// How long before the hearing a constitution de partie civile must reach
/// the court when it is not made at the hearing (CPP art. 420-1).
pub const PARTIE_CIVILE_NOTICE_HOURS: i64 = 24;

/// Why a constitution de partie civile can no longer be sent online.
pub const TOO_LATE_FOR_THE_HEARING: Invalid = Invalid::new(
    "a constitution de partie civile must reach the court at least 24 hours before the hearing",
    "L'audience a lieu dans moins de 24 heures : votre constitution de partie civile ne peut plus être envoyée en \
     ligne. Présentez-vous à l'audience pour vous constituer partie civile.",
);

/// Whether a constitution de partie civile sent at `now` reaches the court
/// in time for the hearing at `hearing` (both instants).
///
/// # Errors
/// [`TOO_LATE_FOR_THE_HEARING`] from 24 hours before the hearing on.
pub fn partie_civile_in_time(now: DateTime<Utc>, hearing: DateTime<Utc>) -> Result<(), Invalid> {
    if now <= hearing - Duration::hours(PARTIE_CIVILE_NOTICE_HOURS) { Ok(()) } else { Err(TOO_LATE_FOR_THE_HEARING) }
}

/// Whether the party a court registered a filing under bears the filer's
/// name: his birth name or his usage name from FranceConnect, without
/// regard to case, accents, spaces or hyphens. Checked before the portal
/// attaches the filer to that party by itself, so that a mistyped party
/// reference does not open another's case to him (he then attaches with
/// the identification number, as any party).
pub fn party_is_the_filer(party_family_name: Option<&str>, filer_names: &[Option<&str>]) -> bool {
    let Some(party) = party_family_name.map(name_key).filter(|p| !p.is_empty()) else { return false };
    filer_names.iter().flatten().any(|n| name_key(n) == party)
}

/// A name as two spellings of it compare: its letters and digits in lower
/// case, without accents or other marks (« Muñoz » is « munoz »), the
/// ligatures and letters that have no decomposition written out
/// (« Lœuillet » is « loeuillet », « ß » « ss », « ø » « o », « ł » « l »),
/// without spaces, hyphens or apostrophes.
pub fn name_key(s: &str) -> String {
    crate::search::fold(s).replace(' ', "")
}

/// The most characters of the reason a court gives for refusing a filing
/// (through its API or at the console), as the filer reads it.
pub const REFUSAL_REASON_MAX: usize = 2000;

/// How many drafts a litigant may keep at once: « Commencer » asks him to
/// finish or delete one beyond.
pub const MAX_DRAFTS: usize = 20;

/// How many characters a filing number has.
pub const FILING_NUMBER_LENGTH: usize = 12;

/// The number of a sent filing, on the avis de réception and in the court's
/// intake: 12 capitals or digits without look-alikes (59 random bits, so
/// that it cannot be guessed), written in groups of four.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FilingNumber(String);

const MALFORMED: Invalid = Invalid::new(
    "a filing number has 12 letters and digits, for example DMJ4-K7QP-2XRT",
    "Le numéro de la demande comporte 12 caractères, lettres et chiffres, par exemple DMJ4-K7QP-2XRT.",
);

impl FilingNumber {
    /// Accepts lower case, spaces and dashes.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = compact_upper(input);
        if s.len() == FILING_NUMBER_LENGTH && s.bytes().all(|b| ALPHABET.contains(&b)) {
            Ok(Self(s))
        } else {
            Err(MALFORMED)
        }
    }

    /// The ECMA-262 pattern of what [`FilingNumber::parse`] accepts: 12
    /// characters of the alphabet, any case, separated by spaces, dots,
    /// dashes, tabs or no-break spaces.
    pub fn pattern() -> String {
        const SEP: &str = "[ .\\t\\u00a0-]*";
        format!("^{SEP}(?:[2-9A-HJKMNP-Za-hjkmnp-z]{SEP}){{{FILING_NUMBER_LENGTH}}}$")
    }

    /// Draws a new number from the random source.
    pub fn generate(random: &dyn RandomSource) -> Self {
        let s = (0..FILING_NUMBER_LENGTH).map(|_| ALPHABET[random.below(ALPHABET.len() as u32) as usize] as char);
        Self(s.collect())
    }

    /// As stored and in URLs: `DMJ4K7QP2XRT`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As the litigant reads it: `DMJ4-K7QP-2XRT`.
    pub fn grouped(&self) -> String {
        let s = &self.0;
        format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::SeededRandom;

    #[test]
    fn the_party_is_the_filer_by_his_birth_or_usage_name_only() {
        assert!(party_is_the_filer(Some("Delestable"), &[Some("DELESTABLE"), None]));
        assert!(party_is_the_filer(Some("Le Bihan-Hoarau"), &[Some("MARTIN"), Some("LE BIHAN HOARAU")]));
        assert!(party_is_the_filer(Some("Hélène"), &[Some("HELENE")]), "accents aside");
        assert!(party_is_the_filer(Some("Lœuillet"), &[Some("LOEUILLET")]), "the ligature written out");
        assert!(party_is_the_filer(Some("Muñoz"), &[Some("MUNOZ")]));
        assert!(party_is_the_filer(Some("Nøstvik-Łukasz"), &[Some("NOSTVIK LUKASZ")]));
        assert!(party_is_the_filer(Some("D'Almeida"), &[Some("DALMEIDA")]));
        assert!(party_is_the_filer(Some("Strauß"), &[Some("STRAUSS")]));
        assert!(!party_is_the_filer(Some("Dupont"), &[Some("DELESTABLE"), Some("MARTIN")]));
        assert!(!party_is_the_filer(None, &[Some("DELESTABLE")]), "an organisation is not the filer");
        assert!(!party_is_the_filer(Some(" - "), &[Some("")]), "nothing matches nothing");
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn a_filing_goes_from_draft_to_sent_then_to_the_courts_answer_once() {
        use FilingStatus::*;
        assert!(Brouillon.may_become(Envoyee) && Brouillon.may_become(Echec) && Echec.may_become(Envoyee));
        assert!(Envoyee.may_become(Enregistree) && Envoyee.may_become(Refusee));
        assert!(Enregistree.may_become(Enregistree), "registering again changes nothing");
        for (from, to) in
            [(Brouillon, Enregistree), (Envoyee, Brouillon), (Enregistree, Refusee), (Refusee, Enregistree)]
        {
            assert!(!from.may_become(to), "{from:?} → {to:?}");
        }
        assert_eq!(FilingStatus::parse("envoyee").unwrap(), Envoyee);
        assert_eq!(Echec.label(), "Échec de l'envoi");
        assert!(Brouillon.is_draft() && !Envoyee.is_draft());
    }

    #[test]
    fn a_draft_is_deleted_thirty_days_after_it_was_started() {
        let started = at("2026-12-02T18:40:00.123456789Z");
        assert_eq!(draft_deleted_at(started), at("2027-01-01T18:40:00.123456789Z"));
        assert!(!draft_expired(started, at("2027-01-01T18:40:00.123456788Z")));
        assert!(draft_expired(started, at("2027-01-01T18:40:00.123456789Z")));
    }

    #[test]
    fn a_constitution_de_partie_civile_reaches_the_court_at_least_24_hours_before_the_hearing() {
        let hearing = at("2027-01-21T10:00:00Z");
        assert!(partie_civile_in_time(at("2027-01-20T10:00:00Z"), hearing).is_ok(), "24 hours before, exactly");
        let late = partie_civile_in_time(at("2027-01-20T10:00:00.000000001Z"), hearing).unwrap_err();
        assert!(late.fr.contains("Présentez-vous à l'audience"));
        assert!(partie_civile_in_time(at("2027-01-22T10:00:00Z"), hearing).is_err(), "after the hearing");
    }

    #[test]
    fn a_filing_number_reads_back_grouped_or_not() {
        let n = FilingNumber::generate(&SeededRandom::new(3));
        assert_eq!(n.as_str().len(), 12);
        assert_eq!(FilingNumber::parse(&n.grouped().to_lowercase()).unwrap(), n);
        assert_eq!(n.grouped().len(), 14);
        assert!(FilingNumber::parse("DMJ4-K7QP-2XR").is_err());
        assert!(FilingNumber::parse("DMJ4-K7QP-2XR0").is_err(), "no zero");
        assert_ne!(FilingNumber::generate(&SeededRandom::new(4)), n);
    }
}
