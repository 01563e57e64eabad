//! "Mes Dossiers": the filters a litigant may set (from the URL's query),
//! the orders, and the page of cases they give. Pure: the caller brings the
//! cases.

use crate::case::CaseStatus;
use crate::party::Role;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;

/// Cases on a page.
pub const PAGE_SIZE: usize = 20;

/// What the list knows of one case of the user.
#[derive(Debug, Clone)]
pub struct Item {
    pub case_id: i64,
    pub court_code: String,
    pub status: CaseStatus,
    /// The user's role in the case.
    pub role: Role,
    pub nature_code: String,
    pub filed_on: NaiveDate,
    /// The nearest event to come.
    pub next_event: Option<DateTime<Utc>>,
    /// Case number, parties' names, nature: what the text search reads.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// "Dossiers en cours (tri par défaut)": open cases first, then the
    /// nearest event to come, then the most recent saisine.
    #[default]
    Default,
    NextEvent,
    FiledNewest,
    FiledOldest,
}

impl Sort {
    pub const ALL: [(Sort, &'static str, &'static str); 4] = [
        (Sort::Default, "defaut", "Dossiers en cours (tri par défaut)"),
        (Sort::NextEvent, "prochain-evenement", "Prochain évènement"),
        (Sort::FiledNewest, "saisine-recente", "Saisine la plus récente"),
        (Sort::FiledOldest, "saisine-ancienne", "Saisine la plus ancienne"),
    ];

    pub fn code(self) -> &'static str {
        Self::ALL.iter().find(|(s, _, _)| *s == self).map(|(_, c, _)| *c).unwrap_or("defaut")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: Option<CaseStatus>,
    pub court: Option<String>,
    pub role: Option<Role>,
    pub nature: Option<String>,
    pub text: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub sort: Sort,
    pub page: usize,
}

impl Filters {
    /// Whether any filter narrows the list (the sort and page do not).
    pub fn any(&self) -> bool {
        self.status.is_some()
            || self.court.is_some()
            || self.role.is_some()
            || self.nature.is_some()
            || self.text.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }
}

/// Lower case without accents, for a search that forgives them.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' => 'a',
            'ç' => 'c',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' | 'í' => 'i',
            'ô' | 'ö' | 'ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' => 'u',
            'ÿ' => 'y',
            'œ' => 'o',
            c => c,
        })
        .collect()
}

/// A date as a date field sends it (`2019-06-04`) or as a person types it
/// where the browser has no date field (`04/06/2019`).
fn date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y")).ok()
}

/// Reads the filters from the query. A value that makes no sense is
/// ignored, and said so in French.
pub fn parse(query: &HashMap<String, String>, courts: &[String], natures: &[String]) -> (Filters, Vec<String>) {
    let mut f = Filters::default();
    let mut ignored = Vec::new();
    let get = |k: &str| query.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    if let Some(v) = get("statut") {
        match CaseStatus::parse(v) {
            Ok(s) => f.status = Some(s),
            Err(_) => ignored.push(format!("Le statut « {v} » n'est pas reconnu : ce filtre a été ignoré.")),
        }
    }
    if let Some(v) = get("juridiction") {
        if courts.iter().any(|c| c == v) {
            f.court = Some(v.to_owned());
        } else {
            ignored
                .push(format!("La juridiction « {v} » n'est pas l'une de vos juridictions : ce filtre a été ignoré."));
        }
    }
    if let Some(v) = get("role") {
        match Role::parse(v) {
            Ok(r) => f.role = Some(r),
            Err(_) => ignored.push(format!("Le rôle « {v} » n'est pas reconnu : ce filtre a été ignoré.")),
        }
    }
    if let Some(v) = get("nature") {
        if natures.iter().any(|n| n == v) {
            f.nature = Some(v.to_owned());
        } else {
            ignored.push(format!("La nature « {v} » n'est celle d'aucun de vos dossiers : ce filtre a été ignoré."));
        }
    }
    if let Some(v) = get("recherche") {
        f.text = Some(v.chars().take(100).collect());
    }
    for (key, slot, label) in [("du", &mut f.from, "de début"), ("au", &mut f.to, "de fin")] {
        if let Some(v) = get(key) {
            match date(v) {
                Some(d) => *slot = Some(d),
                None => {
                    ignored.push(format!("La date {label} « {v} » n'est pas une date valide : ce filtre a été ignoré."))
                }
            }
        }
    }
    if let (Some(a), Some(b)) = (f.from, f.to)
        && a > b
    {
        ignored.push("La date de début est postérieure à la date de fin : ces deux filtres ont été ignorés.".into());
        f.from = None;
        f.to = None;
    }
    if let Some(v) = get("tri") {
        match Sort::ALL.iter().find(|(_, c, _)| *c == v) {
            Some((s, _, _)) => f.sort = *s,
            None => ignored.push(format!("Le tri « {v} » n'est pas reconnu : le tri par défaut est appliqué.")),
        }
    }
    if let Some(v) = get("page") {
        match v.parse::<usize>() {
            Ok(p) if p >= 1 => f.page = p - 1,
            _ => ignored.push(format!("La page « {v} » n'existe pas : la première page est affichée.")),
        }
    }
    (f, ignored)
}

/// The cases that pass the filters, in order: (this page, how many in all,
/// how many pages).
pub fn apply(filters: &Filters, items: &[Item]) -> (Vec<Item>, usize, usize) {
    let kept = select(filters, items);
    let total = kept.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = filters.page.min(pages - 1);
    let shown = kept.into_iter().skip(page * PAGE_SIZE).take(PAGE_SIZE).collect();
    (shown, total, pages)
}

/// Every case that passes the filters, in order (exports).
pub fn select(filters: &Filters, items: &[Item]) -> Vec<Item> {
    let needle = filters.text.as_deref().map(fold);
    let mut kept: Vec<Item> = items
        .iter()
        .filter(|i| filters.status.is_none_or(|s| i.status == s))
        .filter(|i| filters.court.as_ref().is_none_or(|c| &i.court_code == c))
        .filter(|i| filters.role.is_none_or(|r| i.role == r))
        .filter(|i| filters.nature.as_ref().is_none_or(|n| &i.nature_code == n))
        .filter(|i| filters.from.is_none_or(|d| i.filed_on >= d))
        .filter(|i| filters.to.is_none_or(|d| i.filed_on <= d))
        .filter(|i| needle.as_ref().is_none_or(|n| fold(&i.text).contains(n.as_str())))
        .cloned()
        .collect();
    match filters.sort {
        Sort::Default => kept.sort_by(|a, b| {
            (!a.status.is_open(), a.next_event.is_none(), a.next_event, std::cmp::Reverse(a.filed_on), a.case_id).cmp(
                &(!b.status.is_open(), b.next_event.is_none(), b.next_event, std::cmp::Reverse(b.filed_on), b.case_id),
            )
        }),
        Sort::NextEvent => kept.sort_by_key(|i| (i.next_event.is_none(), i.next_event, i.case_id)),
        Sort::FiledNewest => kept.sort_by_key(|i| (std::cmp::Reverse(i.filed_on), i.case_id)),
        Sort::FiledOldest => kept.sort_by_key(|i| (i.filed_on, i.case_id)),
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn item(id: i64, status: CaseStatus, next: Option<u32>, filed: (i32, u32, u32)) -> Item {
        Item {
            case_id: id,
            court_code: if id % 2 == 0 { "tj-paris".into() } else { "tj-saint-denis-reunion".into() },
            status,
            role: if id == 3 { Role::Defendeur } else { Role::Demandeur },
            nature_code: format!("{id}0A"),
            filed_on: NaiveDate::from_ymd_opt(filed.0, filed.1, filed.2).unwrap(),
            next_event: next.map(|d| Utc.with_ymd_and_hms(2027, 1, d, 10, 0, 0).unwrap()),
            text: format!("Dossier {id} Marie DELESTABLE Demande en réparation"),
        }
    }

    fn items() -> Vec<Item> {
        vec![
            item(1, CaseStatus::Cloture, None, (2024, 1, 1)),
            item(2, CaseStatus::EnCours, Some(20), (2025, 1, 1)),
            item(3, CaseStatus::EnCours, Some(5), (2023, 1, 1)),
            item(4, CaseStatus::EnCours, None, (2026, 1, 1)),
        ]
    }

    fn ids(v: &[Item]) -> Vec<i64> {
        v.iter().map(|i| i.case_id).collect()
    }

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_default_order_is_open_first_then_nearest_event_then_latest_saisine() {
        let (page, total, pages) = apply(&Filters::default(), &items());
        assert_eq!(ids(&page), [3, 2, 4, 1]);
        assert_eq!((total, pages), (4, 1));
    }

    #[test]
    fn other_orders() {
        let by = |sort| ids(&apply(&Filters { sort, ..Filters::default() }, &items()).0);
        assert_eq!(by(Sort::FiledNewest), [4, 2, 1, 3]);
        assert_eq!(by(Sort::FiledOldest), [3, 1, 2, 4]);
        assert_eq!(by(Sort::NextEvent), [3, 2, 1, 4]);
    }

    #[test]
    fn every_filter_narrows() {
        let courts = vec!["tj-paris".to_owned(), "tj-saint-denis-reunion".to_owned()];
        let natures: Vec<String> = (1..=4).map(|i| format!("{i}0A")).collect();
        let run = |pairs: &[(&str, &str)]| {
            let (f, ignored) = parse(&q(pairs), &courts, &natures);
            assert!(ignored.is_empty(), "{ignored:?}");
            ids(&apply(&f, &items()).0)
        };
        assert_eq!(run(&[("statut", "cloture")]), [1]);
        assert_eq!(run(&[("juridiction", "tj-paris")]), [2, 4]);
        assert_eq!(run(&[("role", "defendeur")]), [3]);
        assert_eq!(run(&[("nature", "20A")]), [2]);
        assert_eq!(run(&[("recherche", "dossier 4")]), [4]);
        assert_eq!(run(&[("recherche", "REPARATION delestable")]), Vec::<i64>::new());
        assert_eq!(run(&[("recherche", "réparation")]).len(), 4);
        assert_eq!(run(&[("recherche", "reparation")]).len(), 4, "accents forgiven");
        assert_eq!(run(&[("du", "2024-06-01"), ("au", "2025-12-31")]), [2]);
    }

    #[test]
    fn nonsense_is_ignored_with_a_message() {
        let (f, ignored) = parse(
            &q(&[
                ("statut", "ouvert"),
                ("juridiction", "tj-atlantide"),
                ("du", "hier"),
                ("tri", "hasard"),
                ("page", "-1"),
            ]),
            &[],
            &[],
        );
        assert_eq!(f, Filters::default());
        assert_eq!(ignored.len(), 5);
        assert!(ignored[0].contains("« ouvert »"));
    }

    #[test]
    fn twenty_cases_a_page() {
        let many: Vec<Item> = (0..45).map(|i| item(i, CaseStatus::EnCours, None, (2020, 1, 1))).collect();
        let (page, total, pages) = apply(&Filters { page: 2, ..Filters::default() }, &many);
        assert_eq!((page.len(), total, pages), (5, 45, 3));
        let (page, _, _) = apply(&Filters { page: 9, ..Filters::default() }, &many);
        assert_eq!(page.len(), 5, "a page past the end shows the last");
    }

    #[test]
    fn a_date_is_read_as_the_date_field_sends_it_or_as_it_is_typed() {
        assert_eq!(date("2019-06-04"), NaiveDate::from_ymd_opt(2019, 6, 4));
        assert_eq!(date("04/06/2019"), NaiveDate::from_ymd_opt(2019, 6, 4));
        assert_eq!(date("31/02/2019"), None);
        assert_eq!(date("06-04-2019"), None);
    }
}
