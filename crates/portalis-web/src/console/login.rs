//! The console's sign-in with ProConnect: `GET /juridiction/connexion` (the
//! button), `POST /juridiction/connexion/proconnect` (to ProConnect, where
//! the agent types his professional e-mail, then signs in at his
//! organisation), `GET /juridiction/connexion/retour` (the return: the
//! answer verified, the identity bound to the address its roles are
//! granted to, a staff session opened). An identity whose address holds no
//! role is refused: signing in grants nothing by itself.

use super::staff::StaffVisitor;
use super::{Console, PATH, safe_return_to};
use crate::auth::{attempt, audit};
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use crate::session::session_cookie;
use crate::{WebState, cookies};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use portalis_core::realm::Realm;
use portalis_core::secret::sha256_hex;
use portalis_openid::{Agent, Identity, LoginError};
use portalis_storage::staff::{AgentRecord, Binding};
use portalis_storage::{audit as audit_log, sessions, staff, users};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "console/login.html")]
pub struct Login {
    pub layout: Layout,
    pub csrf: String,
    pub return_to: String,
}

pub async fn show(
    State(state): State<WebState>,
    StaffVisitor(visitor): StaffVisitor,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let return_to = safe_return_to(q.get("retour").map(String::as_str));
    if visitor.session.is_some() {
        return Redirect::to(&return_to).into_response();
    }
    let (csrf, cookie) = visitor.csrf(&state);
    let page = Login { layout: Layout::for_visitor(&state, &visitor, "Connexion des agents"), csrf, return_to };
    match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], page).into_response(),
        None => page.into_response(),
    }
}

/// The sign-in form: where to come back to afterwards.
#[derive(serde::Deserialize)]
pub struct StartForm {
    retour: Option<String>,
}

pub async fn start(
    State(state): State<WebState>,
    Console(proconnect): Console,
    Protected { form, .. }: Protected<StaffVisitor, StartForm>,
) -> Result<Response, PageError> {
    let (url, attempt) = proconnect.start(state.random.as_ref()).await.map_err(|e| {
        tracing::warn!(error = %e, "cannot start a ProConnect sign-in");
        PageError::ProConnectUnavailable
    })?;
    let cookie = attempt::begin(&state, Realm::Staff, attempt, safe_return_to(form.retour.as_deref())).await?;
    Ok(crate::auth::start::redirect_to_provider(&url, cookie))
}

#[derive(Template, WebTemplate)]
#[template(path = "console/login_failed.html")]
pub struct LoginFailed {
    pub layout: Layout,
    pub message: String,
}

/// Why the sign-in stopped, as the agent reads it.
enum Refusal {
    Protocol(LoginError),
    NoRole,
    OtherIdentity,
}

impl Refusal {
    fn message(&self) -> String {
        match self {
            Refusal::Protocol(e) => crate::auth::callback::message(e, "ProConnect"),
            Refusal::NoRole => "Votre compte ProConnect est reconnu, mais aucun rôle ne lui est attribué dans le \
                                portail. Demandez à l'administrateur de votre juridiction de vous en attribuer un, puis \
                                reconnectez-vous."
                .to_owned(),
            Refusal::OtherIdentity => "Votre adresse électronique est déjà associée à un autre compte ProConnect. \
                                       Demandez à l'administrateur de votre juridiction de retirer cette association, \
                                       puis reconnectez-vous."
                .to_owned(),
        }
    }

    fn reason(&self) -> String {
        match self {
            Refusal::Protocol(e) => e.reason(),
            Refusal::NoRole => "no_role".into(),
            Refusal::OtherIdentity => "address_bound_to_another_identity".into(),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Refusal::Protocol(_) => StatusCode::BAD_REQUEST,
            Refusal::NoRole | Refusal::OtherIdentity => StatusCode::FORBIDDEN,
        }
    }
}

pub async fn callback(
    State(state): State<WebState>,
    Console(proconnect): Console,
    headers: HeaderMap,
    StaffVisitor(visitor): StaffVisitor,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let now = state.clock.now();
    let taken = attempt::take(&state, Realm::Staff, &headers).await?;
    let result = match taken.for_client() {
        None => Err(Refusal::Protocol(LoginError::MissingState)),
        Some(attempt) => proconnect.finish(&params, &attempt, now).await.map_err(Refusal::Protocol),
    };
    let opened = match result {
        Ok(identity) => open_session(&state, &visitor, &identity).await?,
        Err(refusal) => Err(refusal),
    };
    let clear_login = (header::SET_COOKIE, taken.clear);
    match opened {
        Err(refusal) => {
            tracing::warn!(reason = %refusal.reason(), "ProConnect sign-in refused");
            if taken.under_way {
                audit(&state, "anonymous", "staff_login", "refused", Some(&refusal.reason())).await?;
            }
            let page = LoginFailed {
                layout: Layout::for_visitor(&state, &visitor, "Connexion interrompue"),
                message: refusal.message(),
            };
            Ok((refusal.status(), [clear_login], page).into_response())
        }
        Ok(token) => {
            let return_to = taken.attempt.map(|a| a.return_to).unwrap_or_else(|| PATH.into());
            let name = session_cookie(Realm::Staff, secure);
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, return_to.parse::<axum::http::HeaderValue>().map_err(|_| PageError::Internal)?)],
                AppendHeaders([(header::SET_COOKIE, cookies::set(&name, &token, None, secure)), clear_login]),
            )
                .into_response())
        }
    }
}

/// Records the agent, binds his identity to the address his roles are
/// granted to, and opens a staff session; returns the cookie's token. An
/// address without a role writes nothing.
async fn open_session(
    state: &WebState,
    visitor: &crate::session::Visitor,
    identity: &Identity<Agent>,
) -> Result<Result<String, Refusal>, PageError> {
    let now = state.clock.now();
    let agent = &identity.person;
    let claims = users::Claims {
        given_name: Some(agent.given_name.clone()),
        family_name: Some(agent.usual_name.clone()),
        preferred_username: None,
        birthdate: None,
        email: Some(agent.email.clone()),
    };
    let mut tx = state.db.begin().await?;
    let user = users::upsert(&mut tx, &identity.issuer, &identity.subject, &claims, now).await?;
    let record =
        AgentRecord { email: &agent.email, uid: &agent.uid, siret: &agent.siret, idp_id: agent.idp_id.as_deref() };
    match staff::bind(&mut tx, user.id, &record, now).await? {
        Binding::Bound => {}
        // Dropped: the transaction rolls back, nothing of him is kept.
        Binding::NoRole => return Ok(Err(Refusal::NoRole)),
        Binding::OtherIdentity => return Ok(Err(Refusal::OtherIdentity)),
    }
    if let Some(old) = &visitor.session {
        sessions::delete(&mut tx, old.id).await?;
    }
    let token = state.random.hex(32);
    let expires = now + state.settings.staff_session_absolute;
    sessions::create(&mut tx, Realm::Staff, &sha256_hex(token.as_bytes()), user.id, &identity.id_token, now, expires)
        .await?;
    let actor = format!("agent:{}", user.id);
    audit_log::record(
        &mut tx,
        &audit_log::Entry {
            actor: &actor,
            action: "staff_login",
            target: None,
            outcome: "ok",
            detail: agent.idp_id.as_deref(),
            request_id: None,
        },
        now,
    )
    .await?;
    portalis_storage::commit(tx).await?;
    Ok(Ok(token))
}
