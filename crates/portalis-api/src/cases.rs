//! `PUT` and `GET /api/v1/cases/{case_ref}`.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::fields::{Fields, require_json};
use crate::problem::{ApiError, Problem};
use crate::refs::{ApiBody, ApiPath, parse_ref, request_id};
use crate::reply::{respond, rfc3339, segment};
use crate::rules;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use portalis_storage::cases::{self, Case, CaseInput};
use portalis_storage::courts::Court;
use serde::Serialize;
use utoipa::ToSchema;

/// The nature of a case: a NAC code and its label.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Nature {
    #[schema(example = "60A")]
    pub code: String,
    #[schema(example = "Demande en réparation des dommages causés par des véhicules terrestres à moteur")]
    pub label: String,
}

/// A case as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub case_ref: String,
    /// The court's code.
    pub court: String,
    pub portalis_number: String,
    pub rg_number: Option<String>,
    pub nature: Nature,
    pub status: String,
    pub filed_on: String,
    pub chamber: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl CaseView {
    fn of(court: &Court, c: &Case) -> Self {
        Self {
            case_ref: c.case_ref.clone(),
            court: court.details.code.to_string(),
            portalis_number: c.details.portalis_number.as_str().to_owned(),
            rg_number: c.details.rg_number.clone(),
            nature: Nature { code: c.details.nature_code.clone(), label: c.details.nature_label.clone() },
            status: c.details.status.code().to_owned(),
            filed_on: c.details.filed_on.format("%Y-%m-%d").to_string(),
            chamber: c.details.chamber.clone(),
            created_at: rfc3339(c.created_at),
            updated_at: rfc3339(c.updated_at),
        }
    }
}

/// Parses the body of `PUT /cases/{case_ref}`.
pub fn parse_case(mut f: Fields) -> Result<CaseInput, ApiError> {
    let portalis_number = f.required("portalis_number", rules::portalis_number());
    let rg_number = f.optional("rg_number", rules::rg_number());
    let nature = f.object("nature").map(|mut n| {
        let code = n.required("code", rules::nac_code());
        let label = n.required("label", rules::nac_label());
        f.finish_nested(n);
        (code, label)
    });
    let status = f.required("status", rules::case_status());
    let filed_on = f.required("filed_on", rules::date("Date de saisine."));
    let chamber = f.optional("chamber", rules::text(100, "The chamber."));
    f.finish()?;
    match (portalis_number, rg_number, nature, status, filed_on, chamber) {
        (Some(p), Some(rg), Some((Some(code), Some(label))), Some(status), Some(filed_on), Some(chamber)) => {
            Ok(CaseInput {
                portalis_number: p,
                rg_number: rg.map(|r| r.as_str().to_owned()),
                nature_code: code.as_str().to_owned(),
                nature_label: label,
                status,
                filed_on,
                chamber,
            })
        }
        _ => Err(ApiError::Internal("case fields parsed without error but incomplete".into())),
    }
}

/// Creates or replaces a case.
#[utoipa::path(
    put, path = "/api/v1/cases/{case_ref}", tag = "cases",
    params(("case_ref" = String, Path, description = "The court system's own reference of the case")),
    request_body(content = rules::CaseBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created", body = CaseView),
        (status = 200, description = "Replaced, or unchanged", body = CaseView),
        (status = 401, description = "No valid key", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn put_case(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(case_ref): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let case_ref = parse_ref("case_ref", &case_ref)?;
    require_json(&headers)?;
    let input = parse_case(Fields::from_slice(&body)?)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let request_id = request_id(&headers);
    let (case, outcome) = state.publisher(&court, request_id.as_deref(), now).case(&mut tx, &case_ref, &input).await?;
    portalis_storage::commit(tx).await?;
    Ok(respond(outcome, &format!("/api/v1/cases/{}", segment(&case_ref)), CaseView::of(&court, &case)))
}

/// A case as stored.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}", tag = "cases",
    params(("case_ref" = String, Path, description = "The court system's own reference of the case")),
    responses(
        (status = 200, description = "The case", body = CaseView),
        (status = 404, description = "No such case for this court", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_case(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(case_ref): ApiPath<String>,
) -> Result<Response, ApiError> {
    let case = find_case(&state, &court, &case_ref).await?;
    Ok(Json(CaseView::of(&court, &case)).into_response())
}

/// The court's case, or 404 (also for another court's case).
pub async fn find_case(state: &ApiState, court: &Court, case_ref: &str) -> Result<Case, ApiError> {
    let case_ref = parse_ref("case_ref", case_ref)?;
    let mut conn = state.db.read().await?;
    cases::find(&mut conn, court.id, &case_ref).await?.ok_or(ApiError::NotFound("case"))
}

/// The same, inside a transaction.
pub async fn find_case_in(conn: &mut portalis_storage::Conn, court: &Court, case_ref: &str) -> Result<Case, ApiError> {
    let case_ref = parse_ref("case_ref", case_ref)?;
    cases::find(conn, court.id, &case_ref).await?.ok_or(ApiError::NotFound("case"))
}
