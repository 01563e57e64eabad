//! A case's page: parties, nature, general information, and "Vie du
//! dossier" — events to come with their countdown, then the past and the
//! documents, newest first. Dates and times are the court's.

use crate::error::PageError;
use crate::layout::Layout;
use crate::my_cases::{self, MyCase};
use crate::navigation::Navigation;
use crate::pages::not_found;
use crate::pages::space::court_today;
use crate::session::SignedIn;
use crate::{WebState, public_id};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use portalis_core::document::{DocumentKind, human_size};
use portalis_core::event::{EventKind, EventStatus, Standing};
use portalis_core::french;
use portalis_core::party::Role;
use portalis_storage::documents::Document;
use portalis_storage::events::Event;

pub struct PartyRow {
    pub name: String,
    pub role: &'static str,
    pub lawyer: Option<String>,
    pub is_me: bool,
}

pub struct Upcoming {
    pub countdown: String,
    pub date: String,
    pub kind: &'static str,
    pub place: String,
    /// "14:00 - Mises en état"
    pub time_label: Option<String>,
    pub cancelled: bool,
    pub approved: Option<String>,
    pub agenda_url: Option<String>,
}

pub struct DocLine {
    pub title: String,
    pub issued: String,
    pub size: String,
    pub url: String,
}

pub enum Past {
    Event { kind: &'static str, label: Option<String>, date: String, cancelled: bool, approved: Option<String> },
    Document(DocLine),
    Group { title: String, issued: String, documents: Vec<DocLine> },
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/case.html")]
pub struct CasePage {
    pub layout: Layout,
    /// This page's address (the breadcrumb's current item).
    pub self_url: String,
    pub identification: String,
    pub court: String,
    pub court_anchor: String,
    pub status: &'static str,
    pub parties: Vec<PartyRow>,
    pub nature: String,
    pub case_number: String,
    pub filed: String,
    pub rg: Option<String>,
    pub chamber: Option<String>,
    pub court_address: String,
    pub court_phone: Option<String>,
    pub court_email: Option<String>,
    pub court_hours: Option<String>,
    pub upcoming: Vec<Upcoming>,
    pub past: Vec<Past>,
    /// A victim's constitution de partie civile, prefilled from the case.
    pub partie_civile: Option<PartieCivileOffer>,
}

/// « Se constituer partie civile en ligne » on a victim's case with a
/// hearing more than 24 hours away.
pub struct PartieCivileOffer {
    pub csrf: String,
    pub dossier: String,
    /// « jeudi 21 janvier 2027 à 14:00 ».
    pub hearing: String,
}

/// The next hearing of the case a victim may still constitute himself
/// partie civile for (24 hours ahead at least): what the filing's first
/// step is prefilled with.
pub fn next_hearing_for_partie_civile(my: &MyCase, now: chrono::DateTime<chrono::Utc>) -> Option<&Event> {
    // A victim not yet partie civile.
    let victim = my.mine.iter().any(|p| p.details.role == Role::Victime);
    if !victim {
        return None;
    }
    my.events
        .iter()
        .filter(|e| e.details.kind == EventKind::Audience && e.details.status == EventStatus::Prevu)
        .filter(|e| e.details.starts_at.time().is_some())
        .filter(|e| e.details.starts_at_utc - now >= chrono::Duration::hours(24))
        .min_by_key(|e| e.details.starts_at_utc)
}

/// "Convocations(3)": the kind's label in the plural, or "Documents".
fn group_title(docs: &[&Document]) -> String {
    let first = docs[0].details.kind;
    let label = if docs.iter().all(|d| d.details.kind == first) && first != DocumentKind::Autre {
        first.label()
    } else {
        "Document"
    };
    let plural = if label.ends_with('s') { label.to_owned() } else { format!("{label}s") };
    format!("{plural}({})", docs.len())
}

fn doc_line(state: &WebState, my: &MyCase, d: &Document, today: NaiveDate) -> DocLine {
    DocLine {
        title: d.details.title.clone(),
        issued: format!("Établi le {}", french::date_in_year_of(today, d.details.issued_on)),
        size: format!("pdf {}", human_size(d.details.size_bytes.max(0) as u64)),
        url: format!(
            "/dossiers/{}/documents/{}",
            my.public_id,
            public_id::of(&state.settings.signing_key, "document", d.id)
        ),
    }
}

fn place(my: &MyCase, e: &Event) -> String {
    match &e.details.room {
        Some(r) => format!("{}, salle {r}", my.court.details.name),
        None => my.court.details.name.clone(),
    }
}

fn timeline(state: &WebState, my: &MyCase, docs: &[Document]) -> (Vec<Upcoming>, Vec<Past>) {
    let now = state.clock.now();
    let today = court_today(&my.court, now);
    // « À venir » shows the events to come and, marked, those cancelled.
    let is_upcoming = |e: &Event| Standing::of(e.details.status, e.details.starts_at.date(), today) != Standing::Past;
    let mut upcoming: Vec<&Event> = my.events.iter().filter(|e| is_upcoming(e)).collect();
    upcoming.sort_by_key(|e| e.details.starts_at_utc);
    let upcoming = upcoming
        .into_iter()
        .map(|e| {
            let d = e.details.starts_at.date();
            let cancelled = e.details.status == EventStatus::Annule;
            Upcoming {
                countdown: french::countdown(today, d).unwrap_or_default(),
                date: french::capitalize(&french::long_date(d)),
                kind: e.details.kind.label(),
                place: place(my, e),
                time_label: e.details.starts_at.time().map(|t| match &e.details.label {
                    Some(l) => format!("{} - {l}", t.format("%H:%M")),
                    None => t.format("%H:%M").to_string(),
                }),
                cancelled,
                approved: e.details.approved_on.map(|a| format!("Approuvé le {}", french::date(a))),
                agenda_url: (!cancelled && e.details.kind != EventKind::Saisine).then(|| {
                    format!(
                        "/dossiers/{}/agenda/{}",
                        my.public_id,
                        public_id::of(&state.settings.signing_key, "event", e.id)
                    )
                }),
            }
        })
        .collect();

    // The past: events and documents, newest first; documents issued the
    // same day form a group.
    let mut dated: Vec<(NaiveDate, i64, Past)> = my
        .events
        .iter()
        .filter(|e| !is_upcoming(e))
        .map(|e| {
            let kind = e.details.kind.label();
            let label = e.details.label.clone().filter(|l| l != kind);
            let date = french::date(e.details.starts_at.date());
            let approved = e.details.approved_on.map(|a| format!("Approuvé le {}", french::date(a)));
            let cancelled = e.details.status == EventStatus::Annule;
            (e.details.starts_at.date(), e.id, Past::Event { kind, label, date, cancelled, approved })
        })
        .collect();
    let mut by_day: Vec<(NaiveDate, Vec<&Document>)> = Vec::new();
    for d in docs {
        match by_day.iter_mut().find(|(day, _)| *day == d.details.issued_on) {
            Some((_, v)) => v.push(d),
            None => by_day.push((d.details.issued_on, vec![d])),
        }
    }
    for (day, group) in by_day {
        let id = group.iter().map(|d| d.id).max().unwrap_or_default();
        let item = if group.len() == 1 {
            Past::Document(doc_line(state, my, group[0], today))
        } else {
            Past::Group {
                title: group_title(&group),
                issued: format!("Établi le {}", french::date_in_year_of(today, day)),
                documents: group.iter().map(|d| doc_line(state, my, d, today)).collect(),
            }
        };
        dated.push((day, id, item));
    }
    dated.sort_by_key(|d| std::cmp::Reverse((d.0, d.1)));
    (upcoming, dated.into_iter().map(|(_, _, p)| p).collect())
}

pub async fn show(
    State(state): State<WebState>,
    SignedIn { visitor, session }: SignedIn,
    navigation: Navigation,
    Path(public): Path<String>,
) -> Result<Response, PageError> {
    let user_id = session.user.id;
    let Some((my, docs)) = my_cases::find_with_documents(&state, &session, &public).await? else {
        return Ok(not_found::denied(&state, &visitor, &format!("/dossiers/{public}")).await);
    };
    if my.attached.first_viewed_at.is_none() && navigation.is_own() {
        // The first consultation: a legal fact (CPC 748-2), recorded once,
        // and only when the person came by himself (`navigation.rs`).
        let now = state.clock.now();
        let mut tx = state.db.begin().await?;
        portalis_storage::attachments::mark_first_viewed(&mut tx, user_id, my.case.id, now).await?;
        for p in &my.mine {
            portalis_storage::notices::record_consultation_consent(&mut tx, p.id, now).await?;
        }
        portalis_storage::commit(tx).await?;
    }
    let (upcoming, past) = timeline(&state, &my, &docs);
    let c = &my.case.details;
    let court = &my.court.details;
    let address = [court.address.trim(), format!("{} {}", court.postcode, court.city).trim()]
        .iter()
        .filter(|s| !s.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    let page = CasePage {
        layout: Layout::for_visitor(&state, &visitor, &format!("Dossier {}", c.portalis_number.short())),
        self_url: format!("/dossiers/{}", my.public_id),
        identification: my.mine.iter().map(|p| p.identification_number.clone()).collect::<Vec<_>>().join(", "),
        court: court.name.clone(),
        court_anchor: court.code.to_string(),
        status: c.status.label(),
        parties: my
            .parties
            .iter()
            .map(|p| PartyRow {
                name: p.display_name(),
                role: p.details.role.label(),
                lawyer: p.details.lawyer.clone(),
                is_me: my.mine.iter().any(|m| m.id == p.id),
            })
            .collect(),
        nature: c.nature_label.clone(),
        case_number: c.portalis_number.as_str().to_owned(),
        filed: french::date(c.filed_on),
        rg: c.rg_number.clone(),
        chamber: c.chamber.clone(),
        court_address: address,
        court_phone: court.phone.clone(),
        court_email: court.email.clone(),
        court_hours: court.sauj_hours.clone(),
        upcoming,
        past,
        partie_civile: next_hearing_for_partie_civile(&my, state.clock.now()).map(|e| PartieCivileOffer {
            csrf: visitor.csrf(&state).0,
            dossier: my.public_id.clone(),
            hearing: french::instant_in(e.details.starts_at_utc, my.court.details.time_zone),
        }),
    };
    Ok(page.into_response())
}
