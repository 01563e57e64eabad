//! How messages leave the portal, when reminders go, how long what was
//! sent is kept.

use super::sources::{Raw, whole_number};
use super::{ConfigError, Mode, Secret};

/// How e-mail and SMS leave the portal.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// Kept in the outbox, shown at `/_dev/outbox` (the demo; elsewhere only
    /// when `PORTALIS_DELIVERY=outbox` says so).
    DevOutbox,
    Real {
        /// May carry credentials: a secret.
        smtp_url: Secret,
        mail_from: String,
        sms_api_url: String,
        sms_api_key: Secret,
        sms_sender: String,
    },
}

impl Delivery {
    pub(super) fn read(raw: &Raw, mode: Mode) -> Result<Self, ConfigError> {
        match (raw.delivery.as_deref(), mode) {
            (Some("outbox"), _) | (None, Mode::Demo | Mode::Tool) => Ok(Delivery::DevOutbox),
            (Some("real") | None, _) => {
                let smtp_url = raw.smtp_url.as_deref().ok_or(ConfigError::Missing("PORTALIS_SMTP_URL"))?;
                if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
                    return Err(ConfigError::Invalid {
                        name: "PORTALIS_SMTP_URL",
                        reason: "expected smtp://… or smtps://…".into(),
                    });
                }
                let mail_from = raw.mail_from.as_deref().ok_or(ConfigError::Missing("PORTALIS_MAIL_FROM"))?;
                let sms_api_key = raw.sms_api_key.as_deref().ok_or(ConfigError::Missing("PORTALIS_SMS_API_KEY"))?;
                Ok(Delivery::Real {
                    smtp_url: Secret::new(smtp_url),
                    mail_from: mail_from.to_owned(),
                    sms_api_url: raw.sms_api_url.as_deref().unwrap_or("https://api.brevo.com").to_owned(),
                    sms_api_key: Secret::new(sms_api_key),
                    sms_sender: raw.sms_sender.as_deref().unwrap_or("Justice").to_owned(),
                })
            }
            (Some(_), _) => {
                Err(ConfigError::Invalid { name: "PORTALIS_DELIVERY", reason: "expected real or outbox".into() })
            }
        }
    }
}

/// How long a sent filing is kept by default: the procedure and 5 years
/// (issue 18). The portal does not know when a procedure ends; a court
/// answers within weeks and a first-instance procedure lasts about two
/// years, so 7 years after the answer.
pub const FILING_RETENTION_DAYS: i64 = 7 * 365 + 2;

/// What the scheduler sends by itself and keeps.
#[derive(Debug, Clone, Copy)]
pub struct ScheduleConfig {
    /// Days before a hearing its reminder SMS is sent.
    pub reminder_days: i64,
    /// Days the audit log is kept.
    pub audit_retention_days: i64,
    /// Days a message delivered or given up is kept in the outbox.
    pub outbox_retention_days: i64,
    /// Days a sent filing is kept after the court's answer (or, without
    /// one, after it was sent).
    pub filing_retention_days: i64,
}

impl ScheduleConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        Ok(Self {
            reminder_days: whole_number(raw.reminder_days.as_deref(), "PORTALIS_REMINDER_DAYS", 3, 30)?,
            audit_retention_days: whole_number(
                raw.audit_retention_days.as_deref(),
                "PORTALIS_AUDIT_RETENTION_DAYS",
                365,
                3650,
            )?,
            outbox_retention_days: whole_number(
                raw.outbox_retention_days.as_deref(),
                "PORTALIS_OUTBOX_RETENTION_DAYS",
                30,
                3650,
            )?,
            filing_retention_days: whole_number(
                raw.filing_retention_days.as_deref(),
                "PORTALIS_FILING_RETENTION_DAYS",
                FILING_RETENTION_DAYS,
                36_500,
            )?,
        })
    }
}
