//! Each operation of the API declared once: its handler, and the type its
//! `#[utoipa::path]` annotation generates (`__path_<handler>`), which says
//! its method, its path and its documentation. [`Operations`] adds both to
//! the router and to the OpenAPI document, so that the two cannot differ.

use crate::ApiState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::MethodFilter;
use utoipa::openapi::path::{HttpMethod, Paths};
use utoipa::openapi::{RefOr, Schema};

/// Where the API is mounted; the annotations' paths start with it.
pub const PREFIX: &str = "/api/v1";

/// Routes and their documentation, built together.
#[derive(Default)]
pub struct Operations {
    pub router: Router<ApiState>,
    pub paths: Paths,
    pub schemas: Vec<(String, RefOr<Schema>)>,
}

impl Operations {
    /// Adds the operation `P` documents, served by `handler`.
    ///
    /// # Panics
    /// When the annotation's path is not under [`PREFIX`] or names no
    /// method: a mistake in the code, caught by any test that builds the
    /// router.
    #[must_use]
    pub fn operation<P, H, T>(mut self, handler: H) -> Self
    where
        P: utoipa::Path + utoipa::__dev::SchemaReferences + utoipa::__dev::Tags<'static>,
        H: Handler<T, ApiState>,
        T: 'static,
    {
        let path = P::path();
        let local = path.strip_prefix(PREFIX).unwrap_or_else(|| panic!("{path} is not under {PREFIX}"));
        let methods = P::methods();
        let filter =
            methods.iter().map(filter_of).reduce(MethodFilter::or).unwrap_or_else(|| panic!("{path}: no method"));
        self.router = self.router.route(local, axum::routing::on(filter, handler));
        let mut operation = P::operation();
        let tags = operation.tags.get_or_insert_with(Vec::new);
        tags.extend(<P as utoipa::__dev::Tags>::tags().into_iter().map(str::to_owned));
        self.paths.add_path_operation(&path, methods, operation);
        P::schemas(&mut self.schemas);
        self
    }

    /// The operations of `other`, behind its own layers, with these.
    #[must_use]
    pub fn merge(mut self, other: Operations) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.merge(other.paths);
        self.schemas.extend(other.schemas);
        self
    }

    /// Bounds the bodies of the routes added so far.
    #[must_use]
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.router = self.router.layer(axum::extract::DefaultBodyLimit::max(bytes));
        self
    }
}

fn filter_of(method: &HttpMethod) -> MethodFilter {
    match method {
        HttpMethod::Get => MethodFilter::GET,
        HttpMethod::Post => MethodFilter::POST,
        HttpMethod::Put => MethodFilter::PUT,
        HttpMethod::Delete => MethodFilter::DELETE,
        HttpMethod::Options => MethodFilter::OPTIONS,
        HttpMethod::Head => MethodFilter::HEAD,
        HttpMethod::Patch => MethodFilter::PATCH,
        HttpMethod::Trace => MethodFilter::TRACE,
    }
}
