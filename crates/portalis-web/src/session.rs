//! Who is visiting: a signed-in user's server-side session, or an anonymous
//! visitor. Sessions expire after an idle time and an absolute lifetime; the
//! last activity is written at most once a minute, not on every request.
//!
//! Each realm has its own cookie, read only by its own pages: a litigant's
//! (`session`) and a court agent's (`staff-session`, read only under the
//! console's path; `__Host-` on https, hence sent with `Path=/`). A session
//! is accepted only by its own realm's pages, whatever cookie carries it.

use crate::{WebState, cookies, csrf};
use axum::extract::FromRequestParts;
use axum::http::HeaderValue;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::realm::Realm;
use portalis_core::secret::sha256_hex;
use portalis_storage::sessions::{self, Session};

/// How stale the recorded activity may get before it is written again.
const TOUCH_AFTER_SECONDS: i64 = 60;

pub const SESSION_COOKIE: &str = "session";
pub const STAFF_SESSION_COOKIE: &str = "staff-session";
pub const ANONYMOUS_COOKIE: &str = "csrf";

/// A realm's session cookie's name (prefixed on https).
pub fn session_cookie(realm: Realm, secure: bool) -> String {
    match realm {
        Realm::Litigant => cookies::name(SESSION_COOKIE, secure),
        Realm::Staff => cookies::name(STAFF_SESSION_COOKIE, secure),
    }
}

/// Whether a request carries a session cookie of either realm (under
/// either of its names), valid or not.
pub fn carries_session_cookie(headers: &axum::http::HeaderMap) -> bool {
    [Realm::Litigant, Realm::Staff].into_iter().any(|realm| {
        [false, true].into_iter().any(|secure| cookies::get(headers, &session_cookie(realm, secure)).is_some())
    })
}

/// The visitor of a page.
pub struct Visitor {
    /// Whose pages he visits, hence which cookie was read.
    realm: Realm,
    pub session: Option<Session>,
    /// The token hash of the session cookie (what `sessions` stores).
    session_hash: Option<String>,
    anonymous: Option<String>,
}

impl Visitor {
    /// What binds a form to this browser, for its CSRF token.
    fn binding(&self) -> Option<String> {
        match (&self.session_hash, &self.anonymous) {
            (Some(h), _) if self.session.is_some() => Some(match self.realm {
                Realm::Litigant => format!("session:{h}"),
                Realm::Staff => format!("staff-session:{h}"),
            }),
            (_, Some(a)) => Some(format!("anonymous:{a}")),
            _ => None,
        }
    }

    /// The token to put in this visitor's forms, and the cookie to set when
    /// an anonymous visitor has none yet.
    pub fn csrf(&self, state: &WebState) -> (String, Option<HeaderValue>) {
        match self.binding() {
            Some(b) => (csrf::token(&state.settings.signing_key, &b, state.random.as_ref()), None),
            None => {
                let value = state.random.hex(16);
                let secure = state.settings.secure_cookies;
                let cookie = cookies::set(&cookies::name(ANONYMOUS_COOKIE, secure), &value, None, secure);
                (
                    csrf::token(&state.settings.signing_key, &format!("anonymous:{value}"), state.random.as_ref()),
                    Some(cookie),
                )
            }
        }
    }

    /// Whether a submitted token is this visitor's.
    pub fn csrf_ok(&self, state: &WebState, submitted: Option<&str>) -> bool {
        match (self.binding(), submitted) {
            (Some(b), Some(t)) => csrf::verify(&state.settings.signing_key, &b, t),
            _ => false,
        }
    }

    pub fn user_name(&self) -> Option<String> {
        self.session.as_ref().map(|s| s.user.display_name())
    }

    pub fn realm(&self) -> Realm {
        self.realm
    }

    pub fn session_hash(&self) -> Option<&str> {
        self.session_hash.as_deref()
    }
}

impl Visitor {
    /// The visitor of a realm's page: its session, if the realm's cookie
    /// names a live one of that realm.
    pub(crate) async fn of_realm(parts: &Parts, state: &WebState, realm: Realm) -> Result<Self, Response> {
        let secure = state.settings.secure_cookies;
        let anonymous = cookies::get(&parts.headers, &cookies::name(ANONYMOUS_COOKIE, secure));
        let Some(token) = cookies::get(&parts.headers, &session_cookie(realm, secure)) else {
            return Ok(Self { realm, session: None, session_hash: None, anonymous });
        };
        let hash = sha256_hex(token.as_bytes());
        let session =
            current(state, &hash, realm).await.map_err(|e| crate::error::PageError::from(e).into_response())?;
        Ok(Self { realm, session, session_hash: Some(hash), anonymous })
    }
}

/// A litigant's page's visitor.
impl FromRequestParts<WebState> for Visitor {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        Self::of_realm(parts, state, Realm::Litigant).await
    }
}

/// The activity records this process has started, by session: the
/// requests of one session that arrive together (a page and its assets, a
/// user with several tabs) record it once instead of queueing on its row.
#[derive(Default)]
pub struct Touches(std::sync::Mutex<std::collections::HashMap<i64, chrono::DateTime<chrono::Utc>>>);

impl Touches {
    /// Whether this request records the session's activity at `now`: no
    /// other request of this process did in the last minute.
    fn claim(&self, session_id: i64, now: chrono::DateTime<chrono::Utc>) -> bool {
        let recent = |t: &chrono::DateTime<chrono::Utc>| (now - *t).num_seconds() < TOUCH_AFTER_SECONDS;
        let mut claims = self.0.lock().expect("activity records");
        if claims.get(&session_id).is_some_and(recent) {
            return false;
        }
        if claims.len() >= 100_000 {
            claims.retain(|_, t| recent(t));
        }
        claims.insert(session_id, now);
        true
    }

    /// After a failed record, the next request tries again.
    fn release(&self, session_id: i64) {
        self.0.lock().expect("activity records").remove(&session_id);
    }
}

/// The live session of `realm` with this hash: expired ones are deleted
/// and ignored; another realm's is not one here.
async fn current(
    state: &WebState,
    hash: &str,
    realm: Realm,
) -> Result<Option<Session>, portalis_storage::StorageError> {
    let Some(session) = portalis_storage::cached::session(&state.db, hash, realm).await? else { return Ok(None) };
    if session.realm != realm {
        return Ok(None);
    }
    let now = state.clock.now();
    let idle = match realm {
        Realm::Litigant => state.settings.session_idle,
        Realm::Staff => state.settings.staff_session_idle,
    };
    let idle_limit = session.last_seen_at + idle;
    if now >= session.expires_at || now >= idle_limit {
        let mut tx = state.db.begin().await?;
        sessions::delete(&mut tx, session.id).await?;
        tx.commit().await?;
        return Ok(None);
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_AFTER_SECONDS && state.touches.claim(session.id, now) {
        let recorded = async {
            let mut tx = state.db.begin().await?;
            sessions::touch(&mut tx, session.id, now).await?;
            tx.commit().await?;
            Ok::<(), portalis_storage::StorageError>(())
        }
        .await;
        if recorded.is_err() {
            state.touches.release(session.id);
        }
        recorded?;
    }
    Ok(Some(session))
}

/// A signed-in user: his session, and the visitor for the page's shell
/// and its forms' tokens. Anyone else is sent to the login page, to come
/// back here afterwards.
pub struct SignedIn {
    pub session: Session,
    pub visitor: Visitor,
}

impl SignedIn {
    pub fn user_id(&self) -> i64 {
        self.session.user.id
    }
}

impl FromRequestParts<WebState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let visitor = Visitor::from_request_parts(parts, state).await?;
        if let Some(session) = visitor.session.clone() {
            return Ok(SignedIn { session, visitor });
        }
        let back = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/mon-espace");
        let target = url::form_urlencoded::Serializer::new(String::new()).append_pair("retour", back).finish();
        Err(Redirect::to(&format!("/connexion?{target}")).into_response())
    }
}

/// A local path to return to after login: an absolute path on this site,
/// nothing that a browser could read as another host. Anything else is the
/// personal space.
pub fn safe_return_to(candidate: Option<&str>) -> String {
    const DEFAULT: &str = "/mon-espace";
    let Some(p) = candidate else { return DEFAULT.into() };
    let ok = p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
        && p.len() <= 512
        && !p.starts_with("/connexion")
        && !p.starts_with("/deconnexion");
    if ok { p.to_owned() } else { DEFAULT.into() }
}

#[cfg(test)]
mod tests {
    use super::{Touches, safe_return_to};

    #[test]
    fn a_sessions_activity_is_recorded_by_one_request_a_minute() {
        let t = Touches::default();
        let at = chrono::DateTime::parse_from_rfc3339("2026-11-26T08:00:00Z").unwrap().to_utc();
        assert!(t.claim(1, at));
        assert!(!t.claim(1, at + chrono::Duration::seconds(59)), "a request arriving meanwhile does not");
        assert!(t.claim(2, at), "another session does");
        assert!(t.claim(1, at + chrono::Duration::seconds(60)));
        t.release(1);
        assert!(t.claim(1, at + chrono::Duration::seconds(61)), "after a failed record, the next request tries");
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(safe_return_to(Some("/mon-espace?x=1")), "/mon-espace?x=1");
        for hostile in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "javascript:alert(1)",
            "/connexion/retour",
            "\t/x",
        ] {
            assert_eq!(safe_return_to(Some(hostile)), "/mon-espace", "{hostile}");
        }
        assert_eq!(safe_return_to(None), "/mon-espace");
    }
}
