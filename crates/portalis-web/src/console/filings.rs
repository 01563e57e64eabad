//! `GET /juridiction/demandes`: the greffe's « Demandes en ligne » — its
//! court's filings, to be registered first (status `envoyee`, oldest sent
//! first), or of another status, of one procedure or all; 50 a page. The
//! same filings the court's system reads through the API: both may be used
//! side by side.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use portalis_core::filing::cursor::FilingCursor;
use portalis_core::filing::{FilingNumber, FilingStatus, Procedure};
use portalis_core::french::instant_in;
use portalis_core::staff::Role;
use portalis_storage::courts;
use portalis_storage::filings::{self, Filing};
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/demandes";

const PAGE_SIZE: i64 = 50;

/// The page of a filing at the console.
pub fn href(number: &FilingNumber) -> String {
    format!("{PATH}/{}", number.as_str())
}

pub struct Line {
    pub href: String,
    pub number: String,
    pub procedure: &'static str,
    pub filer: String,
    pub sent_at: String,
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/filings.html")]
pub struct FilingsPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub courts: Vec<super::Choice>,
    pub statuses: Vec<super::Choice>,
    pub procedures: Vec<super::Choice>,
    pub lines: Vec<Line>,
    pub count: String,
    pub next: Option<String>,
}

/// The filer's name as FranceConnect gave it.
pub fn filer_name(f: &Filing) -> String {
    portalis_core::party::display_name(
        portalis_core::party::PartyKind::Person,
        f.filer.given_name.as_deref(),
        f.filer.family_name.as_deref(),
        None,
    )
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some(grant) = staff.court_for(Role::Greffe, params.get("juridiction").map(String::as_str)) else {
        return Ok(super::not_found(&state, &staff));
    };
    // Unknown filters are ignored (the form offers only valid ones).
    let status = match params.get("statut").map(String::as_str) {
        None => Some(FilingStatus::Envoyee),
        Some("toutes") => None,
        Some(code) => FilingStatus::parse(code).ok().filter(|s| *s != FilingStatus::Brouillon),
    };
    let procedure = params.get("demarche").and_then(|c| Procedure::parse(c).ok());
    let after = params.get("apres").and_then(|a| FilingCursor::parse(a).ok());
    let mut conn = state.db.read().await?;
    let Some(court) = courts::by_id(&mut conn, grant.court_id).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let after_ref = after.as_ref().map(|c| (c.sent_at, &c.number));
    let mut found = filings::of_court(&mut conn, court.id, status, procedure, after_ref, PAGE_SIZE + 1).await?;
    drop(conn);
    let more = found.len() as i64 > PAGE_SIZE;
    found.truncate(PAGE_SIZE as usize);
    let tz = court.details.time_zone;
    let next = found.last().filter(|_| more).and_then(|f| {
        let q = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("juridiction", &grant.court_code)
            .append_pair("statut", status.map_or("toutes", FilingStatus::code))
            .append_pair("demarche", procedure.map_or("", Procedure::code))
            .append_pair("apres", &FilingCursor::after(f.sent_at?, f.filing_number.clone()?).encode())
            .finish();
        Some(format!("{PATH}?{q}"))
    });
    let lines: Vec<Line> = found
        .iter()
        .filter_map(|f| {
            let number = f.filing_number.as_ref()?;
            Some(Line {
                href: href(number),
                number: number.grouped(),
                procedure: f.procedure.label(),
                filer: filer_name(f),
                sent_at: f.sent_at.map(|at| instant_in(at, tz)).unwrap_or_default(),
                status: f.status.label(),
            })
        })
        .collect();
    let count = match (lines.len(), more || after.is_some()) {
        (0, _) => "Aucune demande.".to_owned(),
        (1, false) => "1 demande.".to_owned(),
        (n, false) => format!("{n} demandes."),
        (1, true) => "1 demande sur cette page.".to_owned(),
        (n, true) => format!("{n} demandes sur cette page."),
    };
    let page = FilingsPage {
        layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Demandes en ligne"),
        nav: super::Nav::of(&staff, super::Section::Filings),
        court: court.details.name.clone(),
        courts: super::court_choices(&staff, Role::Greffe, court.id),
        statuses: std::iter::once(("toutes", "Toutes"))
            .chain(
                [FilingStatus::Envoyee, FilingStatus::Enregistree, FilingStatus::Refusee, FilingStatus::Echec]
                    .iter()
                    .map(|s| (s.code(), status_label(*s))),
            )
            .map(|(code, label)| super::Choice {
                code: code.to_owned(),
                label: label.to_owned(),
                selected: status.map_or("toutes", FilingStatus::code) == code,
            })
            .collect(),
        procedures: std::iter::once(super::Choice {
            code: String::new(),
            label: "Toutes".into(),
            selected: procedure.is_none(),
        })
        .chain(Procedure::ALL.iter().map(|p| super::Choice {
            code: p.code().to_owned(),
            label: p.label().to_owned(),
            selected: procedure == Some(*p),
        }))
        .collect(),
        lines,
        count,
        next,
    };
    Ok(page.into_response())
}

/// A status as the greffe's filter names it.
fn status_label(s: FilingStatus) -> &'static str {
    match s {
        FilingStatus::Envoyee => "À enregistrer",
        other => other.label(),
    }
}
