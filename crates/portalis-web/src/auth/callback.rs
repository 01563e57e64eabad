//! `GET /connexion/retour`: FranceConnect sends the browser back here. The
//! login attempt is taken out (used once), the answer verified, the user
//! created or refreshed, and a new session opened (a session the browser
//! already had is closed: no fixation).

use super::audit;
use super::start::{LOGIN_COOKIE, LOGIN_SECONDS};
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
use portalis_franceconnect::{Identity, LoginAttempt, LoginError};
use portalis_storage::{audit as audit_log, login_attempts, sessions, users};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "pages/login_failed.html")]
pub struct LoginFailed {
    pub layout: Layout,
    pub message: &'static str,
}

fn message(e: &LoginError) -> &'static str {
    match e {
        LoginError::Provider { error, .. } if error == "access_denied" => {
            "Vous avez annulé la connexion avec FranceConnect. Vous pouvez recommencer quand vous le souhaitez."
        }
        LoginError::Provider { .. } => "FranceConnect n'a pas pu vous identifier. Recommencez la connexion.",
        LoginError::Unavailable(_) => "FranceConnect est momentanément indisponible. Réessayez dans quelques minutes.",
        _ => {
            "La connexion n'a pas pu être vérifiée. Pour votre sécurité, elle a été interrompue. Recommencez depuis la page de connexion."
        }
    }
}

pub async fn callback(
    State(state): State<WebState>,
    headers: HeaderMap,
    visitor: Visitor,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let login_cookie = cookies::name(LOGIN_COOKIE, secure);
    let now = state.clock.now();
    // Anyone can GET this address: only a browser whose cookie names a
    // login under way here makes it write (take the attempt out, audit
    // the outcome); anything else is answered from a read.
    let hash = cookies::get(&headers, &login_cookie).map(|token| sha256_hex(token.as_bytes()));
    let under_way = match &hash {
        Some(h) => login_attempts::exists(&mut state.db.pages().await?, h).await?,
        None => false,
    };
    let stored = match hash.filter(|_| under_way) {
        Some(h) => {
            let mut tx = state.db.begin().await?;
            let a = login_attempts::take(&mut tx, &h).await?;
            portalis_storage::commit(tx).await?;
            a.filter(|a| (now - a.created_at).num_seconds() <= LOGIN_SECONDS)
        }
        None => None,
    };
    let result = match &stored {
        None => Err(LoginError::MissingState),
        Some(a) => {
            let attempt =
                LoginAttempt { state: a.state.clone(), nonce: a.nonce.clone(), pkce_verifier: a.pkce_verifier.clone() };
            state.franceconnect.finish(&params, &attempt, now).await
        }
    };
    let clear_login = (header::SET_COOKIE, cookies::delete(&login_cookie, secure));
    match result {
        Err(e) => {
            tracing::warn!(reason = %e.reason(), "FranceConnect login refused");
            if under_way {
                audit(&state, "anonymous", "login", "refused", Some(&e.reason())).await?;
            }
            let page = LoginFailed {
                layout: Layout::for_visitor(&state, &visitor, "Connexion interrompue"),
                message: message(&e),
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
async fn open_session(state: &WebState, visitor: &Visitor, identity: &Identity) -> Result<String, PageError> {
    let now = state.clock.now();
    let claims = users::Claims {
        given_name: identity.given_name.clone(),
        family_name: identity.family_name.clone(),
        preferred_username: identity.preferred_username.clone(),
        birthdate: identity.birthdate.clone(),
        email: identity.email.clone(),
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
