//! « Mes démarches »: the user's drafts (when each will be deleted,
//! « Reprendre », « Supprimer ») and the filings he sent, with their status.

use super::load;
use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::filing::answers::Answers;
use portalis_core::filing::{draft_deleted_at, procedures};
use portalis_core::french;
use portalis_storage::filings;

pub struct DraftView {
    pub procedure: &'static str,
    pub started: String,
    pub deleted: String,
    pub resume: String,
    pub delete: String,
    pub page: String,
}

pub struct SentView {
    pub procedure: &'static str,
    pub number: String,
    pub court: String,
    pub sent: String,
    pub status: &'static str,
    pub page: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/filings/mine.html")]
pub struct MinePage {
    pub layout: Layout,
    pub csrf: String,
    pub drafts: Vec<DraftView>,
    pub sent: Vec<SentView>,
    pub deleted: bool,
}

#[derive(serde::Deserialize)]
pub struct MineQuery {
    supprime: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    user: SignedIn,
    axum::extract::Query(q): axum::extract::Query<MineQuery>,
) -> Result<MinePage, PageError> {
    // Through the pages' cache: forgotten at any write of his filings.
    let (all, courts) = portalis_storage::cached::filings_with_courts(&state.db, user.user_id()).await?;
    let paris = chrono_tz::Europe::Paris;
    let (mut drafts, mut sent) = (Vec::new(), Vec::new());
    for f in all.iter() {
        let form = procedures::form(f.procedure);
        if f.status.is_draft() {
            let answers = Answers::from_json(&f.answers);
            let resume = match answers.first_undone(form) {
                Some((_, step)) => super::step_path(f, step.slug),
                None => super::review_path(f),
            };
            drafts.push(DraftView {
                procedure: f.procedure.label(),
                started: french::date(f.started_at.with_timezone(&paris).date_naive()),
                deleted: french::date(draft_deleted_at(f.started_at).with_timezone(&paris).date_naive()),
                resume,
                delete: format!("{}/suppression", super::path(f)),
                page: super::path(f),
            });
        } else {
            let court = f.court_id.and_then(|id| courts.get(&id));
            let tz = court.as_ref().map_or(paris, |c| c.details.time_zone);
            sent.push(SentView {
                procedure: f.procedure.label(),
                number: f.filing_number.as_ref().map(|n| n.grouped()).unwrap_or_default(),
                court: court.map(|c| c.details.name.clone()).unwrap_or_default(),
                sent: f.sent_at.map(|t| french::date(t.with_timezone(&tz).date_naive())).unwrap_or_default(),
                status: f.status.label(),
                page: super::path(f),
            });
        }
    }
    Ok(MinePage {
        layout: Layout::for_visitor(&state, &user.visitor, "Mes démarches"),
        csrf: user.visitor.csrf(&state).0,
        drafts,
        sent,
        deleted: q.supprime.is_some(),
    })
}

#[derive(serde::Deserialize)]
pub struct DeleteForm {}

/// Deletes a draft of the user's (a sent filing is never deleted here).
pub async fn delete(
    State(state): State<WebState>,
    Path(public_id): Path<String>,
    Protected { by: user, .. }: Protected<SignedIn, DeleteForm>,
) -> Result<Response, PageError> {
    let loaded = match load(&state, &user, &public_id).await? {
        Ok(l) => l,
        Err(r) => return Ok(r),
    };
    let mut tx = state.db.begin().await?;
    let deleted = filings::delete_draft(&mut tx, user.user_id(), loaded.filing.id, state.clock.now()).await?;
    portalis_storage::commit(tx).await?;
    if !deleted {
        return Ok(Redirect::to(&super::path(&loaded.filing)).into_response());
    }
    Ok(Redirect::to(&format!("{}?supprime=1", super::MINE_PATH)).into_response())
}
