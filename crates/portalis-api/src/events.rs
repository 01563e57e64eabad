//! `/api/v1/cases/{case_ref}/events/{event_ref}`.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::cases::find_case_in;
use crate::fields::{Fields, require_json};
use crate::problem::{ApiError, Problem};
use crate::refs::{ApiBody, ApiPath, parse_ref, request_id};
use crate::reply::{respond, segment};
use crate::rules;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono_tz::Tz;
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
use portalis_storage::events::{self, Event, EventInput};
use serde::Serialize;
use utoipa::ToSchema;

/// An event as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    pub event_ref: String,
    pub kind: String,
    pub starts_at: String,
    pub label: Option<String>,
    pub room: Option<String>,
    pub status: String,
    pub approved_on: Option<String>,
}

impl EventView {
    fn of(e: &Event) -> Self {
        let d = &e.details;
        Self {
            event_ref: e.event_ref.clone(),
            kind: d.kind.code().to_owned(),
            starts_at: d.starts_at.to_api_string(),
            label: d.label.clone(),
            room: d.room.clone(),
            status: d.status.code().to_owned(),
            approved_on: d.approved_on.map(|a| a.format("%Y-%m-%d").to_string()),
        }
    }
}

/// Parses the body of `PUT …/events/{event_ref}`; `starts_at` is read in the
/// court's time zone `tz`.
pub fn parse_event(mut f: Fields, tz: Tz) -> Result<EventInput, ApiError> {
    let input = event_fields(&mut f, tz);
    f.finish()?;
    input.ok_or_else(|| ApiError::Internal("event fields parsed without error but incomplete".into()))
}

/// Reads an event's fields from a body or from an item of a batch; `None`
/// when one of them is invalid (each named in `f`).
pub(crate) fn event_fields(f: &mut Fields, tz: Tz) -> Option<EventInput> {
    let kind = f.required("kind", rules::event_kind());
    let starts_at = f.required("starts_at", rules::event_time(tz));
    let label = f.optional("label", rules::text(200, "What the event is, as the court calls it."));
    let room = f.optional("room", rules::text(100, "The room."));
    let status = f.required("status", rules::event_status());
    let approved_on = f.optional("approved_on", rules::date("When the court approved it."));
    let (starts_at, starts_at_utc) = starts_at?;
    Some(EventInput {
        kind: kind?,
        starts_at,
        starts_at_utc,
        label: label?,
        room: room?,
        status: status?,
        approved_on: approved_on?,
    })
}

/// Creates or replaces an event.
#[utoipa::path(
    put, path = "/api/v1/cases/{case_ref}/events/{event_ref}", tag = "events",
    params(("case_ref" = String, Path), ("event_ref" = String, Path, description = "The court system's reference of the event")),
    request_body(content = rules::EventBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = EventView),
        (status = 200, description = "Replaced, or unchanged", body = EventView),
        (status = 404, description = "No such case for this court", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn put_event(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, event_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let event_ref = parse_ref("event_ref", &event_ref)?;
    require_json(&headers)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let case = find_case_in(&mut tx, &court, &case_ref).await?;
    let input = parse_event(Fields::from_slice(&body)?, court.details.time_zone)?;
    let request_id = request_id(&headers);
    let written = state.publisher(&court, request_id.as_deref(), now).event(&mut tx, &case, &event_ref, &input).await?;
    portalis_storage::commit(tx).await?;
    let location = format!("/api/v1/cases/{}/events/{}", segment(&case.case_ref), segment(&event_ref));
    Ok(respond(written.outcome, &location, EventView::of(&written.event)))
}

async fn find_event(
    conn: &mut portalis_storage::Conn,
    court: &Court,
    case_ref: &str,
    event_ref: &str,
) -> Result<(Case, Event), ApiError> {
    let case = find_case_in(conn, court, case_ref).await?;
    let event_ref = parse_ref("event_ref", event_ref)?;
    match events::find(conn, case.id, &event_ref).await? {
        Some(e) if e.withdrawn_at.is_none() => Ok((case, e)),
        _ => Err(ApiError::NotFound("event")),
    }
}

/// An event as stored.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}/events/{event_ref}", tag = "events",
    params(("case_ref" = String, Path), ("event_ref" = String, Path)),
    responses(
        (status = 200, description = "The event", body = EventView),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_event(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, event_ref)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.read().await?;
    let (_, event) = find_event(&mut conn, &court, &case_ref, &event_ref).await?;
    Ok(Json(EventView::of(&event)).into_response())
}

/// Withdraws an event.
#[utoipa::path(
    delete, path = "/api/v1/cases/{case_ref}/events/{event_ref}", tag = "events",
    params(("case_ref" = String, Path), ("event_ref" = String, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 404, description = "No such event", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn delete_event(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, event_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (case, event) = find_event(&mut tx, &court, &case_ref, &event_ref).await?;
    let request_id = request_id(&headers);
    state.publisher(&court, request_id.as_deref(), now).withdraw_event(&mut tx, &case, &event).await?;
    portalis_storage::commit(tx).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
