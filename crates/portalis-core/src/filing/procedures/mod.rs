//! The procedures a litigant may file online, each declared as its steps
//! (`form.rs`). A fourth is a new file here, a variant of `Procedure` and
//! its entry in [`ALL`]; the pages and the court's API read the
//! declarations.

mod common;
pub mod jaf;
pub mod partie_civile;
pub mod protection_majeur;

use super::Procedure;
use super::form::ProcedureForm;

/// Where every procedure keeps the filer's e-mail address (its first step,
/// « Vous »): the avis de réception and the court's answers go there.
pub const CONTACT_EMAIL: (&str, &str) = ("vous", "courriel");

/// Every procedure, in the order the list of procedures shows them.
pub const ALL: &[&ProcedureForm] = &[&jaf::FORM, &partie_civile::FORM, &protection_majeur::FORM];

/// The declaration of a procedure.
pub fn form(procedure: Procedure) -> &'static ProcedureForm {
    match procedure {
        Procedure::JugeAuxAffairesFamiliales => &jaf::FORM,
        Procedure::PartieCivile => &partie_civile::FORM,
        Procedure::ProtectionMajeur => &protection_majeur::FORM,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_procedure_is_declared_once_under_its_own_name() {
        for p in super::super::Procedure::ALL {
            assert_eq!(super::form(*p).procedure, *p);
        }
        assert_eq!(super::ALL.len(), super::super::Procedure::ALL.len());
        let (step, field) = super::CONTACT_EMAIL;
        for form in super::ALL {
            let f = form.step(step).and_then(|(_, s)| s.field(field)).expect("every procedure asks the e-mail");
            assert_eq!(f.kind, crate::filing::values::Kind::Email);
        }
    }
}
