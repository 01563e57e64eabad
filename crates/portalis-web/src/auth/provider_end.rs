//! Ending a session at the identity provider too, for either realm: after
//! the session here is deleted, the browser is sent to the provider's
//! `end_session_endpoint` with `id_token_hint`, a fresh `state` (kept in the
//! realm's logout cookie) and the registered return address; the return
//! says whether the provider confirmed it (the `state` came back).

use crate::error::PageError;
use crate::session::session_cookie;
use crate::{WebState, cookies};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{AppendHeaders, IntoResponse, Response};
use portalis_core::realm::Realm;
use portalis_openid::{Client, Profile};
use std::collections::HashMap;

pub const LOGOUT_COOKIE: &str = "logout";
pub const STAFF_LOGOUT_COOKIE: &str = "staff-logout";

/// How long the provider may take to send the browser back.
const LOGOUT_SECONDS: i64 = 600;

fn logout_cookie(realm: Realm, secure: bool) -> String {
    match realm {
        Realm::Litigant => cookies::name(LOGOUT_COOKIE, secure),
        Realm::Staff => cookies::name(STAFF_LOGOUT_COOKIE, secure),
    }
}

/// The answer to a sign-out whose session here is already deleted: to the
/// provider, or — when it cannot be reached — straight to `return_path`,
/// which then says the provider's end is unconfirmed. Either way the
/// realm's session cookie is cleared.
pub async fn leave<P: Profile>(
    state: &WebState,
    realm: Realm,
    provider: &Client<P>,
    id_token: &str,
    return_path: &'static str,
) -> Result<Response, PageError> {
    let secure = state.settings.secure_cookies;
    let clear_session = (header::SET_COOKIE, cookies::delete(&session_cookie(realm, secure), secure));
    let logout_state = state.random.hex(24);
    match provider.logout_url(id_token, &logout_state).await {
        Ok(url) => Ok((
            StatusCode::SEE_OTHER,
            [(header::LOCATION, url.as_str().parse::<HeaderValue>().map_err(|_| PageError::Internal)?)],
            AppendHeaders([
                clear_session,
                (
                    header::SET_COOKIE,
                    cookies::set(&logout_cookie(realm, secure), &logout_state, Some(LOGOUT_SECONDS), secure),
                ),
            ]),
        )
            .into_response()),
        Err(e) => {
            tracing::warn!(error = %e, provider = P::NAME, "the provider's sign-out is unavailable; local session ended");
            Ok((StatusCode::SEE_OTHER, [(header::LOCATION, HeaderValue::from_static(return_path))], [clear_session])
                .into_response())
        }
    }
}

/// Whether the provider's return carries the `state` this browser was
/// given (anyone can GET the return address: a mismatch is logged, not
/// written), and the header that clears the logout cookie.
pub fn returned(
    state: &WebState,
    realm: Realm,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> (bool, HeaderValue) {
    let secure = state.settings.secure_cookies;
    let name = logout_cookie(realm, secure);
    let confirmed = match (cookies::get(headers, &name), query.get("state")) {
        (Some(e), Some(s)) => portalis_core::secret::constant_time_eq(e.as_bytes(), s.as_bytes()),
        _ => false,
    };
    if !confirmed && query.contains_key("state") {
        tracing::warn!(realm = realm.code(), "a sign-out return with a state this browser did not send");
    }
    (confirmed, cookies::delete(&name, secure))
}
