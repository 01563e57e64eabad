//! A filing's page: a draft's state (its deletion date, « Reprendre »),
//! or, once sent, the avis électronique de réception — the date and time
//! of filing in the court's time zone, the filing number, the court — and
//! the court's answer.

use super::load;
use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use portalis_core::filing::{FilingStatus, draft_deleted_at};
use portalis_core::french;
use portalis_core::messages::FollowedBy;
use portalis_storage::filings::Filing;

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/show.html")]
pub struct FilingPage {
    pub layout: Layout,
    pub csrf: String,
    pub procedure: &'static str,
    pub draft: bool,
    pub saved: bool,
    pub status: &'static str,
    /// Registered: how the filer follows the case the court opened.
    pub registered: Option<FollowedBy>,
    pub deleted_on: String,
    pub resume: String,
    pub delete: String,
    pub number: String,
    pub court: String,
    pub sent_at: String,
    pub refusal_reason: Option<String>,
    pub basis: &'static str,
    pub pieces: Vec<super::pieces::PieceView>,
    /// The avis and the request as PDFs.
    pub receipt_pdf: String,
    pub request_pdf: String,
}

#[derive(serde::Deserialize)]
pub struct ShowQuery {
    enregistre: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    Path(public_id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let loaded = match load(&state, &user, &public_id).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let f = &loaded.filing;
    let court = loaded.court(&state).await?;
    let paris = chrono_tz::Europe::Paris;
    let resume = match loaded.answers.first_undone(loaded.form) {
        Some((_, step)) => super::step_path(f, step.slug),
        None => super::review_path(f),
    };
    let files = {
        let mut conn = state.db.read().await?;
        portalis_storage::filing_attachments::of_filing(&mut conn, f.id).await?
    };
    let title = if f.status.is_draft() { "Brouillon" } else { "Avis de réception" };
    Ok(FilingPage {
        layout: Layout::for_visitor(&state, &user.visitor, &format!("{title} — {}", f.procedure.label())),
        csrf: user.visitor.csrf(&state).0,
        procedure: f.procedure.label(),
        draft: f.status.is_draft(),
        saved: q.enregistre.is_some() && f.status.is_draft(),
        status: f.status.label(),
        registered: match f.status {
            FilingStatus::Enregistree => Some(followed_by(&state, user.user_id(), f).await?),
            _ => None,
        },
        deleted_on: french::date(draft_deleted_at(f.started_at).with_timezone(&paris).date_naive()),
        resume,
        delete: format!("{}/suppression", super::path(f)),
        number: f.filing_number.as_ref().map(|n| n.grouped()).unwrap_or_default(),
        sent_at: match (&court, f.sent_at) {
            (Some(c), Some(at)) => french::capitalize(&french::instant_in(at, c.details.time_zone)),
            _ => String::new(),
        },
        court: court.map(|c| c.details.name).unwrap_or_default(),
        refusal_reason: f.refusal_reason.clone(),
        basis: f.procedure.receipt_basis(),
        pieces: super::pieces::piece_views(&loaded, &files),
        receipt_pdf: format!("{}/avis.pdf", super::path(f)),
        request_pdf: format!("{}/demande.pdf", super::path(f)),
    }
    .into_response())
}

/// Whether the filer follows the party the court registered his filing
/// under, will when it is published, or is to attach with its number.
async fn followed_by(state: &WebState, user_id: i64, f: &Filing) -> Result<FollowedBy, PageError> {
    let (Some(court_id), Some(case_ref), Some(party_ref)) = (f.court_id, &f.case_ref, &f.party_ref) else {
        return Ok(FollowedBy::WhenPublished);
    };
    let mut conn = state.db.read().await?;
    let Some(case) = portalis_storage::cases::find(&mut conn, court_id, case_ref).await? else {
        return Ok(FollowedBy::WhenPublished);
    };
    let Some(party) = portalis_storage::parties::find(&mut conn, case.id, party_ref).await? else {
        return Ok(FollowedBy::WhenPublished);
    };
    Ok(match portalis_storage::attachments::owner(&mut conn, party.id).await? {
        Some(owner) if owner == user_id => FollowedBy::Attached,
        _ => FollowedBy::IdentificationNumber,
    })
}
