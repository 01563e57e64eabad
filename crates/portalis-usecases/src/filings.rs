//! Online filings: sending a draft to its court, with the avis électronique
//! de réception written to the outbox in the same transaction; the court's
//! answer (registered under a case and party, which the filer then
//! follows, or refused with its reason), told to the filer the same way.

use crate::{Context, Origin};
use portalis_core::filing::{FilingNumber, FilingStatus, party_is_the_filer};
use portalis_core::french;
use portalis_core::messages::{FilingCaseToAttach, FilingReceived, FilingRefused, FilingRegistered, FollowedBy};
use portalis_storage::courts::Court;
use portalis_storage::filings::{self, Filing};
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::parties::{self, Party};
use portalis_storage::{StorageError, Tx, attachments, audit, cases};

/// Sends the user's draft to `court`: its number, the status `envoyee`, the
/// filer's identity as FranceConnect gives it now (`filer`), the avis de
/// réception e-mailed to `recipient` and an audit entry, or
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
    filer: &portalis_storage::users::Claims,
    filing_url: &str,
) -> Result<Option<Filing>, StorageError> {
    let number = FilingNumber::generate(ctx.random);
    let sending = filings::Sending { number: &number, contact_email: recipient, filer, seen: filing.updated_at };
    let Some(sent) = filings::send(tx, filing.user_id, filing.id, &sending, ctx.now).await? else {
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
        party_id: None,
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

/// A filing's page in the litigant's space (`portalis_web`'s
/// `/mes-demarches/{public_id}`), for the messages that point to it.
pub fn page_url(portal_url: &str, filing: &Filing) -> String {
    format!("{portal_url}/mes-demarches/{}", filing.public_id)
}

/// What the court's answer did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    /// Recorded now, the filer told.
    Done(Filing),
    /// The same answer was given before: nothing changes.
    Already(Filing),
    /// Another answer was given before: nothing changes.
    Conflict(Filing),
}

/// The court registers a sent filing under the case and party it opened:
/// status `enregistree`; the filer is attached to that party at once when
/// the court published it already (else when it does,
/// [`attach_registered_filers`]) and it bears his name, told by e-mail how
/// he follows the case, and it is audited. The same registration again
/// changes nothing.
///
/// # Errors
/// Database errors.
pub async fn register(
    tx: &mut Tx,
    ctx: Context<'_>,
    court: &Court,
    filing: &Filing,
    case_ref: &str,
    party_ref: &str,
    origin: Origin<'_>,
) -> Result<Answered, StorageError> {
    let same = |f: &Filing| f.case_ref.as_deref() == Some(case_ref) && f.party_ref.as_deref() == Some(party_ref);
    // Locks in one order everywhere — the filing, the party's slot, the
    // party — so that an answer, a case opened for it and the party's
    // publication wait for each other rather than deadlock. The slot is
    // held before the party is read, as its publication holds it before it
    // reads the registrations: one of the two sees the other.
    filings::lock(tx, filing.id).await?;
    filings::lock_party_slot(tx, court.id, case_ref, party_ref).await?;
    let Some(registered) = filings::register(tx, filing.id, case_ref, party_ref, ctx.now).await? else {
        let now = current(tx, court, filing).await?;
        return Ok(if now.status == FilingStatus::Enregistree && same(&now) {
            Answered::Already(now)
        } else {
            Answered::Conflict(now)
        });
    };
    let case = cases::find(tx, court.id, case_ref).await?;
    let party = match &case {
        Some(case) => parties::find(tx, case.id, party_ref).await?,
        None => None,
    };
    let followed_by = match &party {
        Some(party) => match attach_filer(tx, ctx, &registered, party).await? {
            true => FollowedBy::Attached,
            false => FollowedBy::IdentificationNumber,
        },
        None => FollowedBy::WhenPublished,
    };
    let number = registered.filing_number.as_ref().map(FilingNumber::grouped).unwrap_or_default();
    let message = FilingRegistered {
        procedure: registered.procedure.label(),
        filing_number: &number,
        court_name: &court.details.name,
        rg_number: case.as_ref().and_then(|c| c.details.rg_number.as_deref()),
        followed_by,
        url: &match followed_by {
            FollowedBy::IdentificationNumber => format!("{}/mon-espace/ajouter", ctx.portal_url),
            _ => format!("{}/mon-espace", ctx.portal_url),
        },
    };
    tell(tx, ctx, &registered, message.subject(), message.body(), "filing_registered").await?;
    let detail = format!("case:{case_ref}/party:{party_ref}; {followed_by:?}");
    audit_answer(tx, ctx, court, &registered, "filing.registered", &detail, origin).await?;
    Ok(Answered::Done(registered))
}

/// The court refuses a sent filing, saying why: status `refusee`, the filer
/// told by e-mail with the reason, audited. The same refusal again changes
/// nothing.
///
/// # Errors
/// Database errors.
pub async fn refuse(
    tx: &mut Tx,
    ctx: Context<'_>,
    court: &Court,
    filing: &Filing,
    reason: &str,
    origin: Origin<'_>,
) -> Result<Answered, StorageError> {
    let Some(refused) = filings::refuse(tx, filing.id, reason, ctx.now).await? else {
        let now = current(tx, court, filing).await?;
        return Ok(if now.status == FilingStatus::Refusee && now.refusal_reason.as_deref() == Some(reason) {
            Answered::Already(now)
        } else {
            Answered::Conflict(now)
        });
    };
    let number = refused.filing_number.as_ref().map(FilingNumber::grouped).unwrap_or_default();
    let message = FilingRefused {
        procedure: refused.procedure.label(),
        filing_number: &number,
        court_name: &court.details.name,
        reason,
        url: &page_url(ctx.portal_url, &refused),
    };
    tell(tx, ctx, &refused, message.subject(), message.body(), "filing_refused").await?;
    audit_answer(tx, ctx, court, &refused, "filing.refused", "", origin).await?;
    Ok(Answered::Done(refused))
}

/// A party the court publishes (or corrects) is followed at once by the
/// filers of the filings registered under it (a registration may come
/// before the party). When it is `new` and one of them cannot be attached,
/// he is told to attach with the identification number, as the
/// registration's e-mail promised he would find the case. The caller holds
/// the party's slot (`filings::lock_party_slot`, taken by
/// `Publisher::party` before it reads the party): a registration made
/// meanwhile is seen.
///
/// # Errors
/// Database errors.
pub async fn attach_registered_filers(
    tx: &mut Tx,
    ctx: Context<'_>,
    court: &Court,
    case: &cases::Case,
    party: &Party,
    new: bool,
) -> Result<(), StorageError> {
    for filing in filings::registered_for_party(tx, court.id, &case.case_ref, &party.party_ref).await? {
        if !attach_filer(tx, ctx, &filing, party).await? && new {
            let number = filing.filing_number.as_ref().map(FilingNumber::grouped).unwrap_or_default();
            let message = FilingCaseToAttach {
                procedure: filing.procedure.label(),
                filing_number: &number,
                court_name: &court.details.name,
                url: &format!("{}/mon-espace/ajouter", ctx.portal_url),
            };
            tell(tx, ctx, &filing, message.subject(), message.body(), "filing_case_to_attach").await?;
        }
    }
    Ok(())
}

/// Attaches the filer to the party, when it bears his name
/// (`party_is_the_filer`), is not withdrawn and no one else follows it;
/// whether he follows it now. Otherwise he attaches with the
/// identification number the court sends him, as any party.
async fn attach_filer(tx: &mut Tx, ctx: Context<'_>, filing: &Filing, party: &Party) -> Result<bool, StorageError> {
    let names = [filing.filer.family_name.as_deref(), filing.filer.preferred_username.as_deref()];
    if party.withdrawn_at.is_some() || !party_is_the_filer(party.details.family_name.as_deref(), &names) {
        return Ok(false);
    }
    parties::lock(tx, party.id).await?;
    match attachments::owner(tx, party.id).await? {
        Some(owner) => Ok(owner == filing.user_id),
        None => attachments::create(tx, filing.user_id, party.id, ctx.now).await.map(|()| true),
    }
}

/// The filing as it stands now (after an answer raced this one).
async fn current(tx: &mut Tx, court: &Court, filing: &Filing) -> Result<Filing, StorageError> {
    let number =
        filing.filing_number.as_ref().ok_or_else(|| StorageError::Corrupt("a sent filing without number".into()))?;
    filings::by_number(tx, court.id, number)
        .await?
        .ok_or_else(|| StorageError::Corrupt("a court's filing vanished within its answer".into()))
}

async fn tell(
    tx: &mut Tx,
    ctx: Context<'_>,
    filing: &Filing,
    subject: String,
    body: String,
    kind: &str,
) -> Result<(), StorageError> {
    let Some(recipient) = filing.contact_email.clone().filter(|e| !e.is_empty()) else { return Ok(()) };
    let message = NewMessage {
        channel: Channel::Email,
        recipient,
        subject: Some(subject),
        body,
        kind: kind.into(),
        secret: None,
        party_id: None,
    };
    outbox::enqueue(tx, &message, ctx.now).await?;
    Ok(())
}

async fn audit_answer(
    tx: &mut Tx,
    ctx: Context<'_>,
    court: &Court,
    filing: &Filing,
    action: &str,
    detail: &str,
    origin: Origin<'_>,
) -> Result<(), StorageError> {
    // The court's system, or one of its agents at the console.
    let (actor, request_id) = match origin {
        Origin::Console { agent, request_id } => (format!("agent:{agent}"), request_id),
        Origin::Api { request_id } => (format!("court:{}", court.details.code), request_id),
        Origin::Import => (format!("court:{}", court.details.code), None),
    };
    let number = filing.filing_number.as_ref().map(FilingNumber::as_str).unwrap_or_default();
    let entry = audit::Entry {
        actor: &actor,
        action,
        target: Some(number),
        outcome: "ok",
        detail: (!detail.is_empty()).then_some(detail),
        request_id,
    };
    audit::record(tx, &entry, ctx.now).await
}
