//! Online filings: sending a draft to its court, with the avis électronique
//! de réception written to the outbox in the same transaction.

use crate::Context;
use portalis_core::filing::FilingNumber;
use portalis_core::french;
use portalis_core::messages::FilingReceived;
use portalis_storage::courts::Court;
use portalis_storage::filings::{self, Filing};
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::{StorageError, Tx, audit};

/// Sends the user's draft to `court`: its number, the status `envoyee`, the
/// avis de réception e-mailed to `recipient` and an audit entry, or
/// nothing at all. `None` when it was no longer a draft of his (sent by
/// an « Envoyer » pressed twice: the first sending stands alone), or no
/// longer the version that was checked (a step saved meanwhile).
///
/// # Errors
/// Database errors.
pub async fn send(
    tx: &mut Tx,
    ctx: Context<'_>,
    filing: &Filing,
    court: &Court,
    recipient: &str,
    filing_url: &str,
) -> Result<Option<Filing>, StorageError> {
    let number = FilingNumber::generate(ctx.random);
    let Some(sent) = filings::send(tx, filing.user_id, filing.id, &number, filing.updated_at, ctx.now).await? else {
        return Ok(None);
    };
    let receipt = FilingReceived {
        procedure: sent.procedure.label(),
        filing_number: &number.grouped(),
        court_name: &court.details.name,
        sent_at: &french::instant_in(ctx.now, court.details.time_zone),
        url: filing_url,
        basis: sent.procedure.receipt_basis(),
    };
    let message = NewMessage {
        channel: Channel::Email,
        recipient: recipient.to_owned(),
        subject: Some(receipt.subject()),
        body: receipt.body(),
        kind: "filing_received".into(),
        secret: None,
    };
    outbox::enqueue(tx, &message, ctx.now).await?;
    let actor = format!("user:{}", filing.user_id);
    let entry = audit::Entry {
        actor: &actor,
        action: "filing.sent",
        target: Some(number.as_str()),
        outcome: "ok",
        detail: Some(sent.procedure.code()),
        request_id: None,
    };
    audit::record(tx, &entry, ctx.now).await?;
    Ok(Some(sent))
}
