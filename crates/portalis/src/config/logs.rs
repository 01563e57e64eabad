//! What the portal logs, and how.

use super::ConfigError;
use super::sources::Raw;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct LogConfig {
    pub format: LogFormat,
    /// A `tracing` filter.
    pub filter: String,
}

impl LogConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        let format = match raw.log_format.as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_LOG_FORMAT",
                    reason: "expected text or json".into(),
                });
            }
        };
        Ok(Self { format, filter: raw.log.as_deref().unwrap_or("info").to_owned() })
    }
}
