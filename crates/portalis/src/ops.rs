//! Operations endpoints: `/healthz` (the process answers) and `/readyz` (the
//! database and the document store answer).

use crate::app::Services;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

pub async fn healthz() -> impl IntoResponse {
    "ok"
}

pub async fn readyz(State(services): State<Services>) -> impl IntoResponse {
    let database = services.db.ping().await;
    let documents = services.documents.ping().await;
    if let Err(e) = &database {
        tracing::warn!(error = %e, "readiness: database unreachable");
    }
    if let Err(e) = &documents {
        tracing::warn!(error = %e, "readiness: document store unreachable");
    }
    let status = if database.is_ok() && documents.is_ok() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    (status, Json(json!({ "database": word(database.is_ok()), "documents": word(documents.is_ok()) })))
}
