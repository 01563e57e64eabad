//! Simulators of the two identity federations the portal uses, FranceConnect
//! v2 (litigants) and ProConnect (court staff). Each is a real OpenID
//! provider — discovery, JWKS, authorization code flow with PKCE,
//! ES256-signed ID tokens and UserInfo, logout — with the pages its users
//! see: at FranceConnect the choice of an account, the provider's login
//! form, the confirmation (`pages.rs`, the people of `identities.rs`); at
//! ProConnect the professional e-mail, then the organisation's login page
//! (`pc_pages.rs`, the agents of `agents.rs`). Every page says it is a
//! demonstration.
//!
//! State lives in memory: a restart forgets pending logins, as it should.

mod agents;
mod identities;
mod pages;
mod pc_pages;
mod protocol;
mod state;

pub use agents::{AGENT_PASSWORD, AGENTS, DemoAgent, SIRET as DIRECTORY_SIRET};
pub use identities::{IDENTITIES, MAX_POPULATION, POPULATION_CODE, Person, TestIdentity, population_nir};
pub use state::{Client, Federation, Simulator, subject};

use axum::Router;
use axum::routing::{get, post};

/// The simulator's routes; the issuer is `<base URL>/api/v2`.
pub fn router(sim: Simulator) -> Router {
    let pages = match sim.federation() {
        Federation::FranceConnect => Router::new()
            .route("/api/v2/interaction/{id}/fournisseur", post(pages::choose_provider))
            .route("/api/v2/interaction/{id}/connexion", post(pages::sign_in))
            .route("/api/v2/interaction/{id}/confirmation", post(pages::confirm))
            .route("/api/v2/interaction/{id}", get(pages::choose)),
        Federation::ProConnect => Router::new()
            .route("/api/v2/interaction/{id}/email", post(pc_pages::email))
            .route("/api/v2/interaction/{id}/mot-de-passe", post(pc_pages::password))
            .route("/api/v2/interaction/{id}", get(pc_pages::start)),
    };
    pages
        .route("/api/v2/.well-known/openid-configuration", get(protocol::discovery))
        .route("/api/v2/jwks", get(protocol::jwks))
        .route("/api/v2/authorize", get(protocol::authorize))
        .route("/api/v2/token", post(protocol::token))
        .route("/api/v2/userinfo", get(protocol::userinfo))
        .route("/api/v2/session/end", get(protocol::end_session))
        .with_state(sim)
}
