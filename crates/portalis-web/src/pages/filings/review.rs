//! « Vérifier votre demande »: every answer by step with « Modifier », the
//! court, the declaration to tick, and « Envoyer ma demande ». Sending
//! checks every step again (dates move with the days, the partie civile's
//! 24 hours run), then sends the filing once: a second « Envoyer », or one
//! after the process died mid-way, finds it sent and shows its receipt.

use super::courts;
use super::pieces::{PieceView, piece_views};
use super::step::other_court_warning;
use super::{Identity, Loaded, Read, load_draft};
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, Utc};
use portalis_core::filing::Procedure;
use portalis_core::filing::answers::{Answers, Row, recheck, rows};
use portalis_core::filing::form::{CourtRule, Step};
use portalis_core::filing::procedures::{CONTACT_EMAIL, partie_civile};
use portalis_storage::courts::Court;
use portalis_usecases::Context;

/// A step as the review lists it.
pub struct Section {
    pub slug: &'static str,
    pub title: &'static str,
    pub edit: String,
    pub done: bool,
    pub groups: Vec<(Option<String>, Vec<Row>)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub csrf: String,
    pub procedure: &'static str,
    pub identity: Identity,
    pub sections: Vec<Section>,
    pub court: Option<String>,
    pub court_warning: Option<String>,
    pub pieces: Vec<PieceView>,
    pub pieces_edit: String,
    pub action: String,
    pub certified: bool,
    pub form: FormState,
}

pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
) -> Result<Response, PageError> {
    let loaded = match load_draft(&state, &user, &public_id, Read::Cached).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    Ok(page(&state, &user, &loaded, false, FormState::default()).await?.into_response())
}

#[derive(serde::Deserialize)]
pub struct SendForm {
    certifie: Option<String>,
}

pub async fn send(
    State(state): State<WebState>,
    Path(public_id): Path<String>,
    Protected { by: user, form }: Protected<SignedIn, SendForm>,
) -> Result<Response, PageError> {
    let loaded = match load_draft(&state, &user, &public_id, Read::Fresh).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let now = state.clock.now();
    let court = loaded.court(&state).await?;
    let today = today_at(court.as_ref(), now);
    let mut errors = FormState::default();
    for step in loaded.form.steps {
        if !step_ok(step, &loaded.answers, today) {
            errors.set(
                format!("etape-{}", step.slug),
                format!("« {} » : cette étape est à compléter ou à corriger.", step.title),
            );
        }
    }
    if court.is_none() {
        let (slug, _) = loaded.form.court;
        errors.set(format!("etape-{slug}"), "Le tribunal : choisissez le tribunal auquel votre demande est adressée.");
    }
    if errors.is_valid()
        && let Err(message) = hearing_in_time(loaded.filing.procedure, &loaded.answers, court.as_ref(), now)
    {
        errors.set(format!("etape-{}", loaded.form.court.0), message);
    }
    let certified = form.certifie.is_some();
    if !certified {
        errors.set("certifie", "Cochez la case « Je certifie sur l'honneur l'exactitude des renseignements fournis » pour envoyer votre demande.");
    }
    let (true, Some(court)) = (errors.is_valid(), court) else {
        let page = page(&state, &user, &loaded, certified, errors).await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let recipient = loaded
        .answers
        .value(CONTACT_EMAIL.0, CONTACT_EMAIL.1)
        .map(str::to_owned)
        .or_else(|| user.session.user.claims.email.clone())
        .unwrap_or_default();
    let url = format!("{}{}", state.settings.origin, super::path(&loaded.filing));
    let ctx = Context { now, random: &*state.random, portal_url: &state.settings.origin };
    let mut tx = state.db.begin().await?;
    let filer = &user.session.user.claims;
    let sent = portalis_usecases::filings::send(&mut tx, ctx, &loaded.filing, &court, &recipient, filer, &url).await?;
    portalis_storage::commit(tx).await?;
    if sent.is_none() {
        // Sent meanwhile (its page says so) or changed from another tab:
        // the review shows what would now be sent.
        return Ok(Redirect::to(&super::review_path(&loaded.filing)).into_response());
    }
    tracing::info!(procedure = loaded.filing.procedure.code(), "filing sent");
    Ok(Redirect::to(&super::path(&loaded.filing)).into_response())
}

/// Whether a constitution de partie civile's hearing is 24 hours away at
/// least, in the court's time zone (other procedures: always). The error
/// says to come to the hearing.
pub fn hearing_in_time(
    procedure: Procedure,
    answers: &Answers,
    court: Option<&Court>,
    now: DateTime<Utc>,
) -> Result<(), String> {
    match court {
        Some(c) if procedure == Procedure::PartieCivile => {
            partie_civile::in_time(answers, c.details.time_zone, now).map_err(|e| e.fr.to_owned())
        }
        _ => Ok(()),
    }
}

/// Today in the court's time zone (mainland France's before a court is
/// named): what the answers' dates are checked against.
pub fn today_at(court: Option<&Court>, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&court.map_or(chrono_tz::Europe::Paris, |c| c.details.time_zone)).date_naive()
}

/// Whether a step was saved without error and still checks today.
fn step_ok(step: &Step, answers: &Answers, today: NaiveDate) -> bool {
    answers.step(step.slug).is_some_and(|kept| kept.done && recheck(step, kept, today).is_empty())
}

async fn page(
    state: &WebState,
    user: &SignedIn,
    loaded: &Loaded,
    certified: bool,
    form: FormState,
) -> Result<ReviewPage, PageError> {
    let court = loaded.court(state).await?;
    let today = today_at(court.as_ref(), state.clock.now());
    let sections = loaded
        .form
        .steps
        .iter()
        .map(|step| {
            let kept = loaded.answers.step(step.slug);
            Section {
                slug: step.slug,
                title: step.title,
                edit: super::step_path(&loaded.filing, step.slug),
                done: step_ok(step, &loaded.answers, today),
                groups: rows(step, kept.filter(|k| k.done)),
            }
        })
        .collect();
    let court_warning = match (loaded.form.court_rule, &court) {
        (CourtRule::FromPostCode { .. }, Some(c)) => courts::proposed(state, loaded.form, &loaded.answers, None)
            .await?
            .filter(|p| p.id != c.id)
            .map(|p| other_court_warning(&p.details.name)),
        _ => None,
    };
    let files = {
        let mut conn = state.db.read().await?;
        portalis_storage::filing_attachments::of_filing(&mut conn, loaded.filing.id).await?
    };
    Ok(ReviewPage {
        layout: Layout::for_visitor(
            state,
            &user.visitor,
            &format!("Vérifier votre demande — {}", loaded.filing.procedure.label()),
        ),
        csrf: user.visitor.csrf(state).0,
        procedure: loaded.filing.procedure.label(),
        identity: Identity::of(user),
        sections,
        court: court.map(|c| c.details.name),
        court_warning,
        pieces: piece_views(loaded, &files),
        pieces_edit: super::pieces_path(&loaded.filing),
        action: format!("{}/envoi", super::path(&loaded.filing)),
        certified,
        form,
    })
}
