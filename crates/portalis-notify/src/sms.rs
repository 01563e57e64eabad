//! SMS: through Brevo's transactional SMS API (used by French public
//! services; its base URL is configurable, so tests run it against a local
//! stub), or kept in the development outbox.

use crate::DeliveryError;
use serde_json::json;

pub enum Sms {
    /// Demo only: the message stays in the outbox, shown at `/_dev/outbox`.
    DevOutbox,
    Brevo {
        http: reqwest::Client,
        base_url: String,
        api_key: String,
        sender: String,
    },
}

impl Sms {
    pub fn brevo(base_url: &str, api_key: &str, sender: &str) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Sms::Brevo {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
            sender: sender.to_owned(),
        })
    }

    /// Sends `text` to `to` (E.164). `reference` is sent as the message's
    /// tag, the same at every attempt.
    pub async fn send(&self, to: &str, text: &str, reference: &str) -> Result<Option<String>, DeliveryError> {
        let (http, base_url, api_key, sender) = match self {
            Sms::DevOutbox => return Ok(Some("dev-outbox".into())),
            Sms::Brevo { http, base_url, api_key, sender } => (http, base_url, api_key, sender),
        };
        let body = json!({
            "type": "transactional",
            "unicodeEnabled": true,
            "sender": sender,
            "recipient": to.trim_start_matches('+'),
            "content": text,
            "tag": reference,
        });
        let response = http
            .post(format!("{base_url}/v3/transactionalSMS/sms"))
            .header("api-key", api_key)
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .map_err(|e| DeliveryError::Temporary(format!("gateway unreachable: {e}")))?;
        let status = response.status();
        if status.is_success() {
            let answer: serde_json::Value = response.json().await.unwrap_or_default();
            return Ok(answer.get("messageId").map(|id| id.to_string()));
        }
        let detail = response.text().await.unwrap_or_default().chars().take(200).collect::<String>();
        if status.is_server_error() || status.as_u16() == 429 {
            Err(DeliveryError::Temporary(format!("gateway answered {status}: {detail}")))
        } else {
            Err(DeliveryError::Permanent(format!("gateway refused ({status}): {detail}")))
        }
    }
}
