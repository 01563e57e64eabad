//! The actions of the SAUJ on a party of its own court, each confirmed on
//! a page of its own (`GET …/parties/{id}/{action}`) and done by its form
//! (`POST`, CSRF-checked), audited under the agent's name in the same
//! transaction and listed on the party's page:
//!
//! - `renvoyer-numero`: the same identification number, e-mailed again to
//!   the address declared to the court;
//! - `courrier`: the letter with the number and the guide's steps, as a
//!   PDF to print (for a litigant at the counter, or without e-mail);
//! - `nouveau-numero`: a new number, e-mailed to the declared address; the
//!   old one stops working and the accounts attached with it lose the case
//!   (the number reached someone else, or was lost with no e-mail);
//! - `detacher`: the accounts attached to the party lose the case, the
//!   number is kept (an account that is not the party's);
//! - `consentement`: the party's consent to electronic communication,
//!   given at the counter;
//! - `debloquer`: the party's hourly limit of codes sent by SMS lifted
//!   (a litigant at the counter who reached it).
//!
//! An agent of another court reads the party but may not act (403).

use super::party::{self, Loaded};
use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::staff::Role;
use portalis_storage::{audit, parties};
use portalis_usecases::publish::{Publisher, console_target};
use portalis_usecases::{Context, Origin};

/// An action, by its path segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ResendNumber,
    Letter,
    NewNumber,
    Detach,
    Consent,
    Unblock,
}

impl Action {
    fn parse(segment: &str) -> Option<Self> {
        match segment {
            "renvoyer-numero" => Some(Action::ResendNumber),
            "courrier" => Some(Action::Letter),
            "nouveau-numero" => Some(Action::NewNumber),
            "detacher" => Some(Action::Detach),
            "consentement" => Some(Action::Consent),
            "debloquer" => Some(Action::Unblock),
            _ => None,
        }
    }

    fn segment(self) -> &'static str {
        match self {
            Action::ResendNumber => "renvoyer-numero",
            Action::Letter => "courrier",
            Action::NewNumber => "nouveau-numero",
            Action::Detach => "detacher",
            Action::Consent => "consentement",
            Action::Unblock => "debloquer",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Action::ResendNumber => "Renvoyer le numéro d'identification",
            Action::Letter => "Imprimer un courrier",
            Action::NewNumber => "Générer un nouveau numéro",
            Action::Detach => "Détacher les comptes",
            Action::Consent => "Enregistrer le consentement",
            Action::Unblock => "Débloquer l'envoi des codes",
        }
    }

    /// The `fait` of the party's page after it.
    fn done_code(self) -> &'static str {
        match self {
            Action::ResendNumber => "numero-renvoye",
            Action::Letter => "courrier-imprime",
            Action::NewNumber => "nouveau-numero",
            Action::Detach => "comptes-detaches",
            Action::Consent => "consentement",
            Action::Unblock => "debloque",
        }
    }
}

/// What the party's page says after an action (`?fait=`).
pub fn done_message(code: &str) -> Option<&'static str> {
    match code {
        "numero-renvoye" => Some(
            "Le numéro d'identification a été renvoyé à l'adresse électronique déclarée. Son envoi apparaît dans les messages ci-dessous.",
        ),
        "nouveau-numero" => Some(
            "Un nouveau numéro d'identification a été généré : l'ancien ne fonctionne plus. Il est envoyé à l'adresse électronique déclarée, s'il y en a une ; sinon, imprimez un courrier.",
        ),
        "comptes-detaches" => Some("Les comptes ont été détachés : ils n'ont plus accès à l'affaire."),
        "consentement" => Some("Le consentement à la communication électronique est enregistré."),
        "coordonnees" => Some(
            "Les coordonnées sont modifiées. Le logiciel de la juridiction en est informé par l'API ; renvoyez le numéro d'identification si la personne ne l'a pas reçu.",
        ),
        "debloque" => {
            Some("L'envoi des codes est débloqué : la personne peut demander un nouveau code par SMS dès maintenant.")
        }
        _ => None,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/confirm.html")]
pub struct Confirm {
    pub layout: Layout,
    pub nav: super::Nav,
    pub party_href: String,
    pub party_name: String,
    pub title: &'static str,
    pub explanation: Vec<String>,
    /// `None`: the action cannot be done (it says why), only cancelled.
    pub button: Option<&'static str>,
    pub action: String,
    pub csrf: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/forbidden.html")]
pub struct Forbidden {
    pub layout: Layout,
    pub nav: super::Nav,
    pub party_href: String,
}

/// The party, its action, and whether the agent may take it; or the answer.
async fn resolve(
    state: &WebState,
    staff: &Staff,
    id: &str,
    segment: &str,
) -> Result<Result<(Loaded, Action), Response>, PageError> {
    let Some(action) = Action::parse(segment) else { return Ok(Err(super::not_found(state, staff))) };
    Ok(actionable(state, staff, id).await?.map(|loaded| (loaded, action)))
}

/// The party of `id` if the agent may act on it (his own court's); or the
/// answer: not found, or 403.
pub(super) async fn actionable(
    state: &WebState,
    staff: &Staff,
    id: &str,
) -> Result<Result<Loaded, Response>, PageError> {
    let Some(loaded) = party::load(state, id).await? else {
        return Ok(Err(super::not_found(state, staff)));
    };
    if !staff.may(Role::Sauj, loaded.court.id) {
        let page = Forbidden {
            layout: Layout::for_visitor(state, &staff.signed_in.visitor, "Action réservée"),
            nav: super::Nav::of(staff, super::Section::Search),
            party_href: party::href(loaded.party.id),
        };
        return Ok(Err((StatusCode::FORBIDDEN, page).into_response()));
    }
    Ok(Ok(loaded))
}

pub async fn confirm(
    State(state): State<WebState>,
    staff: Staff,
    Path((id, segment)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (Loaded { party, .. }, action) = match resolve(&state, &staff, &id, &segment).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let name = party.display_name();
    let (explanation, button) = match action {
        _ if party.withdrawn_at.is_some() => (vec![withdrawn_text(&name)], None),
        Action::ResendNumber => match &party.details.email {
            Some(email) => (
                vec![
                    format!("Le numéro d'identification de {name} lui sera envoyé de nouveau, inchangé, à l'adresse électronique déclarée à la juridiction : {email}."),
                    "Si le numéro a pu parvenir à une autre personne, demandez au greffe d'en générer un nouveau.".into(),
                ],
                Some("Renvoyer le numéro"),
            ),
            None => (
                vec![
                    format!("Aucune adresse électronique n'est déclarée pour {name} : le numéro ne peut pas être envoyé."),
                    "Imprimez-lui un courrier, et invitez-la à communiquer son adresse électronique au greffe.".into(),
                ],
                None,
            ),
        },
        Action::NewNumber => (
            vec![
                format!("Un nouveau numéro d'identification sera attribué à {name} : l'ancien cessera de fonctionner, et les comptes rattachés avec lui perdront l'accès à l'affaire."),
                match &party.details.email {
                    Some(email) => format!("Le nouveau numéro sera envoyé à l'adresse électronique déclarée : {email}."),
                    None => "Aucune adresse électronique n'est déclarée : imprimez ensuite un courrier pour le lui remettre.".into(),
                },
                "À utiliser si le numéro a pu parvenir à une autre personne, ou s'il est perdu sans adresse électronique.".into(),
            ],
            Some("Générer un nouveau numéro"),
        ),
        Action::Detach => (
            vec![
                format!("Les comptes rattachés à {name} perdront aussitôt l'accès à l'affaire. Le numéro d'identification est conservé : la personne pourra rattacher de nouveau l'affaire avec lui."),
                "Si le numéro a pu parvenir à une autre personne, générez plutôt un nouveau numéro.".into(),
            ],
            Some("Détacher les comptes"),
        ),
        Action::Consent => (
            vec![
                format!("{name} consent à recevoir par voie électronique les avis et documents de l'affaire (article 748-2 du code de procédure civile)."),
                "Enregistrez ce consentement après l'avoir recueilli auprès de la personne elle-même. Un consentement déjà donné par la consultation de l'affaire sur le portail est conservé.".into(),
            ],
            Some("Enregistrer le consentement"),
        ),
        Action::Unblock => (
            vec![
                format!("Les codes déjà envoyés par SMS pour {name} ne compteront plus dans la limite de trois par heure, et ceux encore valables seront annulés : la personne pourra en demander un nouveau aussitôt."),
                "Les limites propres à son compte (une demande par minute, dix par jour) restent.".into(),
            ],
            Some("Débloquer"),
        ),
        Action::Letter => (
            vec![
                format!("Le courrier indique le numéro d'identification de {name}, l'affaire qu'il ouvre et les étapes pour la suivre sur le portail."),
                "Ce numéro est personnel : remettez le courrier à la personne elle-même, après avoir vérifié son identité.".into(),
            ],
            Some("Télécharger le courrier (PDF)"),
        ),
    };
    let page = Confirm {
        layout: Layout::for_visitor(&state, &staff.signed_in.visitor, action.title()),
        nav: super::Nav::of(&staff, super::Section::Search),
        party_href: party::href(party.id),
        party_name: name,
        title: action.title(),
        explanation,
        button,
        action: format!("{}/{}", party::href(party.id), action.segment()),
        csrf: staff.signed_in.visitor.csrf(&state).0,
    };
    Ok(page.into_response())
}

pub(super) fn withdrawn_text(name: &str) -> String {
    format!(
        "{name} a été retirée de l'affaire par la juridiction : son numéro d'identification ne permet plus de la suivre, et aucune action n'est possible sur elle."
    )
}

/// The confirmation's form carries nothing but its token.
#[derive(serde::Deserialize)]
pub struct ActionForm {}

pub async fn act(
    State(state): State<WebState>,
    Path((id, segment)): Path<(String, String)>,
    Protected { by: staff, .. }: Protected<Staff, ActionForm>,
) -> Result<Response, PageError> {
    let (Loaded { party, case, court }, action) = match resolve(&state, &staff, &id, &segment).await? {
        Ok(found) => found,
        Err(answer) => return Ok(answer),
    };
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Read again under its lock: a number re-issued or a party withdrawn
    // meanwhile is what the action must see.
    parties::lock(&mut tx, party.id).await?;
    let party = parties::by_id(&mut tx, party.id).await?;
    if party.withdrawn_at.is_some() {
        drop(tx);
        let page = Confirm {
            layout: Layout::for_visitor(&state, &staff.signed_in.visitor, action.title()),
            nav: super::Nav::of(&staff, super::Section::Search),
            party_href: party::href(party.id),
            party_name: party.display_name(),
            title: action.title(),
            explanation: vec![withdrawn_text(&party.display_name())],
            button: None,
            action: String::new(),
            csrf: String::new(),
        };
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let agent = staff.agent();
    let ctx = Context { now, random: &*state.random, portal_url: &state.settings.origin };
    let publisher = Publisher { ctx, origin: Origin::Console { agent: &agent.email, request_id: None }, court: &court };
    let response = match action {
        Action::ResendNumber => {
            if !publisher.resend_number(&mut tx, &case, &party).await? {
                return Ok(Redirect::to(&format!("{}/{}", party::href(party.id), action.segment())).into_response());
            }
            Redirect::to(&format!("{}?fait={}", party::href(party.id), action.done_code())).into_response()
        }
        Action::NewNumber => {
            publisher.reissue_number(&mut tx, &case, &party).await?;
            Redirect::to(&format!("{}?fait={}", party::href(party.id), action.done_code())).into_response()
        }
        Action::Detach => {
            publisher.detach_accounts(&mut tx, &case, &party).await?;
            Redirect::to(&format!("{}?fait={}", party::href(party.id), action.done_code())).into_response()
        }
        Action::Consent => {
            let today = now.with_timezone(&court.details.time_zone).date_naive();
            publisher.record_consent(&mut tx, &case, &party, today).await?;
            Redirect::to(&format!("{}?fait={}", party::href(party.id), action.done_code())).into_response()
        }
        Action::Unblock => {
            publisher.unblock_codes(&mut tx, &case, &party).await?;
            Redirect::to(&format!("{}?fait={}", party::href(party.id), action.done_code())).into_response()
        }
        Action::Letter => {
            let target = console_target(&court, &format!("case:{}/party:{}", case.case_ref, party.party_ref));
            let actor = format!("agent:{}", agent.email);
            let entry = audit::Entry {
                actor: &actor,
                action: "party.letter_printed",
                target: Some(&target),
                outcome: "ok",
                ..Default::default()
            };
            audit::record(&mut tx, &entry, now).await?;
            let today = now.with_timezone(&court.details.time_zone).date_naive();
            let pdf = portalis_usecases::party_letter::letter_pdf(&court, &case, &party, &state.settings.origin, today);
            let name = format!("courrier-{}.pdf", case.details.portalis_number.as_str());
            let mut r = pdf.into_response();
            let headers = r.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
            if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            r
        }
    };
    portalis_storage::commit(tx).await?;
    Ok(response)
}
