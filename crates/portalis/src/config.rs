//! Typed configuration, read once at start from an optional TOML file
//! (`--config`) and `PORTALIS_*` environment variables (which win), then
//! validated. Every variable is documented in `docs/configuration.md`.
//! Secrets are wrapped in [`Secret`], which never prints its value.

use portalis_documents::S3Settings;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use thiserror::Error;

/// A value that must not reach logs: `Debug` and `Display` print `***`.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub listen: SocketAddr,
    pub public_url: url::Url,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub database_max_connections: u32,
    /// The page cache's size in MiB (0: no cache).
    pub page_cache_mb: usize,
    pub documents_url: String,
    pub s3: S3Settings,
    pub secret_key: Secret,
    pub log_format: LogFormat,
    pub log_filter: String,
    pub franceconnect: FranceConnectConfig,
    /// Where the demo's FranceConnect simulator listens.
    pub fc_sim_listen: SocketAddr,
    /// How many generated people the simulator signs in besides its three
    /// (load benchmarks; 0 otherwise).
    pub fc_sim_population: usize,
    pub branding: Branding,
    pub session_idle_minutes: i64,
    pub session_lifetime_hours: i64,
    pub dsfr_dir: Option<PathBuf>,
    pub operator_name: String,
    pub contact_email: String,
    /// The reverse proxies whose forwarding header is believed (none by
    /// default), and that header.
    pub trusted_proxies: portalis_web::client_ip::TrustedProxies,
    pub client_ip_header: String,
    pub delivery: Delivery,
    /// Days before a hearing its reminder SMS is sent.
    pub reminder_days: i64,
    /// Days the audit log is kept.
    pub audit_retention_days: i64,
    /// Days a message delivered or given up is kept in the outbox.
    pub outbox_retention_days: i64,
    /// What one client may hold of the server.
    pub server: crate::server::Limits,
}

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

/// `PORTALIS_BRANDING`: the pages' own type, read here.
pub use portalis_web::Branding;

/// The portal's registration at FranceConnect (or at the simulator).
#[derive(Debug, Clone)]
pub struct FranceConnectConfig {
    /// `None` in the demo until the simulator's address is known.
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: String,
}

/// The scopes asked by default: what the portal shows and keeps, no more.
pub const DEFAULT_SCOPES: &str =
    "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username";
pub const DEMO_FC_LISTEN: &str = "127.0.0.1:8081";
/// The demo's registration at its simulator.
pub const DEMO_CLIENT_ID: &str = "portalis-demo";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} is required (see docs/configuration.md)")]
    Missing(&'static str),
    #[error("{name} is invalid: {reason} (see docs/configuration.md)")]
    Invalid { name: &'static str, reason: String },
    #[error("cannot read the configuration file {path}: {reason}")]
    File { path: String, reason: String },
}

/// The raw settings: names as in the environment (`PORTALIS_LISTEN`).
#[derive(Debug, Default, Clone)]
pub struct Sources(BTreeMap<String, String>);

impl Sources {
    /// The TOML file (keys without the prefix, lower case: `listen = "…"`),
    /// then the environment on top.
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
            if k.starts_with("PORTALIS_") {
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
        self.get(name).is_some()
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|v| !v.trim().is_empty())
    }

    fn bool(&self, name: &'static str) -> Result<Option<bool>, ConfigError> {
        match self.get(name) {
            None => Ok(None),
            Some("1" | "true" | "yes" | "on") => Ok(Some(true)),
            Some("0" | "false" | "no" | "off") => Ok(Some(false)),
            Some(_) => Err(ConfigError::Invalid { name, reason: "expected true or false".into() }),
        }
    }
}

/// The demo's defaults.
pub const DEMO_LISTEN: &str = "127.0.0.1:8080";
pub const DEMO_DATA_DIR: &str = "./data/demo";

impl Config {
    /// Validates the settings for `mode`. `generated_secret` is used in demo
    /// and tool modes when no secret key is configured (the demo keeps one in
    /// its data directory); production must be given one.
    pub fn from_sources(
        mode: Mode,
        s: &Sources,
        generated_secret: impl FnOnce(&Path) -> String,
    ) -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(s.get("PORTALIS_DATA_DIR").unwrap_or(DEMO_DATA_DIR));
        let listen_text = s.get("PORTALIS_LISTEN").unwrap_or(DEMO_LISTEN);
        let listen: SocketAddr = listen_text.parse().map_err(|_| ConfigError::Invalid {
            name: "PORTALIS_LISTEN",
            reason: "expected host:port, such as 127.0.0.1:8080".into(),
        })?;
        let public_url = match (s.get("PORTALIS_PUBLIC_URL"), mode) {
            (Some(u), _) => u.to_owned(),
            (None, Mode::Serve) => return Err(ConfigError::Missing("PORTALIS_PUBLIC_URL")),
            (None, _) => format!("http://{listen}"),
        };
        let public_url = url::Url::parse(&public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or(ConfigError::Invalid { name: "PORTALIS_PUBLIC_URL", reason: "expected an http(s) URL".into() })?;
        if mode == Mode::Serve && !secure_or_loopback(&public_url) {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_PUBLIC_URL",
                reason: "must be https (plain http only on this machine's loopback, for trials)".into(),
            });
        }
        let database_url = match s.get("PORTALIS_DATABASE_URL") {
            Some(u) => u.to_owned(),
            None => format!("sqlite://{}", data_dir.join("portalis.db").display()),
        };
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_DATABASE_URL",
                reason: "expected sqlite://… or postgres://…".into(),
            });
        }
        let database_max_connections = match s.get("PORTALIS_DATABASE_MAX_CONNECTIONS") {
            Some(n) => n.parse().ok().filter(|n| (1..=1000).contains(n)).ok_or(ConfigError::Invalid {
                name: "PORTALIS_DATABASE_MAX_CONNECTIONS",
                reason: "expected a number from 1 to 1000".into(),
            })?,
            // Each sqlx SQLite connection is a thread that competes with the
            // request threads for the cores: four per core is enough
            // (measured on one core, when pages still read through this
            // pool: 4 connections answered 10 % more pages than 16, and 2
            // half as many; pages now read in place, see read.rs).
            // PostgreSQL connections wait on the network: 16.
            None if database_url.starts_with("sqlite:") => {
                std::thread::available_parallelism().map_or(4, |n| 4 * n.get() as u32).clamp(4, 16)
            }
            None => 16,
        };
        let page_cache_mb = match s.get("PORTALIS_PAGE_CACHE_MB") {
            None => 64,
            Some(v) => v.parse::<usize>().ok().filter(|n| *n <= 65_536).ok_or(ConfigError::Invalid {
                name: "PORTALIS_PAGE_CACHE_MB",
                reason: "expected a whole number from 0 (no cache) to 65536".into(),
            })?,
        };
        let documents_url = match s.get("PORTALIS_DOCUMENTS_URL") {
            Some(u) => u.to_owned(),
            None => {
                let dir = absolute(&data_dir.join("documents"));
                format!("file://{}", dir.display())
            }
        };
        if !(documents_url.starts_with("file://") || documents_url.starts_with("s3://")) {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_DOCUMENTS_URL",
                reason: "expected file:///… or s3://bucket/prefix".into(),
            });
        }
        let s3 = S3Settings {
            endpoint: s.get("PORTALIS_S3_ENDPOINT").map(str::to_owned),
            region: s.get("PORTALIS_S3_REGION").map(str::to_owned),
            access_key_id: s.get("PORTALIS_S3_ACCESS_KEY_ID").map(str::to_owned),
            secret_access_key: s.get("PORTALIS_S3_SECRET_ACCESS_KEY").map(str::to_owned),
            allow_http: s.bool("PORTALIS_S3_ALLOW_HTTP")?.unwrap_or(false),
        };
        let secret_key = match (s.get("PORTALIS_SECRET_KEY"), mode) {
            (Some(k), _) if k.len() >= 32 => Secret::new(k),
            (Some(_), _) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_SECRET_KEY",
                    reason: "must be at least 32 characters".into(),
                });
            }
            (None, Mode::Serve) => return Err(ConfigError::Missing("PORTALIS_SECRET_KEY")),
            (None, _) => Secret::new(generated_secret(&data_dir)),
        };
        let log_format = match s.get("PORTALIS_LOG_FORMAT") {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_LOG_FORMAT",
                    reason: "expected text or json".into(),
                });
            }
        };
        let demo = mode != Mode::Serve;
        let fc_sim_listen = s.get("PORTALIS_FC_SIM_LISTEN").unwrap_or(DEMO_FC_LISTEN).parse().map_err(|_| {
            ConfigError::Invalid { name: "PORTALIS_FC_SIM_LISTEN", reason: "expected host:port".into() }
        })?;
        let issuer = match (s.get("PORTALIS_FC_ISSUER"), demo) {
            (Some(i), _) => {
                let u = url::Url::parse(i).ok().filter(|u| matches!(u.scheme(), "http" | "https")).ok_or(
                    ConfigError::Invalid { name: "PORTALIS_FC_ISSUER", reason: "expected an http(s) URL".into() },
                )?;
                if !demo && !secure_or_loopback(&u) {
                    return Err(ConfigError::Invalid {
                        name: "PORTALIS_FC_ISSUER",
                        reason: "must be https (plain http only on this machine's loopback, for trials)".into(),
                    });
                }
                Some(i.trim_end_matches('/').to_owned())
            }
            (None, true) => None,
            (None, false) => return Err(ConfigError::Missing("PORTALIS_FC_ISSUER")),
        };
        let client_id = match (s.get("PORTALIS_FC_CLIENT_ID"), demo) {
            (Some(c), _) => c.to_owned(),
            (None, true) => DEMO_CLIENT_ID.to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_FC_CLIENT_ID")),
        };
        let client_secret = match (s.get("PORTALIS_FC_CLIENT_SECRET"), demo) {
            (Some(c), _) => Secret::new(c),
            // The demo's simulator and portal derive the same secret.
            (None, true) => Secret::new(format!(
                "demo-{}",
                portalis_core::secret::sha256_hex(format!("fc-sim|{}", secret_key.expose()).as_bytes())
            )),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_FC_CLIENT_SECRET")),
        };
        let branding = match s.get("PORTALIS_BRANDING") {
            None | Some("etat") => Branding::Etat,
            Some("neutre") => Branding::Neutre,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_BRANDING",
                    reason: "expected etat or neutre".into(),
                });
            }
        };
        let whole_number = |name: &'static str, default: i64, max: i64| -> Result<i64, ConfigError> {
            match s.get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<i64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or(ConfigError::Invalid { name, reason: format!("expected a whole number from 1 to {max}") }),
            }
        };
        let session_idle_minutes = whole_number("PORTALIS_SESSION_IDLE_MINUTES", 30, 24 * 60)?;
        let session_lifetime_hours = whole_number("PORTALIS_SESSION_LIFETIME_HOURS", 12, 24 * 30)?;
        let operator_name = match (s.get("PORTALIS_OPERATOR_NAME"), demo) {
            (Some(o), _) => o.to_owned(),
            (None, true) => "le projet Portalis (démonstration)".to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_OPERATOR_NAME")),
        };
        let contact_email = match (s.get("PORTALIS_CONTACT_EMAIL"), demo) {
            (Some(e), _) => {
                portalis_core::email::Email::parse(e.trim()).map(|e| e.as_str().to_owned()).map_err(|_| {
                    ConfigError::Invalid { name: "PORTALIS_CONTACT_EMAIL", reason: "expected an e-mail address".into() }
                })?
            }
            (None, true) => "contact@portalis.example".to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_CONTACT_EMAIL")),
        };
        let delivery = match (s.get("PORTALIS_DELIVERY"), mode) {
            (Some("outbox"), _) | (None, Mode::Demo | Mode::Tool) => Delivery::DevOutbox,
            (Some("real") | None, _) => {
                let smtp_url = s.get("PORTALIS_SMTP_URL").ok_or(ConfigError::Missing("PORTALIS_SMTP_URL"))?;
                if !(smtp_url.starts_with("smtp://") || smtp_url.starts_with("smtps://")) {
                    return Err(ConfigError::Invalid {
                        name: "PORTALIS_SMTP_URL",
                        reason: "expected smtp://… or smtps://…".into(),
                    });
                }
                let mail_from = s.get("PORTALIS_MAIL_FROM").ok_or(ConfigError::Missing("PORTALIS_MAIL_FROM"))?;
                Delivery::Real {
                    smtp_url: Secret::new(smtp_url),
                    mail_from: mail_from.to_owned(),
                    sms_api_url: s.get("PORTALIS_SMS_API_URL").unwrap_or("https://api.brevo.com").to_owned(),
                    sms_api_key: Secret::new(
                        s.get("PORTALIS_SMS_API_KEY").ok_or(ConfigError::Missing("PORTALIS_SMS_API_KEY"))?,
                    ),
                    sms_sender: s.get("PORTALIS_SMS_SENDER").unwrap_or("Justice").to_owned(),
                }
            }
            (Some(_), _) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_DELIVERY",
                    reason: "expected real or outbox".into(),
                });
            }
        };
        let trusted_proxies =
            portalis_web::client_ip::TrustedProxies::parse(s.get("PORTALIS_TRUSTED_PROXIES").unwrap_or(""))
                .map_err(|reason| ConfigError::Invalid { name: "PORTALIS_TRUSTED_PROXIES", reason })?;
        let client_ip_header =
            s.get("PORTALIS_CLIENT_IP_HEADER").unwrap_or("x-forwarded-for").trim().to_ascii_lowercase();
        if axum::http::HeaderName::from_bytes(client_ip_header.as_bytes()).is_err() {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_CLIENT_IP_HEADER",
                reason: "expected a header name".into(),
            });
        }
        if s.has("PORTALIS_CLIENT_IP_HEADER") && trusted_proxies.is_empty() {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_CLIENT_IP_HEADER",
                reason: "is read only from trusted proxies: set PORTALIS_TRUSTED_PROXIES too".into(),
            });
        }
        Ok(Self {
            mode,
            listen,
            public_url,
            data_dir,
            database_url,
            database_max_connections,
            page_cache_mb,
            documents_url,
            s3,
            secret_key,
            log_format,
            log_filter: s.get("PORTALIS_LOG").unwrap_or("info").to_owned(),
            franceconnect: FranceConnectConfig {
                issuer,
                client_id,
                client_secret,
                scopes: s.get("PORTALIS_FC_SCOPES").unwrap_or(DEFAULT_SCOPES).to_owned(),
            },
            fc_sim_listen,
            fc_sim_population: match s.get("PORTALIS_FC_SIM_POPULATION") {
                None => 0,
                Some(v) => v.parse::<usize>().ok().filter(|n| *n <= portalis_fc_sim::MAX_POPULATION).ok_or(
                    ConfigError::Invalid {
                        name: "PORTALIS_FC_SIM_POPULATION",
                        reason: format!("expected a whole number from 0 to {}", portalis_fc_sim::MAX_POPULATION),
                    },
                )?,
            },
            branding,
            session_idle_minutes,
            session_lifetime_hours,
            dsfr_dir: s.get("PORTALIS_DSFR_DIR").map(PathBuf::from),
            operator_name,
            contact_email,
            trusted_proxies,
            client_ip_header,
            delivery,
            reminder_days: whole_number("PORTALIS_REMINDER_DAYS", 3, 30)?,
            audit_retention_days: whole_number("PORTALIS_AUDIT_RETENTION_DAYS", 365, 3650)?,
            outbox_retention_days: whole_number("PORTALIS_OUTBOX_RETENTION_DAYS", 30, 3650)?,
            server: crate::server::Limits {
                header_read_timeout: std::time::Duration::from_secs(whole_number(
                    "PORTALIS_HEADER_READ_TIMEOUT_SECONDS",
                    10,
                    300,
                )? as u64),
                max_connections: whole_number("PORTALIS_MAX_CONNECTIONS", 1024, 1_000_000)? as usize,
            },
        })
    }
}

/// An https URL, or an http one that only this machine can reach (the
/// loopback: trials, the benchmark, tests). Production refuses anything
/// else: cookies would go without `Secure`, tokens in clear.
fn secure_or_loopback(u: &url::Url) -> bool {
    match (u.scheme(), u.host()) {
        ("https", _) => true,
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        _ => false,
    }
}

fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf())
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
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.database_url, "sqlite://./data/demo/portalis.db");
        assert!(c.documents_url.starts_with("file:///"));
        assert_eq!(c.public_url.as_str(), "http://127.0.0.1:8080/");
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
        assert_eq!(c.listen.to_string(), "127.0.0.1:9001");
        assert_eq!(c.database_url, "postgres://db/x");
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
        assert_eq!(c.branding, Branding::Neutre);
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
        assert!(c.trusted_proxies.is_empty(), "none by default");
        let err = demo(&[("PORTALIS_CLIENT_IP_HEADER", "x-real-ip")]).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_TRUSTED_PROXIES"), "{err}");
        let c =
            demo(&[("PORTALIS_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"), ("PORTALIS_CLIENT_IP_HEADER", "X-Real-IP")])
                .unwrap();
        assert_eq!(c.client_ip_header, "x-real-ip");
        let err = demo(&[("PORTALIS_TRUSTED_PROXIES", "10.0.0.0/40")]).unwrap_err();
        assert!(err.to_string().contains("PORTALIS_TRUSTED_PROXIES"), "{err}");
    }

    #[test]
    fn a_bad_value_is_named() {
        let err = Config::from_sources(Mode::Demo, &sources(&[("PORTALIS_LISTEN", "nowhere")]), |_| String::new())
            .unwrap_err();
        assert!(err.to_string().contains("PORTALIS_LISTEN"));
    }
}
