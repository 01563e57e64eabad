//! Who litigants sign in with: the portal's registration at FranceConnect
//! (or at the demo's simulator), the simulator itself, and how long a
//! session lasts.

use super::server::secure_or_loopback;
use super::sources::{Raw, whole_number};
use super::{ConfigError, Secret};
use std::net::SocketAddr;

/// The scopes asked by default: what the portal shows and keeps, no more.
pub const DEFAULT_SCOPES: &str =
    "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username";
pub const DEMO_FC_LISTEN: &str = "127.0.0.1:8081";
/// The demo's registration at its simulator.
pub const DEMO_CLIENT_ID: &str = "portalis-demo";

/// The portal's registration at FranceConnect (or at the simulator).
#[derive(Debug, Clone)]
pub struct FranceConnectConfig {
    /// `None` in the demo until the simulator's address is known.
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: String,
}

impl FranceConnectConfig {
    /// `demo`: the simulator's registration stands in for what production
    /// must be given; its secret is derived from the portal's.
    pub(super) fn read(raw: &Raw, demo: bool, secret_key: &Secret) -> Result<Self, ConfigError> {
        let issuer = match (raw.fc_issuer.as_deref(), demo) {
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
        let client_id = match (raw.fc_client_id.as_deref(), demo) {
            (Some(c), _) => c.to_owned(),
            (None, true) => DEMO_CLIENT_ID.to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_FC_CLIENT_ID")),
        };
        let client_secret = match (raw.fc_client_secret.as_deref(), demo) {
            (Some(c), _) => Secret::new(c),
            // The demo's simulator and portal derive the same secret.
            (None, true) => Secret::new(format!(
                "demo-{}",
                portalis_core::secret::sha256_hex(format!("fc-sim|{}", secret_key.expose()).as_bytes())
            )),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_FC_CLIENT_SECRET")),
        };
        let scopes = raw.fc_scopes.as_deref().unwrap_or(DEFAULT_SCOPES).to_owned();
        Ok(Self { issuer, client_id, client_secret, scopes })
    }
}

/// The demo's FranceConnect simulator.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    pub listen: SocketAddr,
    /// How many generated people the simulator signs in besides its three
    /// (load benchmarks; 0 otherwise).
    pub population: usize,
}

impl SimulatorConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        let listen = raw.fc_sim_listen.as_deref().unwrap_or(DEMO_FC_LISTEN).parse().map_err(|_| {
            ConfigError::Invalid { name: "PORTALIS_FC_SIM_LISTEN", reason: "expected host:port".into() }
        })?;
        let population = match raw.fc_sim_population.as_deref() {
            None => 0,
            Some(v) => v.parse::<usize>().ok().filter(|n| *n <= portalis_fc_sim::MAX_POPULATION).ok_or(
                ConfigError::Invalid {
                    name: "PORTALIS_FC_SIM_POPULATION",
                    reason: format!("expected a whole number from 0 to {}", portalis_fc_sim::MAX_POPULATION),
                },
            )?,
        };
        Ok(Self { listen, population })
    }
}

/// How long a litigant's session lasts.
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    /// Ends after this long without activity.
    pub idle_minutes: i64,
    /// And after this long in any case.
    pub lifetime_hours: i64,
}

impl SessionConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        Ok(Self {
            idle_minutes: whole_number(
                raw.session_idle_minutes.as_deref(),
                "PORTALIS_SESSION_IDLE_MINUTES",
                30,
                24 * 60,
            )?,
            lifetime_hours: whole_number(
                raw.session_lifetime_hours.as_deref(),
                "PORTALIS_SESSION_LIFETIME_HOURS",
                12,
                24 * 30,
            )?,
        })
    }
}
