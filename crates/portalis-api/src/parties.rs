//! `/api/v1/cases/{case_ref}/parties/{party_ref}` and the re-issue of a
//! party's identification number.

use crate::ApiState;
use crate::auth::CourtKey;
use crate::cases::find_case_in;
use crate::fields::{Fields, require_json};
use crate::problem::{ApiError, Problem};
use crate::refs::{ApiBody, ApiPath, parse_ref, request_id};
use crate::reply::{respond, rfc3339, segment};
use crate::rules;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use portalis_core::party::PartyKind;
use portalis_storage::parties::{self, Party, PartyInput};
use serde::Serialize;
use utoipa::ToSchema;

/// A party's consent to electronic communication.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsentView {
    /// `court` (declared by the court) or `consultation` (the party's first
    /// consultation of the case on the portal, CPC art. 748-2).
    pub source: String,
    /// A date (`YYYY-MM-DD`) for `court`, an instant (RFC 3339) for
    /// `consultation`.
    pub at: String,
}

/// A party as stored, with its identification number.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartyView {
    pub party_ref: String,
    pub kind: String,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub organisation_name: Option<String>,
    pub role: String,
    pub email: Option<String>,
    /// E.164.
    pub mobile: Option<String>,
    pub lawyer: Option<String>,
    #[schema(example = "PJTK5SY2ZZPJ")]
    pub identification_number: String,
    pub identification_number_issued_at: String,
    pub consent: Option<ConsentView>,
    /// Whether a litigant's account is attached to the party (with its
    /// current number); `DELETE …/attachments` detaches it.
    pub attached: bool,
    /// The latest change of the party's e-mail or mobile made at the portal
    /// by the court's agents (also listed by `GET /api/v1/contact-changes`).
    pub contact_change: Option<crate::contact_changes::ContactChangeView>,
}

impl PartyView {
    async fn load(conn: &mut portalis_storage::Conn, p: &Party) -> Result<Self, ApiError> {
        let consent = portalis_storage::notices::consent(conn, p.id).await?.map(|c| ConsentView {
            at: match chrono::NaiveDateTime::parse_from_str(&c.at, "%Y-%m-%dT%H:%M:%S%.6fZ") {
                Ok(t) => rfc3339(t.and_utc()),
                Err(_) => c.at,
            },
            source: c.source,
        });
        let mut v = Self::of(p);
        v.consent = consent;
        v.attached = portalis_storage::attachments::owner(conn, p.id).await?.is_some();
        v.contact_change = portalis_storage::contact_changes::latest(conn, p.id)
            .await?
            .map(|c| crate::contact_changes::ContactChangeView::of(&c));
        Ok(v)
    }

    fn of(p: &Party) -> Self {
        let d = &p.details;
        Self {
            party_ref: p.party_ref.clone(),
            kind: d.kind.code().to_owned(),
            given_names: d.given_names.clone(),
            family_name: d.family_name.clone(),
            organisation_name: d.organisation_name.clone(),
            role: d.role.code().to_owned(),
            email: d.email.clone(),
            mobile: d.mobile.clone(),
            lawyer: d.lawyer.clone(),
            identification_number: p.identification_number.clone(),
            identification_number_issued_at: rfc3339(p.number_issued_at),
            consent: None,
            attached: false,
            contact_change: None,
        }
    }
}

/// Parses the body of `PUT …/parties/{party_ref}`: the party, and the date
/// of its consent if the court gives one.
pub fn parse_party(mut f: Fields) -> Result<(PartyInput, Option<chrono::NaiveDate>), ApiError> {
    let kind = f.required("kind", rules::party_kind());
    // A person has a family name and no organisation's; an organisation a
    // name, and perhaps a family name.
    let names = f.variants(
        "kind",
        kind,
        &[
            (PartyKind::Person, PartyKind::Person.code(), "a person"),
            (PartyKind::Organisation, PartyKind::Organisation.code(), "an organisation"),
        ],
        "A party: a person (`kind: person`, with a family name) or an organisation (`kind: organisation`, with its name).",
        |f, kind| match kind {
            PartyKind::Person => {
                let given_names = f.optional("given_names", rules::text(200, "A person's given names."));
                let family_name =
                    f.required("family_name", rules::text(200, "A person's family name (stored in capitals)."));
                f.absent("organisation_name");
                (given_names, family_name.map(Some), Some(None))
            }
            PartyKind::Organisation => {
                f.absent("given_names");
                let family_name =
                    f.optional("family_name", rules::text(200, "A family name, if the organisation is known by one."));
                let name = f.required("organisation_name", rules::text(300, "The organisation's name."));
                (Some(None), family_name, name.map(Some))
            }
        },
    );
    let (given_names, family_name, organisation_name) = match names {
        Some((g, fam, o)) => (g, fam, o),
        None => (None, None, None),
    };
    let role = f.required("role", rules::role());
    let email = f.optional("email", rules::email());
    let mobile = f.optional("mobile", rules::mobile());
    let lawyer = f.optional("lawyer", rules::text(300, "The party's lawyer."));
    let consent_on = f.optional(
        "consent_on",
        rules::date(
            "The date the party consented to electronic communication, if the court knows it (CPC art. 748-8).",
        ),
    );
    f.finish()?;
    match (kind, given_names, family_name, organisation_name, role, email, mobile, lawyer, consent_on) {
        (
            Some(kind),
            Some(given_names),
            Some(family_name),
            Some(organisation_name),
            Some(role),
            Some(email),
            Some(mobile),
            Some(lawyer),
            Some(consent_on),
        ) => Ok((
            PartyInput {
                kind,
                given_names,
                family_name: family_name.map(|n| n.to_uppercase()),
                organisation_name,
                role,
                email: email.map(|e| e.as_str().to_owned()),
                mobile: mobile.map(|m| m.as_str().to_owned()),
                lawyer,
            },
            consent_on,
        )),
        _ => Err(ApiError::Internal("party fields parsed without error but incomplete".into())),
    }
}

fn location(case_ref: &str, party_ref: &str) -> String {
    format!("/api/v1/cases/{}/parties/{}", segment(case_ref), segment(party_ref))
}

/// Creates or replaces a party. A new party gets its identification number.
#[utoipa::path(
    put, path = "/api/v1/cases/{case_ref}/parties/{party_ref}", tag = "parties",
    params(
        ("case_ref" = String, Path, description = "The court system's reference of the case"),
        ("party_ref" = String, Path, description = "The court system's reference of the party"),
    ),
    request_body(content = rules::PartyBody, content_type = "application/json"),
    responses(
        (status = 201, description = "Created, with a new identification number", body = PartyView),
        (status = 200, description = "Replaced, or unchanged; the number is kept", body = PartyView),
        (status = 404, description = "No such case for this court", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn put_party(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, party_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    let party_ref = parse_ref("party_ref", &party_ref)?;
    require_json(&headers)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let case = find_case_in(&mut tx, &court, &case_ref).await?;
    let (input, consent_on) = parse_party(Fields::from_slice(&body)?)?;
    let request_id = request_id(&headers);
    let (party, outcome) = state
        .publisher(&court, request_id.as_deref(), now)
        .party(&mut tx, &case, &party_ref, &input, consent_on)
        .await?;
    let view = PartyView::load(&mut tx, &party).await?;
    portalis_storage::commit(tx).await?;
    Ok(respond(outcome, &location(&case.case_ref, &party_ref), view))
}

async fn find_party(
    conn: &mut portalis_storage::Conn,
    court: &portalis_storage::courts::Court,
    case_ref: &str,
    party_ref: &str,
) -> Result<(portalis_storage::cases::Case, Party), ApiError> {
    let case = find_case_in(conn, court, case_ref).await?;
    let party_ref = parse_ref("party_ref", party_ref)?;
    match parties::find(conn, case.id, &party_ref).await? {
        Some(p) if p.withdrawn_at.is_none() => Ok((case, p)),
        _ => Err(ApiError::NotFound("party")),
    }
}

/// A party as stored.
#[utoipa::path(
    get, path = "/api/v1/cases/{case_ref}/parties/{party_ref}", tag = "parties",
    params(("case_ref" = String, Path), ("party_ref" = String, Path)),
    responses(
        (status = 200, description = "The party", body = PartyView),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_party(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, party_ref)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.read().await?;
    let (_, party) = find_party(&mut conn, &court, &case_ref, &party_ref).await?;
    Ok(Json(PartyView::load(&mut conn, &party).await?).into_response())
}

/// Withdraws a party: it leaves the case, its number stops working, and
/// the accounts attached to it lose the case (published again, the party
/// comes back unattached).
#[utoipa::path(
    delete, path = "/api/v1/cases/{case_ref}/parties/{party_ref}", tag = "parties",
    params(("case_ref" = String, Path), ("party_ref" = String, Path)),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn delete_party(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, party_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (case, party) = find_party(&mut tx, &court, &case_ref, &party_ref).await?;
    let request_id = request_id(&headers);
    state.publisher(&court, request_id.as_deref(), now).withdraw_party(&mut tx, &case, &party).await?;
    portalis_storage::commit(tx).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Issues a new identification number; the old one stops working, and the
/// accounts attached with it lose the case until the person attaches it
/// again with the new number (e-mailed to the party).
#[utoipa::path(
    post, path = "/api/v1/cases/{case_ref}/parties/{party_ref}/identification-number", tag = "parties",
    params(("case_ref" = String, Path), ("party_ref" = String, Path)),
    responses(
        (status = 200, description = "The party with its new number", body = PartyView),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn reissue_identification_number(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, party_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (case, party) = find_party(&mut tx, &court, &case_ref, &party_ref).await?;
    let request_id = request_id(&headers);
    let party = state.publisher(&court, request_id.as_deref(), now).reissue_number(&mut tx, &case, &party).await?;
    let view = PartyView::load(&mut tx, &party).await?;
    portalis_storage::commit(tx).await?;
    Ok(Json(view).into_response())
}

/// What `DELETE …/attachments` did.
#[derive(Debug, Serialize, ToSchema)]
pub struct Detached {
    /// How many litigants' accounts lost the case (0 when none was
    /// attached).
    pub detached_accounts: usize,
}

/// Detaches the litigants' accounts attached to a party: they lose the case
/// at once. The party and its number are kept; the person may attach again
/// with the number (re-issue it when it reached the wrong person).
#[utoipa::path(
    delete, path = "/api/v1/cases/{case_ref}/parties/{party_ref}/attachments", tag = "parties",
    params(("case_ref" = String, Path), ("party_ref" = String, Path)),
    responses(
        (status = 200, description = "Detached (or nothing was attached)", body = Detached),
        (status = 404, description = "No such party", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn detach_accounts(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((case_ref, party_ref)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let (case, party) = find_party(&mut tx, &court, &case_ref, &party_ref).await?;
    let request_id = request_id(&headers);
    let users = state.publisher(&court, request_id.as_deref(), now).detach_accounts(&mut tx, &case, &party).await?;
    portalis_storage::commit(tx).await?;
    Ok(Json(Detached { detached_accounts: users.len() }).into_response())
}
