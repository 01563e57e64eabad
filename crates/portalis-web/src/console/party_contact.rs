//! `…/parties/{id}/coordonnees`: « Modifier les coordonnées » — the SAUJ
//! changes the e-mail and mobile a party of its own court declared (a
//! litigant at the counter whose address or number changed). The change is
//! audited under the agent's name, listed on the party's page, and given to
//! the court's system: the party's `GET` shows it, and the court's feed
//! (`GET /api/v1/contact-changes`) lists it.

use super::party::{self, Loaded};
use super::party_actions::{actionable, withdrawn_text};
use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::email::Email;
use portalis_core::mobile::MobileNumber;
use portalis_storage::parties;
use portalis_usecases::publish::Publisher;
use portalis_usecases::{Context, Origin};

#[derive(Template, WebTemplate)]
#[template(path = "console/party_contact.html")]
pub struct ContactPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub party_href: String,
    pub party_name: String,
    /// Why nothing can be changed (a withdrawn party); the form otherwise.
    pub refused: Option<String>,
    pub email: String,
    pub mobile: String,
    pub form: FormState,
    pub csrf: String,
}

fn page(
    state: &WebState,
    staff: &Staff,
    party: &parties::Party,
    form: FormState,
    email: String,
    mobile: String,
) -> ContactPage {
    let mut layout = Layout::for_visitor(state, &staff.signed_in.visitor, "Modifier les coordonnées");
    if !form.is_valid() {
        layout.title = format!("Erreur : {}", layout.title);
    }
    ContactPage {
        layout,
        nav: super::Nav::of(staff, super::Section::Search),
        party_href: party::href(party.id),
        party_name: party.display_name(),
        refused: party.withdrawn_at.map(|_| withdrawn_text(&party.display_name())),
        email,
        mobile,
        form,
        csrf: staff.signed_in.visitor.csrf(state).0,
    }
}

pub async fn show(State(state): State<WebState>, staff: Staff, Path(id): Path<String>) -> Result<Response, PageError> {
    let Loaded { party, .. } = match actionable(&state, &staff, &id).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let email = party.details.email.clone().unwrap_or_default();
    let mobile = match party.details.mobile.as_deref().map(MobileNumber::parse) {
        Some(Ok(m)) => m.national(),
        _ => party.details.mobile.clone().unwrap_or_default(),
    };
    Ok(page(&state, &staff, &party, FormState::default(), email, mobile).into_response())
}

#[derive(serde::Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub mobile: String,
}

/// What the agent typed, parsed: each field may be left empty (nothing
/// declared), but not both changed to what they are.
fn parse(form: &ContactForm, party: &parties::Party) -> Result<(Option<Email>, Option<MobileNumber>), FormState> {
    let mut errors = FormState::default();
    let email = match form.email.trim() {
        "" => Some(None),
        typed => errors.check("email", Email::parse(typed)).map(Some),
    };
    let mobile = match form.mobile.trim() {
        "" => Some(None),
        typed => errors.check("mobile", MobileNumber::parse(typed)).map(Some),
    };
    let (Some(email), Some(mobile)) = (email, mobile) else { return Err(errors) };
    let d = &party.details;
    if email.as_ref().map(Email::as_str) == d.email.as_deref()
        && mobile.as_ref().map(MobileNumber::as_str) == d.mobile.as_deref()
    {
        errors.set(
            "email",
            "Ces coordonnées sont déjà celles enregistrées : modifiez l'adresse électronique ou le téléphone mobile.",
        );
        return Err(errors);
    }
    Ok((email, mobile))
}

pub async fn change(
    State(state): State<WebState>,
    Path(id): Path<String>,
    Protected { by: staff, form }: Protected<Staff, ContactForm>,
) -> Result<Response, PageError> {
    let Loaded { party, case, court } = match actionable(&state, &staff, &id).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Read again under its lock: what the change replaces is what is
    // stored now, and a withdrawn party is not changed.
    parties::lock(&mut tx, party.id).await?;
    let party = parties::by_id(&mut tx, party.id).await?;
    if party.withdrawn_at.is_some() {
        drop(tx);
        let page = page(&state, &staff, &party, FormState::default(), String::new(), String::new());
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let (email, mobile) = match parse(&form, &party) {
        Ok(parsed) => parsed,
        Err(errors) => {
            drop(tx);
            let page = page(&state, &staff, &party, errors, form.email, form.mobile);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let agent = staff.agent();
    let ctx = Context { now, random: &*state.random, portal_url: &state.settings.origin };
    let publisher = Publisher { ctx, origin: Origin::Console { agent: &agent.email, request_id: None }, court: &court };
    publisher
        .change_contact(
            &mut tx,
            &case,
            &party,
            email.as_ref().map(Email::as_str),
            mobile.as_ref().map(MobileNumber::as_str),
        )
        .await?;
    portalis_storage::commit(tx).await?;
    Ok(Redirect::to(&format!("{}?fait=coordonnees", party::href(party.id))).into_response())
}
