//! `GET /juridiction/recherche`: the SAUJ's search of every court's parties
//! — by name (the start of its words, in either order, accents and case
//! forgiven), N° Portalis, N° RG or identification number — a page of 20 at
//! a time; each result names the court, the case and the party's role.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::FormState;
use crate::layout::Layout;
use crate::navigation::Navigation;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portalis_core::search::SearchQuery;
use portalis_storage::party_search::{self, Found};
use portalis_storage::staff_views;
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/recherche";

/// Results on a page.
const PAGE_SIZE: i64 = 20;
/// The last page offered: beyond, the agent is asked to say more.
const LAST_PAGE: i64 = 25;

/// A result as the table shows it.
pub struct Row {
    pub href: String,
    pub name: String,
    pub role: &'static str,
    pub withdrawn: bool,
    pub nature: String,
    pub portalis_number: String,
    pub rg_number: Option<String>,
    pub court: String,
}

impl Row {
    fn of(f: Found) -> Self {
        Row {
            href: super::party::href(f.party.id),
            name: f.party.display_name(),
            role: f.party.details.role.label(),
            withdrawn: f.party.withdrawn_at.is_some(),
            nature: f.nature_label,
            portalis_number: f.portalis_number,
            rg_number: f.rg_number,
            court: f.court_name,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/search.html")]
pub struct SearchPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub form: FormState,
    pub q: String,
    pub searched: bool,
    pub rows: Vec<Row>,
    pub page: i64,
    pub count: String,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub refine: bool,
}

fn link(q: &str, page: i64) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .append_pair("page", &page.to_string())
        .finish();
    format!("{PATH}?{query}")
}

fn count(rows: usize, page: i64, more: bool) -> String {
    let first = (page - 1) * PAGE_SIZE + 1;
    match (rows, more, page) {
        (0, _, 1) => "Aucune partie ne correspond à cette recherche.".into(),
        (0, _, _) => "Aucun autre résultat.".into(),
        (1, false, 1) => "1 partie trouvée.".into(),
        (n, false, 1) => format!("{n} parties trouvées."),
        (n, _, _) => format!("Résultats {first} à {} :", first + n as i64 - 1),
    }
}

/// What an agent arriving from elsewhere with a search sees first: the
/// search is journaled in his name, so only his own click runs it.
#[derive(Template, WebTemplate)]
#[template(path = "console/search_first.html")]
pub struct SearchFirst {
    pub layout: Layout,
    pub nav: super::Nav,
    pub q: String,
    pub href: String,
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    navigation: Navigation,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let q = params.get("q").map(|s| s.trim().to_owned()).unwrap_or_default();
    let mut form = FormState::default();
    let page = match params.get("page").map(|p| p.parse::<i64>()) {
        None => 1,
        Some(Ok(p)) if (1..=LAST_PAGE).contains(&p) => p,
        Some(Ok(p)) if p > LAST_PAGE => {
            form.set("q", format!("Les résultats s'arrêtent à la page {LAST_PAGE} : précisez la recherche."));
            1
        }
        Some(_) => {
            form.set("q", "Cette page de résultats n'existe pas : relancez la recherche.");
            1
        }
    };
    let mut view = SearchPage {
        layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Rechercher une partie"),
        nav: super::Nav::of(&staff, super::Section::Search),
        form,
        q: q.clone(),
        searched: params.contains_key("q"),
        rows: Vec::new(),
        page,
        count: String::new(),
        previous: None,
        next: None,
        refine: false,
    };
    if !view.searched || !view.form.is_valid() {
        let status = if view.form.is_valid() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
        return Ok((status, view).into_response());
    }
    let Some(query) = view.form.check("q", SearchQuery::parse(&q)) else {
        view.layout.title = "Erreur : rechercher une partie".into();
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, view).into_response());
    };
    if !navigation.is_own() {
        // A link on another site, a prefetch: nothing searched, nothing
        // journaled in the agent's name.
        let page = SearchFirst {
            layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Rechercher une partie"),
            nav: super::Nav::of(&staff, super::Section::Search),
            href: link(&q, page),
            q,
        };
        return Ok(page.into_response());
    }
    {
        // Journaled before it is answered: who looked for whom.
        let agent = staff.agent();
        let courts: Vec<i64> = staff.roles.iter().map(|g| g.court_id).collect();
        let text = query.journal_text(&q);
        staff_views::record_search(&state.db, &agent.email, &agent.name, &courts, &text, state.clock.now()).await?;
    }
    let mut conn = state.db.searches().await?;
    let found = party_search::search(&mut conn, &query, (page - 1) * PAGE_SIZE, PAGE_SIZE).await?;
    view.count = count(found.found.len(), page, found.more || page > 1);
    view.previous = (page > 1).then(|| link(&q, page - 1));
    view.next = (found.more && page < LAST_PAGE).then(|| link(&q, page + 1));
    view.refine = found.more && page == LAST_PAGE;
    view.rows = found.found.into_iter().map(Row::of).collect();
    Ok(view.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_says_how_many_in_french() {
        assert_eq!(count(0, 1, false), "Aucune partie ne correspond à cette recherche.");
        assert_eq!(count(1, 1, false), "1 partie trouvée.");
        assert_eq!(count(3, 1, false), "3 parties trouvées.");
        assert_eq!(count(20, 1, true), "Résultats 1 à 20 :");
        assert_eq!(count(5, 2, true), "Résultats 21 à 25 :");
    }
}
