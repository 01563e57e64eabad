//! A login under way, for either realm: what the portal keeps between the
//! button and the provider's return (state, nonce, PKCE verifier, where to
//! go back), bound to the browser by a cookie of that realm, used once and
//! only at that realm's return address.

use crate::error::PageError;
use crate::{WebState, cookies};
use axum::http::{HeaderMap, HeaderValue};
use portalis_core::realm::Realm;
use portalis_core::secret::sha256_hex;
use portalis_storage::login_attempts::{self, LoginAttempt};

/// How long a login at the provider may take.
pub const LOGIN_SECONDS: i64 = 15 * 60;

pub const LOGIN_COOKIE: &str = "login";
pub const STAFF_LOGIN_COOKIE: &str = "staff-login";

/// A realm's login cookie's name.
pub fn cookie(realm: Realm, secure: bool) -> String {
    match realm {
        Realm::Litigant => cookies::name(LOGIN_COOKIE, secure),
        Realm::Staff => cookies::name(STAFF_LOGIN_COOKIE, secure),
    }
}

/// Records the attempt (and forgets abandoned ones); returns the cookie
/// that binds it to this browser.
pub async fn begin(
    state: &WebState,
    realm: Realm,
    attempt: portalis_openid::LoginAttempt,
    return_to: String,
) -> Result<HeaderValue, PageError> {
    let now = state.clock.now();
    let token = state.random.hex(32);
    let mut tx = state.db.begin().await?;
    login_attempts::delete_older_than(&mut tx, now - chrono::Duration::seconds(LOGIN_SECONDS)).await?;
    login_attempts::create(
        &mut tx,
        &sha256_hex(token.as_bytes()),
        &LoginAttempt {
            realm,
            state: attempt.state,
            nonce: attempt.nonce,
            pkce_verifier: attempt.pkce_verifier,
            return_to,
            created_at: now,
        },
    )
    .await?;
    portalis_storage::commit(tx).await?;
    let secure = state.settings.secure_cookies;
    Ok(cookies::set(&cookie(realm, secure), &token, Some(LOGIN_SECONDS), secure))
}

/// What the provider's return finds of the login of this browser.
pub struct Taken {
    /// The browser's cookie named a login under way here: only then does
    /// the return write (take the attempt out, audit the outcome); anyone
    /// else's GET is answered from a read.
    pub under_way: bool,
    /// The attempt, if still young enough.
    pub attempt: Option<LoginAttempt>,
    /// Clears the login cookie.
    pub clear: HeaderValue,
}

impl Taken {
    /// The attempt as the OpenID client checks the return against it.
    pub fn for_client(&self) -> Option<portalis_openid::LoginAttempt> {
        self.attempt.as_ref().map(|a| portalis_openid::LoginAttempt {
            state: a.state.clone(),
            nonce: a.nonce.clone(),
            pkce_verifier: a.pkce_verifier.clone(),
        })
    }
}

/// Takes this browser's attempt out for `realm`.
pub async fn take(state: &WebState, realm: Realm, headers: &HeaderMap) -> Result<Taken, PageError> {
    let secure = state.settings.secure_cookies;
    let name = cookie(realm, secure);
    let now = state.clock.now();
    let hash = cookies::get(headers, &name).map(|token| sha256_hex(token.as_bytes()));
    let under_way = match &hash {
        Some(h) => login_attempts::exists(&mut state.db.pages().await?, realm, h).await?,
        None => false,
    };
    let attempt = match hash.filter(|_| under_way) {
        Some(h) => {
            let mut tx = state.db.begin().await?;
            let a = login_attempts::take(&mut tx, realm, &h).await?;
            portalis_storage::commit(tx).await?;
            a.filter(|a| (now - a.created_at).num_seconds() <= LOGIN_SECONDS)
        }
        None => None,
    };
    Ok(Taken { under_way, attempt, clear: cookies::delete(&name, secure) })
}
