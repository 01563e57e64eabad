//! The outbox worker: claims due messages, delivers them, records what
//! happened. Several processes may run it at once.

use crate::DeliveryError;
use crate::mail::Mail;
use crate::sms::Sms;
use chrono::{DateTime, Duration, Utc};
use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_storage::outbox::{self, Channel, Message};
use portalis_storage::{Db, StorageError};
use std::sync::Arc;

/// How long a claimed message is reserved for the worker that claimed it.
pub const LEASE: Duration = Duration::minutes(5);
/// Attempts before a message is given up.
pub const MAX_ATTEMPTS: i64 = 10;
/// Messages claimed at once.
const BATCH: i64 = 20;

/// When to try again after `attempts` failed attempts: 30 s, 1 min, 2 min…
/// up to an hour; `None` when it is time to give up.
pub fn retry_at(now: DateTime<Utc>, attempts: i64) -> Option<DateTime<Utc>> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let exp = attempts.clamp(1, 12) - 1;
    let delay = Duration::seconds(30 * (1_i64 << exp)).min(Duration::hours(1));
    Some(now + delay)
}

pub struct Delivery {
    pub mail: Mail,
    pub sms: Sms,
}

impl Delivery {
    /// The development outbox is where the demo's codes and numbers are
    /// read: its messages keep them.
    fn keeps_secrets(&self) -> bool {
        matches!((&self.mail, &self.sms), (Mail::DevOutbox, Sms::DevOutbox))
    }
}

#[derive(Clone)]
pub struct Worker {
    db: Db,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
    delivery: Arc<Delivery>,
}

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

impl Worker {
    pub fn new(db: Db, clock: Arc<dyn Clock>, random: Arc<dyn RandomSource>, delivery: Delivery) -> Self {
        Self { db, clock, random, delivery: Arc::new(delivery) }
    }

    /// Delivers every message that is due now.
    ///
    /// # Errors
    /// Database errors.
    pub async fn run_once(&self) -> Result<Pass, StorageError> {
        let mut pass = Pass::default();
        loop {
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            let claimed = outbox::claim_due(&mut tx, self.db.backend(), now, now + LEASE, BATCH).await?;
            // Each message's identifier for mail systems and the gateway:
            // drawn at its first claim, kept for every later attempt.
            let mut references = Vec::with_capacity(claimed.len());
            for m in &claimed {
                references.push(match &m.reference {
                    Some(r) => r.clone(),
                    None => outbox::reference(&mut tx, m.id, &format!("portalis-{}", self.random.hex(16))).await?,
                });
            }
            portalis_storage::commit(tx).await?;
            if claimed.is_empty() {
                return Ok(pass);
            }
            for (m, reference) in claimed.iter().zip(&references) {
                self.deliver(m, reference, &mut pass).await?;
            }
        }
    }

    async fn deliver(&self, m: &Message, reference: &str, pass: &mut Pass) -> Result<(), StorageError> {
        let result = match m.message.channel {
            Channel::Email => {
                self.delivery
                    .mail
                    .send(&m.message.recipient, m.message.subject.as_deref().unwrap_or(""), &m.message.body, reference)
                    .await
            }
            Channel::Sms => self.delivery.sms.send(&m.message.recipient, &m.message.body, reference).await,
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        match result {
            Ok(provider_id) => {
                outbox::mark_sent(&mut tx, m.id, provider_id.as_deref(), now).await?;
                if !self.delivery.keeps_secrets() {
                    outbox::forget_secret(&mut tx, m.id).await?;
                }
                pass.sent += 1;
            }
            Err(e) => {
                let retry = match &e {
                    DeliveryError::Temporary(_) => retry_at(now, m.attempts),
                    DeliveryError::Permanent(_) => None,
                };
                // A gateway's or server's answer may quote the message.
                let error = match &m.message.secret {
                    Some(secret) => e.to_string().replace(secret.as_str(), outbox::MASK),
                    None => e.to_string(),
                };
                tracing::warn!(id = m.id, channel = m.message.channel.code(), attempts = m.attempts, %error, "delivery failed");
                outbox::mark_attempt_failed(&mut tx, m.id, &error, retry).await?;
                if retry.is_some() {
                    pass.retried += 1;
                } else {
                    outbox::forget_secret(&mut tx, m.id).await?;
                    pass.failed += 1;
                }
            }
        }
        portalis_storage::commit(tx).await
    }

    /// Runs until `stop` turns true, a pass every `every`.
    pub async fn run(self, every: std::time::Duration, stop: tokio::sync::watch::Receiver<bool>) {
        crate::run_every(every, stop, "outbox worker", || self.run_once()).await;
    }
}
