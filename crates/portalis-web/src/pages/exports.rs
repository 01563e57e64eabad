//! Exports: the listed cases as CSV (for a spreadsheet in French: UTF-8
//! with BOM, `;`), the hearings to come as iCalendar — all of them, or one
//! ("Ajouter à mon agenda").

use crate::error::PageError;
use crate::my_cases::{self, MyCase, Record};
use crate::pages::not_found;
use crate::pages::space::{listing, upcoming};
use crate::session::SignedIn;
use crate::{WebState, public_id};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use portalis_core::event::{EventKind, EventStatus};
use portalis_core::ics::{self, IcsEvent};
use portalis_storage::events::Event;
use std::collections::HashMap;

/// A cell a spreadsheet will not run as a formula: text starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading quote
/// (OWASP "CSV injection").
pub fn cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    }
}

fn attachment(content_type: &'static str, filename: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

const CSV_HEADERS: [&str; 10] = [
    "N° de dossier",
    "N° d'identification",
    "Juridiction",
    "Nature",
    "Code nature",
    "Statut",
    "Mon rôle",
    "Parties",
    "Date de saisine",
    "Prochain évènement",
];

/// The listed cases (filters applied), every page.
pub async fn csv(
    State(state): State<WebState>,
    SignedIn { session, .. }: SignedIn,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let now = state.clock.now();
    let l = listing(&state, &session, &q, false).await?;
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = ::csv::WriterBuilder::new().delimiter(b';').from_writer(&mut out);
        let fail = |e: ::csv::Error| {
            tracing::error!(error = %e, "CSV export");
            PageError::Internal
        };
        w.write_record(CSV_HEADERS).map_err(fail)?;
        for &i in &l.shown {
            let my = &l.all[i];
            let c = &my.case.details;
            let tz = my.court.details.time_zone;
            let next = upcoming(my, now).first().map(|e| match e.details.starts_at.time() {
                Some(_) => e.details.starts_at_utc.with_timezone(&tz).format("%d/%m/%Y %H:%M").to_string(),
                None => e.details.starts_at.date().format("%d/%m/%Y").to_string(),
            });
            let parties: Vec<String> =
                my.parties.iter().map(|p| format!("{} ({})", p.display_name(), p.details.role.label())).collect();
            let me: Vec<&str> = my.mine.iter().map(|p| p.details.role.label()).collect();
            let ids: Vec<&str> = my.mine.iter().map(|p| p.identification_number.as_str()).collect();
            let record = [
                c.portalis_number.as_str().to_owned(),
                ids.join(", "),
                my.court.details.name.clone(),
                c.nature_label.clone(),
                c.nature_code.clone(),
                c.status.label().to_owned(),
                me.join(", "),
                parties.join(", "),
                c.filed_on.format("%d/%m/%Y").to_string(),
                next.unwrap_or_default(),
            ];
            w.write_record(record.iter().map(|v| cell(v))).map_err(fail)?;
        }
        w.flush().map_err(|e| {
            tracing::error!(error = %e, "CSV export");
            PageError::Internal
        })?;
    }
    Ok(attachment("text/csv; charset=utf-8", "mes-dossiers.csv", out))
}

fn is_hearing(e: &Event) -> bool {
    matches!(e.details.kind, EventKind::Audience | EventKind::Expertise | EventKind::Renvoi)
        && e.details.status == EventStatus::Prevu
}

fn ics_event<R: Record>(state: &WebState, my: &MyCase<R>, e: &Event) -> IcsEvent {
    let (case, court) = (&my.case().details, &my.court().details);
    let summary = match &e.details.label {
        Some(l) => format!("{} — {l}", e.details.kind.label()),
        None => e.details.kind.label().to_owned(),
    };
    IcsEvent {
        uid: format!("{}@portalis", public_id::of(&state.settings.signing_key, "event", e.id)),
        summary,
        location: match &e.details.room {
            Some(r) => format!("{}, salle {r}", court.name),
            None => court.name.clone(),
        },
        description: format!("{} — N° de dossier : {}", case.nature_label, case.portalis_number.short()),
        start: e.details.starts_at,
        tz: court.time_zone,
    }
}

/// Every hearing to come of every case of the user.
pub async fn agenda(State(state): State<WebState>, SignedIn { session, .. }: SignedIn) -> Result<Response, PageError> {
    let now = state.clock.now();
    let all = my_cases::all(&state, &session).await?;
    let events: Vec<IcsEvent> = all
        .iter()
        .flat_map(|my| {
            upcoming(my, now)
                .into_iter()
                .filter(|e| is_hearing(e))
                .map(|e| ics_event(&state, my, e))
                .collect::<Vec<_>>()
        })
        .collect();
    Ok(attachment("text/calendar; charset=utf-8", "mes-audiences.ics", ics::calendar(&events, now).into_bytes()))
}

/// "Ajouter à mon agenda": one hearing.
pub async fn hearing(
    State(state): State<WebState>,
    SignedIn { session, visitor }: SignedIn,
    Path((case, event)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let path = format!("/dossiers/{case}/agenda/{event}");
    let Some(my) = my_cases::find(&state, &session, &case).await? else {
        return Ok(not_found::denied(&state, &visitor, &path).await);
    };
    let Some(e) = my.events.iter().find(|e| public_id::of(&state.settings.signing_key, "event", e.id) == event) else {
        return Ok(not_found::denied(&state, &visitor, &path).await);
    };
    let body = ics::calendar(&[ics_event(&state, &my, e)], state.clock.now());
    Ok(attachment("text/calendar; charset=utf-8", "audience.ics", body.into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn no_cell_runs_as_a_formula() {
        assert_eq!(cell("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(cell("+33 6"), "'+33 6");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Marie DELESTABLE"), "Marie DELESTABLE");
    }
}
