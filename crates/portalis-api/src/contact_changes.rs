//! `GET /api/v1/contact-changes`: the court's feed of its parties' contact
//! details changed at the portal (« Modifier les coordonnées », by the
//! SAUJ at the court's console), for its system to update its own record.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::problem::{ApiError, FieldError};
use crate::reply::{rfc3339, segment};
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use portalis_storage::contact_changes::{self, ContactChange, FeedEntry};
use serde::Serialize;
use utoipa::ToSchema;

/// The most changes a page holds.
pub const PAGE_MAX: i64 = 100;

/// A party's e-mail and mobile as changed at the portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactChangeView {
    /// The change's number in the court's feed.
    pub id: i64,
    /// The e-mail now declared (absent: none).
    pub email: Option<String>,
    /// The mobile now declared, E.164 (absent: none).
    pub mobile: Option<String>,
    /// The e-mail it replaced.
    pub previous_email: Option<String>,
    /// The mobile it replaced.
    pub previous_mobile: Option<String>,
    pub changed_at: String,
    /// The professional address of the court's agent who changed it.
    pub changed_by: String,
    /// When the court published the party carrying none of the values its
    /// pending changes replaced (a party's pending changes are acknowledged
    /// together). Until then, a publication of the party that still carries
    /// a replaced value keeps the portal's value for that field.
    pub acknowledged_at: Option<String>,
}

impl ContactChangeView {
    pub fn of(c: &ContactChange) -> Self {
        Self {
            id: c.id,
            email: c.email.clone(),
            mobile: c.mobile.clone(),
            previous_email: c.previous_email.clone(),
            previous_mobile: c.previous_mobile.clone(),
            changed_at: rfc3339(c.changed_at),
            changed_by: c.changed_by.clone(),
            acknowledged_at: c.acknowledged_at.map(rfc3339),
        }
    }
}

/// A change in the court's feed, with the party it is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactChangeEntry {
    pub case_ref: String,
    pub party_ref: String,
    /// The party (`GET` it for what it is now).
    pub href: String,
    #[serde(flatten)]
    pub change: ContactChangeView,
}

/// A page of the feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactChangePage {
    pub items: Vec<ContactChangeEntry>,
    /// Pass as `after` for the changes that follow: the last change of
    /// this page, or the `after` given when the page is empty (poll again
    /// later with it).
    pub next_after: i64,
    /// Whether more changes follow at once.
    pub more: bool,
}

fn entry(e: FeedEntry) -> ContactChangeEntry {
    ContactChangeEntry {
        href: format!("/api/v1/cases/{}/parties/{}", segment(&e.case_ref), segment(&e.party_ref)),
        case_ref: e.case_ref,
        party_ref: e.party_ref,
        change: ContactChangeView::of(&e.change),
    }
}

/// Reads `after` and `limit`, each refused by name.
fn parse_query(query: Option<&str>) -> Result<(i64, i64), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|_| ApiError::BadRequest("the query string cannot be read".into()))?;
    let (mut after, mut limit) = (0, 50);
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "after" => match value.parse::<i64>() {
                Ok(n) if n >= 0 => after = n,
                _ => errors.push(FieldError::new("after", "must be a change's id (an integer from 0)")),
            },
            "limit" => match value.parse::<i64>() {
                Ok(n) if (1..=PAGE_MAX).contains(&n) => limit = n,
                _ => errors.push(FieldError::new("limit", format!("must be from 1 to {PAGE_MAX}"))),
            },
            _ => errors.push(FieldError::new(key, "is not a known parameter")),
        }
    }
    if errors.is_empty() { Ok((after, limit)) } else { Err(ApiError::Invalid(errors)) }
}

/// The contact details (e-mail, mobile) of the court's parties changed at
/// the portal by the court's agents, in the order they were made: read
/// from `after=0`, then from each page's `next_after`. A change is never
/// listed before one made earlier in the same court, so that a reader
/// that keeps the last `next_after` misses none. The changes of a party
/// since withdrawn stay listed; its `href` then answers 404.
#[utoipa::path(
    get, path = "/api/v1/contact-changes", tag = "parties",
    params(
        ("after" = Option<i64>, Query, description = "The `next_after` of the previous page (0, or absent, from the start)."),
        ("limit" = Option<i64>, Query, description = "At most this many (1 to 100, 50 by default)."),
    ),
    responses(
        (status = 200, description = "A page of changes", body = ContactChangePage),
        (status = 422, description = "Invalid parameters", body = crate::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn list_contact_changes(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (after, limit) = parse_query(query.as_deref())?;
    let mut conn = state.db.read().await?;
    let mut found = contact_changes::of_court(&mut conn, court.id, after, limit + 1).await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_after = found.last().map_or(after, |e| e.change.id);
    Ok(Json(ContactChangePage { items: found.into_iter().map(entry).collect(), next_after, more }).into_response())
}
