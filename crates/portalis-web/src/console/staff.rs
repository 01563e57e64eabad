//! Who may see a console page: a court agent signed in with ProConnect
//! ([`StaffSession`]) who holds a role in the portal ([`Staff`]). Roles are
//! read at each request: a role withdrawn stops working at the next one.

use super::Console;
use crate::WebState;
use crate::forms::Submitter;
use crate::layout::Layout;
use crate::session::Visitor;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::realm::Realm;
use portalis_core::staff::Role;
use portalis_storage::sessions::Session;
use portalis_storage::staff::{self, Grant};

/// The visitor of a console page (the agent's session, if any).
pub struct StaffVisitor(pub Visitor);

impl FromRequestParts<WebState> for StaffVisitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        Console::from_request_parts(parts, state).await?;
        Ok(StaffVisitor(Visitor::of_realm(parts, state, Realm::Staff).await?))
    }
}

impl Submitter for StaffVisitor {
    fn visitor(&self) -> &Visitor {
        &self.0
    }
}

/// A signed-in agent, whatever his roles (he may always sign out). Anyone
/// else is sent to the console's sign-in page, to come back afterwards.
pub struct StaffSession {
    pub session: Session,
    pub visitor: Visitor,
}

impl StaffSession {
    /// His audit actor.
    pub fn actor(&self) -> String {
        format!("agent:{}", self.session.user.id)
    }
}

impl FromRequestParts<WebState> for StaffSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let StaffVisitor(visitor) = StaffVisitor::from_request_parts(parts, state).await?;
        if let Some(session) = visitor.session.clone() {
            return Ok(StaffSession { session, visitor });
        }
        let back = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or(super::PATH);
        let target = url::form_urlencoded::Serializer::new(String::new()).append_pair("retour", back).finish();
        Err(Redirect::to(&format!("{}?{target}", super::LOGIN_PATH)).into_response())
    }
}

impl Submitter for StaffSession {
    fn visitor(&self) -> &Visitor {
        &self.visitor
    }
}

/// An agent holding at least one role: the only one a console page serves.
pub struct Staff {
    pub signed_in: StaffSession,
    /// His roles, by court.
    pub roles: Vec<Grant>,
}

/// Who an agent is, as journals and audits name him.
pub struct AgentName {
    /// The address his roles are granted to.
    pub email: String,
    pub name: String,
}

impl Staff {
    /// Whether he holds `needed` (or a role that includes it) in the court.
    pub fn may(&self, needed: Role, court_id: i64) -> bool {
        self.roles.iter().any(|g| g.court_id == court_id && g.role.includes(needed))
    }

    /// The courts where he holds `needed`.
    pub fn courts_where(&self, needed: Role) -> impl Iterator<Item = &Grant> {
        self.roles.iter().filter(move |g| g.role.includes(needed))
    }

    /// The court where he holds `needed` that `code` names (a page's
    /// `juridiction`), or the first such court without one; `None` for a
    /// court where he does not hold it.
    pub fn court_for(&self, needed: Role, code: Option<&str>) -> Option<&Grant> {
        let mut courts = self.courts_where(needed);
        match code {
            Some(code) => courts.find(|g| g.court_code == code),
            None => courts.next(),
        }
    }

    /// His address and name.
    pub fn agent(&self) -> AgentName {
        AgentName {
            email: self.roles.first().map(|g| g.email.clone()).unwrap_or_default(),
            name: self.signed_in.session.user.display_name(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/no_role.html")]
pub struct NoRole {
    pub layout: Layout,
}

impl FromRequestParts<WebState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Response> {
        let signed_in = StaffSession::from_request_parts(parts, state).await?;
        // Read with the session when it was read (never cached: a role
        // withdrawn stops working at the next request).
        let roles = match signed_in.session.prefetched.roles.clone() {
            Some(roles) => roles,
            None => async { staff::roles_of(&mut state.db.pages().await?, signed_in.session.user.id).await }
                .await
                .map_err(|e| crate::error::PageError::from(e).into_response())?,
        };
        if roles.is_empty() {
            let layout = Layout::for_visitor(state, &signed_in.visitor, "Accès refusé");
            return Err((StatusCode::FORBIDDEN, NoRole { layout }).into_response());
        }
        Ok(Staff { signed_in, roles })
    }
}

impl Submitter for Staff {
    fn visitor(&self) -> &Visitor {
        &self.signed_in.visitor
    }
}
