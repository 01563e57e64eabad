//! `POST /api/v1/events/batch`: many events of a court's cases in one
//! request and one transaction, for a court system that synchronises its
//! day's changes (one request an event costs a round trip and a commit
//! each). Every event is written as `PUT …/events/{event_ref}` would write
//! it — update e-mails, audit entries — and a batch with one invalid event
//! writes nothing.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::events::event_fields;
use crate::fields::{Fields, require_json};
use crate::problem::{ApiError, FieldError, Problem};
use crate::refs::{ApiBody, request_id};
use crate::rules;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use portalis_storage::Outcome;
use portalis_storage::cases::{self, Case};
use portalis_storage::events::EventInput;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use utoipa::ToSchema;

/// The most events a batch may hold.
pub const MAX_BATCH_EVENTS: usize = 1000;

/// The largest batch body accepted (1,000 events of the longest labels fit).
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;

/// What a batch did, in total and event by event (in the order sent).
#[derive(Debug, Serialize, ToSchema)]
pub struct BatchView {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub events: Vec<BatchOutcome>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchOutcome {
    pub case_ref: String,
    pub event_ref: String,
    /// `created`, `updated` or `unchanged`.
    #[schema(example = "created")]
    pub outcome: String,
}

/// One event of a batch, parsed.
#[derive(Debug)]
pub(crate) struct Item {
    case_ref: String,
    event_ref: String,
    input: EventInput,
}

/// Parses a batch; the fields of the event at index `i` are named
/// `events[i].field`, and an event sent twice is refused.
pub(crate) fn parse_batch(mut f: Fields, tz: Tz) -> Result<Vec<Item>, ApiError> {
    let mut items = Vec::new();
    let mut seen = HashSet::new();
    let events = format!("1 to {MAX_BATCH_EVENTS} events, of one or several cases of the court.");
    for mut e in f.objects("events", MAX_BATCH_EVENTS, &events).unwrap_or_default() {
        let case_ref = e.required(
            "case_ref",
            rules::reference().described(
                "A case of the court (another court's, or none, is refused as this item's `case_ref`).",
                Some("2018-01234"),
            ),
        );
        let event_ref = e.required(
            "event_ref",
            rules::reference()
                .described("The event's reference; an event appears once in a batch.", Some("mise-en-etat-2")),
        );
        let input = event_fields(&mut e, tz);
        if let (Some(c), Some(r)) = (&case_ref, &event_ref)
            && !seen.insert((c.clone(), r.clone()))
        {
            e.reject("event_ref", "is sent twice for this case in the batch");
        }
        f.finish_nested(e);
        if let (Some(case_ref), Some(event_ref), Some(input)) = (case_ref, event_ref, input) {
            items.push(Item { case_ref, event_ref, input });
        }
    }
    let count = items.len();
    f.finish()?;
    if count == 0 {
        return Err(ApiError::Internal("a batch parsed without error but empty".into()));
    }
    Ok(items)
}

/// Writes events of several cases at once.
#[utoipa::path(
    post, path = "/api/v1/events/batch", tag = "events",
    request_body(content = rules::BatchBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Every event written (created, replaced or unchanged)", body = BatchView),
        (status = 413, description = "More than 1 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid events, or cases the court does not have: nothing was written", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn post_batch(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let items = parse_batch(Fields::from_slice(&body)?, court.details.time_zone)?;
    let now = state.clock.now();
    let request_id = request_id(&headers);
    let publisher = state.publisher(&court, request_id.as_deref(), now);
    let mut tx = state.db.begin().await?;
    let mut found: HashMap<&str, Option<Case>> = HashMap::new();
    for item in &items {
        if !found.contains_key(item.case_ref.as_str()) {
            found.insert(&item.case_ref, cases::find(&mut tx, court.id, &item.case_ref).await?);
        }
    }
    let unknown: Vec<FieldError> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| found[item.case_ref.as_str()].is_none())
        .map(|(i, _)| FieldError::new(format!("events[{i}].case_ref"), "no such case for this court"))
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::Invalid(unknown));
    }
    let mut view = BatchView { created: 0, updated: 0, unchanged: 0, events: Vec::with_capacity(items.len()) };
    for item in &items {
        let Some(case) = &found[item.case_ref.as_str()] else { continue };
        let written = publisher.event(&mut tx, case, &item.event_ref, &item.input).await?;
        let outcome = match written.outcome {
            Outcome::Created => {
                view.created += 1;
                "created"
            }
            Outcome::Updated => {
                view.updated += 1;
                "updated"
            }
            Outcome::Unchanged => {
                view.unchanged += 1;
                "unchanged"
            }
        };
        view.events.push(BatchOutcome {
            case_ref: item.case_ref.clone(),
            event_ref: item.event_ref.clone(),
            outcome: outcome.into(),
        });
    }
    portalis_storage::commit(tx).await?;
    Ok(Json(view).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: ApiError) -> Vec<String> {
        match e {
            ApiError::Invalid(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    const HEARING: &str = r#""kind": "audience", "starts_at": "2027-01-21T14:00", "status": "prevu""#;

    #[test]
    fn every_invalid_field_of_every_event_is_named_by_its_index() {
        let body = format!(
            r#"{{"events": [{{"case_ref": "a", "event_ref": "1", {HEARING}}},
                            {{"case_ref": "a b", "event_ref": "2", "kind": "fête", "starts_at": "2027-01-21T14:00", "status": "prevu"}},
                            {{"event_ref": "3", {HEARING}, "colour": "red"}}]}}"#
        );
        let e = parse_batch(Fields::from_slice(body.as_bytes()).unwrap(), chrono_tz::Europe::Paris).unwrap_err();
        assert_eq!(fields(e), ["events[1].case_ref", "events[1].kind", "events[2].case_ref", "events[2].colour"]);
    }

    #[test]
    fn an_event_sent_twice_in_a_batch_is_refused() {
        let body = format!(
            r#"{{"events": [{{"case_ref": "a", "event_ref": "1", {HEARING}}}, {{"case_ref": "b", "event_ref": "1", {HEARING}}},
                            {{"case_ref": "a", "event_ref": "1", {HEARING}}}]}}"#
        );
        let e = parse_batch(Fields::from_slice(body.as_bytes()).unwrap(), chrono_tz::Europe::Paris).unwrap_err();
        assert_eq!(fields(e), ["events[2].event_ref"]);
    }

    #[test]
    fn a_valid_batch_keeps_the_order_sent() {
        let body = format!(
            r#"{{"events": [{{"case_ref": "b", "event_ref": "2", {HEARING}}}, {{"case_ref": "a", "event_ref": "1", {HEARING}}}]}}"#
        );
        let items = parse_batch(Fields::from_slice(body.as_bytes()).unwrap(), chrono_tz::Indian::Reunion).unwrap();
        let refs: Vec<(&str, &str)> = items.iter().map(|i| (i.case_ref.as_str(), i.event_ref.as_str())).collect();
        assert_eq!(refs, [("b", "2"), ("a", "1")]);
        assert_eq!(
            items[0].input.starts_at_utc.to_rfc3339(),
            "2027-01-21T10:00:00+00:00",
            "read in the court's time zone"
        );
    }
}
