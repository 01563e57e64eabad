//! Login and logout through FranceConnect; `attempt.rs` keeps a login under
//! way for either realm (the console's sign-in uses it too).

pub mod attempt;
pub mod callback;
pub mod logout;
pub mod provider_end;
pub mod start;

use crate::error::PageError;

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
