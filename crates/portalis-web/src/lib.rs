//! The litigant's pages, rendered on the server; they work without
//! JavaScript. A handler in `pages/NAME.rs` renders `templates/pages/NAME.html`
//! inside the page shell (`templates/base.html`, the Système de Design de
//! l'État). `auth/` holds the FranceConnect login and logout; `session.rs`
//! and `csrf.rs` the server-side sessions and the forms' tokens.

pub mod assets;
mod auth;
mod client_ip;
mod cookies;
pub mod csrf;
mod error;
mod layout;
mod my_cases;
pub mod public_id;
mod pages;
pub mod session;

use axum::routing::{get, post};
use axum::Router;
use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_franceconnect::FranceConnect;
use portalis_storage::Db;
use std::path::PathBuf;
use std::sync::Arc;

/// The State brand block ("République française", Marianne) is reserved to
/// State services: any other deployment switches it off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branding {
    Etat,
    Neutre,
}

/// How the pages behave, from the configuration.
#[derive(Clone)]
pub struct WebSettings {
    pub demo: bool,
    pub branding: Branding,
    /// https: cookies get `Secure` and the `__Host-` prefix.
    pub secure_cookies: bool,
    /// Keys the forms' CSRF tokens.
    pub secret_key: Vec<u8>,
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    /// The DSFR's `dist` directory (npm package `@gouvfr/dsfr`).
    pub dsfr_dir: Option<PathBuf>,
    /// Who publishes the portal (legal notice) and the address for
    /// accessibility and personal-data requests.
    pub operator_name: String,
    pub contact_email: String,
    /// The header a reverse proxy puts the client's address in, if any.
    pub client_ip_header: Option<String>,
}

/// What the pages need.
#[derive(Clone)]
pub struct WebState {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
    pub franceconnect: Arc<FranceConnect>,
    pub documents: portalis_documents::DocumentStore,
    pub settings: Arc<WebSettings>,
}

/// The path FranceConnect sends the browser back to after login.
pub const CALLBACK_PATH: &str = "/connexion/retour";
/// The path FranceConnect sends the browser back to after logout.
pub const LOGOUT_CALLBACK_PATH: &str = "/deconnexion/retour";

/// The development outbox, in demo mode only.
fn dev_routes(demo: bool) -> Router<WebState> {
    if demo {
        Router::new()
            .route("/_dev/outbox", get(pages::dev_outbox::page))
            .route("/_dev/outbox.json", get(pages::dev_outbox::json))
    } else {
        Router::new()
    }
}

/// Every page; the fallback is the French "page introuvable".
pub fn router(state: WebState) -> Router {
    Router::new()
        .route("/", get(pages::home::show))
        .route("/connexion", get(pages::login::show))
        .route("/connexion/franceconnect", post(auth::start::start))
        .route(CALLBACK_PATH, get(auth::callback::callback))
        .route("/deconnexion", post(auth::logout::logout))
        .route(LOGOUT_CALLBACK_PATH, get(auth::logout::returned))
        .route("/mon-espace", get(pages::space::show))
        .route("/mon-espace/ajouter", get(pages::attach::show).post(pages::attach::submit))
        .route("/mon-espace/export.csv", get(pages::exports::csv))
        .route("/mon-espace/preferences", get(pages::preferences::show).post(pages::preferences::save))
        .route("/mon-espace/agenda.ics", get(pages::exports::agenda))
        .route("/dossiers/{case}", get(pages::case::show))
        .route("/dossiers/{case}/agenda/{event}", get(pages::exports::hearing))
        .route("/dossiers/{case}/documents/{document}", get(pages::download::download))
        .route("/aide/numero-perdu", get(pages::lost_number::show))
        .route("/aide", get(pages::help::show))
        .route("/annuaire", get(pages::directory::show))
        .route("/annuaire/{code}", get(pages::directory::court))
        .route("/cookies", get(pages::cookies::show))
        .route("/accessibilite", get(pages::accessibility::show))
        .route("/mentions-legales", get(pages::legal::show))
        .route("/donnees-personnelles", get(pages::privacy::show))
        .merge(assets::router(state.settings.dsfr_dir.clone()))
        .merge(dev_routes(state.settings.demo))
        .fallback(pages::not_found::show)
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::render_errors))
        .with_state(state)
}
