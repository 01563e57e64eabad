//! The litigant's pages, rendered on the server; they work without
//! JavaScript. A handler in `pages/NAME.rs` renders `templates/pages/NAME.html`
//! inside the page shell (`templates/base.html`, the Système de Design de
//! l'État). `auth/` holds the FranceConnect login and logout; `session.rs`
//! and `csrf.rs` the server-side sessions and the forms' tokens. The court
//! staff's console, signed in with ProConnect, is `console/` (its pages
//! under `/juridiction`, `templates/console/`).

pub mod assets;
mod auth;
pub mod client_ip;
pub mod console;
mod cookies;
pub mod csrf;
mod error;
pub mod forms;
mod layout;
mod my_cases;
mod navigation;
mod pages;
pub mod public_id;
mod robots;
pub mod session;

use axum::Router;
use axum::routing::{get, post};
use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_openid::{FranceConnect, ProConnect};
use portalis_storage::Db;
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
    /// The portal's origin (`https://justice.example`), from its public
    /// URL: what a navigation of its own comes from.
    pub origin: String,
    /// The portal's secret key (attachment codes' hashes).
    pub secret_key: Vec<u8>,
    /// The HMAC key derived from it once, for the forms' CSRF tokens and
    /// the public identifiers in URLs (each with its own message prefix).
    pub signing_key: ring::hmac::Key,
    pub session_idle: chrono::Duration,
    pub session_absolute: chrono::Duration,
    /// A court agent's session: its idle time and lifetime.
    pub staff_session_idle: chrono::Duration,
    pub staff_session_absolute: chrono::Duration,
    /// Who publishes the portal (legal notice) and the address for
    /// accessibility and personal-data requests.
    pub operator_name: String,
    pub contact_email: String,
    /// The reverse proxies whose forwarding header is believed
    /// (`client_ip.rs`), and that header (lower case).
    pub trusted_proxies: client_ip::TrustedProxies,
    pub client_ip_header: String,
}

/// The HMAC key of CSRF tokens and public identifiers for a secret.
pub fn signing_key(secret: &[u8]) -> ring::hmac::Key {
    ring::hmac::Key::new(ring::hmac::HMAC_SHA256, secret)
}

/// What the pages need, shared by every request: axum clones the state for
/// each extractor of each request, so it is one reference count.
#[derive(Clone)]
pub struct WebState(Arc<Shared>);

impl WebState {
    pub fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }
}

impl std::ops::Deref for WebState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The contents of [`WebState`].
pub struct Shared {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
    pub franceconnect: Arc<FranceConnect>,
    /// The court staff's provider; `None`: no console (its pages answer
    /// "page introuvable").
    pub proconnect: Option<Arc<ProConnect>>,
    pub documents: portalis_documents::DocumentStore,
    pub settings: Arc<WebSettings>,
    /// The sessions' activity records in flight (`session.rs`).
    pub touches: Arc<session::Touches>,
    /// The stylesheet, fonts, icons (`assets/`).
    pub assets: Arc<assets::Assets>,
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

/// How a route may change state. The security tests go through this table:
/// a route cannot be added without saying which it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Reads only.
    Reads,
    /// A form that changes state: POST with a CSRF token.
    Form,
    /// A GET that records a fact of its own: the OpenID callback (opens the
    /// session), the first consultation of a case or a document (a legal
    /// record, only for the person's own navigation: `navigation.rs`), the
    /// logout return, and the console's search and party pages (journaled
    /// for the court's administrator).
    Records,
}

/// Every page route: path, methods, effect, handler.
pub fn routes() -> Vec<(&'static str, &'static [&'static str], Effect, axum::routing::MethodRouter<WebState>)> {
    use Effect::{Form, Reads, Records};
    use pages::filings;
    vec![
        ("/", &["GET"], Reads, get(pages::home::show)),
        ("/connexion", &["GET"], Reads, get(pages::login::show)),
        ("/connexion/franceconnect", &["POST"], Form, post(auth::start::start)),
        (CALLBACK_PATH, &["GET"], Records, get(auth::callback::callback)),
        ("/deconnexion", &["POST"], Form, post(auth::logout::logout)),
        (LOGOUT_CALLBACK_PATH, &["GET"], Records, get(auth::logout::returned)),
        ("/mon-espace", &["GET"], Reads, get(pages::space::show)),
        ("/mon-espace/ajouter", &["GET", "POST"], Form, get(pages::attach::show).post(pages::attach::submit)),
        ("/mon-espace/export.csv", &["GET"], Reads, get(pages::exports::csv)),
        (
            "/mon-espace/preferences",
            &["GET", "POST"],
            Form,
            get(pages::preferences::show).post(pages::preferences::save),
        ),
        ("/mon-espace/agenda.ics", &["GET"], Reads, get(pages::exports::agenda)),
        ("/dossiers/{case}", &["GET"], Records, get(pages::case::show)),
        (filings::PROCEDURES_PATH, &["GET"], Reads, get(filings::procedures::show)),
        ("/demarches/{procedure}", &["POST"], Form, post(filings::procedures::start)),
        (filings::MINE_PATH, &["GET"], Reads, get(filings::mine::show)),
        ("/mes-demarches/{filing}", &["GET"], Reads, get(filings::show::show)),
        (
            "/mes-demarches/{filing}/etape/{step}",
            &["GET", "POST"],
            Form,
            get(filings::step::show).post(filings::step::submit),
        ),
        (
            "/mes-demarches/{filing}/pieces",
            &["GET", "POST"],
            Form,
            get(filings::pieces::show)
                .post(filings::pieces::add)
                .layer(axum::extract::DefaultBodyLimit::max(filings::pieces::BODY_LIMIT)),
        ),
        ("/mes-demarches/{filing}/pieces/{piece}", &["GET"], Reads, get(filings::pieces::download)),
        ("/mes-demarches/{filing}/pieces/{piece}/retrait", &["POST"], Form, post(filings::pieces::remove)),
        ("/mes-demarches/{filing}/verification", &["GET"], Reads, get(filings::review::show)),
        ("/mes-demarches/{filing}/avis.pdf", &["GET"], Reads, get(filings::documents::receipt)),
        ("/mes-demarches/{filing}/demande.pdf", &["GET"], Reads, get(filings::documents::request)),
        ("/mes-demarches/{filing}/envoi", &["POST"], Form, post(filings::review::send)),
        ("/mes-demarches/{filing}/suppression", &["POST"], Form, post(filings::mine::delete)),
        ("/dossiers/{case}/agenda/{event}", &["GET"], Reads, get(pages::exports::hearing)),
        ("/dossiers/{case}/documents/{document}", &["GET"], Records, get(pages::download::download)),
        (console::PATH, &["GET"], Reads, get(console::home::show)),
        (console::LOGIN_PATH, &["GET"], Reads, get(console::login::show)),
        (console::START_PATH, &["POST"], Form, post(console::login::start)),
        (console::CALLBACK_PATH, &["GET"], Records, get(console::login::callback)),
        (console::LOGOUT_PATH, &["POST"], Form, post(console::logout::logout)),
        (console::LOGOUT_CALLBACK_PATH, &["GET"], Records, get(console::logout::returned)),
        (console::search::PATH, &["GET"], Records, get(console::search::show)),
        (console::journal::PATH, &["GET"], Reads, get(console::journal::show)),
        (console::filings::PATH, &["GET"], Reads, get(console::filings::show)),
        (console::api_keys::PATH, &["GET", "POST"], Form, get(console::api_keys::show).post(console::api_keys::create)),
        (
            console::staff_roles::PATH,
            &["GET", "POST"],
            Form,
            get(console::staff_roles::show).post(console::staff_roles::grant),
        ),
        (console::staff_roles::REMOVE_PATH, &["POST"], Form, post(console::staff_roles::remove)),
        (
            "/juridiction/administration/cles-api/{key}/revocation",
            &["GET", "POST"],
            Form,
            get(console::api_keys::confirm_revoke).post(console::api_keys::revoke),
        ),
        (
            "/juridiction/administration/juridiction",
            &["GET", "POST"],
            Form,
            get(console::court_entry::show).post(console::court_entry::save),
        ),
        ("/juridiction/demandes/{filing}", &["GET"], Reads, get(console::filing::show)),
        ("/juridiction/demandes/{filing}/demande.pdf", &["GET"], Reads, get(console::filing::request)),
        ("/juridiction/demandes/{filing}/pieces/{piece}", &["GET"], Reads, get(console::filing::attachment)),
        ("/juridiction/demandes/{filing}/enregistrement", &["POST"], Form, post(console::filing_answer::register)),
        ("/juridiction/demandes/{filing}/ouverture", &["POST"], Form, post(console::filing_answer::open)),
        ("/juridiction/demandes/{filing}/refus", &["POST"], Form, post(console::filing_answer::refuse)),
        ("/juridiction/parties/{party}", &["GET"], Records, get(console::party::show)),
        (
            "/juridiction/parties/{party}/coordonnees",
            &["GET", "POST"],
            Form,
            get(console::party_contact::show).post(console::party_contact::change),
        ),
        (
            "/juridiction/parties/{party}/{action}",
            &["GET", "POST"],
            Form,
            get(console::party_actions::confirm).post(console::party_actions::act),
        ),
        ("/aide/numero-perdu", &["GET"], Reads, get(pages::lost_number::show)),
        ("/aide", &["GET"], Reads, get(pages::help::show)),
        ("/annuaire", &["GET"], Reads, get(pages::directory::show)),
        ("/annuaire/{code}", &["GET"], Reads, get(pages::directory::court)),
        ("/cookies", &["GET"], Reads, get(pages::cookies::show)),
        ("/plan-du-site", &["GET"], Reads, get(pages::site_map::show)),
        ("/accessibilite", &["GET"], Reads, get(pages::accessibility::show)),
        ("/mentions-legales", &["GET"], Reads, get(pages::legal::show)),
        ("/donnees-personnelles", &["GET"], Reads, get(pages::privacy::show)),
    ]
}

/// The route table without its handlers, for tests and documentation.
pub fn route_table() -> Vec<(&'static str, &'static [&'static str], Effect)> {
    routes().into_iter().map(|(p, m, e, _)| (p, m, e)).collect()
}

/// Every page; the fallback is the French "page introuvable".
pub fn router(state: WebState) -> Router {
    routes()
        .into_iter()
        .fold(Router::new(), |r, (path, _, _, handler)| r.route(path, handler))
        .merge(assets::router(state.assets.clone(), state.settings.branding == Branding::Etat))
        .merge(robots::router())
        .merge(dev_routes(state.settings.demo))
        .fallback(pages::not_found::show)
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::render_errors))
        .layer(axum::middleware::from_fn_with_state(state.clone(), cache_policy))
        .layer(axum::middleware::from_fn(robots::not_indexed))
        .with_state(state)
}

/// What a browser may keep of a page that says nothing itself: nothing of
/// a signed-in visitor's pages (after logout on a shared computer, Back
/// must not show a case) nor of the console's, and a public page only to
/// check it again (`private, no-cache`). Files keep their own.
async fn cache_policy(
    axum::extract::State(state): axum::extract::State<WebState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::{HeaderValue, header::CACHE_CONTROL};
    let secure = state.settings.secure_cookies;
    let signed_in = cookies::get(request.headers(), &cookies::name(session::SESSION_COOKIE, secure)).is_some()
        || console::is_console(request.uri().path());
    let mut response = next.run(request).await;
    if !response.headers().contains_key(CACHE_CONTROL) {
        let policy = if signed_in { "private, no-store" } else { "private, no-cache" };
        response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}
