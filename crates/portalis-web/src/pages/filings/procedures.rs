//! « Saisir la justice en ligne »: the procedures a litigant may file, who
//! each is for and what to prepare, and « Commencer » (which starts a
//! draft; a signed-out visitor signs in first and comes back here).

use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use crate::pages::not_found;
use crate::session::{SignedIn, Visitor};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use portalis_core::filing::answers::Answers;
use portalis_core::filing::procedures::{self, partie_civile};
use portalis_core::filing::{MAX_DRAFTS, Procedure};
use portalis_storage::filings;

pub struct ProcedureView {
    pub code: &'static str,
    pub title: &'static str,
    pub who_for: &'static str,
    pub prepare: &'static [&'static str],
    pub steps: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/procedures.html")]
pub struct ProceduresPage {
    pub layout: Layout,
    pub csrf: String,
    pub signed_in: bool,
    pub procedures: Vec<ProcedureView>,
    /// « Commencer » refused: the drafts he keeps already.
    pub too_many_drafts: Option<usize>,
}

pub async fn show(State(state): State<WebState>, visitor: Visitor) -> ProceduresPage {
    page(&state, &visitor)
}

fn page(state: &WebState, visitor: &Visitor) -> ProceduresPage {
    ProceduresPage {
        layout: Layout::for_visitor(state, visitor, "Saisir la justice en ligne").described(
            "Envoyer une demande au tribunal en ligne : juge aux affaires familiales, constitution de partie civile, \
             mesure de protection d'un majeur.",
        ),
        csrf: visitor.csrf(state).0,
        signed_in: visitor.session.is_some(),
        procedures: procedures::ALL
            .iter()
            .map(|f| ProcedureView {
                code: f.procedure.code(),
                title: f.procedure.label(),
                who_for: f.who_for,
                prepare: f.prepare,
                steps: f.stepper_len(),
            })
            .collect(),
        too_many_drafts: None,
    }
}

/// The form of « Commencer »: its token, and for a constitution de partie
/// civile started from a case's page, that case (`dossier`, its public id).
#[derive(serde::Deserialize)]
pub struct StartForm {
    dossier: Option<String>,
}

/// Starts a draft of the procedure and opens its first step; beyond
/// [`MAX_DRAFTS`] drafts, the list says to finish or delete one (409).
pub async fn start(
    State(state): State<WebState>,
    Path(code): Path<String>,
    Protected { by: user, form }: Protected<SignedIn, StartForm>,
) -> Result<Response, PageError> {
    let Ok(procedure) = Procedure::parse(&code) else {
        return Ok(not_found::denied(&state, &user.visitor, &format!("{}/{code}", super::PROCEDURES_PATH)).await);
    };
    // Prefilled from a case he follows as a victim (checked as his, never
    // another's) with a hearing 24 hours away at least.
    let prefill = match (procedure, form.dossier.as_deref()) {
        (Procedure::PartieCivile, Some(dossier)) => {
            let Some(my) = crate::my_cases::find(&state, &user.session, dossier).await? else {
                return Ok(not_found::denied(&state, &user.visitor, &format!("/dossiers/{dossier}")).await);
            };
            crate::pages::case::next_hearing_for_partie_civile(&my, state.clock.now()).map(|e| {
                let local = e.details.starts_at_utc.with_timezone(&my.court.details.time_zone);
                let step = partie_civile::prefill(my.court.details.code.as_str(), (local.date_naive(), local.time()));
                let mut answers = Answers::default();
                answers.steps.insert(partie_civile::CASE_STEP.to_owned(), step);
                (answers.to_json(), my.court.id)
            })
        }
        _ => None,
    };
    let mut bytes = [0u8; 16];
    state.random.fill(&mut bytes);
    let public_id = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let mut tx = state.db.begin().await?;
    // Counted under the user's lock: two « Commencer » at once count one
    // after the other.
    portalis_storage::users::lock(&mut tx, user.user_id()).await?;
    let drafts = filings::count_drafts(&mut tx, user.user_id()).await?;
    if drafts >= MAX_DRAFTS {
        drop(tx);
        let page = ProceduresPage { too_many_drafts: Some(drafts), ..page(&state, &user.visitor) };
        return Ok((axum::http::StatusCode::CONFLICT, page).into_response());
    }
    let now = state.clock.now();
    let filing = filings::start(&mut tx, user.user_id(), procedure, &public_id, now).await?;
    if let Some((answers, court_id)) = &prefill {
        filings::save_draft(&mut tx, user.user_id(), filing.id, answers, Some(*court_id), now).await?;
    }
    portalis_storage::commit(tx).await?;
    let first = procedures::form(procedure).steps[0].slug;
    Ok(Redirect::to(&super::step_path(&filing, first)).into_response())
}
