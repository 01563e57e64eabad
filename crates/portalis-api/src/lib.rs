//! The court integration API. Court systems publish here, each with a key
//! that belongs to one court and sees only that court's cases.
//!
//! - [`router`] lists every route;
//! - [`auth`] turns the bearer key into the court it belongs to;
//! - [`fields`] parses a JSON body into domain types, collecting every
//!   invalid field;
//! - [`problem`] is this edge's one error type (RFC 9457 problem details);
//! - `cases`, `parties`, `events`, `documents` hold the handlers,
//!   `event_batch` the one that writes many events at once;
//! - [`openapi`] is the OpenAPI document, generated from the handlers.

pub mod auth;
pub mod cases;
pub mod documents;
pub mod event_batch;
pub mod events;
pub mod fields;
pub mod openapi;
pub mod parties;
pub mod problem;
mod refs;
mod reply;
pub mod rules;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use portalis_core::clock::Clock;
use portalis_core::document::MAX_DOCUMENT_BYTES;
use portalis_core::random::RandomSource;
use portalis_documents::DocumentStore;
use portalis_storage::Db;
use std::sync::Arc;

/// What the API's handlers need, shared by every request (one reference
/// count to clone for each extractor).
#[derive(Clone)]
pub struct ApiState(Arc<Shared>);

impl ApiState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// What a use case is given, at `now`.
    pub(crate) fn context(&self, now: chrono::DateTime<chrono::Utc>) -> portalis_usecases::Context<'_> {
        portalis_usecases::Context { now, random: self.random.as_ref(), portal_url: &self.public_url }
    }
}

impl std::ops::Deref for ApiState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The contents of [`ApiState`].
pub struct Shared {
    pub db: Db,
    pub documents: DocumentStore,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
    /// The portal's public address, for the messages that point to it.
    pub public_url: String,
}

/// The largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

/// Every route of `/api/v1`, to be nested under that prefix.
pub fn router(state: ApiState) -> Router {
    let documents = Router::new()
        .route(
            "/cases/{case_ref}/documents/{document_ref}",
            put(documents::put_document).get(documents::get_document).delete(documents::delete_document),
        )
        .route("/cases/{case_ref}/documents/{document_ref}/file", get(documents::get_document_file))
        .route("/cases/{case_ref}/documents/{document_ref}/receipts", get(documents::get_document_receipts))
        // Room for the 20 MB file and the multipart envelope around it.
        .layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 1024 * 1024));
    let batch = Router::new()
        .route("/events/batch", post(event_batch::post_batch))
        .layer(DefaultBodyLimit::max(event_batch::MAX_BATCH_BYTES));
    Router::new()
        .route("/cases/{case_ref}", put(cases::put_case).get(cases::get_case))
        .route(
            "/cases/{case_ref}/parties/{party_ref}",
            put(parties::put_party).get(parties::get_party).delete(parties::delete_party),
        )
        .route(
            "/cases/{case_ref}/parties/{party_ref}/identification-number",
            post(parties::reissue_identification_number),
        )
        .route("/cases/{case_ref}/parties/{party_ref}/attachments", delete(parties::detach_accounts))
        .route(
            "/cases/{case_ref}/events/{event_ref}",
            put(events::put_event).get(events::get_event).delete(events::delete_event),
        )
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .merge(documents)
        .merge(batch)
        .route("/openapi.json", get(openapi::serve))
        .fallback(problem::not_found_fallback)
        .method_not_allowed_fallback(problem::method_not_allowed_fallback)
        .with_state(state)
}
