//! Courts (juridictions): their stable code, their kind and their time zone.

use crate::Invalid;
use crate::enums::french_enum;
use chrono_tz::Tz;

french_enum! {
    /// The kind of a court.
    CourtKind, "court kind", "Le type de juridiction" {
        TribunalJudiciaire => ("tribunal_judiciaire", "Tribunal judiciaire"),
        ChambreDeProximite => ("chambre_de_proximite", "Chambre de proximité"),
        CourDAppel => ("cour_d_appel", "Cour d'appel"),
        ConseilDePrudhommes => ("conseil_de_prudhommes", "Conseil de prud'hommes"),
        TribunalDeCommerce => ("tribunal_de_commerce", "Tribunal de commerce"),
        TribunalParitaireDesBauxRuraux => ("tribunal_paritaire_des_baux_ruraux", "Tribunal paritaire des baux ruraux"),
    }
}

impl CourtKind {
    /// What such a court hears, in general terms, for the directory.
    pub fn jurisdiction(self) -> &'static str {
        match self {
            CourtKind::TribunalJudiciaire => {
                "Il juge les litiges civils entre personnes (famille, logement, dettes, responsabilité, succession…) \
                 qui ne relèvent pas d'une autre juridiction, ainsi que les délits et les contraventions. Son service \
                 d'accueil unique du justiciable (SAUJ) renseigne sur toutes les procédures."
            }
            CourtKind::ChambreDeProximite => {
                "Chambre détachée du tribunal judiciaire, elle juge près de chez vous les litiges civils du quotidien \
                 (sommes jusqu'à 10 000 €, baux d'habitation, crédit à la consommation, surendettement, tutelles)."
            }
            CourtKind::CourDAppel => {
                "Elle juge à nouveau une affaire déjà jugée en première instance, lorsqu'une partie a fait appel."
            }
            CourtKind::ConseilDePrudhommes => {
                "Il juge les litiges individuels nés d'un contrat de travail entre un salarié et son employeur \
                 (licenciement, salaires, indemnités)."
            }
            CourtKind::TribunalDeCommerce => {
                "Il juge les litiges entre commerçants et entre sociétés commerciales, et les difficultés des entreprises."
            }
            CourtKind::TribunalParitaireDesBauxRuraux => {
                "Il juge les litiges entre propriétaires et exploitants de terres ou de bâtiments agricoles."
            }
        }
    }
}

/// A court's stable code: 2 to 64 characters, lower-case ASCII letters,
/// digits and dashes, starting with a letter (`tj-paris`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CourtCode(String);

impl CourtCode {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let s = input.trim();
        let ok = (2..=64).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(Invalid::new(
                "a court code has 2 to 64 lower-case letters, digits or dashes and starts with a letter",
                "Le code de la juridiction n'est pas valide.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CourtCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses an IANA time zone name (`Europe/Paris`, `Indian/Reunion`).
pub fn parse_time_zone(input: &str) -> Result<Tz, Invalid> {
    input.trim().parse::<Tz>().map_err(|_| {
        Invalid::new("an IANA time zone name such as Europe/Paris", "Le fuseau horaire n'est pas reconnu.")
    })
}

/// A court's telephone number as its directory shows it: digits with the
/// spaces, dots, dashes and brackets people write between them, perhaps
/// `+` first; 10 to 15 digits (a French number, or an overseas one with
/// its country code). Kept as typed, trimmed.
///
/// # Errors
/// Anything else, said in French for the court's administrator.
pub fn parse_phone(input: &str) -> Result<String, Invalid> {
    const NOT_A_PHONE: Invalid = Invalid::new(
        "a telephone number: 10 to 15 digits, perhaps `+` first, spaces, dots, dashes or brackets between them",
        "Saisissez un numéro de téléphone de 10 à 15 chiffres, par exemple 02 62 40 20 20 ou +262 262 40 20 20.",
    );
    let t = input.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    let allowed = body.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'));
    if allowed && (10..=15).contains(&digits) && t.chars().count() <= 30 { Ok(t.to_owned()) } else { Err(NOT_A_PHONE) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn court_codes_are_lower_case_slugs() {
        assert!(CourtCode::parse("tj-saint-denis-reunion").is_ok());
        assert!(CourtCode::parse("TJ-Paris").is_err());
        assert!(CourtCode::parse("1tj").is_err());
        assert!(CourtCode::parse("t").is_err());
    }

    #[test]
    fn overseas_time_zones_are_known() {
        assert_eq!(parse_time_zone("Indian/Reunion").unwrap(), chrono_tz::Indian::Reunion);
        assert!(parse_time_zone("Mars/Olympus").is_err());
    }

    #[test]
    fn court_kinds_round_trip_through_their_codes() {
        for kind in CourtKind::ALL {
            assert_eq!(CourtKind::parse(kind.code()).unwrap(), *kind);
        }
    }

    #[test]
    fn a_phone_number_is_kept_as_written_when_it_has_ten_to_fifteen_digits() {
        assert_eq!(parse_phone(" 02 62 40 20 20 ").unwrap(), "02 62 40 20 20");
        assert_eq!(parse_phone("+262 (0)262 40.20.20").unwrap(), "+262 (0)262 40.20.20");
        for wrong in ["", "02 62 40", "02 62 40 20 2O", "0262402020 poste 12", "++33 1 23 45 67 89"] {
            assert!(parse_phone(wrong).is_err(), "{wrong}");
        }
    }
}
