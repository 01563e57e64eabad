//! A FranceConnect v2 simulator. It is a real OpenID provider — discovery,
//! JWKS, authorization code flow with PKCE, ES256-signed ID tokens and
//! UserInfo, logout — with the pages a litigant sees at FranceConnect: the
//! choice of an account, the provider's login form, the confirmation.
//! Every page says it is a demonstration.
//!
//! State lives in memory: a restart forgets pending logins, as it should.

mod identities;
mod pages;
mod protocol;
mod state;

pub use identities::{IDENTITIES, MAX_POPULATION, POPULATION_CODE, Person, TestIdentity, population_nir};
pub use state::{Client, Simulator, subject};

use axum::Router;
use axum::routing::{get, post};

/// The simulator's routes; the issuer is `<base URL>/api/v2`.
pub fn router(sim: Simulator) -> Router {
    Router::new()
        .route("/api/v2/.well-known/openid-configuration", get(protocol::discovery))
        .route("/api/v2/jwks", get(protocol::jwks))
        .route("/api/v2/authorize", get(protocol::authorize))
        .route("/api/v2/interaction/{id}/fournisseur", post(pages::choose_provider))
        .route("/api/v2/interaction/{id}/connexion", post(pages::sign_in))
        .route("/api/v2/interaction/{id}/confirmation", post(pages::confirm))
        .route("/api/v2/interaction/{id}", get(pages::choose))
        .route("/api/v2/token", post(protocol::token))
        .route("/api/v2/userinfo", get(protocol::userinfo))
        .route("/api/v2/session/end", get(protocol::end_session))
        .with_state(sim)
}
