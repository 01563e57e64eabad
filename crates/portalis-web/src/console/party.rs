//! `GET /juridiction/parties/{id}`: a party as the SAUJ reads it — identity,
//! case, role, the e-mail and mobile declared to the court, the accounts
//! attached to it (and those that were), its consent to electronic
//! communication, the avis sent and the first consultations, the messages
//! about it and their delivery. Any agent reads any court's party (the SAUJ
//! informs about every court); each view is recorded in the journal of his
//! court's administrator. The actions are offered to its own court's staff.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use crate::navigation::Navigation;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use portalis_core::french::instant_in;
use portalis_core::staff::Role;
use portalis_storage::batch::Batch;
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
use portalis_storage::parties::{self, Party};
use portalis_storage::party_record::{self, Record};
use portalis_storage::read::Reads;
use portalis_storage::staff_views;
use std::collections::HashMap;

/// The page of the party of this id.
pub fn href(party_id: i64) -> String {
    format!("/juridiction/parties/{party_id}")
}

/// A line of the accounts' table.
pub struct AccountRow {
    pub name: String,
    pub attached_at: String,
    pub first_viewed_at: Option<String>,
    /// "Détaché le … (motif)", or empty while attached.
    pub ended: Option<String>,
}

/// A line of the avis' table.
pub struct AvisRow {
    pub document: String,
    pub published_at: String,
    pub delivery: String,
    pub consulted: String,
}

/// A line of the staff's actions.
pub struct ActionRow {
    pub at: String,
    pub agent: String,
    pub what: &'static str,
}

fn action_label(action: &str) -> &'static str {
    match action {
        "party.number_resent" => "Numéro d'identification renvoyé",
        "party.number_reissued" => "Nouveau numéro d'identification généré",
        "party.letter_printed" => "Courrier imprimé",
        "party.detach" => "Comptes détachés",
        "party.consent_recorded" => "Consentement enregistré",
        "party.unblocked" => "Envoi des codes débloqué",
        "party.contact_changed" => "Coordonnées modifiées",
        _ => "Autre action",
    }
}

/// A line of the messages' table.
pub struct MessageRow {
    pub what: &'static str,
    pub to: String,
    pub created_at: String,
    pub delivery: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/party.html")]
pub struct PartyPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub role: &'static str,
    pub party_ref: String,
    pub withdrawn: Option<String>,
    pub lawyer: Option<String>,
    pub email: Option<String>,
    pub mobile: Option<String>,
    /// The latest change of the coordinates at the console, and whether the
    /// court's system has taken it up.
    pub contact_change: Option<String>,
    pub number_issued_at: String,
    pub court: String,
    pub nature: String,
    pub portalis_number: String,
    pub rg_number: Option<String>,
    pub case_status: &'static str,
    pub consent: Option<String>,
    pub accounts: Vec<AccountRow>,
    pub avis: Vec<AvisRow>,
    pub messages: Vec<MessageRow>,
    pub actions: Vec<ActionRow>,
    /// His own court's party: the actions are his to take.
    pub may_act: bool,
    /// An account is attached now (it may be detached).
    pub attached: bool,
    pub csrf: String,
    /// What an action just did, said at the top of the page.
    pub done: Option<String>,
}

fn delivery(status: &str, attempts: i64, sent_at: Option<DateTime<Utc>>, tz: Tz) -> String {
    match (status, sent_at) {
        ("sent", Some(at)) => format!("Envoyé le {}", instant_in(at, tz)),
        ("failed", _) => format!("Échec après {attempts} tentative{}", if attempts > 1 { "s" } else { "" }),
        ("pending" | "sending", _) if attempts > 0 => {
            format!("En cours (nouvel essai, {attempts} tentative{} déjà)", if attempts > 1 { "s" } else { "" })
        }
        _ => "En attente d'envoi".into(),
    }
}

fn message_kind(kind: &str) -> &'static str {
    match kind {
        "identification_number" => "Numéro d'identification",
        "avis" => "Avis de mise à disposition",
        "case_update" => "Mise à jour de l'affaire",
        "hearing_reminder" => "Rappel d'audience",
        "attach_code" => "Code de rattachement",
        _ => "Autre message",
    }
}

fn ended_reason(reason: &str) -> &'static str {
    match reason {
        "number_reissued" => "nouveau numéro d'identification",
        "party_withdrawn" => "partie retirée de l'affaire",
        "detached_by_court" => "détaché par la juridiction",
        _ => "autre motif",
    }
}

/// What the page shows of the party, read at once.
pub(crate) struct Loaded {
    pub party: Party,
    pub case: Case,
    pub court: Court,
}

/// The party of `id` with its case and court, or `None`: one batch of
/// queries.
pub(crate) async fn load(state: &WebState, id: &str) -> Result<Option<Loaded>, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Ok(None) };
    let mut batch = Batch::new();
    let read = parties::with_case_in(&mut batch, id);
    let mut answers = state.db.pages().await?.batch(batch).await?;
    Ok(read.take(&mut answers).map(|(party, case, court)| Loaded { party, case, court }))
}

/// The same with the party's record, in the same batch.
async fn load_with_record(state: &WebState, id: &str) -> Result<Option<(Loaded, Record)>, PageError> {
    let Ok(id) = id.parse::<i64>() else { return Ok(None) };
    let mut batch = Batch::new();
    let read = parties::with_case_in(&mut batch, id);
    let record = party_record::record_in(&mut batch, id);
    let mut answers = state.db.pages().await?.batch(batch).await?;
    let Some((party, case, court)) = read.take(&mut answers) else { return Ok(None) };
    Ok(Some((Loaded { party, case, court }, record.take(&mut answers))))
}

/// What an agent arriving from elsewhere sees first: each view being
/// journaled in his name, only his own click opens the page.
#[derive(Template, WebTemplate)]
#[template(path = "console/open.html")]
pub struct OpenFirst {
    pub layout: Layout,
    pub nav: super::Nav,
    pub href: String,
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    navigation: Navigation,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    if !navigation.is_own() {
        // A link on another site, a prefetch: nothing shown, nothing
        // journaled in the agent's name (and the record not read).
        let Some(loaded) = load(&state, &id).await? else {
            return Ok(super::not_found(&state, &staff).into_response());
        };
        let page = OpenFirst {
            layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Fiche d'une partie"),
            nav: super::Nav::of(&staff, super::Section::Search),
            href: href(loaded.party.id),
        };
        return Ok(page.into_response());
    }
    let Some((loaded, record)) = load_with_record(&state, &id).await? else {
        return Ok(super::not_found(&state, &staff).into_response());
    };
    let done = params.get("fait").and_then(|code| super::party_actions::done_message(code)).map(str::to_owned);
    render(&state, &staff, loaded, record, done).await
}

/// The page, recorded in the journal as viewed by `staff` (one statement,
/// committed by itself); `done` says what an action just did.
async fn render(
    state: &WebState,
    staff: &Staff,
    Loaded { party, case, court }: Loaded,
    Record { accounts, avis, messages, consent, actions, contact_change }: Record,
    done: Option<String>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let agent = staff.agent();
    let view = staff_views::View {
        agent_email: &agent.email,
        agent_name: &agent.name,
        court_id: court.id,
        case_id: case.id,
        party_id: Some(party.id),
    };
    staff_views::record(&state.db, &view, now).await?;
    let tz = court.details.time_zone;
    let contact_change = contact_change.map(|c| {
        let by = c.changed_by.clone();
        match c.acknowledged_at {
            None => format!(
                "Modifiées le {} par {by}, pas encore reprises par le logiciel de la juridiction",
                instant_in(c.changed_at, tz)
            ),
            Some(at) => format!(
                "Modifiées le {} par {by}, reprises par le logiciel de la juridiction le {}",
                instant_in(c.changed_at, tz),
                instant_in(at, tz)
            ),
        }
    });
    let consent = consent.map(|c| match c.source.as_str() {
        "court" => match chrono::NaiveDate::parse_from_str(&c.at, "%Y-%m-%d") {
            Ok(on) => format!("Déclaré par la juridiction, le {}", portalis_core::french::long_date(on)),
            Err(_) => "Déclaré par la juridiction".into(),
        },
        _ => match portalis_storage::time::parse_instant(&c.at) {
            Ok(at) => format!("Donné par la première consultation sur le portail, le {}", instant_in(at, tz)),
            Err(_) => "Donné par la première consultation sur le portail".into(),
        },
    });
    let attached = accounts.iter().any(|a| a.ended.is_none());
    let page = PartyPage {
        layout: Layout::for_visitor(state, &staff.signed_in.visitor, &party.display_name()),
        nav: super::Nav::of(staff, super::Section::Search),
        id: party.id,
        name: party.display_name(),
        kind: party.details.kind.label(),
        role: party.details.role.label(),
        party_ref: party.party_ref.clone(),
        withdrawn: party.withdrawn_at.map(|at| instant_in(at, tz)),
        lawyer: party.details.lawyer.clone(),
        email: party.details.email.clone(),
        mobile: party.details.mobile.clone(),
        contact_change,
        number_issued_at: instant_in(party.number_issued_at, tz),
        court: court.details.name.clone(),
        nature: case.details.nature_label.clone(),
        portalis_number: case.details.portalis_number.as_str().to_owned(),
        rg_number: case.details.rg_number.as_ref().map(|n| n.as_str().to_owned()),
        case_status: case.details.status.label(),
        consent,
        accounts: accounts
            .into_iter()
            .map(|a| AccountRow {
                name: portalis_core::party::display_name(
                    portalis_core::party::PartyKind::Person,
                    a.given_name.as_deref(),
                    a.family_name.as_deref(),
                    None,
                ),
                attached_at: instant_in(a.attached_at, tz),
                first_viewed_at: a.first_viewed_at.map(|at| instant_in(at, tz)),
                ended: a.ended.map(|(at, reason)| format!("le {} ({})", instant_in(at, tz), ended_reason(&reason))),
            })
            .collect(),
        avis: avis
            .into_iter()
            .map(|a| AvisRow {
                document: a.document_title,
                published_at: instant_in(a.published_at, tz),
                delivery: delivery(&a.status, a.attempts, a.sent_at, tz),
                consulted: a.first_consulted_at.map_or_else(|| "Pas encore consulté".into(), |at| instant_in(at, tz)),
            })
            .collect(),
        messages: messages
            .into_iter()
            .map(|m| MessageRow {
                what: message_kind(&m.kind),
                to: m.recipient,
                created_at: instant_in(m.created_at, tz),
                delivery: delivery(&m.status, m.attempts, m.sent_at, tz),
            })
            .collect(),
        actions: actions
            .into_iter()
            .map(|a| ActionRow {
                at: instant_in(a.at, tz),
                agent: a.actor.strip_prefix("agent:").unwrap_or(&a.actor).to_owned(),
                what: action_label(&a.action),
            })
            .collect(),
        may_act: staff.may(Role::Sauj, court.id) && party.withdrawn_at.is_none(),
        attached,
        csrf: staff.signed_in.visitor.csrf(state).0,
        done,
    };
    Ok((StatusCode::OK, page).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_delivery_says_where_the_message_stands_in_french() {
        let tz = chrono_tz::Indian::Reunion;
        let at = DateTime::parse_from_rfc3339("2026-11-26T06:30:00Z").unwrap().to_utc();
        assert_eq!(delivery("sent", 1, Some(at), tz), "Envoyé le jeudi 26 novembre 2026 à 10:30");
        assert_eq!(delivery("failed", 5, None, tz), "Échec après 5 tentatives");
        assert_eq!(delivery("failed", 1, None, tz), "Échec après 1 tentative");
        assert_eq!(delivery("pending", 0, None, tz), "En attente d'envoi");
    }
}
