//! The court's intake of online filings (saisines en ligne): the filings
//! sent to the court, each with its filer's FranceConnect identity, its
//! answers (one schema per procedure) and its files; and the court's
//! answer, registered under the case and party it opened, or refused. A
//! court sees its own filings once sent, never a draft nor another
//! court's (404, as one that does not exist).

use crate::ApiState;
use crate::auth::CourtKey;
use crate::fields::{Fields, require_json};
use crate::problem::{ApiError, Problem};
use crate::refs::{ApiBody, ApiPath, request_id};
use crate::reply::{rfc3339, segment};
use crate::rules;
use axum::Json;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use portalis_core::filing::cursor::FilingCursor;
use portalis_core::filing::export::answers_json;
use portalis_core::filing::{FilingNumber, FilingStatus, answers::Answers, procedures};
use portalis_storage::courts::Court;
use portalis_storage::filing_attachments::{self, FilingAttachment};
use portalis_storage::filings::{self, Filing};
use portalis_usecases::filing_documents::{Gathered, request_pdf};
use portalis_usecases::filings::Answered;
use serde::Serialize;
use utoipa::ToSchema;

/// The most filings a page lists.
pub const PAGE_MAX: i64 = 100;
/// The most characters of a refusal's reason.
pub const REASON_MAX: usize = portalis_core::filing::REFUSAL_REASON_MAX;

/// A filing in the court's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingSummary {
    #[schema(example = "DMJ4K7QP2XRT")]
    pub filing_number: String,
    /// `jaf`, `partie_civile` or `protection_majeur`.
    pub procedure: String,
    /// `envoyee`, `enregistree`, `refusee` or `echec`.
    pub status: String,
    /// RFC 3339, UTC: the date of filing the avis de réception states.
    pub sent_at: String,
    /// When the court registered or refused it.
    pub decided_at: Option<String>,
    /// `/api/v1/filings/{filing_number}`.
    pub href: String,
}

/// A page of the court's filings, oldest sent first.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingPage {
    pub items: Vec<FilingSummary>,
    /// Pass as `after` for the next page; absent on the last.
    pub next_after: Option<String>,
}

/// The filer, as FranceConnect identified him (he cannot change it).
#[derive(Debug, Serialize, ToSchema)]
pub struct Filer {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The usage name, when he has one.
    pub preferred_username: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthdate: Option<String>,
    /// Where the portal tells him of the court's answer.
    pub contact_email: Option<String>,
}

/// A file the filer attached.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingFile {
    /// Its number in the filing (`…/attachments/{n}`); numbers are not
    /// reused, so they may leave gaps.
    pub n: i64,
    /// The kind of piece the filer said it is (the procedure's list).
    pub piece: String,
    pub name: String,
    /// `application/pdf`, `image/jpeg` or `image/png`, by its content.
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub url: String,
}

/// The court's registration of a filing.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegistrationView {
    pub case_ref: String,
    pub party_ref: String,
    pub registered_at: String,
}

/// The court's refusal of a filing.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefusalView {
    pub reason: String,
    pub refused_at: String,
}

/// A filing as the court reads it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FilingView {
    pub filing_number: String,
    pub procedure: String,
    pub status: String,
    pub sent_at: String,
    /// The court's code: the court the filing was sent to (the key's).
    pub court: String,
    pub filer: Filer,
    /// `/api/v1/filings/{filing_number}/request.pdf`: the request as a PDF.
    pub request_pdf: String,
    /// The answers by step; their schema is the procedure's
    /// (`JafAnswers`, `PartieCivileAnswers`, `ProtectionMajeurAnswers`).
    #[schema(schema_with = answers_schema)]
    pub answers: serde_json::Value,
    pub attachments: Vec<FilingFile>,
    pub registration: Option<RegistrationView>,
    pub refusal: Option<RefusalView>,
}

fn answers_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    serde_json::from_value(serde_json::json!({
        "oneOf": [
            {"$ref": "#/components/schemas/JafAnswers"},
            {"$ref": "#/components/schemas/PartieCivileAnswers"},
            {"$ref": "#/components/schemas/ProtectionMajeurAnswers"},
        ],
        "description": "The answers by step, per the filing's procedure.",
    }))
    .expect("a valid schema")
}

fn href(number: &FilingNumber) -> String {
    format!("/api/v1/filings/{}", segment(number.as_str()))
}

/// A sent filing in the list (every sent filing has its number).
fn summary(f: &Filing) -> Option<FilingSummary> {
    let number = f.filing_number.as_ref()?;
    Some(FilingSummary {
        filing_number: number.as_str().to_owned(),
        procedure: f.procedure.code().to_owned(),
        status: f.status.code().to_owned(),
        sent_at: f.sent_at.map(rfc3339).unwrap_or_default(),
        decided_at: f.decided_at.map(rfc3339),
        href: href(number),
    })
}

/// Reads `status`, `after` and `limit` from the query string, each refused
/// by name.
fn parse_list_query(query: Option<&str>) -> Result<(Option<FilingStatus>, Option<FilingCursor>, i64), ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
        .map_err(|_| ApiError::BadRequest("the query string cannot be read".into()))?;
    let (mut status, mut after, mut limit) = (None, None, 50);
    let mut errors = Vec::new();
    for (key, value) in pairs {
        match key.as_str() {
            "status" => match FilingStatus::parse(&value) {
                Ok(FilingStatus::Brouillon) | Err(_) => errors.push(crate::problem::FieldError::new(
                    "status",
                    "must be one of envoyee, enregistree, refusee, echec",
                )),
                Ok(s) => status = Some(s),
            },
            "after" => match FilingCursor::parse(&value) {
                Ok(c) => after = Some(c),
                Err(e) => errors.push(crate::problem::FieldError::new("after", e)),
            },
            "limit" => match value.parse::<i64>() {
                Ok(n) if (1..=PAGE_MAX).contains(&n) => limit = n,
                _ => errors.push(crate::problem::FieldError::new("limit", format!("must be from 1 to {PAGE_MAX}"))),
            },
            _ => errors.push(crate::problem::FieldError::new(key, "is not a known parameter")),
        }
    }
    if errors.is_empty() { Ok((status, after, limit)) } else { Err(ApiError::Invalid(errors)) }
}

/// The court's filings, oldest sent first, a page at a time. The filings
/// still to be registered are those of status `envoyee`: list them from
/// the start each time, as answering one takes it off that list.
#[utoipa::path(
    get, path = "/api/v1/filings", tag = "filings",
    params(
        ("status" = Option<String>, Query, description = "Only the filings of this status: `envoyee` (to be registered), `enregistree`, `refusee` or `echec`."),
        ("after" = Option<String>, Query, description = "The `next_after` of the previous page: a position in the list (when its last filing was sent, and its number), which still holds once that filing is deleted."),
        ("limit" = Option<i64>, Query, description = "At most this many (1 to 100, 50 by default)."),
    ),
    responses(
        (status = 200, description = "A page of filings", body = FilingPage),
    ),
    security(("court_key" = []))
)]
pub async fn list_filings(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let (status, after, limit) = parse_list_query(query.as_deref())?;
    let mut conn = state.db.read().await?;
    let after = after.as_ref().map(|c| (c.sent_at, &c.number));
    let mut found = filings::of_court(&mut conn, court.id, status, None, after, limit + 1).await?;
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next_after = found
        .last()
        .filter(|_| more)
        .and_then(|f| Some(FilingCursor::after(f.sent_at?, f.filing_number.clone()?).encode()));
    Ok(Json(FilingPage { items: found.iter().filter_map(summary).collect(), next_after }).into_response())
}

/// The court's filing of this number, or 404.
async fn find(conn: &mut impl portalis_storage::read::Reads, court: &Court, number: &str) -> Result<Filing, ApiError> {
    let number = FilingNumber::parse(number).map_err(|e| ApiError::invalid("filing_number", e.en))?;
    filings::by_number(conn, court.id, &number).await?.ok_or(ApiError::NotFound("filing"))
}

async fn view(state: &ApiState, court: &Court, filing: &Filing) -> Result<FilingView, ApiError> {
    let mut conn = state.db.read().await?;
    let files = filing_attachments::of_filing(&mut conn, filing.id).await?;
    let number =
        filing.filing_number.clone().ok_or_else(|| ApiError::Internal("a sent filing without number".into()))?;
    let base = href(&number);
    let claims = filing.filer.clone();
    let form = procedures::form(filing.procedure);
    Ok(FilingView {
        filing_number: number.as_str().to_owned(),
        procedure: filing.procedure.code().to_owned(),
        status: filing.status.code().to_owned(),
        sent_at: filing.sent_at.map(rfc3339).unwrap_or_default(),
        court: court.details.code.to_string(),
        filer: Filer {
            given_name: claims.given_name,
            family_name: claims.family_name,
            preferred_username: claims.preferred_username.filter(|u| !u.trim().is_empty()),
            birthdate: claims.birthdate,
            contact_email: filing.contact_email.clone(),
        },
        request_pdf: format!("{base}/request.pdf"),
        answers: answers_json(form, &Answers::from_json(&filing.answers)),
        attachments: files.iter().map(|f| file_view(&base, f)).collect(),
        registration: match (&filing.case_ref, &filing.party_ref, filing.status) {
            (Some(c), Some(p), FilingStatus::Enregistree) => Some(RegistrationView {
                case_ref: c.clone(),
                party_ref: p.clone(),
                registered_at: filing.decided_at.map(rfc3339).unwrap_or_default(),
            }),
            _ => None,
        },
        refusal: match (&filing.refusal_reason, filing.status) {
            (Some(r), FilingStatus::Refusee) => {
                Some(RefusalView { reason: r.clone(), refused_at: filing.decided_at.map(rfc3339).unwrap_or_default() })
            }
            _ => None,
        },
    })
}

fn file_view(base: &str, f: &FilingAttachment) -> FilingFile {
    FilingFile {
        n: f.position,
        piece: f.piece.clone(),
        name: f.name.clone(),
        content_type: f.content_type.clone(),
        size: f.size,
        sha256: f.sha256.clone(),
        url: format!("{base}/attachments/{}", f.position),
    }
}

/// A filing sent to the court: the filer, the answers, the files and the
/// court's answer if given.
#[utoipa::path(
    get, path = "/api/v1/filings/{filing_number}", tag = "filings",
    params(("filing_number" = String, Path, description = "The filing's number, as the avis de réception states it (dashes optional)")),
    responses(
        (status = 200, description = "The filing", body = FilingView),
        (status = 404, description = "No such filing for this court", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_filing(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let filing = {
        let mut conn = state.db.read().await?;
        find(&mut conn, &court, &number).await?
    };
    Ok(Json(view(&state, &court, &filing).await?).into_response())
}

/// A file the filer attached, checked against its checksum before the
/// first byte leaves.
#[utoipa::path(
    get, path = "/api/v1/filings/{filing_number}/attachments/{n}", tag = "filings",
    params(("filing_number" = String, Path), ("n" = i64, Path, description = "The file's number in the filing")),
    responses(
        (status = 200, description = "The file (its types: `FilingParameters` in openapi.rs)"),
        (status = 404, description = "No such filing or file", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_filing_attachment(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath((number, n)): ApiPath<(String, String)>,
) -> Result<Response, ApiError> {
    let n: i64 =
        n.parse().ok().filter(|n| *n >= 1).ok_or_else(|| ApiError::invalid("n", "must be an integer from 1"))?;
    let file = {
        let mut conn = state.db.read().await?;
        let filing = find(&mut conn, &court, &number).await?;
        filing_attachments::of_filing(&mut conn, filing.id)
            .await?
            .into_iter()
            .find(|f| f.position == n)
            .ok_or(ApiError::NotFound("attachment"))?
    };
    let bytes = state.documents.get(&file.storage_key, &file.sha256, file.size).await?;
    let mut response = bytes.into_response();
    let headers: &mut HeaderMap = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&file.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment"));
    Ok(response)
}

/// The request as the court reads it, as a PDF: the filer's identity,
/// every answer by step, the files with their size and SHA-256. The same
/// document at every download.
#[utoipa::path(
    get, path = "/api/v1/filings/{filing_number}/request.pdf", tag = "filings",
    params(("filing_number" = String, Path)),
    responses(
        (status = 200, description = "The request", content_type = "application/pdf"),
        (status = 404, description = "No such filing for this court", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn get_filing_request(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(number): ApiPath<String>,
) -> Result<Response, ApiError> {
    let (filing, gathered) = {
        let mut conn = state.db.read().await?;
        let filing = find(&mut conn, &court, &number).await?;
        let gathered = Gathered::of(&mut conn, &filing).await?;
        (filing, gathered.ok_or(ApiError::NotFound("filing"))?)
    };
    let mut response = request_pdf(&gathered.sources(&filing)).into_response();
    let headers: &mut HeaderMap = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/pdf"));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"request.pdf\""));
    Ok(response)
}

/// The body of `POST …/registration`, read.
pub struct Registration {
    pub case_ref: String,
    pub party_ref: String,
}

/// Parses the body of `POST /filings/{filing_number}/registration`.
pub fn parse_registration(mut f: Fields) -> Result<Registration, ApiError> {
    let case_ref = f.required("case_ref", rules::reference());
    let party_ref = f.required("party_ref", rules::reference());
    f.finish()?;
    match (case_ref, party_ref) {
        (Some(case_ref), Some(party_ref)) => Ok(Registration { case_ref, party_ref }),
        _ => Err(ApiError::Internal("registration parsed without error but incomplete".into())),
    }
}

/// Parses the body of `POST /filings/{filing_number}/refusal`.
pub fn parse_refusal(mut f: Fields) -> Result<String, ApiError> {
    let reason = f.required(
        "reason",
        rules::text(REASON_MAX, "Why the court does not register the filing, as the filer will read it (in French)."),
    );
    f.finish()?;
    reason.ok_or_else(|| ApiError::Internal("refusal parsed without error but incomplete".into()))
}

/// The court registered the filing under the case and party it opened for
/// it (published with `PUT /cases/…` and `PUT …/parties/…`, before or
/// after): the filer follows that party's case in his space at once (or
/// when the party is published), and is told by e-mail. Saying it again
/// changes nothing (200); another answer given before is a conflict (409).
#[utoipa::path(
    post, path = "/api/v1/filings/{filing_number}/registration", tag = "filings",
    params(("filing_number" = String, Path)),
    request_body(content = rules::RegistrationBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Registered (now or before)", body = FilingView),
        (status = 404, description = "No such filing for this court", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Refused, or registered under another case or party, before", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn register_filing(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(number): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let input = parse_registration(Fields::from_slice(&body)?)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let filing = find(&mut tx, &court, &number).await?;
    let ctx = portalis_usecases::Context { now, random: state.random.as_ref(), portal_url: &state.public_url };
    let request_id = request_id(&headers);
    let (case_ref, party_ref) = (&input.case_ref, &input.party_ref);
    let origin = portalis_usecases::Origin::Api { request_id: request_id.as_deref() };
    let answered =
        portalis_usecases::filings::register(&mut tx, ctx, &court, &filing, case_ref, party_ref, origin).await?;
    portalis_storage::commit(tx).await?;
    answer(&state, &court, answered, request_id.as_deref(), "registered").await
}

/// The court does not register the filing, and says why: the filer is
/// told by e-mail with the reason. Saying it again changes nothing (200);
/// another answer given before is a conflict (409).
#[utoipa::path(
    post, path = "/api/v1/filings/{filing_number}/refusal", tag = "filings",
    params(("filing_number" = String, Path)),
    request_body(content = rules::RefusalBody, content_type = "application/json"),
    responses(
        (status = 200, description = "Refused (now or before)", body = FilingView),
        (status = 404, description = "No such filing for this court", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Registered, or refused for another reason, before", body = Problem, content_type = "application/problem+json"),
    ),
    security(("court_key" = []))
)]
pub async fn refuse_filing(
    State(state): State<ApiState>,
    CourtKey(court): CourtKey,
    ApiPath(number): ApiPath<String>,
    headers: HeaderMap,
    ApiBody(body): ApiBody,
) -> Result<Response, ApiError> {
    require_json(&headers)?;
    let reason = parse_refusal(Fields::from_slice(&body)?)?;
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let filing = find(&mut tx, &court, &number).await?;
    let ctx = portalis_usecases::Context { now, random: state.random.as_ref(), portal_url: &state.public_url };
    let request_id = request_id(&headers);
    let origin = portalis_usecases::Origin::Api { request_id: request_id.as_deref() };
    let answered = portalis_usecases::filings::refuse(&mut tx, ctx, &court, &filing, &reason, origin).await?;
    portalis_storage::commit(tx).await?;
    answer(&state, &court, answered, request_id.as_deref(), "refused").await
}

async fn answer(
    state: &ApiState,
    court: &Court,
    answered: Answered,
    request_id: Option<&str>,
    what: &str,
) -> Result<Response, ApiError> {
    match answered {
        Answered::Done(f) => {
            tracing::info!(request_id, procedure = f.procedure.code(), "filing {what}");
            Ok(Json(view(state, court, &f).await?).into_response())
        }
        Answered::Already(f) => Ok(Json(view(state, court, &f).await?).into_response()),
        Answered::Conflict(f) => Err(ApiError::Conflict(match f.status {
            FilingStatus::Enregistree => format!(
                "the filing was registered before under case_ref {:?}, party_ref {:?}",
                f.case_ref.unwrap_or_default(),
                f.party_ref.unwrap_or_default()
            ),
            FilingStatus::Refusee => "the filing was refused before, for another reason".to_owned(),
            other => format!("the filing is {}", other.code()),
        })),
    }
}
