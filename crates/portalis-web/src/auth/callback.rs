//! `GET /connexion/retour`: FranceConnect sends the browser back here. The
//! login attempt is taken out (used once), the answer verified, the user
//! created or refreshed, and a new session opened (a session the browser
//! already had is closed: no fixation).

use super::{attempt, audit};
use crate::error::PageError;
use crate::layout::Layout;
use crate::session::{SESSION_COOKIE, Visitor};
use crate::{WebState, cookies};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use portalis_core::realm::Realm;
use portalis_core::secret::sha256_hex;
use portalis_openid::{Citizen, Identity, LoginError};
use portalis_storage::{audit as audit_log, sessions, users};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "pages/login_failed.html")]
pub struct LoginFailed {
    pub layout: Layout,
    pub message: String,
}

/// Why a login stopped, as the person reads it; `provider` is
/// FranceConnect or ProConnect.
pub(crate) fn message(e: &LoginError, provider: &str) -> String {
    match e {
        LoginError::Provider { error, .. } if error == "access_denied" => {
            format!("Vous avez annulé la connexion avec {provider}. Vous pouvez recommencer quand vous le souhaitez.")
        }
        LoginError::Provider { .. } => format!("{provider} n'a pas pu vous identifier. Recommencez la connexion."),
        LoginError::Unavailable(_) => {
            format!("{provider} est momentanément indisponible. Réessayez dans quelques minutes.")
        }
        _ => "La connexion n'a pas pu être vérifiée. Pour votre sécurité, elle a été interrompue. Recommencez depuis \
              la page de connexion."
            .to_owned(),
    }
}

pub async fn callback(
    State(state): State<WebState>,
    headers: HeaderMap,
    visitor: Visitor,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let now = state.clock.now();
    let taken = attempt::take(&state, Realm::Litigant, &headers).await?;
    let under_way = taken.under_way;
    let result = match taken.for_client() {
        None => Err(LoginError::MissingState),
        Some(attempt) => state.franceconnect.finish(&params, &attempt, now).await,
    };
    let stored = taken.attempt;
    let clear_login = (header::SET_COOKIE, taken.clear);
    match result {
        Err(e) => {
            tracing::warn!(reason = %e.reason(), "FranceConnect login refused");
            if under_way {
                audit(&state, "anonymous", "login", "refused", Some(&e.reason())).await?;
            }
            let page = LoginFailed {
                layout: Layout::for_visitor(&state, &visitor, "Connexion interrompue"),
                message: message(&e, "FranceConnect"),
            };
            Ok((StatusCode::BAD_REQUEST, [clear_login], page).into_response())
        }
        Ok(identity) => {
            let return_to = stored.map(|a| a.return_to).unwrap_or_else(|| "/mon-espace".into());
            let token = open_session(&state, &visitor, &identity).await?;
            // The page he comes back to is his own navigation, although
            // the browser will call the chain from FranceConnect cross-site.
            let arrival = crate::navigation::arrival_cookie(&state.settings.signing_key, &token, &return_to, secure);
            // Several cookies: appended (an array of headers would keep
            // the last `Set-Cookie` only).
            Ok((
                StatusCode::SEE_OTHER,
                [(header::LOCATION, return_to.parse::<axum::http::HeaderValue>().map_err(|_| PageError::Internal)?)],
                AppendHeaders([
                    (header::SET_COOKIE, cookies::set(&cookies::name(SESSION_COOKIE, secure), &token, None, secure)),
                    clear_login,
                    (header::SET_COOKIE, arrival),
                ]),
            )
                .into_response())
        }
    }
}

/// Records the user and opens a new session; returns the cookie's token.
async fn open_session(state: &WebState, visitor: &Visitor, identity: &Identity<Citizen>) -> Result<String, PageError> {
    let now = state.clock.now();
    let person = &identity.person;
    let claims = users::Claims {
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        preferred_username: person.preferred_username.clone(),
        birthdate: person.birthdate.clone(),
        email: person.email.clone(),
    };
    let token = state.random.hex(32);
    let mut tx = state.db.begin().await?;
    let user = users::upsert(&mut tx, &identity.issuer, &identity.subject, &claims, now).await?;
    if let Some(old) = &visitor.session {
        sessions::delete(&mut tx, old.id).await?;
    }
    let expires = now + state.settings.session_absolute;
    let hash = sha256_hex(token.as_bytes());
    sessions::create(&mut tx, Realm::Litigant, &hash, user.id, &identity.id_token, now, expires).await?;
    let actor = format!("user:{}", user.id);
    audit_log::record(
        &mut tx,
        &audit_log::Entry {
            actor: &actor,
            action: "login",
            target: None,
            outcome: "ok",
            detail: None,
            request_id: None,
        },
        now,
    )
    .await?;
    portalis_storage::commit(tx).await?;
    Ok(token)
}
