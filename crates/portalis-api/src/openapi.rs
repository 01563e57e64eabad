//! The OpenAPI 3 document, generated from the handlers' annotations and
//! served at `/api/v1/openapi.json`.

use axum::response::IntoResponse;
use axum::Json;
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
    paths(
        crate::cases::put_case, crate::cases::get_case,
        crate::parties::put_party, crate::parties::get_party, crate::parties::delete_party,
        crate::parties::reissue_identification_number,
        crate::events::put_event, crate::events::get_event, crate::events::delete_event,
        crate::documents::put_document, crate::documents::get_document, crate::documents::get_document_file,
        crate::documents::delete_document, crate::documents::get_document_receipts,
    ),
    components(schemas(crate::problem::Problem, crate::problem::FieldError)),
    modifiers(&CourtKeyScheme),
    tags(
        (name = "cases", description = "Cases (affaires)"),
        (name = "parties", description = "Parties and their identification numbers"),
        (name = "events", description = "Events of a case's life"),
        (name = "documents", description = "Documents made available to parties"),
    )
)]
pub struct ApiDoc;

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

/// The document as JSON text (pretty), for the snapshot test and the route.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

pub async fn serve() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}
