//! A court publishes its cases: cases, parties, events and documents,
//! created or replaced (`put`, idempotent), withdrawn, and a party's
//! identification number re-issued.

use crate::messages;
use crate::{Context, Origin};
use portalis_storage::attachments::{self, EndReason};
use portalis_storage::cases::{self, Case, CaseInput};
use portalis_storage::courts::Court;
use portalis_storage::documents::{self, Document, DocumentInput};
use portalis_storage::events::{self, Event, EventInput, Written};
use portalis_storage::parties::{self, Party, PartyInput};
use portalis_storage::{Outcome, StorageError, Tx, audit};

/// Records a court's change in the audit log, when its origin audits each
/// change (the API; an import is audited once by its caller).
async fn audit(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    action: &str,
    target: &str,
) -> Result<(), StorageError> {
    audit_with(tx, ctx, origin, court, action, target, None).await
}

async fn audit_with(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    action: &str,
    target: &str,
    detail: Option<&str>,
) -> Result<(), StorageError> {
    let Origin::Api { request_id } = origin else { return Ok(()) };
    let actor = format!("court:{}", court.details.code);
    let entry = audit::Entry { actor: &actor, action, target: Some(target), outcome: "ok", detail, request_id };
    audit::record(tx, &entry, ctx.now).await
}

/// Creates or replaces a case; a changed status is news for its parties.
///
/// # Errors
/// Database errors.
pub async fn case(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case_ref: &str,
    input: &CaseInput,
) -> Result<(Case, Outcome), StorageError> {
    let before = cases::find(tx, court.id, case_ref).await?;
    let (case, outcome) = cases::put(tx, court.id, case_ref, input, ctx.now).await?;
    if matches!(origin, Origin::Api { .. }) {
        messages::case_written(tx, before.as_ref(), &case, ctx.now).await?;
    }
    if outcome != Outcome::Unchanged {
        audit(tx, ctx, origin, court, "case.put", &format!("case:{case_ref}")).await?;
    }
    Ok((case, outcome))
}

/// Creates or replaces a party. A new party gets an identification number,
/// e-mailed to it; the court's record of its consent to electronic
/// communication, if given, is kept.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_arguments)]
pub async fn party(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    party_ref: &str,
    input: &PartyInput,
    consent_on: Option<chrono::NaiveDate>,
) -> Result<(Party, Outcome), StorageError> {
    let (party, outcome) = parties::put(tx, case.id, party_ref, input, ctx.random, ctx.now).await?;
    if let Some(on) = consent_on {
        portalis_storage::notices::record_court_consent(tx, party.id, on).await?;
    }
    if outcome == Outcome::Created {
        messages::identification_number(tx, court, case, &party, ctx.portal_url, false, ctx.now).await?;
    }
    if outcome != Outcome::Unchanged {
        audit(tx, ctx, origin, court, "party.put", &format!("case:{}/party:{party_ref}", case.case_ref)).await?;
    }
    Ok((party, outcome))
}

/// Issues a party a new identification number, e-mailed to it; the old one
/// stops working and the accounts attached with it lose the case.
///
/// # Errors
/// Database errors.
pub async fn reissue_number(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    party: &Party,
) -> Result<Party, StorageError> {
    let party = parties::reissue_number(tx, party.id, ctx.random, ctx.now).await?;
    messages::identification_number(tx, court, case, &party, ctx.portal_url, true, ctx.now).await?;
    let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
    audit(tx, ctx, origin, court, "party.number_reissued", &target).await?;
    Ok(party)
}

/// Withdraws a party: it leaves the case, its number stops working, its
/// attachments end.
///
/// # Errors
/// Database errors.
pub async fn withdraw_party(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    party: &Party,
) -> Result<(), StorageError> {
    parties::withdraw(tx, party.id, ctx.now).await?;
    let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
    audit(tx, ctx, origin, court, "party.withdraw", &target).await
}

/// Ends every attachment of a party's accounts (the court detaches them: a
/// number reached the wrong hands); the party keeps its number. Returns
/// the users who lost the case.
///
/// # Errors
/// Database errors.
pub async fn detach_accounts(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    party: &Party,
) -> Result<Vec<i64>, StorageError> {
    let users = attachments::end_for_party(tx, party.id, EndReason::DetachedByCourt, ctx.now).await?;
    let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
    let detail = match users.len() {
        1 => "1 account".to_owned(),
        n => format!("{n} accounts"),
    };
    audit_with(tx, ctx, origin, court, "party.detach", &target, Some(&detail)).await?;
    Ok(users)
}

/// Creates or replaces an event; a new, moved or cancelled hearing is news
/// for the case's parties.
///
/// # Errors
/// Database errors.
pub async fn event(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    event_ref: &str,
    input: &EventInput,
) -> Result<Written, StorageError> {
    let written = events::put(tx, case.id, event_ref, input, ctx.now).await?;
    if matches!(origin, Origin::Api { .. }) {
        messages::event_written(tx, case.id, &written, ctx.now).await?;
    }
    if written.outcome != Outcome::Unchanged {
        audit(tx, ctx, origin, court, "event.put", &format!("case:{}/event:{event_ref}", case.case_ref)).await?;
    }
    Ok(written)
}

/// Withdraws an event from the case.
///
/// # Errors
/// Database errors.
pub async fn withdraw_event(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    event: &Event,
) -> Result<(), StorageError> {
    events::withdraw(tx, event.id, ctx.now).await?;
    let target = format!("case:{}/event:{}", case.case_ref, event.event_ref);
    audit(tx, ctx, origin, court, "event.withdraw", &target).await
}

/// Creates or replaces a document (its file already stored). A new
/// publication sends the avis de mise à disposition to every addressee
/// attached to an account; a change may add addressees, who get theirs.
///
/// # Errors
/// Database errors.
pub async fn document(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    document_ref: &str,
    input: &DocumentInput,
) -> Result<documents::Put, StorageError> {
    let put = documents::put(tx, case.id, document_ref, input, ctx.now).await?;
    if put.outcome != Outcome::Unchanged {
        let at = if put.published { put.document.published_at } else { ctx.now };
        messages::avis(tx, court, case, &put.document, ctx.portal_url, at).await?;
        let target = format!("case:{}/document:{document_ref}", case.case_ref);
        audit(tx, ctx, origin, court, "document.put", &target).await?;
    }
    Ok(put)
}

/// Withdraws a document from the case.
///
/// # Errors
/// Database errors.
pub async fn withdraw_document(
    tx: &mut Tx,
    ctx: &Context<'_>,
    origin: Origin<'_>,
    court: &Court,
    case: &Case,
    document: &Document,
) -> Result<(), StorageError> {
    documents::withdraw(tx, document.id, ctx.now).await?;
    let target = format!("case:{}/document:{}", case.case_ref, document.document_ref);
    audit(tx, ctx, origin, court, "document.withdraw", &target).await
}
