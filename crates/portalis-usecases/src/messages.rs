//! Which messages a change causes, and to whom: written to the outbox (or
//! queued as an update line) in the change's transaction.

use portalis_core::event::{EventKind, EventStatus};
use portalis_core::french;
use portalis_core::messages::{Avis, IdentificationEmail};
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
use portalis_storage::documents::Document;
use portalis_storage::events::{Event, Written};
use portalis_storage::notices;
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::parties::Party;
use portalis_storage::{Conn, StorageError};

/// E-mails a party its identification number (the number's only channel),
/// if the court declared an address for it.
///
/// # Errors
/// Database errors.
pub async fn identification_number(
    conn: &mut Conn,
    court: &Court,
    case: &Case,
    party: &Party,
    portal_url: &str,
    reissued: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StorageError> {
    let Some(email) = &party.details.email else {
        tracing::info!(party = party.id, "no e-mail declared: the identification number is not sent");
        return Ok(());
    };
    let mail = IdentificationEmail {
        party_name: &party.display_name(),
        court_name: &court.details.name,
        case_number: case.details.portalis_number.as_str(),
        identification_number: &party.identification_number,
        portal_url,
        reissued,
    };
    let message = NewMessage {
        channel: Channel::Email,
        recipient: email.clone(),
        subject: Some(mail.subject()),
        body: mail.body(),
        kind: "identification_number".into(),
        secret: Some(party.identification_number.clone()),
        party_id: Some(party.id),
    };
    outbox::enqueue(conn, &message, now).await?;
    Ok(())
}

/// Changes within this long make one e-mail.
pub const UPDATE_WINDOW_MINUTES: i64 = 5;

/// The avis de mise à disposition of a document made available: to each
/// addressee attached to an account who has not had one for this
/// publication — all of them for a new publication, a party the court has
/// just added to the addressees otherwise. `at` is when it was made
/// available to them (the publication, or the change of addressees).
///
/// # Errors
/// Database errors.
pub async fn avis(
    conn: &mut Conn,
    court: &Court,
    case: &Case,
    doc: &Document,
    portal_url: &str,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<usize, StorageError> {
    let made_available = french::instant_in(at, court.details.time_zone);
    let mut sent = 0;
    for r in notices::attached_parties(conn, case.id).await? {
        let addressed = doc.details.addressee_ids.is_empty() || doc.details.addressee_ids.contains(&r.party_id);
        let Some(email) = r.email.as_deref().filter(|_| addressed) else { continue };
        if notices::notice_exists(conn, doc.id, r.party_id, doc.published_at).await? {
            continue;
        }
        let a = Avis {
            court_name: &court.details.name,
            case_number: case.details.portalis_number.as_str(),
            made_available: &made_available,
            portal_url,
        };
        let m = NewMessage {
            channel: Channel::Email,
            recipient: email.to_owned(),
            subject: Some(a.subject()),
            body: a.body(),
            kind: "avis".into(),
            secret: None,
            party_id: Some(r.party_id),
        };
        let outbox_id = outbox::enqueue(conn, &m, at).await?;
        notices::add_notice(conn, doc.id, r.party_id, doc.published_at, outbox_id).await?;
        sent += 1;
    }
    Ok(sent)
}

/// What changed in an event, as a litigant reads it; `None` when nothing
/// worth telling changed.
pub fn event_change(before: Option<&Event>, after: &Event) -> Option<String> {
    let kind = after.details.kind;
    let when = french::when(after.details.starts_at);
    let hearing = matches!(kind, EventKind::Audience | EventKind::Expertise | EventKind::Renvoi);
    let label = kind.label();
    match before {
        _ if after.details.status == EventStatus::Annule
            && before.is_none_or(|b| b.details.status != EventStatus::Annule) =>
        {
            Some(format!("{label} annulée : {when}"))
        }
        None => match kind {
            _ if hearing => Some(format!("{label} fixée au {when}")),
            EventKind::Decision => {
                Some(format!("Décision rendue le {}", french::long_date(after.details.starts_at.date())))
            }
            EventKind::Cloture => Some("Clôture du dossier".into()),
            _ => None,
        },
        Some(b) if hearing && b.details.starts_at != after.details.starts_at => {
            Some(format!("{label} déplacée au {when} (au lieu du {})", french::when(b.details.starts_at)))
        }
        Some(b) if hearing && b.details.room != after.details.room => Some(format!(
            "{label} du {when} : changement de salle ({})",
            after.details.room.as_deref().unwrap_or("à préciser")
        )),
        _ => None,
    }
}

/// Queues the line an event's write calls for, if any (see
/// [`event_change`]), for the case's attached parties.
///
/// # Errors
/// Database errors.
pub async fn event_written(
    conn: &mut Conn,
    case_id: i64,
    written: &Written,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StorageError> {
    match event_change(written.replaced.as_ref(), &written.event) {
        Some(line) => case_update(conn, case_id, &line, now).await,
        None => Ok(()),
    }
}

/// Queues the line of a case whose status changed, if it did.
///
/// # Errors
/// Database errors.
pub async fn case_written(
    conn: &mut Conn,
    before: Option<&Case>,
    after: &Case,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StorageError> {
    match before.filter(|b| b.details.status != after.details.status) {
        Some(b) => {
            let line = format!(
                "Statut du dossier : {} (auparavant : {})",
                after.details.status.label(),
                b.details.status.label()
            );
            case_update(conn, after.id, &line, now).await
        }
        None => Ok(()),
    }
}

/// Queues a line for the next update e-mail of each attached party that
/// wants them.
///
/// # Errors
/// Database errors.
pub async fn case_update(
    conn: &mut Conn,
    case_id: i64,
    line: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StorageError> {
    let due = now + chrono::Duration::minutes(UPDATE_WINDOW_MINUTES);
    for r in notices::attached_parties(conn, case_id).await? {
        if r.updates_by_email && r.email.is_some() {
            notices::add_update_line(conn, case_id, r.party_id, line, now, due).await?;
        }
    }
    Ok(())
}
