//! Where settings come from: an optional TOML file (`--config`) and the
//! `PORTALIS_*` environment variables (which win). Both are read into
//! [`Raw`], whose fields are every setting the portal knows: an unknown
//! key — a typo in the file or in the environment — stops the process with
//! its name, rather than leaving a setting silently at its default.

use super::ConfigError;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Variables of the project's own scripts, which share the prefix but are
/// not settings of the portal.
const TOOL_VARIABLES: &[&str] =
    &["PORTALIS_TEST_", "PORTALIS_BENCH_", "PORTALIS_FUZZ_", "PORTALIS_BIN", "PORTALIS_URL"];

/// The raw settings: names as in the environment (`PORTALIS_LISTEN`).
#[derive(Debug, Default, Clone)]
pub struct Sources(BTreeMap<String, String>);

impl Sources {
    /// The TOML file (keys without the prefix, lower case: `listen = "…"`),
    /// then the environment on top.
    ///
    /// # Errors
    /// The file cannot be read or is not TOML.
    pub fn load(file: Option<&Path>, env: impl Iterator<Item = (String, String)>) -> Result<Self, ConfigError> {
        let mut map = BTreeMap::new();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| ConfigError::File { path: path.display().to_string(), reason: e.to_string() })?;
            let table: toml::Table = text.parse().map_err(|e: toml::de::Error| ConfigError::File {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            for (k, v) in table {
                let value = match v {
                    toml::Value::String(s) => s,
                    other => other.to_string(),
                };
                map.insert(format!("PORTALIS_{}", k.to_uppercase()), value);
            }
        }
        for (k, v) in env {
            if k.starts_with("PORTALIS_") && !TOOL_VARIABLES.iter().any(|t| k.starts_with(t)) {
                map.insert(k, v);
            }
        }
        Ok(Self(map))
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.0.insert(name.to_owned(), value.into());
    }

    /// Whether a setting was given (file or environment).
    pub fn has(&self, name: &str) -> bool {
        self.0.get(name).is_some_and(|v| !v.trim().is_empty())
    }

    /// The settings as the portal knows them; an unknown one is refused.
    ///
    /// # Errors
    /// [`ConfigError::Unknown`], naming it.
    pub(super) fn raw(&self) -> Result<Raw, ConfigError> {
        let mut object = serde_json::Map::new();
        for (name, value) in self.0.iter().filter(|(_, v)| !v.trim().is_empty()) {
            // `PORTALIS_` once, then upper case, as the table of settings
            // spells them: `PORTALIS_listen` is not `PORTALIS_LISTEN`.
            let key = name
                .strip_prefix("PORTALIS_")
                .filter(|k| k.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'))
                .ok_or_else(|| ConfigError::Unknown(name.clone()))?;
            object.insert(key.to_lowercase(), serde_json::Value::String(value.clone()));
        }
        serde_json::from_value(serde_json::Value::Object(object)).map_err(|e| {
            let message = e.to_string();
            let key = message.split('`').nth(1).unwrap_or("?");
            ConfigError::Unknown(format!("PORTALIS_{}", key.to_uppercase()))
        })
    }
}

/// Every setting, as given (blank ones are absent). Each section of the
/// configuration reads and validates its own.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Raw {
    // server.rs
    pub listen: Option<String>,
    pub public_url: Option<String>,
    pub trusted_proxies: Option<String>,
    pub client_ip_header: Option<String>,
    pub header_read_timeout_seconds: Option<String>,
    pub max_connections: Option<String>,
    // storage.rs
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
    pub database_max_connections: Option<String>,
    pub page_cache_mb: Option<String>,
    pub documents_url: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub s3_access_key_id: Option<String>,
    pub s3_secret_access_key: Option<String>,
    pub s3_allow_http: Option<String>,
    // mod.rs
    pub secret_key: Option<String>,
    // identity.rs
    pub fc_issuer: Option<String>,
    pub fc_client_id: Option<String>,
    pub fc_client_secret: Option<String>,
    pub fc_scopes: Option<String>,
    pub fc_accepted_acr: Option<String>,
    pub proconnect_issuer: Option<String>,
    pub proconnect_client_id: Option<String>,
    pub proconnect_client_secret: Option<String>,
    pub proconnect_scopes: Option<String>,
    pub proconnect_accepted_acr: Option<String>,
    pub fc_sim_listen: Option<String>,
    pub pc_sim_listen: Option<String>,
    pub fc_sim_population: Option<String>,
    pub session_idle_minutes: Option<String>,
    pub session_lifetime_hours: Option<String>,
    pub staff_session_idle_minutes: Option<String>,
    pub staff_session_lifetime_hours: Option<String>,
    // site.rs
    pub branding: Option<String>,
    pub dsfr_dir: Option<String>,
    pub operator_name: Option<String>,
    pub contact_email: Option<String>,
    // delivery.rs
    pub delivery: Option<String>,
    pub smtp_url: Option<String>,
    pub mail_from: Option<String>,
    pub sms_api_url: Option<String>,
    pub sms_api_key: Option<String>,
    pub sms_sender: Option<String>,
    pub reminder_days: Option<String>,
    pub audit_retention_days: Option<String>,
    pub outbox_retention_days: Option<String>,
    pub filing_retention_days: Option<String>,
    // logs.rs
    pub log: Option<String>,
    pub log_format: Option<String>,
}

/// A whole number within `1..=max`, or `default` when not given.
pub(super) fn whole_number(
    value: Option<&str>,
    name: &'static str,
    default: i64,
    max: i64,
) -> Result<i64, ConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or(ConfigError::Invalid { name, reason: format!("expected a whole number from 1 to {max}") }),
    }
}

/// `true`/`false` (or yes/no, on/off, 1/0).
pub(super) fn boolean(value: Option<&str>, name: &'static str) -> Result<Option<bool>, ConfigError> {
    match value {
        None => Ok(None),
        Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
        Some("0" | "false" | "no" | "off") => Ok(Some(false)),
        Some(_) => Err(ConfigError::Invalid { name, reason: "expected true or false".into() }),
    }
}
