//! The case a registered filing opens in the portal, for a court whose own
//! system does not publish it: its nature (a suggestion the greffe
//! confirms) and its parties, read from the filing's answers — the filer
//! (his FranceConnect identity, the e-mail and mobile he gave) and the
//! others the procedure names (the other parent, the minor victim, the
//! protected person).

use crate::email::Email;
use crate::filing::Procedure;
use crate::filing::answers::Answers;
use crate::mobile::MobileNumber;
use crate::party::Role;

/// A party of the case to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyOutline {
    /// Its reference in the case (the court's system has none).
    pub party_ref: &'static str,
    pub role: Role,
    pub given_names: Option<String>,
    /// In capitals.
    pub family_name: String,
    /// Canonical form.
    pub email: Option<String>,
    /// E.164.
    pub mobile: Option<String>,
    /// The filer himself: the filing is registered under him.
    pub filer: bool,
}

/// The nature the greffe is offered for a procedure's case (NAC code and
/// label), when the procedure has one; he may change it.
pub fn suggested_nature(procedure: Procedure) -> Option<(&'static str, &'static str)> {
    match procedure {
        Procedure::JugeAuxAffairesFamiliales => Some((
            "22A",
            "Demande de modification de l'exercice de l'autorité parentale ou de la résidence habituelle des enfants mineurs",
        )),
        Procedure::PartieCivile | Procedure::ProtectionMajeur => None,
    }
}

/// The filer's identity, as FranceConnect gave it when he sent the filing.
#[derive(Debug, Clone, Copy)]
pub struct Filer<'a> {
    pub given_names: Option<&'a str>,
    pub family_name: &'a str,
    /// Where he asked to be written to.
    pub email: Option<&'a str>,
}

fn text(answers: &Answers, step: &str, field: &str) -> Option<String> {
    answers.value(step, field).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned)
}

/// Someone the answers name (family name and given names of a step).
fn named(answers: &Answers, step: &str, party_ref: &'static str, role: Role) -> Option<PartyOutline> {
    Some(PartyOutline {
        party_ref,
        role,
        given_names: text(answers, step, "prenoms"),
        family_name: text(answers, step, "nom")?.to_uppercase(),
        email: None,
        mobile: None,
        filer: false,
    })
}

/// The parties of the case a filing opens, the filer first.
pub fn parties(procedure: Procedure, answers: &Answers, filer: Filer<'_>) -> Vec<PartyOutline> {
    let (filer_ref, filer_role) = match procedure {
        Procedure::JugeAuxAffairesFamiliales => ("demandeur", Role::Demandeur),
        Procedure::PartieCivile => ("partie-civile", Role::PartieCivile),
        Procedure::ProtectionMajeur => ("requerant", Role::Requerant),
    };
    let mut out = vec![PartyOutline {
        party_ref: filer_ref,
        role: filer_role,
        given_names: filer.given_names.map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned),
        family_name: filer.family_name.trim().to_uppercase(),
        email: filer.email.and_then(|e| Email::parse(e.trim()).ok()).map(|e| e.as_str().to_owned()),
        mobile: answers
            .value("vous", "mobile")
            .and_then(|m| MobileNumber::parse(m).ok())
            .map(|m| m.as_str().to_owned()),
        filer: true,
    }];
    let other = match procedure {
        Procedure::JugeAuxAffairesFamiliales => named(answers, "autre_parent", "autre-parent", Role::Defendeur),
        // A parent or a guardian acts for the victim the answers name.
        Procedure::PartieCivile => match answers.value("vous", "qualite") {
            Some("parent" | "tuteur") => named(answers, "vous", "victime", Role::Victime),
            _ => None,
        },
        Procedure::ProtectionMajeur => match answers.value("vous", "role") {
            Some("personne_protegee") => None,
            _ => named(answers, "personne_protegee", "personne-protegee", Role::PersonneProtegee),
        },
    };
    out.extend(other);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filing::answers::StepAnswers;

    fn answers(steps: &[(&str, &[(&str, &str)])]) -> Answers {
        let mut a = Answers::default();
        for (slug, values) in steps {
            let step = StepAnswers {
                values: values.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
                items: 0,
                done: true,
            };
            a.steps.insert((*slug).to_owned(), step);
        }
        a
    }

    const SOPHIE: Filer<'static> =
        Filer { given_names: Some("Sophie"), family_name: "Martin", email: Some("sophie.martin@example.fr") };

    #[test]
    fn a_parents_request_opens_a_case_between_the_filer_and_the_other_parent() {
        let a = answers(&[
            ("vous", &[("mobile", "06 12 34 56 78")]),
            ("autre_parent", &[("nom", "Durand"), ("prenoms", "Paul Éric")]),
        ]);
        let p = parties(Procedure::JugeAuxAffairesFamiliales, &a, SOPHIE);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].party_ref, p[0].role, p[0].filer), ("demandeur", Role::Demandeur, true));
        assert_eq!(p[0].family_name, "MARTIN");
        assert_eq!(p[0].email.as_deref(), Some("sophie.martin@example.fr"));
        assert_eq!(p[0].mobile.as_deref(), Some("+33612345678"));
        assert_eq!((p[1].party_ref, p[1].role), ("autre-parent", Role::Defendeur));
        assert_eq!((p[1].family_name.as_str(), p[1].given_names.as_deref()), ("DURAND", Some("Paul Éric")));
        assert_eq!((p[1].email.as_ref(), p[1].mobile.as_ref()), (None, None), "the other parent's are not known");
    }

    #[test]
    fn a_parent_acting_for_a_minor_victim_opens_a_case_with_the_victim_named() {
        let for_child = answers(&[("vous", &[("qualite", "parent"), ("nom", "Martin"), ("prenoms", "Léa")])]);
        let p = parties(Procedure::PartieCivile, &for_child, SOPHIE);
        assert_eq!(
            p.iter().map(|p| (p.party_ref, p.role)).collect::<Vec<_>>(),
            [("partie-civile", Role::PartieCivile), ("victime", Role::Victime)]
        );
        let herself = answers(&[("vous", &[("qualite", "victime")])]);
        assert_eq!(parties(Procedure::PartieCivile, &herself, SOPHIE).len(), 1);
    }

    #[test]
    fn a_guardian_names_the_protected_person_and_the_person_herself_does_not() {
        let guardian = answers(&[
            ("vous", &[("role", "tuteur")]),
            ("personne_protegee", &[("nom", "Hoarau"), ("prenoms", "Jean")]),
        ]);
        let p = parties(Procedure::ProtectionMajeur, &guardian, SOPHIE);
        assert_eq!(
            (p[1].party_ref, p[1].role, p[1].family_name.as_str()),
            ("personne-protegee", Role::PersonneProtegee, "HOARAU")
        );
        let herself = answers(&[("vous", &[("role", "personne_protegee")])]);
        assert_eq!(parties(Procedure::ProtectionMajeur, &herself, SOPHIE).len(), 1);
    }

    #[test]
    fn a_suggested_nature_is_a_valid_nac_code() {
        for procedure in Procedure::ALL {
            if let Some((code, label)) = suggested_nature(*procedure) {
                assert!(crate::nac::NacCode::parse(code).is_ok() && crate::nac::parse_label(label).is_ok());
            }
        }
    }
}
