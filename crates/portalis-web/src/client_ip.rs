//! The visitor's address, for per-address limits: the connection's peer, or
//! — behind a reverse proxy — the last address of the header the proxy sets
//! (`PORTALIS_CLIENT_IP_HEADER`, e.g. `x-forwarded-for`).

use crate::WebState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::SocketAddr;

pub struct ClientIp(pub String);

impl FromRequestParts<WebState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        if let Some(header) = &state.settings.client_ip_header
            && let Some(ip) = parts
                .headers
                .get(header.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
            {
                return Ok(ClientIp(ip));
            }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".into())))
    }
}
