//! The court staff's console, under `/juridiction`: agents sign in with
//! ProConnect and act through the roles the portal grants them per court
//! (`portalis_storage::staff`), never through what the provider says.
//!
//! Its own realm: its own session cookie, read only under `/juridiction`
//! (`session::session_cookie`), its own idle time and lifetime
//! (`PORTALIS_STAFF_SESSION_*`), pages never cached; a litigant's session
//! is never an agent's, nor the reverse. Without a ProConnect registration
//! (`PORTALIS_PROCONNECT_ISSUER`) its pages answer "page introuvable".
//!
//! - `staff.rs`: who may see a console page ([`staff::Staff`]: signed in
//!   and holding a role);
//! - `login.rs`, `logout.rs`: the ProConnect sign-in and sign-out;
//! - `home.rs`: the console's first page;
//! - `search.rs`: the SAUJ's search of every court's parties;
//! - `party.rs`: a party's page (each view journaled);
//! - `party_actions.rs`: the SAUJ's actions on its own court's parties;
//! - `journal.rs`: the journal of views, for a court's administrator;
//! - `filings.rs`, `filing.rs`, `filing_answer.rs`: the greffe's inbox of
//!   online filings, a filing, and its registration or refusal;
//! - `party_contact.rs`: « Modifier les coordonnées » of a party;
//! - `api_keys.rs`, `staff_roles.rs`, `court_entry.rs`: the court's API
//!   keys, its agents' roles and its directory entry, for its
//!   administrator.

pub mod api_keys;
pub mod court_entry;
pub mod filing;
pub mod filing_answer;
pub mod filings;
pub mod home;
pub mod journal;
pub mod login;
pub mod logout;
pub mod party;
pub mod party_actions;
pub mod party_contact;
pub mod search;
pub mod staff;
pub mod staff_roles;

use crate::WebState;
use crate::layout::Layout;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use portalis_openid::ProConnect;
use std::sync::Arc;

/// Where the console lives; its cookies are read only under it.
pub const PATH: &str = "/juridiction";
pub const LOGIN_PATH: &str = "/juridiction/connexion";
/// The ProConnect button's form.
pub const START_PATH: &str = "/juridiction/connexion/proconnect";
/// Where ProConnect sends the browser back after sign-in.
pub const CALLBACK_PATH: &str = "/juridiction/connexion/retour";
pub const LOGOUT_PATH: &str = "/juridiction/deconnexion";
/// Where ProConnect sends the browser back after sign-out.
pub const LOGOUT_CALLBACK_PATH: &str = "/juridiction/deconnexion/retour";

/// Whether a path is the console's.
pub fn is_console(path: &str) -> bool {
    path == PATH || path.starts_with("/juridiction/")
}

/// The console is open: the portal is registered at ProConnect.
pub struct Console(pub Arc<ProConnect>);

impl FromRequestParts<WebState> for Console {
    type Rejection = Response;

    async fn from_request_parts(_parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        match &state.proconnect {
            Some(p) => Ok(Console(p.clone())),
            None => Err((
                StatusCode::NOT_FOUND,
                crate::pages::not_found::NotFound { layout: Layout::anonymous(state, "Page introuvable") },
            )
                .into_response()),
        }
    }
}

/// The console's sections, in its navigation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Search,
    Filings,
    Journal,
    Keys,
    Staff,
    Court,
}

/// A link of the console's navigation.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The console's navigation: the sections the agent's roles open.
pub struct Nav {
    pub items: Vec<NavItem>,
}

impl Nav {
    pub fn of(staff: &staff::Staff, current: Section) -> Self {
        use portalis_core::staff::Role;
        let holds = |role: Role| staff.roles.iter().any(|g| g.role.includes(role));
        let sections = [
            (Section::Home, PATH, "Accueil", true),
            (Section::Search, search::PATH, "Rechercher une partie", true),
            (Section::Filings, filings::PATH, "Demandes en ligne", holds(Role::Greffe)),
            (Section::Journal, journal::PATH, "Journal des consultations", holds(Role::Admin)),
            (Section::Keys, api_keys::PATH, "Clés d'API", holds(Role::Admin)),
            (Section::Staff, staff_roles::PATH, "Agents", holds(Role::Admin)),
            (Section::Court, court_entry::PATH, "Fiche de la juridiction", holds(Role::Admin)),
        ];
        Nav {
            items: sections
                .into_iter()
                .filter(|(_, _, _, open)| *open)
                .map(|(section, href, label, _)| NavItem { href, label, current: section == current })
                .collect(),
        }
    }
}

/// A choice of a page's filter (a court, a status, a procedure).
pub struct Choice {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The courts where the agent holds `role`, to choose from; `current`
/// selected.
pub fn court_choices(staff: &staff::Staff, role: portalis_core::staff::Role, current: i64) -> Vec<Choice> {
    staff
        .courts_where(role)
        .map(|g| Choice { code: g.court_code.clone(), label: g.court_name.clone(), selected: g.court_id == current })
        .collect()
}

/// The court of one of the agent's roles, as stored now.
pub async fn court_of(
    state: &WebState,
    grant: &portalis_storage::staff::Grant,
) -> Result<Option<portalis_storage::courts::Court>, crate::error::PageError> {
    Ok(portalis_storage::courts::by_id(&mut state.db.read().await?, grant.court_id).await?)
}

/// The court (as stored now) where the agent holds `role`, the one of code
/// `code` if given; or "page introuvable" (no such role there).
pub async fn court_where(
    state: &WebState,
    staff: &staff::Staff,
    role: portalis_core::staff::Role,
    code: Option<&str>,
) -> Result<Result<portalis_storage::courts::Court, Response>, crate::error::PageError> {
    let Some(grant) = staff.court_for(role, code) else { return Ok(Err(not_found(state, staff))) };
    Ok(court_of(state, grant).await?.ok_or_else(|| not_found(state, staff)))
}

/// "Page introuvable", for a console URL naming nothing (or nothing the
/// agent may see).
pub fn not_found(state: &WebState, staff: &staff::Staff) -> Response {
    let layout = Layout::for_visitor(state, &staff.signed_in.visitor, "Page introuvable");
    (StatusCode::NOT_FOUND, crate::pages::not_found::NotFound { layout }).into_response()
}

/// A console path to return to after sign-in; anything else is the
/// console's first page.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    let p = crate::session::safe_return_to(candidate);
    let ok = is_console(&p) && !p.starts_with(LOGIN_PATH) && !p.starts_with(LOGOUT_PATH);
    if ok { p } else { PATH.to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_returns_only_to_a_console_page() {
        assert_eq!(safe_return_to(Some("/juridiction/recherche?q=x")), "/juridiction/recherche?q=x");
        for elsewhere in
            ["/mon-espace", "/juridictions", "//evil.example/juridiction", "/juridiction/connexion/retour", "x"]
        {
            assert_eq!(safe_return_to(Some(elsewhere)), PATH, "{elsewhere}");
        }
        assert_eq!(safe_return_to(None), PATH);
    }
}
