//! `GET /juridiction/journal`: the journal of what agents looked at — the
//! pages of the court's parties they viewed, the searches its agents made —
//! (who, what, when), newest first, 50 at a time; for the court's
//! administrator only.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use portalis_core::french::instant_in;
use portalis_core::staff::Role;
use portalis_storage::{courts, staff_views};
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/journal";

const PAGE_SIZE: i64 = 50;

pub struct Line {
    pub at: String,
    pub agent: String,
    pub agent_email: String,
    pub what: String,
    pub href: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/journal.html")]
pub struct JournalPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub courts: Vec<super::Choice>,
    pub lines: Vec<Line>,
    pub older: Option<String>,
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some(grant) = staff.court_for(Role::Admin, params.get("juridiction").map(String::as_str)) else {
        return Ok(super::not_found(&state, &staff));
    };
    let before = match params.get("avant").map(|v| v.parse::<i64>()) {
        None => None,
        Some(Ok(id)) if id > 0 => Some(id),
        Some(_) => return Ok(super::not_found(&state, &staff)),
    };
    let mut conn = state.db.read().await?;
    let Some(court) = courts::by_id(&mut conn, grant.court_id).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let tz = court.details.time_zone;
    let views = staff_views::of_court(&mut conn, court.id, before, PAGE_SIZE + 1).await?;
    drop(conn);
    let older = (views.len() as i64 > PAGE_SIZE).then(|| {
        let last = &views[PAGE_SIZE as usize - 1];
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("juridiction", &grant.court_code)
            .append_pair("avant", &last.id.to_string())
            .finish();
        format!("{PATH}?{q}")
    });
    let lines = views
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|v| Line {
            at: instant_in(v.at, tz),
            agent: v.agent_name,
            agent_email: v.agent_email,
            what: match (&v.search, &v.party_name, &v.portalis_number) {
                (Some(q), _, _) => format!("Recherche : « {q} »"),
                (None, Some(p), Some(n)) => format!("Fiche de {p}, affaire {n}"),
                (None, None, Some(n)) => format!("Affaire {n}"),
                _ => "Affaire supprimée".into(),
            },
            href: v.party_id.filter(|_| v.party_name.is_some()).map(super::party::href),
        })
        .collect();
    let page = JournalPage {
        layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Journal des consultations"),
        nav: super::Nav::of(&staff, super::Section::Journal),
        court: court.details.name.clone(),
        courts: super::court_choices(&staff, Role::Admin, court.id),
        lines,
        older,
    };
    Ok(page.into_response())
}
