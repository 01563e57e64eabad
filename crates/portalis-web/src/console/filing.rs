//! `GET /juridiction/demandes/{number}`: a filing as the greffe reads it —
//! the filer's FranceConnect identity, every answer by step (a JAF filer's
//! confidential address included: the court keeps it), the files, the
//! request as a PDF — and, while it waits, « Enregistrer » and « Refuser »
//! (`filing_answer.rs`). A filing of another court, or a draft, is not
//! found.

use super::filings::filer_name;
use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portalis_core::filing::answers::{Answers, Row, rows};
use portalis_core::filing::case_opening;
use portalis_core::filing::{FilingNumber, FilingStatus, procedures};
use portalis_core::french::instant_in;
use portalis_core::staff::Role;
use portalis_storage::courts::Court;
use portalis_storage::filing_attachments::{self, FilingAttachment};
use portalis_storage::filings::{self, Filing};
use portalis_usecases::filing_documents::{Gathered, request_pdf};

/// A step and its answers.
pub struct Section {
    pub title: &'static str,
    pub groups: Vec<(Option<String>, Vec<Row>)>,
}

pub struct FileLine {
    pub href: String,
    pub name: String,
    pub size: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/filing.html")]
pub struct FilingPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub number: String,
    pub procedure: &'static str,
    pub status: &'static str,
    pub court: String,
    pub sent_at: String,
    pub filer: String,
    pub birthdate: Option<String>,
    pub contact_email: Option<String>,
    pub sections: Vec<Section>,
    pub files: Vec<FileLine>,
    pub request_pdf: String,
    /// The answer given: « Enregistrée le … » or « Refusée le … : motif ».
    pub decision: Option<String>,
    pub waiting: bool,
    pub action_register: String,
    pub action_open: String,
    pub action_refuse: String,
    /// The parties the case opened in the portal would have.
    pub opened_parties: Vec<String>,
    pub csrf: String,
    pub form: FormState,
    pub case_ref: String,
    pub party_ref: String,
    pub reason: String,
    pub portalis_number: String,
    pub rg_number: String,
    pub nature_code: String,
    pub nature_label: String,
    pub done: Option<&'static str>,
    /// An answer given before the agent's: his was not taken.
    pub conflict: Option<String>,
}

/// The agent's court's filing of this number, with its court.
pub(crate) async fn load(state: &WebState, staff: &Staff, number: &str) -> Result<Option<(Filing, Court)>, PageError> {
    let Ok(number) = FilingNumber::parse(number) else { return Ok(None) };
    let mut conn = state.db.read().await?;
    for grant in staff.courts_where(Role::Greffe) {
        if let Some(filing) = filings::by_number(&mut conn, grant.court_id, &number).await? {
            let Some(court) = portalis_storage::courts::by_id(&mut conn, grant.court_id).await? else { continue };
            return Ok(Some((filing, court)));
        }
    }
    Ok(None)
}

/// What the forms held, shown again with their errors.
#[derive(Default)]
pub struct Entered {
    pub case_ref: String,
    pub party_ref: String,
    pub reason: String,
    /// The case to open (`None`: the nature suggested for the procedure).
    pub opening: Option<OpeningEntered>,
}

/// The form « Ouvrir l'affaire dans le portail », as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct OpeningEntered {
    #[serde(default)]
    pub portalis_number: String,
    #[serde(default)]
    pub rg_number: String,
    #[serde(default)]
    pub nature_code: String,
    #[serde(default)]
    pub nature_label: String,
}

/// The parties a case opened from the filing would have, as the page
/// lists them: « Sophie MARTIN, demandeur (l'auteur de la demande) ».
fn opened_parties(filing: &Filing) -> Vec<String> {
    portalis_usecases::case_opening::parties(filing)
        .into_iter()
        .map(|p| {
            let name = portalis_core::party::display_name(
                portalis_core::party::PartyKind::Person,
                p.given_names.as_deref(),
                Some(&p.family_name),
                None,
            );
            let role = p.role.label().to_lowercase();
            if p.filer {
                format!("{name}, {role} (l'auteur de la demande, qui suivra l'affaire)")
            } else {
                format!("{name}, {role}")
            }
        })
        .collect()
}

pub(crate) async fn page(
    state: &WebState,
    staff: &Staff,
    filing: &Filing,
    court: &Court,
    form: FormState,
    entered: Entered,
    done: Option<&'static str>,
) -> Result<FilingPage, PageError> {
    let tz = court.details.time_zone;
    let number = filing.filing_number.clone().ok_or(PageError::Internal)?;
    let files = filing_attachments::of_filing(&mut state.db.read().await?, filing.id).await?;
    let answers = Answers::from_json(&filing.answers);
    let form_of = procedures::form(filing.procedure);
    let base = super::filings::href(&number);
    let decided = filing.decided_at.map(|at| instant_in(at, tz)).unwrap_or_default();
    let opening = entered.opening.unwrap_or_else(|| {
        let (code, label) = case_opening::suggested_nature(filing.procedure).unwrap_or_default();
        OpeningEntered { nature_code: code.into(), nature_label: label.into(), ..Default::default() }
    });
    let case = match &filing.case_ref {
        Some(case_ref) if filing.status == FilingStatus::Enregistree => {
            portalis_storage::cases::find(&mut *state.db.read().await?, court.id, case_ref).await?
        }
        _ => None,
    };
    let decision = match (filing.status, case) {
        // The case is on the portal (opened from the filing, or published
        // by the court's system): its numbers say which.
        (FilingStatus::Enregistree, Some(case)) => Some(format!(
            "Enregistrée le {decided}, affaire N° Portalis {}{}, partie « {} ».",
            case.details.portalis_number.as_str(),
            case.details.rg_number.as_deref().map(|rg| format!(" (N° RG {rg})")).unwrap_or_default(),
            filing.party_ref.as_deref().unwrap_or_default()
        )),
        (FilingStatus::Enregistree, None) => Some(format!(
            "Enregistrée le {decided}, affaire « {} », partie « {} » du système de la juridiction (pas encore publiée sur le portail).",
            filing.case_ref.as_deref().unwrap_or_default(),
            filing.party_ref.as_deref().unwrap_or_default()
        )),
        (FilingStatus::Refusee, _) => {
            Some(format!("Refusée le {decided}. Motif : {}", filing.refusal_reason.as_deref().unwrap_or_default()))
        }
        _ => None,
    };
    Ok(FilingPage {
        layout: Layout::for_visitor(
            state,
            &staff.signed_in.visitor,
            &format!("Demande {} — {}", number.grouped(), filing.procedure.label()),
        ),
        nav: super::Nav::of(staff, super::Section::Filings),
        number: number.grouped(),
        procedure: filing.procedure.label(),
        status: filing.status.label(),
        court: court.details.name.clone(),
        sent_at: filing.sent_at.map(|at| instant_in(at, tz)).unwrap_or_default(),
        filer: filer_name(filing),
        birthdate: filing
            .filer
            .birthdate
            .as_deref()
            .and_then(|b| chrono::NaiveDate::parse_from_str(b, "%Y-%m-%d").ok())
            .map(portalis_core::french::date),
        contact_email: filing.contact_email.clone(),
        sections: form_of
            .steps
            .iter()
            .map(|step| Section { title: step.title, groups: rows(step, answers.step(step.slug)) })
            .collect(),
        files: files.iter().map(|f| file_line(&base, f)).collect(),
        request_pdf: format!("{base}/demande.pdf"),
        decision,
        waiting: filing.status == FilingStatus::Envoyee,
        action_register: format!("{base}/enregistrement"),
        action_open: format!("{base}/ouverture"),
        action_refuse: format!("{base}/refus"),
        opened_parties: opened_parties(filing),
        csrf: staff.signed_in.visitor.csrf(state).0,
        form,
        case_ref: entered.case_ref,
        party_ref: entered.party_ref,
        reason: entered.reason,
        portalis_number: opening.portalis_number,
        rg_number: opening.rg_number,
        nature_code: opening.nature_code,
        nature_label: opening.nature_label,
        done,
        conflict: None,
    })
}

fn file_line(base: &str, f: &FilingAttachment) -> FileLine {
    FileLine {
        href: format!("{base}/pieces/{}", f.position),
        name: f.name.clone(),
        size: portalis_core::document::human_size(f.size),
    }
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    Path(number): Path<String>,
    axum::extract::Query(params): axum::extract::Query<std::collections::HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some((filing, court)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let done = match params.get("fait").map(String::as_str) {
        Some("enregistree") => Some("La demande est enregistrée ; le demandeur en est informé par courriel."),
        Some("refusee") => Some("La demande est refusée ; le demandeur en est informé par courriel, avec le motif."),
        _ => None,
    };
    let page = page(&state, &staff, &filing, &court, FormState::default(), Entered::default(), done).await?;
    Ok(page.into_response())
}

/// `…/demande.pdf`: the request as the court reads it.
pub async fn request(
    State(state): State<WebState>,
    staff: Staff,
    Path(number): Path<String>,
) -> Result<Response, PageError> {
    let Some((filing, _)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let Some(gathered) = Gathered::of(&mut state.db.read().await?, &filing).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    Ok(crate::pages::filings::documents::pdf_response(request_pdf(&gathered.sources(&filing)), "Demande", &filing))
}

/// `…/pieces/{n}`: a file of the filing.
pub async fn attachment(
    State(state): State<WebState>,
    staff: Staff,
    Path((number, position)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let Some((filing, _)) = load(&state, &staff, &number).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let files = filing_attachments::of_filing(&mut state.db.read().await?, filing.id).await?;
    match files.iter().find(|f| f.position.to_string() == position) {
        Some(file) => crate::pages::filings::pieces::serve(&state, file).await,
        None => Ok((StatusCode::NOT_FOUND, super::not_found(&state, &staff)).into_response()),
    }
}
