//! Delivering the outbox. Messages are written to the `outbox` table in the
//! transaction of the change that causes them (`portalis_storage::outbox`);
//! the [`worker::Worker`] claims them, hands them to the [`mail::Mail`] or
//! [`sms::Sms`] channel, and records the outcome: sent, tried again later
//! (exponential backoff), or given up.
//!
//! Delivery is at least once: a worker that dies after the server accepted a
//! message but before recording it lets the lease run out and the message is
//! sent again, with the same identifier (e-mail `Message-ID`, SMS `tag`) so
//! that the receiving side can tell.

pub mod mail;
pub mod scheduler;
pub mod sms;
pub mod worker;

use thiserror::Error;

/// How a delivery failed.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// Worth trying again later (server down, timeout, 4xx SMTP, 5xx HTTP).
    #[error("temporary failure: {0}")]
    Temporary(String),
    /// Will never work (invalid address, refused by the provider).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// Runs `pass` every `every` until `stop` turns true (the outbox worker and
/// the scheduler).
pub async fn run_every<F, Fut, T, E>(
    every: std::time::Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
    what: &str,
    mut pass: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: std::fmt::Display,
{
    let mut tick = tokio::time::interval(every);
    loop {
        if *stop.borrow() {
            return;
        }
        tokio::select! {
            _ = tick.tick() => {
                if let Err(e) = pass().await {
                    tracing::error!(error = %e, "{what} pass failed");
                }
            }
            changed = stop.changed() => {
                if changed.is_err() {
                    return;
                }
            }
        }
    }
}
