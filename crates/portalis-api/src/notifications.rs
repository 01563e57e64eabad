//! Messages the court API causes, written to the outbox in the same
//! transaction as the change.

use portalis_core::messages::IdentificationEmail;
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
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
        case_number: &case.details.portalis_number,
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
    };
    outbox::enqueue(conn, &message, now).await?;
    Ok(())
}
