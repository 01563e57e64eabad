//! The OpenAPI 3 document, generated from the handlers' annotations (the
//! operations the router serves, `operations.rs`) and served at
//! `/api/v1/openapi.json`.

use axum::Json;
use axum::response::IntoResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Portalis court integration API",
        version = "1",
        description = "Court systems publish cases, parties, events and documents to the litigant portal. \
Each API key belongs to one court and sees only that court's cases. Errors are application/problem+json (RFC 9457)."
    ),
    components(schemas(
        crate::problem::Problem,
        crate::problem::FieldError,
        crate::rules::DocumentMetadata,
        crate::rules::JafAnswers,
        crate::rules::PartieCivileAnswers,
        crate::rules::ProtectionMajeurAnswers,
    )),
    tags(
        (name = "cases", description = "Cases (affaires)"),
        (name = "parties", description = "Parties and their identification numbers"),
        (name = "events", description = "Events of a case's life"),
        (name = "documents", description = "Documents made available to parties"),
        (name = "filings", description = "Requests litigants filed online (saisines en ligne), and the court's answer"),
    )
)]
struct ApiDoc;

struct CourtKeyScheme;

impl Modify for CourtKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "court_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key created with `portalis api-key create --court CODE`"))
                    .build(),
            ),
        );
    }
}

/// The problems every operation may answer, added to each so that a client
/// (and schemathesis) knows them: 400 (unreadable body or path), 401 (no
/// valid key), 422 (a reference in the path that cannot be one), 503, and
/// for writes with a body (PUT, POST) 413 (too large) and 415 (wrong
/// content type).
struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for (i, op) in ops.into_iter().enumerate() {
                let Some(op) = op else { continue };
                let r = &mut op.responses.responses;
                r.entry("400".into()).or_insert_with(|| problem("The path or the body cannot be read").into());
                r.entry("401".into()).or_insert_with(|| problem("No valid key").into());
                r.entry("422".into()).or_insert_with(|| problem("Invalid fields or references").into());
                if i == 1 || i == 2 {
                    r.entry("413".into()).or_insert_with(|| problem("The body is too large").into());
                    r.entry("415".into())
                        .or_insert_with(|| problem("The body's content type is not the one expected").into());
                }
                r.entry("503".into()).or_insert_with(|| problem("The service is temporarily unavailable").into());
            }
        }
    }
}

/// Every reference in a path (`case_ref`, `party_ref`, …) obeys the rule
/// of references, which the document states on each.
struct PathReferences;

impl Modify for PathReferences {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::ParameterIn;
        let schema: utoipa::openapi::RefOr<utoipa::openapi::Schema> =
            serde_json::from_value(crate::rules::reference_schema()).expect("the reference rule is a schema");
        for item in openapi.paths.paths.values_mut() {
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for op in ops.into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    let utoipa::openapi::RefOr::T(p) = p else { continue };
                    if p.parameter_in == ParameterIn::Path && p.name.ends_with("_ref") {
                        p.schema = Some(schema.clone());
                    }
                }
            }
        }
    }
}

/// The feed of contact changes' parameters state their bounds: `after` a
/// change's id (from 0), `limit` the page's size.
struct ContactChangeParameters;

impl Modify for ContactChangeParameters {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Some(item) = openapi.paths.paths.get_mut("/api/v1/contact-changes") else { return };
        for p in item.get.iter_mut().flat_map(|op| op.parameters.iter_mut().flatten()) {
            let utoipa::openapi::RefOr::T(p) = p else { continue };
            let schema = match p.name.as_str() {
                "after" => serde_json::json!({"type": "integer", "minimum": 0, "maximum": i64::MAX}),
                "limit" => {
                    serde_json::json!({"type": "integer", "minimum": 1, "maximum": crate::contact_changes::PAGE_MAX})
                }
                _ => continue,
            };
            p.schema = Some(serde_json::from_value(schema).expect("a parameter's schema"));
        }
    }
}

/// The parameters of the filings' operations obey their rules, which the
/// document states: the filing number's pattern (in the path), the `after`
/// cursor's, a file's number, the page's size, the statuses; and a
/// filer's file is one of the three types accepted.
struct FilingParameters;

impl Modify for FilingParameters {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use portalis_core::filing::{FilingNumber, FilingStatus};
        let statuses: Vec<&str> =
            FilingStatus::codes().into_iter().filter(|c| *c != FilingStatus::Brouillon.code()).collect();
        let schema_of = |name: &str| -> Option<serde_json::Value> {
            Some(match name {
                "filing_number" => serde_json::json!({"type": "string", "pattern": FilingNumber::pattern()}),
                "after" => {
                    serde_json::json!({"type": "string", "pattern": portalis_core::filing::cursor::FilingCursor::pattern()})
                }
                "n" => serde_json::json!({"type": "integer", "minimum": 1, "maximum": i64::MAX}),
                "limit" => {
                    serde_json::json!({"type": "integer", "minimum": 1, "maximum": crate::filings::PAGE_MAX})
                }
                "status" => serde_json::json!({"type": "string", "enum": statuses}),
                _ => return None,
            })
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/api/v1/filings") {
                continue;
            }
            let attachment = path.ends_with("/attachments/{n}");
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for op in ops.into_iter().flatten() {
                for p in op.parameters.iter_mut().flatten() {
                    let utoipa::openapi::RefOr::T(p) = p else { continue };
                    if let Some(schema) = schema_of(&p.name) {
                        p.schema = Some(serde_json::from_value(schema).expect("a parameter's schema"));
                    }
                }
                if attachment {
                    let binary = serde_json::json!({"schema": {"type": "string", "format": "binary"}});
                    let file = serde_json::json!({
                        "description": "The file, of the type its content was checked to be",
                        "content": {"application/pdf": binary, "image/jpeg": binary, "image/png": binary},
                    });
                    op.responses.responses.insert("200".into(), serde_json::from_value(file).expect("a response"));
                }
            }
        }
    }
}

/// The document: the API's description, the operations the router serves,
/// the schemas they use, then what every operation shares.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let operations = crate::operations();
    doc.paths.merge(operations.paths);
    let components = doc.components.get_or_insert_with(Default::default);
    for (name, schema) in operations.schemas {
        components.schemas.entry(name).or_insert(schema);
    }
    for modifier in
        [&CourtKeyScheme as &dyn Modify, &CommonProblems, &PathReferences, &FilingParameters, &ContactChangeParameters]
    {
        modifier.modify(&mut doc);
    }
    doc
}

/// The document as JSON text (pretty), for the snapshot test and the route.
pub fn document() -> String {
    openapi().to_pretty_json().unwrap_or_default()
}

/// The document, built once (it is the same for every request).
pub async fn serve() -> impl IntoResponse {
    static DOCUMENT: std::sync::LazyLock<utoipa::openapi::OpenApi> = std::sync::LazyLock::new(openapi);
    Json(&*DOCUMENT)
}
