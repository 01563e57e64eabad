//! Reading and writing cookies. Every cookie is HttpOnly and SameSite=Lax
//! (so that the browser brings it back from the identity provider's
//! redirect); on https they are Secure with the `__Host-` prefix (no
//! Domain, Path=/: a sibling host cannot plant one). The console's too:
//! its pages alone read them (`session::session_cookie`).

use axum::http::{HeaderMap, HeaderValue, header};

/// A cookie's name as sent: `__Host-portalis-<name>` on https.
pub fn name(base: &str, secure: bool) -> String {
    if secure { format!("__Host-portalis-{base}") } else { format!("portalis-{base}") }
}

/// The value of cookie `name`, if the request has it.
pub fn get(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value; `max_age` in seconds, `None` for a browser-session
/// cookie, `Some(0)` to delete it.
pub fn set(name: &str, value: &str, max_age: Option<i64>, secure: bool) -> HeaderValue {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        c.push_str("; Secure");
    }
    if let Some(age) = max_age {
        c.push_str(&format!("; Max-Age={age}"));
    }
    HeaderValue::from_str(&c).expect("cookie values are base64url")
}

pub fn delete(name: &str, secure: bool) -> HeaderValue {
    set(name, "", Some(0), secure)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_on_https_have_the_host_prefix_and_secure() {
        assert_eq!(name("session", true), "__Host-portalis-session");
        let v = set("__Host-portalis-session", "abc", None, true);
        assert_eq!(v, "__Host-portalis-session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; portalis-session=xyz; b=2"));
        assert_eq!(get(&h, "portalis-session").as_deref(), Some("xyz"));
        assert_eq!(get(&h, "portalis-login"), None);
    }
}
