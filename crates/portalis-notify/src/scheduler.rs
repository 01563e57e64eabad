//! Scheduled messages: case updates once their window has passed, and
//! hearing reminders a few days before. The schedule lives in the database
//! (`case_updates`, `hearing_reminders`), so it survives restarts and each
//! message is claimed by one process only; a window missed while the portal
//! was down is caught up, but never for a hearing already past.

use chrono::{DateTime, Duration, Timelike, Utc};
use portalis_core::clock::Clock;
use portalis_core::french;
use portalis_core::messages::{CaseUpdate, hearing_reminder_sms};
use portalis_core::realm::Realm;
use portalis_documents::DocumentStore;
use portalis_storage::filing_attachments;
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::{Db, StorageError, cases, courts, events, notices, parties};
use std::sync::Arc;

/// Reminders are sent between these local hours of the court.
pub const SEND_FROM_HOUR: u32 = 8;
pub const SEND_UNTIL_HOUR: u32 = 20;

/// How long what is only kept for a while is kept.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Litigants' sessions idle longer than this are deleted (the pages
    /// already refuse them).
    pub session_idle: Duration,
    /// And court agents' idle longer than this.
    pub staff_session_idle: Duration,
    /// Audit entries older than this are deleted.
    pub audit: Duration,
    /// Messages delivered or given up longer ago than this are deleted
    /// (the avis de mise à disposition are kept: their sending is part of
    /// a document's receipts).
    pub outbox: Duration,
    /// Sent filings are deleted, with their files, this long after the
    /// court's answer (or after they were sent, without one).
    pub filings: Duration,
}

/// How long a file queued for deletion is left before it is deleted: a
/// file being uploaded is queued a moment before it is recorded.
pub const FILE_DELETION_GRACE: Duration = Duration::hours(1);

/// How often housekeeping runs.
const HOUSEKEEPING_EVERY: Duration = Duration::hours(1);

#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    documents: DocumentStore,
    clock: Arc<dyn Clock>,
    portal_url: String,
    reminder_days: i64,
    retention: Retention,
    last_housekeeping: Arc<std::sync::Mutex<Option<DateTime<Utc>>>>,
}

/// What one pass queued.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub updates: usize,
    pub reminders: usize,
}

impl Scheduler {
    pub fn new(
        db: Db,
        documents: DocumentStore,
        clock: Arc<dyn Clock>,
        portal_url: impl Into<String>,
        reminder_days: i64,
        retention: Retention,
    ) -> Self {
        Self {
            db,
            documents,
            clock,
            portal_url: portal_url.into(),
            reminder_days,
            retention,
            last_housekeeping: Arc::default(),
        }
    }

    /// Deletes what is kept only for a while: expired sessions, abandoned
    /// logins, drafts past their 30 days, sent filings past their
    /// retention, old rate-limit events, audit
    /// entries and messages past their retention; then the stored files
    /// queued for deletion.
    /// At most once an hour per process.
    ///
    /// # Errors
    /// Database errors.
    pub async fn housekeeping(&self, now: DateTime<Utc>) -> Result<bool, StorageError> {
        {
            let mut last = self.last_housekeeping.lock().expect("housekeeping lock");
            if last.is_some_and(|t| now - t < HOUSEKEEPING_EVERY) {
                return Ok(false);
            }
            *last = Some(now);
        }
        let mut tx = self.db.begin().await?;
        for (realm, idle) in
            [(Realm::Litigant, self.retention.session_idle), (Realm::Staff, self.retention.staff_session_idle)]
        {
            portalis_storage::sessions::delete_expired(&mut tx, realm, now, now - idle).await?;
        }
        portalis_storage::login_attempts::delete_older_than(&mut tx, now - Duration::hours(1)).await?;
        portalis_storage::filings::forget_expired_drafts(&mut tx, now).await?;
        let forgotten =
            portalis_storage::filings::forget_past_retention(&mut tx, now - self.retention.filings, now).await?;
        if forgotten > 0 {
            tracing::info!(forgotten, "sent filings past their retention deleted");
        }
        portalis_storage::rate_events::forget_before(&mut tx, now - Duration::days(2)).await?;
        portalis_storage::audit::forget_before(&mut tx, now - self.retention.audit).await?;
        portalis_storage::commit(tx).await?;
        // The outbox may hold many: a thousand a transaction, so that the
        // write lock is never held long.
        loop {
            let mut tx = self.db.begin().await?;
            let forgotten = outbox::forget_some_before(&mut tx, now - self.retention.outbox).await?;
            portalis_storage::commit(tx).await?;
            if forgotten < outbox::FORGET_BATCH as u64 {
                break;
            }
        }
        self.delete_files(now).await?;
        Ok(true)
    }

    /// Deletes the stored files queued for deletion (a draft's attachments
    /// once it is deleted or expired, an attachment removed, an upload
    /// refused or abandoned), each forgotten once it is gone. A file the
    /// store refuses to delete is left queued, tried again at the next
    /// housekeeping, and does not hold the others back.
    ///
    /// # Errors
    /// Database errors.
    pub async fn delete_files(&self, now: DateTime<Utc>) -> Result<usize, StorageError> {
        const BATCH: i64 = 100;
        let (mut deleted, mut after) = (0, 0);
        loop {
            let due = {
                let mut conn = self.db.read().await?;
                filing_attachments::due_deletions(&mut conn, now - FILE_DELETION_GRACE, after, BATCH).await?
            };
            for d in &due {
                after = d.id;
                if let Err(e) = self.documents.delete(&d.storage_key).await {
                    tracing::warn!(error = %e, "cannot delete a stored file: tried again later");
                    continue;
                }
                let mut tx = self.db.begin().await?;
                filing_attachments::deleted(&mut tx, d.id).await?;
                portalis_storage::commit(tx).await?;
                deleted += 1;
            }
            if (due.len() as i64) < BATCH {
                return Ok(deleted);
            }
        }
    }

    /// Queues every message that is due.
    ///
    /// # Errors
    /// Database errors.
    pub async fn run_once(&self) -> Result<Pass, StorageError> {
        let now = self.clock.now();
        let pass = Pass { updates: self.updates(now).await?, reminders: self.reminders(now).await? };
        self.housekeeping(now).await?;
        // The change feed grows with every write: pruned at each pass.
        let mut tx = self.db.begin().await?;
        portalis_storage::changes::prune(&mut tx).await?;
        portalis_storage::commit(tx).await?;
        Ok(pass)
    }

    async fn updates(&self, now: DateTime<Utc>) -> Result<usize, StorageError> {
        let due = {
            let mut conn = self.db.read().await?;
            notices::due_updates(&mut conn, now).await?
        };
        let mut queued = 0;
        for (id, case_id, party_id, lines) in due {
            let mut tx = self.db.begin().await?;
            let Some(case) = cases::by_id(&mut tx, case_id).await? else { continue };
            let Some(court) = courts::by_id(&mut tx, case.court_id).await? else { continue };
            let Some(email) = parties::by_id(&mut tx, party_id).await?.details.email else {
                notices::claim_update(&mut tx, id, None).await?;
                portalis_storage::commit(tx).await?;
                continue;
            };
            let lines: Vec<String> = lines.lines().map(str::to_owned).collect();
            let mail = CaseUpdate {
                court_name: &court.details.name,
                case_number: case.details.portalis_number.as_str(),
                lines: &lines,
                portal_url: &self.portal_url,
            };
            let m = NewMessage {
                channel: Channel::Email,
                recipient: email,
                subject: Some(mail.subject()),
                body: mail.body(),
                kind: "case_update".into(),
                secret: None,
                party_id: Some(party_id),
            };
            let outbox_id = outbox::enqueue(&mut tx, &m, now).await?;
            if notices::claim_update(&mut tx, id, Some(outbox_id)).await? {
                portalis_storage::commit(tx).await?;
                queued += 1;
            }
        }
        Ok(queued)
    }

    async fn reminders(&self, now: DateTime<Utc>) -> Result<usize, StorageError> {
        let candidates = {
            let mut conn = self.db.read().await?;
            notices::hearings_between(&mut conn, now, now + Duration::days(self.reminder_days + 1)).await?
        };
        let mut queued = 0;
        for h in candidates {
            // Whether it is time, in the court's time zone, before any
            // transaction: most candidates of a pass wait for their day or
            // for a decent hour.
            let tz = h.time_zone;
            let local_now = now.with_timezone(&tz);
            let hearing_day = h.starts_at_utc.with_timezone(&tz).date_naive();
            let in_window = local_now.date_naive() >= hearing_day - Duration::days(self.reminder_days);
            let decent_hour = (SEND_FROM_HOUR..SEND_UNTIL_HOUR).contains(&local_now.hour());
            let Some(mobile) = h.recipient.mobile.clone() else { continue };
            if !in_window || !decent_hour {
                continue;
            }
            let mut tx = self.db.begin().await?;
            let Some(case) = cases::by_id(&mut tx, h.case_id).await? else { continue };
            let Some(court) = courts::by_id(&mut tx, case.court_id).await? else { continue };
            let Some(reminder) =
                notices::claim_reminder(&mut tx, h.event_id, h.recipient.party_id, h.starts_at_utc, now).await?
            else {
                continue;
            };
            let event = events::by_id(&mut tx, h.event_id).await?;
            let place = match &event.details.room {
                Some(r) => format!("{}, salle {r}", court.details.name),
                None => court.details.name.clone(),
            };
            let m = NewMessage {
                channel: Channel::Sms,
                recipient: mobile,
                subject: None,
                body: hearing_reminder_sms(&french::when(event.details.starts_at), &place),
                kind: "hearing_reminder".into(),
                secret: None,
                party_id: Some(h.recipient.party_id),
            };
            let outbox_id = outbox::enqueue(&mut tx, &m, now).await?;
            notices::set_reminder_outbox(&mut tx, reminder, outbox_id).await?;
            portalis_storage::commit(tx).await?;
            queued += 1;
        }
        Ok(queued)
    }

    /// Runs until `stop` turns true, a pass every `every`.
    pub async fn run(self, every: std::time::Duration, stop: tokio::sync::watch::Receiver<bool>) {
        crate::run_every(every, stop, "scheduler", || self.run_once()).await;
    }
}
