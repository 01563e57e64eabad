//! The court integration API. Court systems publish here, each with a key
//! that belongs to one court and sees only that court's cases.
//!
//! - [`router`] lists every route;
//! - [`auth`] turns the bearer key into the court it belongs to;
//! - [`fields`] parses a JSON body into domain types, collecting every
//!   invalid field;
//! - [`problem`] is this edge's one error type (RFC 9457 problem details);
//! - `cases`, `parties`, `events`, `documents`, `filings` hold the handlers,
//!   `event_batch` the one that writes many events at once;
//! - [`openapi`] is the OpenAPI document, generated from the handlers.

pub mod auth;
pub mod cases;
pub mod contact_changes;
pub mod documents;
pub mod event_batch;
pub mod events;
pub mod fields;
pub mod filings;
pub mod openapi;
pub mod operations;
pub mod parties;
pub mod problem;
mod refs;
mod reply;
pub mod rules;

use axum::Router;
use axum::routing::get;
use operations::Operations;
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

    /// The court `court` publishing through the API, at `now`, for the
    /// request `request_id`.
    pub(crate) fn publisher<'a>(
        &'a self,
        court: &'a portalis_storage::courts::Court,
        request_id: Option<&'a str>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> portalis_usecases::publish::Publisher<'a> {
        portalis_usecases::publish::Publisher {
            ctx: portalis_usecases::Context { now, random: self.random.as_ref(), portal_url: &self.public_url },
            origin: portalis_usecases::Origin::Api { request_id },
            court,
        }
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

/// Every operation of `/api/v1` (paths relative to it), with the bodies
/// each may carry.
pub fn operations() -> Operations {
    use crate::{cases::*, contact_changes::*, documents::*, event_batch::*, events::*, filings::*, parties::*};
    let json = Operations::default()
        .operation::<__path_put_case, _, _>(put_case)
        .operation::<__path_get_case, _, _>(get_case)
        .operation::<__path_put_party, _, _>(put_party)
        .operation::<__path_get_party, _, _>(get_party)
        .operation::<__path_delete_party, _, _>(delete_party)
        .operation::<__path_reissue_identification_number, _, _>(reissue_identification_number)
        .operation::<__path_detach_accounts, _, _>(detach_accounts)
        .operation::<__path_list_contact_changes, _, _>(list_contact_changes)
        .operation::<__path_put_event, _, _>(put_event)
        .operation::<__path_get_event, _, _>(get_event)
        .operation::<__path_delete_event, _, _>(delete_event)
        .operation::<__path_list_filings, _, _>(list_filings)
        .operation::<__path_get_filing, _, _>(get_filing)
        .operation::<__path_get_filing_attachment, _, _>(get_filing_attachment)
        .operation::<__path_get_filing_request, _, _>(get_filing_request)
        .operation::<__path_register_filing, _, _>(register_filing)
        .operation::<__path_refuse_filing, _, _>(refuse_filing)
        .body_limit(MAX_JSON_BYTES);
    let documents = Operations::default()
        .operation::<__path_put_document, _, _>(put_document)
        .operation::<__path_get_document, _, _>(get_document)
        .operation::<__path_get_document_file, _, _>(get_document_file)
        .operation::<__path_delete_document, _, _>(delete_document)
        .operation::<__path_get_document_receipts, _, _>(get_document_receipts)
        // Room for the 20 MB file and the multipart envelope around it.
        .body_limit(MAX_DOCUMENT_BYTES + 1024 * 1024);
    let batch = Operations::default().operation::<__path_post_batch, _, _>(post_batch).body_limit(MAX_BATCH_BYTES);
    json.merge(documents).merge(batch)
}

/// Every route of `/api/v1`, to be nested under that prefix.
pub fn router(state: ApiState) -> Router {
    operations()
        .router
        .route("/openapi.json", get(openapi::serve))
        .fallback(problem::not_found_fallback)
        .method_not_allowed_fallback(problem::method_not_allowed_fallback)
        .with_state(state)
}
