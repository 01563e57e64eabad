//! The court of a filing: the options of its field, the court proposed
//! from a postal code (`CourtRule::FromPostCode`), and the choice checked
//! against the courts the portal knows.

use crate::WebState;
use crate::error::PageError;
use portalis_core::filing::answers::{Answers, FieldError, StepAnswers};
use portalis_core::filing::form::{CourtRule, ProcedureForm, Step};
use portalis_core::postcode::PostCode;
use portalis_storage::courts::{self, Court};

/// An option of the court's list.
pub struct CourtOption {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The courts the filer may choose from, `selected` marked.
pub async fn options(
    state: &WebState,
    form: &ProcedureForm,
    selected: Option<&str>,
) -> Result<Vec<CourtOption>, PageError> {
    let all = {
        let mut conn = state.db.read().await?;
        courts::list(&mut conn).await?
    };
    Ok(all
        .into_iter()
        .filter(|c| form.court_kinds.contains(&c.details.kind))
        .map(|c| CourtOption {
            selected: selected == Some(c.details.code.as_str()),
            label: format!("{} ({})", c.details.name, c.details.city),
            code: c.details.code.to_string(),
        })
        .collect())
}

/// The court proposed from the postal code the filer gave (`answers`, or
/// the step being submitted), if the portal knows one.
pub async fn proposed(
    state: &WebState,
    form: &ProcedureForm,
    answers: &Answers,
    submitted: Option<(&Step, &StepAnswers)>,
) -> Result<Option<Court>, PageError> {
    let CourtRule::FromPostCode { step, field } = form.court_rule else { return Ok(None) };
    let typed = match submitted {
        Some((s, kept)) if s.slug == step => kept.values.get(field).map(String::as_str),
        _ => answers.value(step, field),
    };
    let Some(code) = typed.and_then(|t| PostCode::parse(t).ok()) else { return Ok(None) };
    let mut conn = state.db.read().await?;
    for kind in form.court_kinds {
        if let Some(court) = courts::for_postcode(&mut conn, &code, *kind).await?.into_iter().next() {
            return Ok(Some(court));
        }
    }
    Ok(None)
}

/// A court by its code.
pub async fn by_code(state: &WebState, code: &str) -> Result<Option<Court>, PageError> {
    let mut conn = state.db.read().await?;
    Ok(courts::by_code(&mut conn, code).await?)
}

/// Settles the court of a submitted step that holds the court's field:
/// the filer's choice when he made one (it must be a court of the
/// procedure's kinds), else the proposed court (kept as the filing's court,
/// not as his choice). An error when there is neither.
pub async fn settle(
    state: &WebState,
    form: &ProcedureForm,
    answers: &Answers,
    step: &Step,
    kept: &mut StepAnswers,
    errors: &mut Vec<FieldError>,
) -> Result<Option<Court>, PageError> {
    let (court_step, court_field) = form.court;
    if step.slug != court_step {
        return Ok(None);
    }
    let chosen = kept.values.get(court_field).cloned();
    if errors.iter().any(|e| e.id == court_field) {
        return Ok(None);
    }
    let court = match chosen {
        Some(code) => by_code(state, &code).await?.filter(|c| form.court_kinds.contains(&c.details.kind)),
        None => proposed(state, form, answers, Some((step, kept))).await?,
    };
    // The proposed court is not written as the filer's choice: it follows
    // the postal code when he changes it. Without a court, an error (but
    // none more when the postal code it comes from is already refused).
    if court.is_none() && !errors.iter().any(|e| kept_postcode_error(form, e)) {
        let label = step.field(court_field).map_or("Le tribunal", |f| f.label);
        let message = match (form.court_rule, kept.values.contains_key(court_field)) {
            (_, true) => format!("{label} : choisissez un tribunal dans la liste."),
            (CourtRule::FromPostCode { .. }, false) => {
                format!("{label} : aucun tribunal n'est connu pour ce code postal, choisissez-le dans la liste.")
            }
            (CourtRule::Chosen, false) => format!("{label} : choisissez un tribunal."),
        };
        errors.push(FieldError { id: court_field.to_owned(), message });
        kept.done = false;
    }
    Ok(court)
}

/// Whether `e` is the error of the postal code the court is proposed from
/// (then the court waits for a valid one, without a second message).
fn kept_postcode_error(form: &ProcedureForm, e: &FieldError) -> bool {
    matches!(form.court_rule, CourtRule::FromPostCode { field, .. } if e.id == field)
}
