//! "Mes affaires" / "Mes Dossiers": the personal space and the list of the
//! user's cases, with filters, orders, pages and exports.

use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use crate::my_cases::{self, Listed};
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use portalis_core::case_list::{self, Filters, Item, Sort};
use portalis_core::event::Standing;
use portalis_storage::courts::Court;
use std::collections::HashMap;

/// How long a card says the case was just attached, unless opened before.
const NEW_FOR: Duration = Duration::days(7);

pub struct PartyLine {
    pub name: String,
    pub role: &'static str,
}

pub struct CaseCard {
    pub url: String,
    pub nature: String,
    pub court: String,
    pub parties: Vec<PartyLine>,
    pub just_attached: bool,
    pub case_number: String,
    pub identification_number: String,
    pub upcoming: String,
    pub status: &'static str,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/space.html")]
pub struct Space {
    pub layout: Layout,
    pub attached: usize,
    pub cards: Vec<CaseCard>,
    pub count: String,
    pub ignored: Vec<String>,
    pub filters_open: bool,
    pub statuses: Vec<Choice>,
    pub courts: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub natures: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub text: String,
    pub from: String,
    pub to: String,
    pub sort_label: &'static str,
    pub page: usize,
    pub pages: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub query: String,
}

/// "1 dossier affiché sur 1 rattaché", "3 dossiers affichés sur 5 rattachés".
pub fn count_words(shown: usize, attached: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!("{shown} dossier{} affiché{} sur {attached} rattaché{}", s(shown), s(shown), s(attached))
}

/// "Aucun évènement à venir", "1 évènement à venir", "2 évènements à venir".
pub fn upcoming_words(n: usize) -> String {
    match n {
        0 => "Aucun évènement à venir".into(),
        1 => "1 évènement à venir".into(),
        n => format!("{n} évènements à venir"),
    }
}

/// Today in the court's time zone.
pub fn court_today(court: &Court, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&court.details.time_zone).date_naive()
}

/// The events still to come (planned, from the court's today on), nearest
/// first.
pub fn upcoming(my: &Listed, now: DateTime<Utc>) -> Vec<&portalis_storage::events::Event> {
    let today = court_today(&my.court, now);
    // Read in time order; those of a day now gone by are left out.
    my.planned
        .iter()
        .filter(|e| Standing::of(e.details.status, e.details.starts_at.date(), today) == Standing::Upcoming)
        .collect()
}

/// What the filters and the orders know of a case.
pub fn item(my: &Listed, now: DateTime<Utc>) -> Item {
    let number = &my.case.details.portalis_number;
    let names: Vec<String> = my.parties.iter().map(|p| p.display_name()).collect();
    Item {
        case_id: my.case.id,
        court_code: my.court.details.code.to_string(),
        status: my.case.details.status,
        role: my.mine.first().map(|p| p.details.role).unwrap_or(portalis_core::party::Role::Demandeur),
        nature_code: my.case.details.nature_code.clone(),
        filed_on: my.case.details.filed_on,
        next_event: upcoming(my, now).first().map(|e| e.details.starts_at_utc),
        text: format!("{} {} {} {}", number.as_str(), number.short(), names.join(" "), my.case.details.nature_label),
    }
}

fn card(my: &Listed, now: DateTime<Utc>) -> CaseCard {
    CaseCard {
        url: format!("/dossiers/{}", my.public_id),
        nature: my.case.details.nature_label.clone(),
        court: my.court.details.name.clone(),
        parties: my
            .parties
            .iter()
            .map(|p| PartyLine { name: p.display_name(), role: p.details.role.label() })
            .collect(),
        just_attached: my.attached.first_viewed_at.is_none() && now - my.attached.attached_at < NEW_FOR,
        case_number: my.case.details.portalis_number.short(),
        identification_number: my.mine.iter().map(|p| p.identification_number.clone()).collect::<Vec<_>>().join(", "),
        upcoming: upcoming_words(upcoming(my, now).len()),
        status: my.case.details.status.label(),
    }
}

/// The user's cases, filtered and ordered as the query says.
pub struct Listing {
    pub all: Vec<Listed>,
    pub filters: Filters,
    pub ignored: Vec<String>,
    /// Indexes into `all`, this page only.
    pub shown: Vec<usize>,
    pub total: usize,
    pub pages: usize,
}

pub async fn listing(
    state: &WebState,
    session: &portalis_storage::sessions::Session,
    query: &HashMap<String, String>,
    paged: bool,
) -> Result<Listing, PageError> {
    let now = state.clock.now();
    let all = my_cases::all(state, session).await?;
    let mut courts: Vec<String> = all.iter().map(|c| c.court.details.code.to_string()).collect();
    courts.sort();
    courts.dedup();
    let mut natures: Vec<String> = all.iter().map(|c| c.case.details.nature_code.clone()).collect();
    natures.sort();
    natures.dedup();
    let (mut filters, ignored) = case_list::parse(query, &courts, &natures);
    let items: Vec<Item> = all.iter().map(|c| item(c, now)).collect();
    let (page_items, total, pages) = if paged {
        case_list::apply(&filters, &items)
    } else {
        let whole = case_list::select(&filters, &items);
        let total = whole.len();
        (whole, total, 1)
    };
    filters.page = filters.page.min(pages.saturating_sub(1));
    let shown = page_items.iter().filter_map(|i| all.iter().position(|c| c.case.id == i.case_id)).collect();
    Ok(Listing { all, filters, ignored, shown, total, pages })
}

fn choices<T: Copy + PartialEq>(
    values: &[T],
    selected: Option<T>,
    code: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
) -> Vec<Choice> {
    values.iter().map(|v| Choice { value: code(*v), label: label(*v), selected: selected == Some(*v) }).collect()
}

/// The query string of the filters (for export links and pages).
fn query_of(q: &HashMap<String, String>, page: Option<usize>) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    let mut keys: Vec<&String> = q.keys().filter(|k| k.as_str() != "page").collect();
    keys.sort();
    for k in keys {
        if !q[k].trim().is_empty() {
            s.append_pair(k, &q[k]);
        }
    }
    if let Some(p) = page {
        s.append_pair("page", &p.to_string());
    }
    s.finish()
}

pub async fn show(
    State(state): State<WebState>,
    SignedIn { visitor, session }: SignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Space, PageError> {
    let now = state.clock.now();
    let l = listing(&state, &session, &q, true).await?;
    let cards: Vec<CaseCard> = l.shown.iter().map(|&i| card(&l.all[i], now)).collect();
    let f = &l.filters;
    let mut courts: Vec<(String, String)> =
        l.all.iter().map(|c| (c.court.details.code.to_string(), c.court.details.name.clone())).collect();
    courts.sort();
    courts.dedup();
    let mut natures: Vec<(String, String)> =
        l.all.iter().map(|c| (c.case.details.nature_code.clone(), c.case.details.nature_label.clone())).collect();
    natures.sort();
    natures.dedup();
    let page = f.page + 1;
    let title = if l.all.is_empty() { "Mes affaires" } else { "Mes Dossiers" };
    let title = if page > 1 { format!("{title} — page {page}") } else { title.to_owned() };
    Ok(Space {
        layout: Layout::for_visitor(&state, &visitor, &title),
        attached: l.all.len(),
        count: count_words(l.total, l.all.len()),
        cards,
        filters_open: f.any() || !l.ignored.is_empty(),
        ignored: l.ignored.clone(),
        statuses: choices(portalis_core::case::CaseStatus::ALL, f.status, |s| s.code().into(), |s| s.label().into()),
        courts: courts
            .into_iter()
            .map(|(c, n)| Choice { selected: f.court.as_deref() == Some(c.as_str()), value: c, label: n })
            .collect(),
        roles: choices(portalis_core::party::Role::ALL, f.role, |r| r.code().into(), |r| r.label().into()),
        natures: natures
            .into_iter()
            .map(|(c, n)| Choice {
                selected: f.nature.as_deref() == Some(c.as_str()),
                label: format!("{n} ({c})"),
                value: c,
            })
            .collect(),
        sorts: Sort::ALL
            .iter()
            .map(|(s, c, l)| Choice { value: (*c).into(), label: (*l).into(), selected: *s == f.sort })
            .collect(),
        sort_label: Sort::ALL.iter().find(|(s, _, _)| *s == f.sort).map(|(_, _, l)| *l).unwrap_or(""),
        text: f.text.clone().unwrap_or_default(),
        from: f.from.map(|d| d.to_string()).unwrap_or_default(),
        to: f.to.map(|d| d.to_string()).unwrap_or_default(),
        page,
        pages: l.pages,
        previous: (page > 1).then(|| format!("/mon-espace?{}", query_of(&q, Some(page - 1)))),
        next: (page < l.pages).then(|| format!("/mon-espace?{}", query_of(&q, Some(page + 1)))),
        query: query_of(&q, None),
    })
}

#[cfg(test)]
mod tests {
    use super::{count_words, upcoming_words};

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count_words(1, 1), "1 dossier affiché sur 1 rattaché");
        assert_eq!(count_words(3, 5), "3 dossiers affichés sur 5 rattachés");
        assert_eq!(count_words(0, 2), "0 dossier affiché sur 2 rattachés");
        assert_eq!(upcoming_words(0), "Aucun évènement à venir");
        assert_eq!(upcoming_words(1), "1 évènement à venir");
        assert_eq!(upcoming_words(2), "2 évènements à venir");
    }
}
