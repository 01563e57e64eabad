//! Parties to a case and their roles.

use crate::enums::french_enum;

french_enum! {
    /// A natural person or an organisation.
    PartyKind, "party kind", "Le type de partie" {
        Person => ("person", "Personne physique"),
        Organisation => ("organisation", "Personne morale"),
    }
}

french_enum! {
    /// A party's role in the proceedings.
    Role, "party role", "Le rôle de la partie" {
        Demandeur => ("demandeur", "Demandeur"),
        Defendeur => ("defendeur", "Défendeur"),
        Intervenant => ("intervenant", "Intervenant"),
        Appelant => ("appelant", "Appelant"),
        Intime => ("intime", "Intimé"),
        Requerant => ("requerant", "Requérant"),
        PartieCivile => ("partie_civile", "Partie civile"),
        Prevenu => ("prevenu", "Prévenu"),
        Victime => ("victime", "Victime"),
        PersonneProtegee => ("personne_protegee", "Personne protégée"),
    }
}

/// How a party is named: "Marie DELESTABLE" (given names, then the family
/// name in upper case) or the organisation's name.
pub fn display_name(
    kind: PartyKind,
    given_names: Option<&str>,
    family_name: Option<&str>,
    organisation_name: Option<&str>,
) -> String {
    match kind {
        PartyKind::Organisation => organisation_name.unwrap_or_default().trim().to_owned(),
        PartyKind::Person => {
            let family = family_name.unwrap_or_default().trim().to_uppercase();
            match given_names.map(str::trim).filter(|g| !g.is_empty()) {
                Some(given) => format!("{given} {family}"),
                None => family,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_person_is_named_given_names_then_family_name_in_capitals() {
        assert_eq!(display_name(PartyKind::Person, Some("Marie"), Some("Delestable"), None), "Marie DELESTABLE");
    }

    #[test]
    fn an_organisation_is_named_by_its_name() {
        assert_eq!(
            display_name(PartyKind::Organisation, None, None, Some("Syndicat des copropriétaires")),
            "Syndicat des copropriétaires"
        );
    }

    #[test]
    fn roles_have_accented_french_labels() {
        assert_eq!(Role::Defendeur.label(), "Défendeur");
        assert_eq!(Role::parse("partie_civile").unwrap(), Role::PartieCivile);
        assert!(Role::parse("Demandeur").is_err());
    }
}
