//! Login and logout through FranceConnect.

pub mod callback;
pub mod logout;
pub mod start;

use crate::error::PageError;
use axum::extract::{FromRequest, Request};
use std::collections::HashMap;

/// Audit actors and outcomes are plain words; a helper keeps them alike.
pub(crate) async fn audit(
    state: &crate::WebState,
    actor: &str,
    action: &str,
    outcome: &str,
    detail: Option<&str>,
) -> Result<(), PageError> {
    let mut tx = state.db.begin().await?;
    portalis_storage::audit::record(
        &mut tx,
        &portalis_storage::audit::Entry { actor, action, target: None, outcome, detail, request_id: None },
        state.clock.now(),
    )
    .await?;
    portalis_storage::commit(tx).await?;
    Ok(())
}

/// A submitted form's fields; a body that cannot be read as a form is
/// refused like a form without its token.
pub struct PageForm(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequest<S> for PageForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        axum::Form::<HashMap<String, String>>::from_request(req, state)
            .await
            .map(|axum::Form(f)| PageForm(f))
            .map_err(|_| PageError::Forbidden)
    }
}
