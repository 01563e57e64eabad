//! Where the portal listens, the address litigants use, the proxies it
//! believes and what one client may hold of it.

use super::sources::{Raw, whole_number};
use super::{ConfigError, Mode};
use std::net::SocketAddr;

/// The demo's address.
pub const DEMO_LISTEN: &str = "127.0.0.1:8080";

#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    pub public_url: url::Url,
    /// The reverse proxies whose forwarding header is believed (none by
    /// default), and that header.
    pub trusted_proxies: portalis_web::client_ip::TrustedProxies,
    pub client_ip_header: String,
    /// What one client may hold of the server.
    pub limits: crate::server::Limits,
}

impl ServerConfig {
    pub(super) fn read(raw: &Raw, mode: Mode) -> Result<Self, ConfigError> {
        let listen: SocketAddr =
            raw.listen.as_deref().unwrap_or(DEMO_LISTEN).parse().map_err(|_| ConfigError::Invalid {
                name: "PORTALIS_LISTEN",
                reason: "expected host:port, such as 127.0.0.1:8080".into(),
            })?;
        let public_url = match (raw.public_url.as_deref(), mode) {
            (Some(u), _) => u.to_owned(),
            (None, Mode::Serve) => return Err(ConfigError::Missing("PORTALIS_PUBLIC_URL")),
            (None, _) => format!("http://{listen}"),
        };
        let public_url = url::Url::parse(&public_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or(ConfigError::Invalid { name: "PORTALIS_PUBLIC_URL", reason: "expected an http(s) URL".into() })?;
        if mode == Mode::Serve && !secure_or_loopback(&public_url) {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_PUBLIC_URL",
                reason: "must be https (plain http only on this machine's loopback, for trials)".into(),
            });
        }
        let trusted_proxies =
            portalis_web::client_ip::TrustedProxies::parse(raw.trusted_proxies.as_deref().unwrap_or(""))
                .map_err(|reason| ConfigError::Invalid { name: "PORTALIS_TRUSTED_PROXIES", reason })?;
        let client_ip_header = raw.client_ip_header.as_deref().unwrap_or("x-forwarded-for").trim().to_ascii_lowercase();
        if axum::http::HeaderName::from_bytes(client_ip_header.as_bytes()).is_err() {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_CLIENT_IP_HEADER",
                reason: "expected a header name".into(),
            });
        }
        if raw.client_ip_header.is_some() && trusted_proxies.is_empty() {
            return Err(ConfigError::Invalid {
                name: "PORTALIS_CLIENT_IP_HEADER",
                reason: "is read only from trusted proxies: set PORTALIS_TRUSTED_PROXIES too".into(),
            });
        }
        let timeout =
            whole_number(raw.header_read_timeout_seconds.as_deref(), "PORTALIS_HEADER_READ_TIMEOUT_SECONDS", 10, 300)?;
        let limits = crate::server::Limits {
            header_read_timeout: std::time::Duration::from_secs(timeout as u64),
            max_connections: whole_number(raw.max_connections.as_deref(), "PORTALIS_MAX_CONNECTIONS", 1024, 1_000_000)?
                as usize,
        };
        Ok(Self { listen, public_url, trusted_proxies, client_ip_header, limits })
    }
}

/// An https URL, or an http one that only this machine can reach (the
/// loopback: trials, the benchmark, tests). Production refuses anything
/// else: cookies would go without `Secure`, tokens in clear.
pub(super) fn secure_or_loopback(u: &url::Url) -> bool {
    match (u.scheme(), u.host()) {
        ("https", _) => true,
        ("http", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        ("http", Some(url::Host::Domain(d))) => d.eq_ignore_ascii_case("localhost"),
        _ => false,
    }
}
