//! "Annuaire": the courts the portal knows — search by name, city, postcode
//! or department and by kind — and a page for each.

use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use crate::pages::not_found;
use crate::session::Visitor;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use portalis_core::case_list::fold;
use portalis_core::court::CourtKind;
use portalis_storage::courts::{self, Court};
use std::collections::HashMap;

pub struct CourtCard {
    pub code: String,
    pub name: String,
    pub kind: &'static str,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
    pub time_zone: String,
    pub department: String,
    pub hears: &'static str,
}

impl CourtCard {
    fn of(c: Court) -> Self {
        let d = c.details;
        let address = [d.address.trim(), format!("{} {}", d.postcode, d.city).trim()]
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect::<Vec<_>>()
            .join(", ");
        CourtCard {
            code: d.code.to_string(),
            name: d.name,
            kind: d.kind.label(),
            address,
            phone: d.phone,
            email: d.email,
            hours: d.sauj_hours,
            time_zone: d.time_zone.name().to_owned(),
            department: d.department,
            hears: d.kind.jurisdiction(),
        }
    }
}

pub struct KindChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/directory.html")]
pub struct Directory {
    pub layout: Layout,
    pub courts: Vec<CourtCard>,
    pub query: String,
    pub kinds: Vec<KindChoice>,
    pub searched: bool,
    pub count: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/court.html")]
pub struct CourtPage {
    pub layout: Layout,
    pub court: CourtCard,
}

/// Words to look for, without accents, case or hyphens: "saint denis"
/// finds "Saint-Denis".
fn words(s: &str) -> Vec<String> {
    fold(s).replace(['-', '\'', '’', ','], " ").split_whitespace().map(str::to_owned).collect()
}

/// Whether every word of the query is in the court's name, city, postcode
/// or department.
pub fn matches(court: &Court, query: &str) -> bool {
    let d = &court.details;
    let haystack = words(&format!("{} {} {} {}", d.name, d.city, d.postcode, d.department)).join(" ");
    words(query).iter().all(|w| haystack.contains(w.as_str()))
}

fn plural_courts(n: usize) -> String {
    match n {
        0 => "Aucune juridiction ne correspond à votre recherche.".into(),
        1 => "1 juridiction".into(),
        n => format!("{n} juridictions"),
    }
}

pub async fn show(
    State(state): State<WebState>,
    visitor: Visitor,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Directory, PageError> {
    let mut conn = state.db.read().await?;
    let query = q.get("recherche").map(|s| s.trim().chars().take(100).collect::<String>()).unwrap_or_default();
    let kind = q.get("type").and_then(|k| CourtKind::parse(k).ok());
    let courts: Vec<CourtCard> = courts::list(&mut conn)
        .await?
        .into_iter()
        .filter(|c| kind.is_none_or(|k| c.details.kind == k))
        .filter(|c| query.is_empty() || matches(c, &query))
        .map(CourtCard::of)
        .collect();
    let searched = !query.is_empty() || kind.is_some();
    Ok(Directory {
        layout: Layout::for_visitor(&state, &visitor, "Annuaire des juridictions").described(
            "Annuaire des juridictions : adresse, téléphone et horaires du service d'accueil unique du justiciable.",
        ),
        count: plural_courts(courts.len()),
        courts,
        query,
        kinds: CourtKind::ALL
            .iter()
            .map(|k| KindChoice { code: k.code(), label: k.label(), selected: kind == Some(*k) })
            .collect(),
        searched,
    })
}

pub async fn court(
    State(state): State<WebState>,
    visitor: Visitor,
    Path(code): Path<String>,
) -> Result<Response, PageError> {
    let mut conn = state.db.read().await?;
    match courts::by_code(&mut conn, &code).await? {
        Some(c) => {
            let card = CourtCard::of(c);
            let description = format!("{} : adresse, téléphone et horaires d'accueil du public.", card.name);
            Ok(CourtPage {
                layout: Layout::for_visitor(&state, &visitor, &card.name).described(description),
                court: card,
            }
            .into_response())
        }
        None => Ok(not_found::show(State(state), visitor).await.into_response()),
    }
}
