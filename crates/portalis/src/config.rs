//! Typed configuration, read once at start from an optional TOML file
//! (`--config`) and `PORTALIS_*` environment variables (which win), then
//! validated. Every variable is documented in `docs/configuration.md`.
//!
//! One section per concern, each reading and validating its own settings:
//! `server.rs` (listening, public address, proxies, limits), `storage.rs`
//! (database, documents, page cache), `identity.rs` (FranceConnect and its
//! simulator, ProConnect, sessions), `site.rs` (operator, branding), `delivery.rs`
//! (e-mail and SMS, reminders, retention), `logs.rs`. `sources.rs` reads
//! the file and the environment into the one list of known settings: an
//! unknown key stops the process with its name. Secrets are wrapped in
//! [`Secret`], which never prints its value.

mod delivery;
mod identity;
mod logs;
mod server;
mod site;
mod sources;
mod storage;

pub use delivery::{Delivery, ScheduleConfig};
pub use identity::{
    DEFAULT_SCOPES, DEMO_CLIENT_ID, DEMO_FC_LISTEN, FranceConnectConfig, ProviderConfig, SessionConfig, SimulatorConfig,
};
pub use logs::{LogConfig, LogFormat};
pub use server::{DEMO_LISTEN, ServerConfig};
pub use site::{Branding, SiteConfig};
pub use sources::Sources;
pub use storage::{DEMO_DATA_DIR, StorageConfig};

use std::path::Path;
use thiserror::Error;

/// A value that must not reach logs: `Debug` prints `Secret(***)`, and
/// there is no `Display`; the value is read only through [`Secret::expose`].
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// How the process runs: the demo turns on what production must ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Demo,
    Serve,
    /// One-shot commands (migrate, court, api-key, import).
    Tool,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// Signs what the portal must recognise as its own.
    pub secret_key: Secret,
    pub server: ServerConfig,
    pub storage: StorageConfig,
    pub franceconnect: FranceConnectConfig,
    /// The court staff's provider; `None`: the portal has no console.
    pub proconnect: Option<ProviderConfig>,
    /// Where the demo's FranceConnect simulator listens, and whom it knows.
    pub simulator: SimulatorConfig,
    /// A litigant's session.
    pub sessions: SessionConfig,
    /// A court agent's session.
    pub staff_sessions: SessionConfig,
    pub site: SiteConfig,
    pub delivery: Delivery,
    pub schedule: ScheduleConfig,
    pub logs: LogConfig,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required (see docs/configuration.md)")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason} (see docs/configuration.md)")]
    Invalid { name: &'static str, reason: String },
    #[error("{0} is not a setting of the portal (a misspelling? see docs/configuration.md)")]
    Unknown(String),
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
}

impl Config {
    /// Validates the settings for `mode`. `generated_secret` is used in demo
    /// and tool modes when no secret key is configured (the demo keeps one in
    /// its data directory); production must be given one.
    ///
    /// # Errors
    /// The first setting missing, invalid or unknown, named.
    pub fn from_sources(
        mode: Mode,
        s: &Sources,
        generated_secret: impl FnOnce(&Path) -> String,
    ) -> Result<Self, ConfigError> {
        let raw = s.raw()?;
        // In the order the settings were checked before there were
        // sections: what `serve` misses first is named first.
        let server = ServerConfig::read(&raw, mode)?;
        let storage = StorageConfig::read(&raw)?;
        let secret_key = match (raw.secret_key.as_deref(), mode) {
            (Some(k), _) if k.len() >= 32 => Secret::new(k),
            (Some(_), _) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_SECRET_KEY",
                    reason: "must be at least 32 characters".into(),
                });
            }
            (None, Mode::Serve) => return Err(ConfigError::Missing("PORTALIS_SECRET_KEY")),
            (None, _) => Secret::new(generated_secret(&storage.data_dir)),
        };
        let logs = LogConfig::read(&raw)?;
        let demo = mode != Mode::Serve;
        let simulator = SimulatorConfig::read(&raw)?;
        let franceconnect = ProviderConfig::franceconnect(&raw, demo, &secret_key)?;
        let proconnect = ProviderConfig::proconnect(&raw, demo, &franceconnect)?;
        let site = SiteConfig::read(&raw, demo)?;
        let sessions = SessionConfig::litigants(&raw)?;
        let staff_sessions = SessionConfig::staff(&raw)?;
        let delivery = Delivery::read(&raw, mode)?;
        let schedule = ScheduleConfig::read(&raw)?;
        Ok(Self {
            mode,
            secret_key,
            server,
            storage,
            franceconnect,
            proconnect,
            simulator,
            sessions,
            staff_sessions,
            site,
            delivery,
            schedule,
            logs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources(pairs: &[(&str, &str)]) -> Sources {
        Sources::load(None, pairs.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap()
    }

    #[test]
    fn production_refuses_to_start_without_its_secret_key_and_names_it() {
        let s = sources(&[("PORTALIS_PUBLIC_URL", "https://justice.example")]);
        let err = Config::from_sources(Mode::Serve, &s, |_| unreachable!()).unwrap_err();
        assert_eq!(err, ConfigError::Missing("PORTALIS_SECRET_KEY"));
        assert!(err.to_string().contains("PORTALIS_SECRET_KEY"));
    }

    #[test]
    fn production_refuses_to_start_without_its_public_url() {
        let s = sources(&[("PORTALIS_SECRET_KEY", &"k".repeat(40))]);
        assert_eq!(
            Config::from_sources(Mode::Serve, &s, |_| unreachable!()).unwrap_err(),
            ConfigError::Missing("PORTALIS_PUBLIC_URL")
        );
    }

    #[test]
    fn the_demo_defaults_to_sqlite_in_its_data_directory() {
        let c = Config::from_sources(Mode::Demo, &sources(&[]), |_| "g".repeat(64)).unwrap();
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.storage.database_url, "sqlite://./data/demo/portalis.db");
        assert!(c.storage.documents_url.starts_with("file:///"));
        assert_eq!(c.server.public_url.as_str(), "http://127.0.0.1:8080/");
    }

    #[test]
    fn the_environment_overrides_the_file() {
        let dir = std::env::temp_dir().join(format!("portalis-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("portalis.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\ndatabase_url = \"postgres://db/x\"\n").unwrap();
        let s = Sources::load(Some(&file), [("PORTALIS_LISTEN".to_string(), "127.0.0.1:9001".to_string())].into_iter())
            .unwrap();
        let c = Config::from_sources(Mode::Tool, &s, |_| "g".repeat(64)).unwrap();
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:9001");
        assert_eq!(c.storage.database_url, "postgres://db/x");
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn production_needs_its_franceconnect_registration_and_operator() {
        let mut pairs = vec![
            ("PORTALIS_PUBLIC_URL", "https://justice.example"),
            ("PORTALIS_SECRET_KEY", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"),
        ];
        let expect = [
            ("PORTALIS_FC_ISSUER", "https://oidc.franceconnect.gouv.fr/api/v2"),
            ("PORTALIS_FC_CLIENT_ID", "client"),
            ("PORTALIS_FC_CLIENT_SECRET", "secret"),
            ("PORTALIS_OPERATOR_NAME", "Ministère de la justice"),
            ("PORTALIS_CONTACT_EMAIL", "contact@justice.example"),
            ("PORTALIS_SMTP_URL", "smtp://mail.justice.example:587?tls=required"),
            ("PORTALIS_MAIL_FROM", "Portail du justiciable <ne-pas-repondre@justice.example>"),
            ("PORTALIS_SMS_API_KEY", "sms-key"),
        ];
        for (name, value) in expect {
            assert_eq!(
                Config::from_sources(Mode::Serve, &sources(&pairs), |_| unreachable!()).unwrap_err(),
                ConfigError::Missing(name)
            );
            pairs.push((name, value));
        }
        let c = Config::from_sources(Mode::Serve, &sources(&pairs), |_| unreachable!()).unwrap();
        assert_eq!(c.franceconnect.scopes, DEFAULT_SCOPES);
        assert!(!format!("{c:?}").contains("\"secret\""));
    }

    #[test]
    fn the_court_staff_console_exists_only_with_a_proconnect_registration() {
        let demo = |pairs: &[(&str, &str)]| Config::from_sources(Mode::Demo, &sources(pairs), |_| "g".repeat(64));
        let c = demo(&[]).unwrap();
        assert!(c.proconnect.is_none());
        assert_eq!((c.staff_sessions.idle_minutes, c.staff_sessions.lifetime_hours), (15, 8));
        assert_eq!((c.sessions.idle_minutes, c.sessions.lifetime_hours), (30, 12), "a litigant's own");

        let pc = "https://auth.agentconnect.gouv.fr/api/v2";
        assert_eq!(
            demo(&[("PORTALIS_PROCONNECT_ISSUER", pc)]).unwrap_err(),
            ConfigError::Missing("PORTALIS_PROCONNECT_CLIENT_ID")
        );
        assert_eq!(
            demo(&[("PORTALIS_PROCONNECT_ISSUER", pc), ("PORTALIS_PROCONNECT_CLIENT_ID", "c")]).unwrap_err(),
            ConfigError::Missing("PORTALIS_PROCONNECT_CLIENT_SECRET")
        );
        let err = demo(&[("PORTALIS_PROCONNECT_CLIENT_SECRET", "s")]).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_PROCONNECT_CLIENT_SECRET"), "a half registration: {err}");
        let err = demo(&[
            ("PORTALIS_FC_ISSUER", pc),
            ("PORTALIS_PROCONNECT_ISSUER", &format!("{pc}/")),
            ("PORTALIS_PROCONNECT_CLIENT_ID", "c"),
            ("PORTALIS_PROCONNECT_CLIENT_SECRET", "pc-secret"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("FranceConnect's issuer"), "{err}");

        let c = demo(&[
            ("PORTALIS_PROCONNECT_ISSUER", pc),
            ("PORTALIS_PROCONNECT_CLIENT_ID", "c"),
            ("PORTALIS_PROCONNECT_CLIENT_SECRET", "pc-secret"),
            ("PORTALIS_STAFF_SESSION_IDLE_MINUTES", "10"),
        ])
        .unwrap();
        let p = c.proconnect.as_ref().unwrap();
        assert_eq!(p.issuer.as_deref(), Some(pc));
        assert!(p.scopes.contains("usual_name") && p.scopes.contains("siret"));
        assert_eq!(p.accepted_acr, ["eidas1", "eidas2", "eidas3"]);
        assert_eq!(c.staff_sessions.idle_minutes, 10);
        assert!(!format!("{c:?}").contains("pc-secret"));
        let c = demo(&[
            ("PORTALIS_PROCONNECT_ISSUER", pc),
            ("PORTALIS_PROCONNECT_CLIENT_ID", "c"),
            ("PORTALIS_PROCONNECT_CLIENT_SECRET", "s"),
            ("PORTALIS_PROCONNECT_ACCEPTED_ACR", "eidas2  eidas3"),
        ])
        .unwrap();
        assert_eq!(c.proconnect.unwrap().accepted_acr, ["eidas2", "eidas3"]);
        assert!(demo(&[("PORTALIS_STAFF_SESSION_LIFETIME_HOURS", "25")]).is_err(), "a day at most");
    }

    #[test]
    fn production_refuses_plain_http_but_on_the_loopback() {
        let base = [
            ("PORTALIS_SECRET_KEY", "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk"),
            ("PORTALIS_FC_CLIENT_ID", "client"),
            ("PORTALIS_FC_CLIENT_SECRET", "secret"),
            ("PORTALIS_OPERATOR_NAME", "Ministère de la justice"),
            ("PORTALIS_CONTACT_EMAIL", "contact@justice.example"),
            ("PORTALIS_DELIVERY", "outbox"),
        ];
        let serve = |public: &str, issuer: &str| {
            let mut pairs = base.to_vec();
            pairs.push(("PORTALIS_PUBLIC_URL", public));
            pairs.push(("PORTALIS_FC_ISSUER", issuer));
            Config::from_sources(Mode::Serve, &sources(&pairs), |_| unreachable!())
        };
        let fc = "https://oidc.franceconnect.gouv.fr/api/v2";
        assert!(serve("https://justice.example", fc).is_ok());
        let err = serve("http://justice.example", fc).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_PUBLIC_URL") && err.to_string().contains("https"), "{err}");
        let err = serve("https://justice.example", "http://oidc.franceconnect.gouv.fr/api/v2").unwrap_err();
        assert!(err.to_string().contains("PORTALIS_FC_ISSUER"), "{err}");
        assert!(serve("http://127.0.0.1:8080", "http://127.0.0.1:8081/api/v2").is_ok(), "trials on this machine");
        assert!(serve("http://localhost:8080", "http://[::1]:8081/api/v2").is_ok());
        assert!(serve("http://10.0.0.5:8080", fc).is_err(), "a private network is a network");
        // The demo is plain http on the loopback, or wherever it is told.
        let demo =
            Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_PUBLIC_URL", "http://demo.example")]), |_| {
                "g".repeat(64)
            });
        assert!(demo.is_ok());
    }

    #[test]
    fn branding_is_etat_or_neutre() {
        let c =
            Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_BRANDING", "neutre")]), |_| "g".repeat(64)).unwrap();
        assert_eq!(c.site.branding, Branding::Neutre);
        assert!(
            Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_BRANDING", "bleu")]), |_| "g".repeat(64)).is_err()
        );
    }

    #[test]
    fn secrets_never_print() {
        let s = sources(&[("PORTALIS_SECRET_KEY", "super-secret-value-that-is-long-enough-000")]);
        let c = Config::from_sources(Mode::Demo, &s, |_| unreachable!()).unwrap();
        assert!(!format!("{c:?}").contains("super-secret"));
    }

    #[test]
    fn a_forwarding_header_is_read_only_from_trusted_proxies() {
        let demo = |pairs: &[(&str, &str)]| Config::from_sources(Mode::Demo, &sources(pairs), |_| "g".repeat(64));
        let c = demo(&[]).unwrap();
        assert!(c.server.trusted_proxies.is_empty(), "none by default");
        let err = demo(&[("PORTALIS_CLIENT_IP_HEADER", "x-real-ip")]).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_TRUSTED_PROXIES"), "{err}");
        let c =
            demo(&[("PORTALIS_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"), ("PORTALIS_CLIENT_IP_HEADER", "X-Real-IP")])
                .unwrap();
        assert_eq!(c.server.client_ip_header, "x-real-ip");
        let err = demo(&[("PORTALIS_TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_TRUSTED_PROXIES"), "{err}");
    }

    #[test]
    fn an_unknown_setting_is_refused_by_its_name_in_the_file_and_in_the_environment() {
        let demo = |pairs: &[(&str, &str)]| Config::from_sources(Mode::Demo, &sources(pairs), |_| "g".repeat(64));
        let err = demo(&[("PORTALIS_PAGE_CACHE_MBB", "0")]).unwrap_err();
        assert_eq!(err, ConfigError::Unknown("PORTALIS_PAGE_CACHE_MBB".into()));
        assert!(err.to_string().contains("PORTALIS_PAGE_CACHE_MBB"), "{err}");

        let dir = std::env::temp_dir().join(format!("portalis-config-unknown-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("portalis.toml");
        std::fs::write(&file, "listen = \"127.0.0.1:9000\"\nlisten_adress = \"0.0.0.0:80\"\n").unwrap();
        let s = Sources::load(Some(&file), std::iter::empty()).unwrap();
        let err = Config::from_sources(Mode::Tool, &s, |_| "g".repeat(64)).unwrap_err();
        assert_eq!(err, ConfigError::Unknown("PORTALIS_LISTEN_ADRESS".into()));
        let _ = std::fs::remove_dir_all(dir);

        // A setting is spelt as the table spells it, prefix once.
        for odd in ["PORTALIS_listen", "PORTALIS_PORTALIS_LISTEN"] {
            assert_eq!(demo(&[(odd, "127.0.0.1:9")]).unwrap_err(), ConfigError::Unknown(odd.into()), "{odd}");
        }

        // The project's scripts' own variables are not settings; a blank
        // setting is no setting.
        let env = [("PORTALIS_TEST_DATABASE_URL", "postgres://x"), ("PORTALIS_BIN", "target/release/portalis")];
        let s = Sources::load(None, env.iter().map(|(k, v)| (k.to_string(), v.to_string()))).unwrap();
        assert!(Config::from_sources(Mode::Demo, &s, |_| "g".repeat(64)).is_ok());
        assert!(demo(&[("PORTALIS_LISTEN", "  ")]).is_ok());
    }

    #[test]
    fn each_section_holds_its_settings() {
        let c = Config::from_sources(
            Mode::Demo,
            &sources(&[
                ("PORTALIS_SESSION_IDLE_MINUTES", "15"),
                ("PORTALIS_REMINDER_DAYS", "2"),
                ("PORTALIS_LOG_FORMAT", "json"),
                ("PORTALIS_MAX_CONNECTIONS", "64"),
                ("PORTALIS_PAGE_CACHE_MB", "0"),
            ]),
            |_| "g".repeat(64),
        )
        .unwrap();
        assert_eq!(c.sessions.idle_minutes, 15);
        assert_eq!(c.sessions.lifetime_hours, 12);
        assert_eq!(c.schedule.reminder_days, 2);
        assert_eq!(c.logs.format, LogFormat::Json);
        assert_eq!(c.server.limits.max_connections, 64);
        assert_eq!(c.storage.page_cache_mb, 0);
        assert!(matches!(c.delivery, Delivery::DevOutbox));
        let err = Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_REMINDER_DAYS", "0")]), |_| String::new())
            .unwrap_err();
        assert!(err.to_string().contains("PORTALIS_REMINDER_DAYS"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named() {
        let err = Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_LISTEN", "nowhere")]), |_| String::new())
            .unwrap_err();
        assert!(err.to_string().contains("PORTALIS_LISTEN"));
    }
}
