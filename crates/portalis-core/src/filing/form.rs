//! How a procedure is declared: its steps, each a list of fields, and the
//! kinds of document it asks for. One engine (`answers.rs`, the pages'
//! wizard) runs every declaration, so that a new procedure is a new
//! declaration in `procedures/` and nothing else.

use super::Procedure;
use super::values::{Kind, Opt};
use crate::court::CourtKind;

/// When a field must be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    Required,
    Optional,
    /// Only when another field of the same step (or of the same item of a
    /// repeated step) has one of these answers: a choice's option, a
    /// ticked box (`"oui"`). Otherwise the field is not kept.
    When {
        field: &'static str,
        is: &'static [&'static str],
    },
}

/// A question of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Its name in the answers and in the page (`[a-z_]+`).
    pub name: &'static str,
    /// What the page asks, in French.
    pub label: &'static str,
    /// A help text under the label.
    pub hint: Option<&'static str>,
    pub kind: Kind,
    pub need: Need,
}

impl Field {
    pub const fn required(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Self { name, label, hint: None, kind, need: Need::Required }
    }

    pub const fn optional(name: &'static str, label: &'static str, kind: Kind) -> Self {
        Self { name, label, hint: None, kind, need: Need::Optional }
    }

    /// Asked only when `field` has one of the answers `is`.
    pub const fn when(self, field: &'static str, is: &'static [&'static str]) -> Self {
        Self { need: Need::When { field, is }, ..self }
    }

    pub const fn hint(self, hint: &'static str) -> Self {
        Self { hint: Some(hint), ..self }
    }
}

/// A step asked once per item (each child): at least `min`, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    /// An item's name, capitalized: « Enfant » (« Enfant 2 »).
    pub item: &'static str,
    pub min: usize,
    pub max: usize,
    /// The button that adds one: « Ajouter un enfant ».
    pub add: &'static str,
}

/// A step of the wizard: one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Its name in the answers and in URLs (`[a-z_]+`).
    pub slug: &'static str,
    /// The page's title and the stepper's: « L'autre parent ».
    pub title: &'static str,
    /// A paragraph above the fields.
    pub intro: Option<&'static str>,
    /// Whether the page shows the filer's identity from FranceConnect,
    /// which he cannot change.
    pub identity: bool,
    pub fields: &'static [Field],
    pub repeat: Option<Repeat>,
}

impl Step {
    pub const fn new(slug: &'static str, title: &'static str, fields: &'static [Field]) -> Self {
        Self { slug, title, intro: None, identity: false, fields, repeat: None }
    }

    pub const fn intro(self, intro: &'static str) -> Self {
        Self { intro: Some(intro), ..self }
    }

    pub const fn with_identity(self) -> Self {
        Self { identity: true, ..self }
    }

    pub const fn repeated(self, repeat: Repeat) -> Self {
        Self { repeat: Some(repeat), ..self }
    }

    /// The field named so.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// How a procedure names its court.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CourtRule {
    /// The court of a postal code given in an earlier step (`step`,
    /// `field`), proposed in the step holding the court field; the filer
    /// may choose another, warned.
    FromPostCode { step: &'static str, field: &'static str },
    /// Chosen by the filer from the list.
    Chosen,
}

/// A procedure as the wizard runs it.
#[derive(Debug, Clone, Copy)]
pub struct ProcedureForm {
    pub procedure: Procedure,
    /// Who it is for, on the list of procedures.
    pub who_for: &'static str,
    /// What to prepare before starting.
    pub prepare: &'static [&'static str],
    pub steps: &'static [Step],
    /// The step and field holding the court.
    pub court: (&'static str, &'static str),
    pub court_rule: CourtRule,
    /// The kinds of court the filer may choose from.
    pub court_kinds: &'static [CourtKind],
    /// The kinds of document the filer attaches.
    pub pieces: &'static [Opt],
}

/// The attachments' page, in the stepper after the declared steps.
pub const PIECES_TITLE: &str = "Pièces justificatives";

impl ProcedureForm {
    /// The step of this slug.
    pub fn step(&self, slug: &str) -> Option<(usize, &Step)> {
        self.steps.iter().enumerate().find(|(_, s)| s.slug == slug)
    }

    /// How many pages the stepper counts: the steps, then the attachments'
    /// page (the review comes after, without the stepper). The DSFR
    /// stepper shows at most 8.
    pub fn stepper_len(&self) -> usize {
        self.steps.len() + 1
    }

    /// The title of the stepper's page at `index` (0-based): a step's, or
    /// the attachments' after the last.
    pub fn page_title(&self, index: usize) -> Option<&'static str> {
        match self.steps.get(index) {
            Some(step) => Some(step.title),
            None => (index == self.steps.len()).then_some(PIECES_TITLE),
        }
    }

    /// The label of a kind of piece, by its code.
    pub fn piece_label(&self, code: &str) -> Option<&'static str> {
        self.pieces.iter().find(|p| p.code == code).map(|p| p.label)
    }
}

#[cfg(test)]
mod tests {
    use super::super::procedures;
    use super::*;

    /// The declarations are data: check what the engine relies on.
    #[test]
    fn every_declaration_names_fields_and_steps_the_engine_can_find() {
        let name_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        for form in procedures::ALL {
            let mut slugs = std::collections::HashSet::new();
            for step in form.steps {
                assert!(name_ok(step.slug) && slugs.insert(step.slug), "{}", step.slug);
                let mut names = std::collections::HashSet::new();
                for f in step.fields {
                    assert!(name_ok(f.name) && !f.name.contains("__") && names.insert(f.name), "{}", f.name);
                    if let Need::When { field, is } = f.need {
                        let on = step.field(field).unwrap_or_else(|| panic!("{} depends on {field}", f.name));
                        let ok = |is: &str| match on.kind {
                            Kind::Choice(o) | Kind::Choices(o) => o.iter().any(|o| o.code == is),
                            Kind::Tick => is == "oui",
                            _ => false,
                        };
                        assert!(!is.is_empty() && is.iter().all(|v| ok(v)), "{}: {field} never answers {is:?}", f.name);
                    }
                }
                if let Some(r) = step.repeat {
                    assert!(r.min >= 1 && r.max >= r.min && r.max < 100);
                }
            }
            let (step, field) = form.court;
            let court = form.step(step).and_then(|(_, s)| s.field(field)).expect("the court's field");
            assert_eq!(court.kind, Kind::Court);
            if let CourtRule::FromPostCode { step, field } = form.court_rule {
                let at = form.step(step).expect("the postal code's step").0;
                assert!(at <= form.step(form.court.0).unwrap().0, "the postal code comes first");
                assert_eq!(form.step(step).unwrap().1.field(field).unwrap().kind, Kind::PostCode);
            }
            assert!(!form.pieces.is_empty());
            assert!(form.stepper_len() <= 8, "the DSFR stepper shows 8 steps at most");
            assert_eq!(form.page_title(form.steps.len()), Some(PIECES_TITLE), "the attachments come last");
            assert_eq!(form.page_title(form.stepper_len()), None);
        }
    }
}
