//! The simulator's configuration and in-memory state.

use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_openid::jose::sign::EsKey;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A service provider registered with the simulator.
#[derive(Debug, Clone)]
pub struct Client {
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    /// "Ministère de la justice", shown on the confirmation button.
    pub service_name: String,
    /// "justice.fr", shown on the choice of an account.
    pub site: String,
}

#[derive(Debug, Clone)]
pub(crate) struct Interaction {
    pub client_id: String,
    pub redirect_uri: String,
    pub state: String,
    pub nonce: String,
    pub code_challenge: Option<String>,
    pub provider: Option<String>,
    /// ProConnect: the address the agent typed, before his directory's page.
    pub email: Option<String>,
    pub identity: Option<usize>,
    pub created: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub client_id: String,
    pub redirect_uri: String,
    pub nonce: String,
    pub code_challenge: Option<String>,
    pub identity: usize,
    pub expires: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct AccessToken {
    pub client_id: String,
    pub identity: usize,
    pub expires: i64,
}

#[derive(Default)]
pub(crate) struct Store {
    pub interactions: HashMap<String, Interaction>,
    pub codes: HashMap<String, Grant>,
    pub tokens: HashMap<String, AccessToken>,
}

/// Which federation the simulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Federation {
    /// Litigants: the choice of an account, the provider's form, the
    /// confirmation; the people of `identities.rs`.
    FranceConnect,
    /// Court staff: the professional e-mail, then the organisation's login
    /// page; the agents of `agents.rs`.
    ProConnect,
}

/// The simulator: its issuer, clients, signing key and state.
#[derive(Clone)]
pub struct Simulator {
    pub(crate) federation: Federation,
    pub(crate) issuer: String,
    pub(crate) clients: Arc<Vec<Client>>,
    pub(crate) key: Arc<EsKey>,
    pub(crate) store: Arc<Mutex<Store>>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) random: Arc<dyn RandomSource>,
    /// How many generated people can sign in besides the fixed identities.
    pub(crate) population: usize,
}

/// How long a code and an access token live (FranceConnect: 60 s).
pub(crate) const CODE_SECONDS: i64 = 60;
pub(crate) const TOKEN_SECONDS: i64 = 60;
/// How long a login at the simulator may take.
pub(crate) const INTERACTION_SECONDS: i64 = 15 * 60;

impl Simulator {
    /// A FranceConnect simulator; `issuer` is `<base URL>/api/v2`.
    pub fn new(
        issuer: impl Into<String>,
        clients: Vec<Client>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self::of(Federation::FranceConnect, issuer.into(), clients, clock, random)
    }

    /// A ProConnect simulator; `issuer` is `<base URL>/api/v2`.
    pub fn proconnect(
        issuer: impl Into<String>,
        clients: Vec<Client>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self::of(Federation::ProConnect, issuer.into(), clients, clock, random)
    }

    fn of(
        federation: Federation,
        issuer: String,
        clients: Vec<Client>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn RandomSource>,
    ) -> Self {
        Self {
            federation,
            issuer,
            clients: Arc::new(clients),
            key: Arc::new(EsKey::generate(format!("sim-{}", random.hex(4)))),
            store: Arc::new(Mutex::new(Store::default())),
            clock,
            random,
            population: 0,
        }
    }

    /// Lets the first `population` generated people sign in too (load
    /// benchmarks), at most [`crate::identities::MAX_POPULATION`].
    #[must_use]
    pub fn with_population(mut self, population: usize) -> Self {
        self.population = population.min(crate::identities::MAX_POPULATION);
        self
    }

    /// The person with this index.
    pub(crate) fn person(&self, index: usize) -> Option<crate::identities::Person> {
        crate::identities::person(index, self.population)
    }

    /// The index of the person these credentials sign in.
    pub(crate) fn find(&self, nir: &str, code: &str) -> Option<usize> {
        crate::identities::find(nir, code, self.population)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn federation(&self) -> Federation {
        self.federation
    }

    pub(crate) fn client(&self, id: &str) -> Option<&Client> {
        self.clients.iter().find(|c| c.client_id == id)
    }

    pub(crate) fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    pub(crate) fn token(&self) -> String {
        self.random.hex(24)
    }

    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store.lock().expect("simulator state")
    }

    /// The interaction `id`, if it exists and has not timed out.
    pub(crate) fn interaction(&self, id: &str) -> Option<Interaction> {
        let now = self.now();
        let mut store = self.store();
        store.interactions.retain(|_, i| now - i.created < INTERACTION_SECONDS);
        store.interactions.get(id).cloned()
    }

    /// The pairwise subject of an identity for a client: stable, opaque,
    /// different for each service provider, as FranceConnect's (and, for an
    /// agent, from his directory's identifier).
    pub(crate) fn subject(&self, client_id: &str, identity: usize) -> String {
        let key = match self.federation {
            Federation::FranceConnect => self.person(identity).map(|p| p.nir).unwrap_or_default(),
            Federation::ProConnect => crate::agents::AGENTS
                .get(identity)
                .map(|a| format!("{}:{}", crate::agents::IDP_ID, a.uid))
                .unwrap_or_default(),
        };
        subject(client_id, &key)
    }
}

/// The pairwise subject the simulator gives the person with this NIR at
/// this client: what a data generator stores so that generated accounts are
/// the ones their people sign in to.
pub fn subject(client_id: &str, nir: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, format!("{client_id}:{nir}").as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    format!("{hex}v1")
}
