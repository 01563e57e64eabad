//! E-mail: by SMTP (`lettre`; `smtp://` with optional STARTTLS, `smtps://`),
//! or kept in the development outbox.

use crate::DeliveryError;
use lettre::message::Mailbox;
use lettre::message::header::{ContentType, MIME_VERSION_1_0};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub enum Mail {
    /// Demo only: the message stays in the outbox, shown at `/_dev/outbox`.
    DevOutbox,
    Smtp {
        transport: Box<AsyncSmtpTransport<Tokio1Executor>>,
        from: Mailbox,
    },
}

impl Mail {
    /// An SMTP sender. `url` is `smtp://host:port` (`?tls=required` for
    /// STARTTLS, `?tls=opportunistic`), or `smtps://host:port` for TLS from the
    /// start; credentials go in the URL's user and password.
    ///
    /// # Errors
    /// A URL or sender address that does not parse.
    pub fn smtp(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("PORTALIS_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        let from: Mailbox = from.parse().map_err(|e| format!("PORTALIS_MAIL_FROM: {e}"))?;
        Ok(Mail::Smtp { transport: Box::new(transport), from })
    }

    /// Sends one message. `reference` makes its `Message-ID` (with the
    /// sender's domain), the same at every attempt.
    pub async fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
        reference: &str,
    ) -> Result<Option<String>, DeliveryError> {
        let (transport, from) = match self {
            Mail::DevOutbox => return Ok(Some("dev-outbox".into())),
            Mail::Smtp { transport, from } => (transport, from),
        };
        let to: Mailbox = to.parse().map_err(|e| DeliveryError::Permanent(format!("recipient: {e}")))?;
        let domain = from.email.domain().to_owned();
        let message_id = format!("<{reference}@{domain}>");
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(message_id.clone()))
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| DeliveryError::Permanent(format!("message: {e}")))?;
        match transport.send(message).await {
            Ok(_) => Ok(Some(message_id)),
            Err(e) if e.is_permanent() => Err(DeliveryError::Permanent(e.to_string())),
            Err(e) => Err(DeliveryError::Temporary(e.to_string())),
        }
    }
}
