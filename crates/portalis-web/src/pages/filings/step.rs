//! A step of a filing's wizard: one page per declared step, rendered from
//! the declaration (`portalis_core::filing::form`). « Continuer » saves the
//! step and goes on when it has no error, or shows the errors with what was
//! typed (422); « Enregistrer et reprendre plus tard » saves it as it is;
//! a repeated step adds or removes an item in place.

use super::courts::{self, CourtOption};
use super::review::{hearing_in_time, today_at};
use super::{Identity, Loaded, Read, Stepper, load_draft};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use crate::pages::not_found;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::filing::answers::{self, FieldError, StepAnswers, field_id, items_shown, option_id, read_step};
use portalis_core::filing::form::{Field, Need, Step};
use portalis_core::filing::procedures::partie_civile;
use portalis_core::filing::values::{Kind, parse_date};
use portalis_core::mobile::MobileNumber;
use portalis_storage::filings;
use std::collections::BTreeMap;

/// A field as the template draws it.
pub struct FieldView {
    pub id: String,
    pub label: String,
    pub hint: Option<&'static str>,
    /// `line`, `text`, `date`, `time`, `email`, `tel`, `postcode`, `euros`,
    /// `choice`, `choices`, `tick`, `court`.
    pub kind: &'static str,
    pub value: String,
    pub required: bool,
    /// « Si vous avez répondu … »: when the field is asked only then.
    pub condition: Option<String>,
    pub options: Vec<OptionView>,
    pub maxlength: usize,
    /// The message of a refused submission, next to the field.
    pub error: Option<String>,
    /// The filer's own contact fields say what they hold (WCAG 1.3.5).
    pub autocomplete: Option<&'static str>,
}

pub struct OptionView {
    pub id: String,
    pub code: String,
    pub label: String,
    pub checked: bool,
}

/// An item of a repeated step (« Enfant 2 »), or the step's only group.
pub struct ItemView {
    pub heading: Option<String>,
    pub fields: Vec<FieldView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/step.html")]
pub struct StepPage {
    pub layout: Layout,
    pub csrf: String,
    pub procedure: &'static str,
    pub stepper: Stepper,
    pub action: String,
    pub intro: Option<&'static str>,
    pub identity: Option<Identity>,
    pub items: Vec<ItemView>,
    pub item_count: usize,
    /// The button adding an item, when one more may be added.
    pub add: Option<&'static str>,
    /// Whether an item may be removed.
    pub remove: bool,
    pub courts: Vec<CourtOption>,
    /// « Le tribunal proposé… » and, when another was chosen, the warning.
    pub proposed: Option<String>,
    pub warning: Option<String>,
    pub form: FormState,
    pub previous: Option<String>,
}

/// The form of a step: every field by its name in the page, and the button
/// pressed (`action`).
type StepForm = BTreeMap<String, String>;

pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    Path((public_id, slug)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let loaded = match load_draft(&state, &user, &public_id, Read::Cached).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let Some((index, step)) = loaded.form.step(&slug) else {
        return Ok(not_found::denied(&state, &user.visitor, &super::step_path(&loaded.filing, &slug)).await);
    };
    let kept = loaded.answers.step(step.slug).cloned().unwrap_or_default();
    let items = items_shown(step, Some(&kept).filter(|k| k.items > 0));
    let page = page(&state, &user, &loaded, index, step, &kept, items, FormState::default()).await?;
    Ok(page.into_response())
}

pub async fn submit(
    State(state): State<WebState>,
    Path((public_id, slug)): Path<(String, String)>,
    Protected { by: user, form }: Protected<SignedIn, StepForm>,
) -> Result<Response, PageError> {
    let mut loaded = match load_draft(&state, &user, &public_id, Read::Fresh).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let Some((index, step)) = loaded.form.step(&slug) else {
        return Ok(not_found::denied(&state, &user.visitor, &super::step_path(&loaded.filing, &slug)).await);
    };
    let now = state.clock.now();
    let action = form.get("action").map_or("continuer", String::as_str);
    let shown = form.get("items").and_then(|n| n.parse::<usize>().ok()).unwrap_or(0);
    // « Retirer le dernier » reads one item less; « Ajouter » adds one to
    // what is kept (empty items dropped), below.
    let items = match (step.repeat, action) {
        (Some(r), "retirer") => shown.saturating_sub(1).clamp(r.min, r.max),
        (Some(r), _) => shown.clamp(r.min, r.max),
        (None, _) => 0,
    };
    let today = today_at(loaded.court(&state).await?.as_ref(), now);
    let (mut kept, mut errors) = read_step(step, &form, items, today);
    let court = courts::settle(&state, loaded.form, &loaded.answers, step, &mut kept, &mut errors).await?;
    if errors.is_empty() && step.slug == loaded.form.court.0 {
        // A constitution de partie civile's hearing must be 24 hours away
        // at least (checked again when it is sent).
        let mut answers = loaded.answers.clone();
        answers.steps.insert(step.slug.to_owned(), kept.clone());
        if let Err(message) = hearing_in_time(loaded.filing.procedure, &answers, court.as_ref(), now) {
            errors.push(FieldError { id: partie_civile::HEARING_DATE.into(), message });
        }
    }
    if !errors.is_empty() {
        kept.done = false;
    }
    let resizing = matches!(action, "ajouter" | "retirer") && step.repeat.is_some();
    if resizing {
        // The page comes back with one item more or less, nothing checked.
        if let (Some(r), "ajouter") = (step.repeat, action) {
            kept.items = (kept.items + 1).min(r.max);
        }
        kept.done = false;
        errors.clear();
    }
    loaded.answers.steps.insert(step.slug.to_owned(), kept.clone());
    let court_id = court.as_ref().map(|c| c.id).or(loaded.filing.court_id);
    let mut tx = state.db.begin().await?;
    let saved =
        filings::save_draft(&mut tx, user.user_id(), loaded.filing.id, &loaded.answers.to_json(), court_id, now)
            .await?;
    portalis_storage::commit(tx).await?;
    if !saved {
        // Sent meanwhile (another tab): its page says so.
        return Ok(Redirect::to(&super::path(&loaded.filing)).into_response());
    }
    if action == "plus_tard" {
        return Ok(Redirect::to(&format!("{}?enregistre=1", super::path(&loaded.filing))).into_response());
    }
    if resizing || !errors.is_empty() {
        let mut state_form = FormState::default();
        for FieldError { id, message } in errors {
            state_form.set(id, message);
        }
        let page = page(&state, &user, &loaded, index, step, &kept, kept.items, state_form).await?;
        let status = if page.form.is_valid() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        return Ok((status, page).into_response());
    }
    let next = match loaded.form.steps.get(index + 1) {
        Some(next) => super::step_path(&loaded.filing, next.slug),
        None => super::pieces_path(&loaded.filing),
    };
    Ok(Redirect::to(&next).into_response())
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &WebState,
    user: &SignedIn,
    loaded: &Loaded,
    index: usize,
    step: &'static Step,
    kept: &StepAnswers,
    items: usize,
    form: FormState,
) -> Result<StepPage, PageError> {
    let values = &kept.values;
    let item_list: Vec<Option<usize>> = match step.repeat {
        Some(_) => (1..=items).map(Some).collect(),
        None => vec![None],
    };
    let items_view = item_list
        .iter()
        .map(|item| ItemView {
            heading: step.repeat.zip(*item).map(|(r, n)| format!("{} {n}", r.item)),
            fields: step.fields.iter().map(|f| field_view(step, f, *item, values, &form)).collect(),
        })
        .collect();
    let (court_step, court_field) = loaded.form.court;
    let (mut courts_list, mut proposed_text, mut warning) = (Vec::new(), None, None);
    if step.slug == court_step {
        let proposed = courts::proposed(state, loaded.form, &loaded.answers, Some((step, kept))).await?;
        let chosen = values.get(court_field).map(String::as_str);
        let selected = chosen.or(proposed.as_ref().map(|c| c.details.code.as_str()));
        courts_list = courts::options(state, loaded.form, selected).await?;
        if let Some(p) = &proposed {
            proposed_text = Some(format!("Tribunal proposé d'après le code postal : {}.", p.details.name));
            if chosen.is_some_and(|c| c != p.details.code.as_str()) {
                warning = Some(other_court_warning(&p.details.name));
            }
        }
    }
    let title = format!("{} — {}", step.title, loaded.filing.procedure.label());
    let previous = index.checked_sub(1).map(|i| super::step_path(&loaded.filing, loaded.form.steps[i].slug));
    Ok(StepPage {
        layout: Layout::for_visitor(state, &user.visitor, &title),
        csrf: user.visitor.csrf(state).0,
        procedure: loaded.filing.procedure.label(),
        stepper: Stepper::at(loaded.form, index),
        action: super::step_path(&loaded.filing, step.slug),
        intro: step.intro,
        identity: step.identity.then(|| Identity::of(user)),
        items: items_view,
        item_count: items,
        add: step.repeat.filter(|r| items < r.max).map(|r| r.add),
        remove: step.repeat.is_some_and(|r| items > r.min),
        courts: courts_list,
        proposed: proposed_text,
        warning,
        form,
        previous,
    })
}

/// What the filer reads when he chose another court than the one of
/// where the children live.
pub fn other_court_warning(proposed: &str) -> String {
    format!(
        "Vous avez choisi un autre tribunal que celui du lieu où vivent les enfants ({proposed}). Le tribunal choisi \
         pourra se déclarer incompétent et transmettre votre demande, ce qui retardera son examen."
    )
}

fn field_view(
    step: &Step,
    f: &Field,
    item: Option<usize>,
    values: &BTreeMap<String, String>,
    form: &FormState,
) -> FieldView {
    let id = field_id(f, item);
    let kept = values.get(&id).cloned().unwrap_or_default();
    // Canonical values are shown as people write them.
    let value = match f.kind {
        Kind::Date(_) => parse_date(&kept).map_or(kept.clone(), |d| d.format("%d/%m/%Y").to_string()),
        Kind::Euros if !kept.contains(',') => kept.replace('.', ","),
        Kind::Mobile => MobileNumber::parse(&kept).map_or(kept.clone(), |m| m.national()),
        _ => kept.clone(),
    };
    let options = match f.kind {
        Kind::Choice(opts) => opts
            .iter()
            .map(|o| OptionView {
                id: option_id(&id, o.code),
                code: o.code.to_owned(),
                label: o.label.to_owned(),
                checked: kept == o.code,
            })
            .collect(),
        Kind::Choices(opts) => opts
            .iter()
            .map(|o| {
                let oid = option_id(&id, o.code);
                OptionView {
                    checked: values.contains_key(&oid),
                    id: oid,
                    code: o.code.to_owned(),
                    label: o.label.to_owned(),
                }
            })
            .collect(),
        _ => Vec::new(),
    };
    let condition = match f.need {
        Need::When { field, is } => step.field(field).map(|on| {
            let answers: Vec<&str> =
                on.kind.options().iter().filter(|o| is.contains(&o.code)).map(|o| o.label).collect();
            if answers.is_empty() {
                format!("Si vous avez coché « {} »", on.label)
            } else {
                format!("Si vous avez répondu « {} »", answers.join(" » ou « "))
            }
        }),
        _ => None,
    };
    let (kind, maxlength) = match f.kind {
        Kind::Line(n) => ("line", n),
        Kind::Text(n) => ("text", n),
        Kind::Date(_) => ("date", 10),
        Kind::Time => ("time", 5),
        Kind::Email => ("email", 254),
        Kind::Mobile => ("tel", 20),
        Kind::PostCode => ("postcode", 5),
        Kind::Euros => ("euros", 20),
        Kind::Choice(_) => ("choice", 0),
        Kind::Choices(_) => ("choices", 0),
        Kind::Tick => ("tick", 0),
        Kind::Court => ("court", 0),
    };
    let anchor = match f.kind {
        Kind::Choice(opts) | Kind::Choices(opts) => opts.first().map_or(id.clone(), |o| option_id(&id, o.code)),
        _ => id.clone(),
    };
    let autocomplete = if step.identity && item.is_none() {
        match f.name {
            "adresse" => Some("address-line1"),
            "code_postal" => Some("postal-code"),
            "commune" => Some("address-level2"),
            "courriel" => Some("email"),
            "mobile" => Some("tel"),
            _ => None,
        }
    } else {
        None
    };
    FieldView {
        error: form.error(&anchor).map(str::to_owned),
        autocomplete,
        label: answers::label(step, f, None),
        hint: f.hint,
        kind,
        required: f.need == Need::Required,
        condition,
        options,
        maxlength,
        value,
        id,
    }
}
