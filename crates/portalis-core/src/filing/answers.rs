//! A filing's answers, as its draft keeps them, and how a submitted step is
//! read into them. Nothing typed is lost: a step with errors keeps what was
//! typed (and is not done); a step without keeps the canonical values.
//!
//! A field's name in the page is its declared name, with `_<n>` for the
//! n-th item of a repeated step (`prenom_2`), and `__<code>` for each box
//! of a multiple choice (`demandes__pension`).

use super::form::{Field, Need, ProcedureForm, Step};
use super::values::Kind;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The most characters of a refused value a draft keeps, as typed.
pub const RAW_MAX: usize = 10_000;

/// What a draft holds: each step's answers, by slug.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answers {
    #[serde(default)]
    pub steps: BTreeMap<String, StepAnswers>,
}

/// A step's answers: the values by field name in the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepAnswers {
    #[serde(default)]
    pub values: BTreeMap<String, String>,
    /// How many items a repeated step shows (0 for another step).
    #[serde(default)]
    pub items: usize,
    /// Whether the step was last saved without an error.
    #[serde(default)]
    pub done: bool,
}

impl Answers {
    /// Reads a draft's JSON; what cannot be read is an empty draft.
    pub fn from_json(json: &str) -> Self {
        serde_json::from_str(json).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    pub fn step(&self, slug: &str) -> Option<&StepAnswers> {
        self.steps.get(slug)
    }

    /// The value of a field of a step that is not repeated.
    pub fn value(&self, slug: &str, field: &str) -> Option<&str> {
        self.steps.get(slug).and_then(|s| s.values.get(field)).map(String::as_str)
    }

    /// The first step not done, if any: where « Reprendre » leads.
    pub fn first_undone<'f>(&self, form: &'f ProcedureForm) -> Option<(usize, &'f Step)> {
        form.steps.iter().enumerate().find(|(_, s)| !self.steps.get(s.slug).is_some_and(|a| a.done))
    }
}

/// A field's error: the `id` of its input (the summary links to it) and
/// the French message, which names the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub id: String,
    pub message: String,
}

/// The id of a field in the page: `prenom`, `prenom_2` for the second item.
pub fn field_id(field: &Field, item: Option<usize>) -> String {
    match item {
        Some(n) => format!("{}_{n}", field.name),
        None => field.name.to_owned(),
    }
}

/// The id of a multiple choice's box.
pub fn option_id(field_id: &str, code: &str) -> String {
    format!("{field_id}__{code}")
}

/// How many items a repeated step shows: those answered, at least `min`.
pub fn items_shown(step: &Step, kept: Option<&StepAnswers>) -> usize {
    let Some(r) = step.repeat else { return 0 };
    kept.map_or(r.min, |k| k.items).clamp(r.min, r.max)
}

/// The label of a field as an error names it: « Enfant 2 – Prénom ».
pub fn label(step: &Step, field: &Field, item: Option<usize>) -> String {
    match (step.repeat, item) {
        (Some(r), Some(n)) => format!("{} {n} – {}", r.item, field.label),
        _ => field.label.to_owned(),
    }
}

/// Reads a step from what the page submitted (`items` items for a
/// repeated step), checked against `today` for dates: the answers to keep
/// and the errors, in the order of the fields. Empty items are dropped
/// (down to the step's minimum) and the others numbered again.
pub fn read_step(
    step: &Step,
    submitted: &BTreeMap<String, String>,
    items: usize,
    today: NaiveDate,
) -> (StepAnswers, Vec<FieldError>) {
    let mut values = BTreeMap::new();
    let mut errors = Vec::new();
    // Which submitted item each kept item is read from: the items that
    // are not empty, numbered again without gaps, then empty ones up to
    // the minimum (`0` is never submitted, so reads empty). Values and
    // errors are written in the new numbering.
    let sources: Vec<Option<usize>> = match step.repeat {
        Some(r) => {
            let filled = |n: usize| step.fields.iter().any(|f| !raw_value(f, Some(n), submitted).is_empty());
            let mut s: Vec<_> = (1..=items.clamp(r.min, r.max)).filter(|&n| filled(n)).map(Some).collect();
            s.resize(s.len().max(r.min), Some(0));
            s
        }
        None => vec![None],
    };
    for (position, from) in sources.iter().copied().enumerate() {
        let to = from.map(|_| position + 1);
        for f in step.fields {
            let id = field_id(f, to);
            let active = match f.need {
                Need::When { field, is } => {
                    step.field(field).is_some_and(|on| is.iter().any(|is| answers_with(on, from, submitted, is)))
                }
                _ => true,
            };
            if !active {
                continue;
            }
            let typed = raw_value(f, from, submitted);
            match f.kind {
                Kind::Choices(opts) => {
                    let source = field_id(f, from);
                    let ticked: Vec<_> =
                        opts.iter().filter(|o| submitted.contains_key(&option_id(&source, o.code))).collect();
                    for o in &ticked {
                        values.insert(option_id(&id, o.code), "oui".to_owned());
                    }
                    if ticked.is_empty() && f.need != Need::Optional {
                        errors.push(error(
                            &id,
                            opts.first().map(|o| o.code),
                            format!("{} : cochez au moins une case.", label(step, f, to)),
                        ));
                    }
                }
                _ if typed.is_empty() => {
                    if f.need != Need::Optional {
                        errors.push(FieldError { id: anchor(f, &id), message: missing(step, f, to) });
                    }
                }
                kind => match kind.canonical(&typed, today) {
                    Ok(v) => {
                        values.insert(id, v);
                    }
                    Err(e) => {
                        let message = if e.fr.starts_with(|c: char| c.is_lowercase()) {
                            format!("{} : {}.", label(step, f, to), e.fr)
                        } else {
                            format!("{} : {}", label(step, f, to), e.fr)
                        };
                        errors.push(FieldError { id: anchor(f, &id), message });
                        // Kept as typed, within a bound: a draft is not a store.
                        values.insert(id, typed.chars().take(RAW_MAX).collect());
                    }
                },
            }
        }
    }
    let items = if step.repeat.is_some() { sources.len() } else { 0 };
    (StepAnswers { values, items, done: errors.is_empty() }, errors)
}

/// A step's answers as kept, submitted again: to check every step before
/// the filing is sent (dates move with the days).
pub fn recheck(step: &Step, kept: &StepAnswers, today: NaiveDate) -> Vec<FieldError> {
    read_step(step, &kept.values, kept.items, today).1
}

/// What was typed in a field (a ticked box reads `oui`).
fn raw_value(f: &Field, item: Option<usize>, submitted: &BTreeMap<String, String>) -> String {
    let id = field_id(f, item);
    match f.kind {
        Kind::Choices(opts) => yes_if(opts.iter().any(|o| submitted.contains_key(&option_id(&id, o.code)))),
        Kind::Tick => yes_if(submitted.contains_key(&id)),
        _ => submitted.get(&id).map(|v| v.trim().to_owned()).unwrap_or_default(),
    }
}

fn yes_if(ticked: bool) -> String {
    if ticked { "oui".into() } else { String::new() }
}

/// Whether the field `on` has the answer `is` in what was submitted.
fn answers_with(on: &Field, item: Option<usize>, submitted: &BTreeMap<String, String>, is: &str) -> bool {
    let id = field_id(on, item);
    match on.kind {
        Kind::Choices(_) => submitted.contains_key(&option_id(&id, is)),
        Kind::Tick => is == "oui" && submitted.contains_key(&id),
        _ => submitted.get(&id).is_some_and(|v| v.trim() == is),
    }
}

/// Where the summary's link for a field leads: a choice's first option.
fn anchor(f: &Field, id: &str) -> String {
    match f.kind {
        Kind::Choice(opts) => opts.first().map_or_else(|| id.to_owned(), |o| option_id(id, o.code)),
        _ => id.to_owned(),
    }
}

fn error(id: &str, first_option: Option<&str>, message: String) -> FieldError {
    FieldError { id: first_option.map_or_else(|| id.to_owned(), |code| option_id(id, code)), message }
}

fn missing(step: &Step, f: &Field, item: Option<usize>) -> String {
    let label = label(step, f, item);
    match f.kind {
        Kind::Choice(_) => format!("{label} : choisissez une réponse."),
        Kind::Tick => format!("Cochez la case « {label} » pour continuer."),
        Kind::Court => format!("{label} : choisissez une juridiction."),
        _ => format!("{label} : ce champ est obligatoire."),
    }
}

/// A line of the review page and of the request: a field and its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub label: String,
    pub value: String,
}

/// A step's answers as the review page lists them (each item under its
/// own heading for a repeated step).
pub fn rows(step: &Step, kept: Option<&StepAnswers>) -> Vec<(Option<String>, Vec<Row>)> {
    let Some(kept) = kept else { return Vec::new() };
    let items: Vec<Option<usize>> = match step.repeat {
        Some(_) => (1..=kept.items).map(Some).collect(),
        None => vec![None],
    };
    let mut out = Vec::new();
    for item in items {
        let mut rows = Vec::new();
        for f in step.fields {
            let id = field_id(f, item);
            let value = match f.kind {
                // The court is shown by its name, apart (the pages know it).
                Kind::Court => None,
                Kind::Choices(opts) => {
                    let ticked: Vec<_> = opts
                        .iter()
                        .filter(|o| kept.values.contains_key(&option_id(&id, o.code)))
                        .map(|o| o.label)
                        .collect();
                    (!ticked.is_empty()).then(|| ticked.join(", "))
                }
                kind => kept.values.get(&id).map(|v| kind.display(v)),
            };
            if let Some(value) = value {
                rows.push(Row { label: f.label.to_owned(), value });
            }
        }
        let heading = step.repeat.zip(item).map(|(r, n)| format!("{} {n}", r.item));
        out.push((heading, rows));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filing::form::{Field, Repeat, Step};
    use crate::filing::values::{DateBound, Kind, Opt};

    const ASKS: &[Opt] =
        &[Opt { code: "residence", label: "La résidence" }, Opt { code: "pension", label: "Une pension" }];
    const CHILDREN: Step = Step::new(
        "enfants",
        "Les enfants",
        &[
            Field::required("prenom", "Prénom", Kind::Line(50)),
            Field::required("naissance", "Date de naissance", Kind::Date(DateBound::Past)),
            Field::optional("demandes", "Ce que vous demandez", Kind::Choices(ASKS)),
            Field::required("montant", "Montant par mois", Kind::Euros).when("demandes", &["pension"]),
        ],
    )
    .repeated(Repeat { item: "Enfant", min: 1, max: 6, add: "Ajouter un enfant" });

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn form(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn a_valid_step_keeps_canonical_values_and_drops_empty_items_and_unasked_fields() {
        let submitted = form(&[
            ("prenom_1", " Léa "),
            ("naissance_1", "04/06/2019"),
            ("montant_1", "150"),
            ("prenom_3", "Tom"),
            ("naissance_3", "2021-01-01"),
            ("demandes_3__pension", "1"),
            ("montant_3", "120,50"),
        ]);
        let (kept, errors) = read_step(&CHILDREN, &submitted, 3, today());
        assert_eq!(errors, []);
        assert!(kept.done);
        assert_eq!(kept.items, 2, "the empty second child is dropped");
        assert_eq!(kept.values.get("prenom_1").unwrap(), "Léa");
        assert_eq!(kept.values.get("naissance_1").unwrap(), "2019-06-04");
        assert!(!kept.values.contains_key("montant_1"), "no pension asked for Léa: her amount is not kept");
        assert_eq!(kept.values.get("prenom_2").unwrap(), "Tom", "Tom becomes the second child");
        assert_eq!(kept.values.get("demandes_2__pension").unwrap(), "oui");
        assert_eq!(kept.values.get("montant_2").unwrap(), "120.50");
        assert_eq!(recheck(&CHILDREN, &kept, today()), [], "what is kept reads again");
        let rows = rows(&CHILDREN, Some(&kept));
        assert_eq!(rows[1].0.as_deref(), Some("Enfant 2"));
        assert!(rows[1].1.contains(&Row { label: "Montant par mois".into(), value: "120,50\u{a0}€".into() }));
    }

    #[test]
    fn a_step_with_errors_keeps_what_was_typed_and_names_each_field_in_its_message() {
        let submitted = form(&[("prenom_1", "Léa"), ("naissance_1", "31/02/2019"), ("demandes_1__pension", "1")]);
        let (kept, errors) = read_step(&CHILDREN, &submitted, 2, today());
        assert!(!kept.done);
        assert_eq!(kept.values.get("naissance_1").unwrap(), "31/02/2019", "nothing typed is lost");
        assert_eq!(kept.items, 1, "the empty second child is dropped, errors or not");
        let ids: Vec<_> = errors.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["naissance_1", "montant_1"]);
        assert_eq!(
            errors[0].message,
            "Enfant 1 – Date de naissance : la date n'est pas valide : saisissez-la sous la forme 04/06/2019."
        );
        assert_eq!(errors[1].message, "Enfant 1 – Montant par mois : ce champ est obligatoire.");
    }

    #[test]
    fn the_first_item_of_a_repeated_step_is_required_even_empty() {
        let (kept, errors) = read_step(&CHILDREN, &BTreeMap::new(), 1, today());
        assert!(!kept.done);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].message, "Enfant 1 – Prénom : ce champ est obligatoire.");
    }

    #[test]
    fn answers_read_back_from_their_json_and_an_unreadable_draft_is_empty() {
        let mut a = Answers::default();
        a.steps.insert("enfants".into(), read_step(&CHILDREN, &form(&[("prenom_1", "Léa")]), 1, today()).0);
        assert_eq!(Answers::from_json(&a.to_json()), a);
        assert_eq!(Answers::from_json("{}"), Answers::default());
        assert_eq!(Answers::from_json("not json"), Answers::default());
    }
}
