//! What the court's console shows of a party beyond what the court
//! published: the accounts attached to it (and those that were), the avis
//! sent to it with the first consultation of each document (what the
//! court may need to prove a notification), and the messages about it
//! with their delivery.

use crate::batch::{Answers, Batch, Rows};
use crate::contact_changes::ContactChange;
use crate::error::StorageError;
use crate::notices::Consent;
use crate::read::Cells;
use crate::time::parse_instant;
use chrono::{DateTime, Utc};

/// An account attached to the party, now or before.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub user_id: i64,
    /// The FranceConnect identity's names, as last received.
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub attached_at: DateTime<Utc>,
    pub first_viewed_at: Option<DateTime<Utc>>,
    /// When and why it ended (`number_reissued`, `party_withdrawn`,
    /// `detached_by_court`); `None` while attached.
    pub ended: Option<(DateTime<Utc>, String)>,
}

fn instant_of(r: &dyn Cells, column: &str) -> Result<Option<DateTime<Utc>>, StorageError> {
    r.opt_text(column)?.as_deref().map(parse_instant).transpose()
}

fn account(r: &dyn Cells) -> Result<Account, StorageError> {
    let ended = match (instant_of(r, "ended_at")?, r.opt_text("reason")?) {
        (Some(at), Some(reason)) => Some((at, reason)),
        _ => None,
    };
    Ok(Account {
        user_id: r.int("user_id")?,
        given_name: r.opt_text("given_name")?,
        family_name: r.opt_text("family_name")?,
        attached_at: parse_instant(&r.text("attached_at")?)?,
        first_viewed_at: instant_of(r, "first_viewed_at")?,
        ended,
    })
}

const ACCOUNTS: &str = "SELECT a.user_id, u.given_name, u.family_name, a.attached_at, a.first_viewed_at,
                      NULL AS ended_at, NULL AS reason, 0 AS ord
               FROM attachments a JOIN users u ON u.id = a.user_id WHERE a.party_id = $1
               UNION ALL
               SELECT e.user_id, u.given_name, u.family_name, e.attached_at, e.first_viewed_at, e.ended_at, e.reason,
                      1 AS ord
               FROM ended_attachments e JOIN users u ON u.id = e.user_id WHERE e.party_id = $1
               ORDER BY ord, ended_at DESC
               LIMIT 50";

/// An avis de mise à disposition sent to the party.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvisSent {
    pub document_title: String,
    pub published_at: DateTime<Utc>,
    pub status: String,
    pub attempts: i64,
    pub sent_at: Option<DateTime<Utc>>,
    /// The party's first consultation of the document, whatever avis led
    /// to it.
    pub first_consulted_at: Option<DateTime<Utc>>,
}

const AVIS: &str = "SELECT d.title, n.published_at, o.status, o.attempts, o.sent_at, r.first_consulted_at
               FROM document_notices n JOIN documents d ON d.id = n.document_id JOIN outbox o ON o.id = n.outbox_id
               LEFT JOIN document_receipts r ON r.document_id = n.document_id AND r.party_id = n.party_id
               WHERE n.party_id = $1 ORDER BY n.id DESC LIMIT 100";

fn avis_sent(r: &dyn Cells) -> Result<AvisSent, StorageError> {
    Ok(AvisSent {
        document_title: r.text("title")?,
        published_at: parse_instant(&r.text("published_at")?)?,
        status: r.text("status")?,
        attempts: r.int("attempts")?,
        sent_at: instant_of(r, "sent_at")?,
        first_consulted_at: instant_of(r, "first_consulted_at")?,
    })
}

/// A message about the party, as the console lists it (never its body:
/// it may hold a number or a code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageSent {
    pub kind: String,
    pub channel: String,
    /// The address or number it went to.
    pub recipient: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const MESSAGES: &str = "SELECT kind, channel, recipient, status, attempts, created_at, sent_at FROM outbox
               WHERE party_id = $1 ORDER BY id DESC LIMIT 100";

fn message_sent(r: &dyn Cells) -> Result<MessageSent, StorageError> {
    Ok(MessageSent {
        kind: r.text("kind")?,
        channel: r.text("channel")?,
        recipient: r.text("recipient")?,
        status: r.text("status")?,
        attempts: r.int("attempts")?,
        created_at: parse_instant(&r.text("created_at")?)?,
        sent_at: instant_of(r, "sent_at")?,
    })
}

/// An action of the court's staff on the party, from the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAction {
    pub at: DateTime<Utc>,
    /// `agent:<address>`.
    pub actor: String,
    pub action: String,
}

/// The actions of the court's staff audited on the party, newest first:
/// under its console target, `court:<code>/case:<case_ref>/party:<party_ref>`
/// (`portalis_usecases::publish::console_target`), built here from the
/// party's row so that the whole record is one batch.
const ACTIONS: &str = "SELECT at, actor, action FROM audit_log
               WHERE target = (SELECT 'court:' || k.code || '/case:' || c.case_ref || '/party:' || p.party_ref
                               FROM parties p JOIN cases c ON c.id = p.case_id JOIN courts k ON k.id = c.court_id
                               WHERE p.id = $1)
                 AND outcome = 'ok' ORDER BY id DESC LIMIT 100";

fn staff_action(r: &dyn Cells) -> Result<StaffAction, StorageError> {
    Ok(StaffAction { at: parse_instant(&r.text("at")?)?, actor: r.text("actor")?, action: r.text("action")? })
}

/// What the console shows of a party beyond what the court published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The one attached first, then those that were, the latest ended
    /// first.
    pub accounts: Vec<Account>,
    /// The avis sent to it, newest first.
    pub avis: Vec<AvisSent>,
    /// The messages about it, newest first.
    pub messages: Vec<MessageSent>,
    pub consent: Option<Consent>,
    pub actions: Vec<StaffAction>,
    /// The latest change of its contact details at the console.
    pub contact_change: Option<ContactChange>,
}

/// The party's record, read in a batch.
pub struct RecordRows {
    accounts: Rows<Account>,
    avis: Rows<AvisSent>,
    messages: Rows<MessageSent>,
    consent: Rows<Option<Consent>>,
    actions: Rows<StaffAction>,
    contact_change: Rows<ContactChange>,
}

/// Adds the party's record to a batch.
pub fn record_in(batch: &mut Batch, party_id: i64) -> RecordRows {
    RecordRows {
        accounts: batch.add(ACCOUNTS, vec![party_id.into()], account),
        avis: batch.add(AVIS, vec![party_id.into()], avis_sent),
        messages: batch.add(MESSAGES, vec![party_id.into()], message_sent),
        consent: crate::notices::consent_in(batch, party_id),
        actions: batch.add(ACTIONS, vec![party_id.into()], staff_action),
        contact_change: crate::contact_changes::latest_in(batch, party_id),
    }
}

impl RecordRows {
    pub fn take(self, answers: &mut Answers) -> Record {
        Record {
            accounts: answers.take(self.accounts),
            avis: answers.take(self.avis),
            messages: answers.take(self.messages),
            consent: answers.take(self.consent).into_iter().flatten().next(),
            actions: answers.take(self.actions),
            contact_change: answers.take(self.contact_change).pop(),
        }
    }
}
