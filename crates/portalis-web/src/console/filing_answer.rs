//! The greffe's answer to a filing: « Enregistrer » by opening its case in
//! the portal (a court whose system does not publish to it: the N° Portalis
//! and N° RG its software gave, the nature; the parties come from the
//! answers, and the filer follows the case at once), or under the case and
//! party its court's system opened for it (the filer then follows that
//! case: at once when published, or when it is), or « Refuser » with a
//! reason the filer reads. The same use cases as the court's API
//! (`portalis_usecases::filings`), audited under the agent's name: the
//! API and the console may answer side by side, the first answer stands.

use super::filing::{Entered, OpeningEntered, load, page};
use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::filing::{FilingStatus, REFUSAL_REASON_MAX};
use portalis_core::nac::{self, NacCode};
use portalis_core::portalis_number::PortalisNumber;
use portalis_core::rg_number::RgNumber;
use portalis_usecases::case_opening::{CaseTaken, Opening, open_case};
use portalis_usecases::filings::{self, Answered};
use portalis_usecases::{Context, Origin};

#[derive(serde::Deserialize)]
pub struct RegisterForm {
    #[serde(default)]
    pub case_ref: String,
    #[serde(default)]
    pub party_ref: String,
}

#[derive(serde::Deserialize)]
pub struct RefuseForm {
    #[serde(default)]
    pub reason: String,
}

/// What an answer given before says, at the top of the filing's page;
/// `registering`: the answer attempted.
fn conflict_message(f: &portalis_storage::filings::Filing, registering: bool) -> String {
    let mine = if registering { "Votre enregistrement" } else { "Votre refus" };
    match (f.status, registering) {
        (FilingStatus::Enregistree, true) => format!(
            "{mine} n'a pas été pris en compte : cette demande a déjà été enregistrée, sous l'affaire « {} » et la partie « {} ».",
            f.case_ref.as_deref().unwrap_or_default(),
            f.party_ref.as_deref().unwrap_or_default()
        ),
        (FilingStatus::Enregistree, false) => {
            format!("{mine} n'a pas été pris en compte : cette demande a déjà été enregistrée.")
        }
        (FilingStatus::Refusee, true) => {
            format!("{mine} n'a pas été pris en compte : cette demande a déjà été refusée.")
        }
        (FilingStatus::Refusee, false) => {
            format!("{mine} n'a pas été pris en compte : cette demande a déjà été refusée, pour un autre motif.")
        }
        _ => format!("{mine} n'a pas été pris en compte : cette demande ne peut plus recevoir de réponse."),
    }
}

pub async fn register(
    State(state): State<WebState>,
    Path(number): Path<String>,
    Protected { by: staff, form }: Protected<Staff, RegisterForm>,
) -> Result<Response, PageError> {
    let Some((filing, court)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let mut errors = FormState::default();
    let case_ref = errors.check(
        "case_ref",
        portalis_core::text::reference(form.case_ref.trim()).map_err(|mut e| {
            e.fr = "Saisissez la référence de l'affaire dans le système de la juridiction, sans espace.";
            e
        }),
    );
    let party_ref = errors.check(
        "party_ref",
        portalis_core::text::reference(form.party_ref.trim()).map_err(|mut e| {
            e.fr = "Saisissez la référence de la partie dans le système de la juridiction, sans espace.";
            e
        }),
    );
    let entered = Entered { case_ref: form.case_ref.clone(), party_ref: form.party_ref.clone(), ..Default::default() };
    let (Some(case_ref), Some(party_ref)) = (case_ref, party_ref) else {
        return refused(&state, &staff, &filing, &court, errors, entered).await;
    };
    let agent = staff.agent();
    let origin = Origin::Console { agent: &agent.email, request_id: None };
    let ctx = Context { now: state.clock.now(), random: &*state.random, portal_url: &state.settings.origin };
    let mut tx = state.db.begin().await?;
    let answered = filings::register(&mut tx, ctx, &court, &filing, &case_ref, &party_ref, origin).await?;
    portalis_storage::commit(tx).await?;
    answer(&state, &staff, &court, answered, entered, true).await
}

/// « Ouvrir l'affaire et enregistrer la demande ».
pub async fn open(
    State(state): State<WebState>,
    Path(number): Path<String>,
    Protected { by: staff, form }: Protected<Staff, OpeningEntered>,
) -> Result<Response, PageError> {
    let Some((filing, court)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let mut errors = FormState::default();
    let portalis_number = errors.check("portalis_number", PortalisNumber::parse(&form.portalis_number));
    let rg_number = match form.rg_number.trim() {
        "" => Some(None),
        typed => errors.check("rg_number", RgNumber::parse(typed)).map(|n| Some(n.as_str().to_owned())),
    };
    let nature_code = errors.check("nature_code", NacCode::parse(&form.nature_code));
    let nature_label = errors.check(
        "nature_label",
        nac::parse_label(&form.nature_label).map_err(|mut e| {
            e.fr = "Saisissez la nature de l'affaire, sur une ligne (300 caractères au plus).";
            e
        }),
    );
    let (Some(portalis_number), Some(rg_number), Some(nature_code), Some(nature_label)) =
        (portalis_number, rg_number, nature_code, nature_label)
    else {
        let entered = Entered { opening: Some(form), ..Default::default() };
        return refused(&state, &staff, &filing, &court, errors, entered).await;
    };
    let opening = Opening { portalis_number, rg_number, nature_code: nature_code.as_str().to_owned(), nature_label };
    let agent = staff.agent();
    let origin = Origin::Console { agent: &agent.email, request_id: None };
    let ctx = Context { now: state.clock.now(), random: &*state.random, portal_url: &state.settings.origin };
    let mut tx = state.db.begin().await?;
    let opened = open_case(&mut tx, ctx, &court, &filing, &opening, origin).await?;
    let entered = Entered { opening: Some(form), ..Default::default() };
    match opened {
        Ok(answered @ Answered::Done(_)) => {
            portalis_storage::commit(tx).await?;
            answer(&state, &staff, &court, answered, entered, true).await
        }
        // Nothing was written: the transaction goes (dropped, it rolls back).
        Ok(answered) => {
            drop(tx);
            answer(&state, &staff, &court, answered, entered, true).await
        }
        Err(CaseTaken) => {
            drop(tx);
            let mut page = page(&state, &staff, &filing, &court, FormState::default(), entered, None).await?;
            page.conflict = Some(format!(
                "Une affaire de la juridiction porte déjà la référence « {} » sur le portail : enregistrez la demande sous cette affaire, ci-dessous, plutôt que d'en ouvrir une.",
                filing.filing_number.as_ref().map(|n| n.as_str()).unwrap_or_default()
            ));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

pub async fn refuse(
    State(state): State<WebState>,
    Path(number): Path<String>,
    Protected { by: staff, form }: Protected<Staff, RefuseForm>,
) -> Result<Response, PageError> {
    let Some((filing, court)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let mut errors = FormState::default();
    let reason = errors.check(
        "reason",
        // A textarea's line breaks come as CRLF.
        portalis_core::text::free_text(REFUSAL_REASON_MAX)(&form.reason.replace("\r\n", "\n")).map_err(|mut e| {
            e.fr = "Saisissez le motif du refus, que le demandeur lira (2 000 caractères au plus).";
            e
        }),
    );
    let entered = Entered { reason: form.reason.clone(), ..Default::default() };
    let Some(reason) = reason else {
        return refused(&state, &staff, &filing, &court, errors, entered).await;
    };
    let agent = staff.agent();
    let origin = Origin::Console { agent: &agent.email, request_id: None };
    let ctx = Context { now: state.clock.now(), random: &*state.random, portal_url: &state.settings.origin };
    let mut tx = state.db.begin().await?;
    let answered = filings::refuse(&mut tx, ctx, &court, &filing, &reason, origin).await?;
    portalis_storage::commit(tx).await?;
    answer(&state, &staff, &court, answered, entered, false).await
}

/// The filing again, its form's errors beside their fields (422).
async fn refused(
    state: &WebState,
    staff: &Staff,
    filing: &portalis_storage::filings::Filing,
    court: &portalis_storage::courts::Court,
    errors: FormState,
    entered: Entered,
) -> Result<Response, PageError> {
    let mut page = page(state, staff, filing, court, errors, entered, None).await?;
    page.layout.title = format!("Erreur : {}", page.layout.title);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn answer(
    state: &WebState,
    staff: &Staff,
    court: &portalis_storage::courts::Court,
    answered: Answered,
    entered: Entered,
    registering: bool,
) -> Result<Response, PageError> {
    match answered {
        Answered::Done(f) | Answered::Already(f) => {
            let number = f.filing_number.as_ref().ok_or(PageError::Internal)?;
            let done = if registering { "enregistree" } else { "refusee" };
            Ok(Redirect::to(&format!("{}?fait={done}", super::filings::href(number))).into_response())
        }
        Answered::Conflict(f) => {
            let mut page = page(state, staff, &f, court, FormState::default(), entered, None).await?;
            page.conflict = Some(conflict_message(&f, registering));
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}
