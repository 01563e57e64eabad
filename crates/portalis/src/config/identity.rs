//! Who signs in, and with whom: the portal's registration at FranceConnect
//! for litigants (or at the demo's simulator), at ProConnect for court
//! staff (absent: no console), the simulator itself, and how long each
//! kind of session lasts.

use super::server::secure_or_loopback;
use super::sources::{Raw, whole_number};
use super::{ConfigError, Secret};
use portalis_openid::{FranceConnectProfile, ProConnectProfile, Profile};
use std::net::SocketAddr;

/// The scopes asked of FranceConnect by default: what the portal shows and
/// keeps, no more.
pub const DEFAULT_SCOPES: &str = FranceConnectProfile::DEFAULT_SCOPES;
pub const DEMO_FC_LISTEN: &str = "127.0.0.1:8081";
pub const DEMO_PC_LISTEN: &str = "127.0.0.1:8082";
/// The demo's registration at its simulator.
pub const DEMO_CLIENT_ID: &str = "portalis-demo";
/// The demo console's registration at its ProConnect simulator.
pub const DEMO_PC_CLIENT_ID: &str = "portalis-demo-juridiction";

/// The portal's registration at an identity provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// `None` in the demo until the simulator's address is known.
    pub issuer: Option<String>,
    pub client_id: String,
    pub client_secret: Secret,
    pub scopes: String,
    /// The authentication levels (`acr`) accepted in its ID tokens.
    pub accepted_acr: Vec<String>,
}

/// The registration at FranceConnect (or at the demo's simulator).
pub type FranceConnectConfig = ProviderConfig;

/// What one provider's section gives: `PORTALIS_<SECTION>_*`.
struct Section<'a> {
    issuer: (&'static str, Option<&'a str>),
    client_id: (&'static str, Option<&'a str>),
    client_secret: (&'static str, Option<&'a str>),
    scopes: Option<&'a str>,
    accepted_acr: (&'static str, Option<&'a str>),
}

fn issuer(name: &'static str, value: &str, demo: bool) -> Result<String, ConfigError> {
    let u = url::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .ok_or(ConfigError::Invalid { name, reason: "expected an http(s) URL".into() })?;
    if !demo && !secure_or_loopback(&u) {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be https (plain http only on this machine's loopback, for trials)".into(),
        });
    }
    Ok(value.trim_end_matches('/').to_owned())
}

/// A space-separated list of `acr` values, or the profile's.
fn accepted_acr<P: Profile>((name, value): (&'static str, Option<&str>)) -> Result<Vec<String>, ConfigError> {
    match value {
        None => Ok(P::DEFAULT_ACCEPTED_ACR.iter().map(|a| (*a).to_owned()).collect()),
        Some(v) => {
            let list: Vec<String> = v.split_whitespace().map(str::to_owned).collect();
            if list.is_empty() || list.iter().any(|a| a.chars().any(|c| c.is_control() || c == '"')) {
                return Err(ConfigError::Invalid { name, reason: "expected acr values separated by spaces".into() });
            }
            Ok(list)
        }
    }
}

impl ProviderConfig {
    /// FranceConnect's section (`PORTALIS_FC_*`). `demo`: the simulator's
    /// registration stands in for what production must be given; its
    /// secret is derived from the portal's.
    pub(super) fn franceconnect(raw: &Raw, demo: bool, secret_key: &Secret) -> Result<Self, ConfigError> {
        let section = Section {
            issuer: ("PORTALIS_FC_ISSUER", raw.fc_issuer.as_deref()),
            client_id: ("PORTALIS_FC_CLIENT_ID", raw.fc_client_id.as_deref()),
            client_secret: ("PORTALIS_FC_CLIENT_SECRET", raw.fc_client_secret.as_deref()),
            scopes: raw.fc_scopes.as_deref(),
            accepted_acr: ("PORTALIS_FC_ACCEPTED_ACR", raw.fc_accepted_acr.as_deref()),
        };
        let issuer = match (section.issuer, demo) {
            ((name, Some(i)), _) => Some(issuer(name, i, demo)?),
            ((_, None), true) => None,
            ((name, None), false) => return Err(ConfigError::Missing(name)),
        };
        let client_id = match (section.client_id, demo) {
            ((_, Some(c)), _) => c.to_owned(),
            ((_, None), true) => DEMO_CLIENT_ID.to_owned(),
            ((name, None), false) => return Err(ConfigError::Missing(name)),
        };
        let client_secret = match (section.client_secret, demo) {
            ((_, Some(c)), _) => Secret::new(c),
            // The demo's simulator and portal derive the same secret.
            ((_, None), true) => demo_secret("fc-sim", secret_key),
            ((name, None), false) => return Err(ConfigError::Missing(name)),
        };
        Ok(Self {
            issuer,
            client_id,
            client_secret,
            scopes: section.scopes.unwrap_or(FranceConnectProfile::DEFAULT_SCOPES).to_owned(),
            accepted_acr: accepted_acr::<FranceConnectProfile>(section.accepted_acr)?,
        })
    }

    /// The demo's registration at its ProConnect simulator, listening at
    /// `issuer`: what `portalis demo` and `portalis pc-sim` agree on when no
    /// ProConnect section is given.
    pub fn demo_proconnect(issuer: &str, secret_key: &Secret) -> Self {
        Self {
            issuer: Some(issuer.to_owned()),
            client_id: DEMO_PC_CLIENT_ID.to_owned(),
            client_secret: demo_secret("pc-sim", secret_key),
            scopes: ProConnectProfile::DEFAULT_SCOPES.to_owned(),
            accepted_acr: ProConnectProfile::DEFAULT_ACCEPTED_ACR.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    /// ProConnect's section (`PORTALIS_PROCONNECT_*`): none without an
    /// issuer (the portal then has no court staff console); with one, the
    /// registration is required, in the demo too. One issuer cannot sign
    /// both litigants and agents in.
    pub(super) fn proconnect(raw: &Raw, demo: bool, litigants: &ProviderConfig) -> Result<Option<Self>, ConfigError> {
        let section = Section {
            issuer: ("PORTALIS_PROCONNECT_ISSUER", raw.proconnect_issuer.as_deref()),
            client_id: ("PORTALIS_PROCONNECT_CLIENT_ID", raw.proconnect_client_id.as_deref()),
            client_secret: ("PORTALIS_PROCONNECT_CLIENT_SECRET", raw.proconnect_client_secret.as_deref()),
            scopes: raw.proconnect_scopes.as_deref(),
            accepted_acr: ("PORTALIS_PROCONNECT_ACCEPTED_ACR", raw.proconnect_accepted_acr.as_deref()),
        };
        let (name, Some(value)) = section.issuer else {
            let given = [section.client_id, section.client_secret, section.accepted_acr]
                .into_iter()
                .find_map(|(name, value)| value.map(|_| name))
                .or(section.scopes.map(|_| "PORTALIS_PROCONNECT_SCOPES"));
            return match given {
                Some(other) => {
                    Err(ConfigError::Invalid { name: other, reason: "given without PORTALIS_PROCONNECT_ISSUER".into() })
                }
                None => Ok(None),
            };
        };
        let issuer = issuer(name, value, demo)?;
        if litigants.issuer.as_deref() == Some(issuer.as_str()) {
            return Err(ConfigError::Invalid {
                name,
                reason: "is FranceConnect's issuer: litigants and court staff sign in with different providers".into(),
            });
        }
        let required =
            |(name, value): (&'static str, Option<&str>)| value.map(str::to_owned).ok_or(ConfigError::Missing(name));
        Ok(Some(Self {
            issuer: Some(issuer),
            client_id: required(section.client_id)?,
            client_secret: Secret::new(required(section.client_secret)?),
            scopes: section.scopes.unwrap_or(ProConnectProfile::DEFAULT_SCOPES).to_owned(),
            accepted_acr: accepted_acr::<ProConnectProfile>(section.accepted_acr)?,
        }))
    }
}

/// A simulator's secret at the demo, derived from the portal's.
fn demo_secret(simulator: &str, secret_key: &Secret) -> Secret {
    Secret::new(format!(
        "demo-{}",
        portalis_core::secret::sha256_hex(format!("{simulator}|{}", secret_key.expose()).as_bytes())
    ))
}

/// The demo's simulators of FranceConnect and ProConnect.
#[derive(Debug, Clone)]
pub struct SimulatorConfig {
    pub listen: SocketAddr,
    /// Where the ProConnect simulator listens.
    pub pc_listen: SocketAddr,
    /// How many generated people the simulator signs in besides its three
    /// (load benchmarks; 0 otherwise).
    pub population: usize,
}

impl SimulatorConfig {
    pub(super) fn read(raw: &Raw) -> Result<Self, ConfigError> {
        let listen = raw.fc_sim_listen.as_deref().unwrap_or(DEMO_FC_LISTEN).parse().map_err(|_| {
            ConfigError::Invalid { name: "PORTALIS_FC_SIM_LISTEN", reason: "expected host:port".into() }
        })?;
        let pc_listen = raw.pc_sim_listen.as_deref().unwrap_or(DEMO_PC_LISTEN).parse().map_err(|_| {
            ConfigError::Invalid { name: "PORTALIS_PC_SIM_LISTEN", reason: "expected host:port".into() }
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
        Ok(Self { listen, pc_listen, population })
    }
}

/// How long a session lasts.
#[derive(Debug, Clone, Copy)]
pub struct SessionConfig {
    /// Ends after this long without activity.
    pub idle_minutes: i64,
    /// And after this long in any case.
    pub lifetime_hours: i64,
}

impl SessionConfig {
    /// A litigant's (`PORTALIS_SESSION_*`): 30 minutes idle, 12 hours.
    pub(super) fn litigants(raw: &Raw) -> Result<Self, ConfigError> {
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

    /// A court agent's (`PORTALIS_STAFF_SESSION_*`): 15 minutes idle,
    /// 8 hours — a working day, on a counter's shared computer.
    pub(super) fn staff(raw: &Raw) -> Result<Self, ConfigError> {
        Ok(Self {
            idle_minutes: whole_number(
                raw.staff_session_idle_minutes.as_deref(),
                "PORTALIS_STAFF_SESSION_IDLE_MINUTES",
                15,
                24 * 60,
            )?,
            lifetime_hours: whole_number(
                raw.staff_session_lifetime_hours.as_deref(),
                "PORTALIS_STAFF_SESSION_LIFETIME_HOURS",
                8,
                24,
            )?,
        })
    }
}
