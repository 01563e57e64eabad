//! Scheduled messages: case updates once their window has passed, and
//! hearing reminders a few days before. The schedule lives in the database
//! (`case_updates`, `hearing_reminders`), so it survives restarts and each
//! message is claimed by one process only; a window missed while the portal
//! was down is caught up, but never for a hearing already past.

use chrono::{DateTime, Duration, Utc};
use portalis_core::clock::Clock;
use portalis_core::french;
use portalis_core::messages::{CaseUpdate, hearing_reminder_sms};
use portalis_core::realm::Realm;
use portalis_core::reminder;
use portalis_documents::DocumentStore;
use portalis_storage::filing_attachments;
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::reminder_sweeps::{self, Swept};
use portalis_storage::{Db, StorageError, cases, courts, job_runs, notices, parties};
use std::sync::Arc;

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
const HOUSEKEEPING_JOB: &str = "housekeeping";

/// How often the hearings to come are swept for the reminders due: a
/// reminder goes a few days before, so a hearing fixed or a party attached
/// meanwhile is reminded at most this late. A sweep reads only the
/// hearings not swept yet at their time, those whose reminder fell due
/// since, and those of the cases where a party may have become one to
/// remind (`reminder_sweeps`): at 10,000,000 cases, reading every hearing
/// of the days ahead each time (323,874 in the four days ahead, and their
/// parties) lasted longer than this period.
pub const REMINDERS_EVERY: Duration = Duration::minutes(5);
const REMINDERS_JOB: &str = "hearing_reminders";
/// When a periodic job that failed is tried again.
pub const RETRY_AFTER: Duration = Duration::minutes(1);
/// Hearings read at once by a sweep, and reminders queued a transaction
/// (SQLite's writers wait meanwhile).
const HEARINGS_A_PAGE: i64 = 200;
const REMINDERS_A_TRANSACTION: usize = 50;

#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    documents: DocumentStore,
    clock: Arc<dyn Clock>,
    portal_url: String,
    reminder_days: i64,
    retention: Retention,
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
        Self { db, documents, clock, portal_url: portal_url.into(), reminder_days, retention }
    }

    /// Deletes what is kept only for a while: expired sessions, abandoned
    /// logins, drafts past their 30 days, sent filings past their
    /// retention, old rate-limit events, audit
    /// entries and messages past their retention; then the stored files
    /// queued for deletion.
    /// Once an hour, by one of the portal's processes.
    ///
    /// # Errors
    /// Database errors.
    pub async fn housekeeping(&self, now: DateTime<Utc>) -> Result<bool, StorageError> {
        let done = self.once_every(HOUSEKEEPING_JOB, HOUSEKEEPING_EVERY, now, || self.keep_house(now)).await?;
        Ok(done.is_some())
    }

    async fn keep_house(&self, now: DateTime<Utc>) -> Result<(), StorageError> {
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
        reminder_sweeps::forget_past(&mut tx, now).await?;
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
        Ok(())
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

    /// Queues every message that is due, keeps house when it is time and
    /// prunes the change feed. Each of these runs whatever the others do: one
    /// that fails (a row it cannot read, say) is logged and does not hold
    /// the others back.
    ///
    /// # Errors
    /// The first database error of the pass, once every part has run.
    pub async fn run_once(&self) -> Result<Pass, StorageError> {
        let now = self.clock.now();
        let updates = self.updates(now).await;
        let reminders = self.reminders(now).await;
        let housekeeping = self.housekeeping(now).await;
        // The change feed grows with every write: pruned at each pass.
        let pruned = self.prune_changes().await;
        // Each failed part is logged by name; the first error is returned.
        let parts = [
            ("updates", updates.as_ref().err()),
            ("reminders", reminders.as_ref().err()),
            ("housekeeping", housekeeping.as_ref().err()),
            ("changes", pruned.as_ref().err()),
        ];
        for (part, e) in parts.into_iter().filter_map(|(part, e)| Some((part, e?))) {
            tracing::error!(part, error = %e, "a part of the scheduler's pass failed");
        }
        let pass = Pass { updates: updates?, reminders: reminders? };
        housekeeping?;
        pruned?;
        Ok(pass)
    }

    async fn prune_changes(&self) -> Result<(), StorageError> {
        let mut tx = self.db.begin().await?;
        portalis_storage::changes::prune(&mut tx).await?;
        portalis_storage::commit(tx).await
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

    /// Sweeps the hearings to come for the reminders due, once every
    /// [`REMINDERS_EVERY`] for all the portal's processes: the hearings of
    /// the cases to recheck forgotten first, then the hearings to read a
    /// page at a time, the parties of those whose reminder is due read a
    /// page at a time too, their reminders queued a few to a transaction,
    /// and the page recorded as swept.
    async fn reminders(&self, now: DateTime<Utc>) -> Result<usize, StorageError> {
        let queued = self.once_every(REMINDERS_JOB, REMINDERS_EVERY, now, || self.sweep(now)).await?;
        Ok(queued.unwrap_or(0))
    }

    async fn sweep(&self, now: DateTime<Utc>) -> Result<usize, StorageError> {
        let started = std::time::Instant::now();
        let generation = {
            let mut tx = self.db.begin().await?;
            let generation = reminder_sweeps::begin(&mut tx, self.reminder_days).await?;
            portalis_storage::commit(tx).await?;
            generation
        };
        let mut rechecked = 0;
        loop {
            let mut tx = self.db.begin().await?;
            let forgotten = reminder_sweeps::forget_rechecked(&mut tx).await?;
            portalis_storage::commit(tx).await?;
            rechecked += forgotten;
            if forgotten < reminder_sweeps::RECHECKS_A_TRANSACTION {
                break;
            }
        }
        let until = reminder::latest_start(now, self.reminder_days);
        let (mut after, mut read, mut queued) = ((now, i64::MAX), 0, 0);
        loop {
            let (hearings, parties) = {
                let mut conn = self.db.read().await?;
                let hearings = notices::hearings_to_come(&mut conn, after, until, HEARINGS_A_PAGE, now).await?;
                let due: Vec<i64> = hearings
                    .iter()
                    .filter(|h| reminder::is_due(now, h.starts_at_utc, h.time_zone, self.reminder_days))
                    .map(|h| h.event_id)
                    .collect();
                let parties = if due.is_empty() { Vec::new() } else { notices::to_remind(&mut conn, &due).await? };
                (hearings, parties)
            };
            let mut refused = Vec::new();
            for some in parties.chunks(REMINDERS_A_TRANSACTION) {
                queued += self.queue_reminders(&hearings, some, now, &mut refused).await?;
            }
            read += hearings.len();
            if !self.record_swept(generation, &hearings, &refused, now).await? {
                tracing::info!(hearings = read, queued, "another sweep began: this one stops");
                break;
            }
            match hearings.last() {
                Some(last) if hearings.len() as i64 == HEARINGS_A_PAGE => after = (last.starts_at_utc, last.event_id),
                _ => break,
            }
        }
        let took_ms = started.elapsed().as_millis();
        tracing::info!(rechecked, hearings = read, queued, took_ms, "hearings swept for reminders");
        Ok(queued)
    }

    /// Records a page of hearings as swept: until their reminder falls due,
    /// or for good once due (every party to remind was reminded) or never
    /// due (begun before the next decent hour). A hearing with a reminder
    /// `refused` (the hearing or the party changed since they were read, or
    /// another process claimed it) is left to be read again. `false` when
    /// another sweep began since this one (`reminder_sweeps::record`).
    async fn record_swept(
        &self,
        generation: i64,
        hearings: &[notices::HearingToCome],
        refused: &[i64],
        now: DateTime<Utc>,
    ) -> Result<bool, StorageError> {
        let swept: Vec<Swept> = hearings
            .iter()
            .filter(|h| !refused.contains(&h.event_id))
            .map(|h| Swept {
                event_id: h.event_id,
                starts_at_utc: h.starts_at_utc,
                recheck_at: reminder::next_due(now, h.starts_at_utc, h.time_zone, self.reminder_days)
                    .filter(|at| *at > now),
            })
            .collect();
        let mut tx = self.db.begin().await?;
        let recorded = reminder_sweeps::record(&mut tx, generation, &swept).await?;
        portalis_storage::commit(tx).await?;
        Ok(recorded)
    }

    /// Queues the reminders of these parties in one transaction; a party
    /// reminded meanwhile, or whose hearing changed, is left out, and its
    /// hearing's id added to `refused`.
    async fn queue_reminders(
        &self,
        hearings: &[notices::HearingToCome],
        parties: &[notices::ToRemind],
        now: DateTime<Utc>,
        refused: &mut Vec<i64>,
    ) -> Result<usize, StorageError> {
        let mut tx = self.db.begin().await?;
        let mut queued = 0;
        for party in parties {
            let Some(hearing) = hearings.iter().find(|h| h.event_id == party.event_id) else { continue };
            let Some(reminder) = notices::claim_reminder(&mut tx, hearing, party, now).await? else {
                refused.push(hearing.event_id);
                continue;
            };
            let place = match &hearing.room {
                Some(r) => format!("{}, salle {r}", hearing.court_name),
                None => hearing.court_name.clone(),
            };
            let m = NewMessage {
                channel: Channel::Sms,
                recipient: party.mobile.clone(),
                subject: None,
                body: hearing_reminder_sms(&french::when(hearing.starts_at), &place),
                kind: "hearing_reminder".into(),
                secret: None,
                party_id: Some(party.party_id),
            };
            let outbox_id = outbox::enqueue(&mut tx, &m, now).await?;
            notices::set_reminder_outbox(&mut tx, reminder, outbox_id).await?;
            queued += 1;
        }
        portalis_storage::commit(tx).await?;
        Ok(queued)
    }

    /// Runs `job` if it is due at `now` and this process claims it
    /// (`job_runs`): its outcome, or `None` when it was not run. Whether it
    /// is due is read first, so that the passes in between write nothing.
    /// A run that fails is tried again [`RETRY_AFTER`] later rather than a
    /// period later (a job that keeps failing is thus tried once a minute).
    async fn once_every<T, F, Fut>(
        &self,
        job: &str,
        every: Duration,
        now: DateTime<Utc>,
        run: F,
    ) -> Result<Option<T>, StorageError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StorageError>>,
    {
        if !job_runs::due(&mut *self.db.read().await?, job, now, every).await? {
            return Ok(None);
        }
        let mut tx = self.db.begin().await?;
        let claimed = job_runs::claim(&mut tx, job, now, every).await?;
        portalis_storage::commit(tx).await?;
        if !claimed {
            return Ok(None);
        }
        match run().await {
            Ok(done) => Ok(Some(done)),
            Err(e) => {
                if let Err(again) = self.retry_soon(job, now, every).await {
                    tracing::warn!(job, error = %again, "cannot make a failed job due again soon");
                }
                Err(e)
            }
        }
    }

    async fn retry_soon(&self, job: &str, claimed_at: DateTime<Utc>, every: Duration) -> Result<(), StorageError> {
        let mut tx = self.db.begin().await?;
        job_runs::retry_after(&mut tx, job, claimed_at, every, RETRY_AFTER.min(every)).await?;
        portalis_storage::commit(tx).await
    }

    /// Runs until `stop` turns true, a pass every `every`.
    pub async fn run(self, every: std::time::Duration, stop: tokio::sync::watch::Receiver<bool>) {
        crate::run_every(every, stop, "scheduler", || self.run_once()).await;
    }
}
