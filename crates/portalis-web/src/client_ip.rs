//! The visitor's address, for per-address limits.
//!
//! Without trusted proxies (the default) it is the connection's peer, and
//! no header is believed. Behind reverse proxies, `PORTALIS_TRUSTED_PROXIES`
//! names them (CIDRs): when the peer is one of them, the addresses of the
//! forwarding header (`PORTALIS_CLIENT_IP_HEADER`, `x-forwarded-for` by
//! default) are read across all its lines, in order, and the right-most
//! address that is not a trusted proxy is the client — anything to its
//! left was written by the client and proves nothing. An entry that is not
//! an address stops the walk at the last trusted hop.
//!
//! Limits count an IPv4 address alone and an IPv6 address by its /64, the
//! block one subscriber gets.

use crate::WebState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The subject per-address limits count: `203.0.113.7`, or
/// `2001:db8:1:2::/64`.
pub struct ClientIp(pub String);

/// A block of addresses (`10.0.0.0/8`, `2001:db8::/32`, or one address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address` or `address/prefix`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| format!("{text:?} is not an address or a CIDR block"))?;
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("{text:?}: the prefix is 0 to {bits}"))?,
        };
        Ok(Self { network, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                masked(u128::from(u32::from(n)) << 96, self.prefix)
                    == masked(u128::from(u32::from(a)) << 96, self.prefix)
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => masked(u128::from(n), self.prefix) == masked(u128::from(a), self.prefix),
            _ => false,
        }
    }
}

fn masked(bits: u128, prefix: u8) -> u128 {
    if prefix == 0 { 0 } else { bits & (u128::MAX << (128 - u32::from(prefix))) }
}

/// The reverse proxies whose forwarding header is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Parses a comma-separated list of CIDR blocks (empty: none).
    pub fn parse(text: &str) -> Result<Self, String> {
        text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(Cidr::parse).collect::<Result<_, _>>().map(Self)
    }

    fn trust(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// One entry of a forwarding header: `203.0.113.7`, `203.0.113.7:4711`,
/// `2001:db8::1`, `[2001:db8::1]:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    hop.parse::<SocketAddr>().ok().map(|s| s.ip().to_canonical())
}

/// The client's address: see the module's documentation.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, header: &str, trusted: &TrustedProxies) -> IpAddr {
    let peer = peer.to_canonical();
    if !trusted.trust(peer) {
        return peer;
    }
    // Every line, even one with bytes that are not visible ASCII (a client
    // can send those; the proxy appends the real address after them).
    let lines: Vec<String> =
        headers.get_all(header).iter().map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()).collect();
    let hops: Vec<&str> = lines.iter().flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match parse_hop(hop) {
            Some(ip) if trusted.trust(ip) => client = ip,
            Some(ip) => return ip,
            None => return client,
        }
    }
    client
}

/// What limits count for an address: itself, or its /64 for IPv6.
pub fn limit_subject(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("{}/64", Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64))),
    }
}

impl FromRequestParts<WebState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, Self::Rejection> {
        let Some(peer) = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip()) else {
            return Ok(ClientIp("unknown".into()));
        };
        let s = &state.settings;
        Ok(ClientIp(limit_subject(client_address(peer, &parts.headers, &s.client_ip_header, &s.trusted_proxies))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(lines: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for l in lines {
            h.append("x-forwarded-for", HeaderValue::from_static(l));
        }
        h
    }

    fn client(peer: &str, lines: &[&'static str], trusted: &str) -> String {
        let trusted = TrustedProxies::parse(trusted).unwrap();
        client_address(ip(peer), &headers(lines), "x-forwarded-for", &trusted).to_string()
    }

    #[test]
    fn without_trusted_proxies_no_header_is_believed() {
        assert_eq!(client("198.51.100.9", &["203.0.113.7"], ""), "198.51.100.9");
        assert_eq!(
            client("10.0.0.2", &["203.0.113.7"], "10.0.0.1/32"),
            "10.0.0.2",
            "a peer that is not a trusted proxy"
        );
    }

    #[test]
    fn the_right_most_untrusted_address_of_all_lines_is_the_client() {
        // A proxy that adds its own line after the client's.
        assert_eq!(client("10.0.0.1", &["6.6.6.6", "198.51.100.9"], "10.0.0.0/8"), "198.51.100.9");
        // A client that forged the start of the list.
        assert_eq!(client("10.0.0.1", &["6.6.6.6, 198.51.100.9"], "10.0.0.0/8"), "198.51.100.9");
        // Two proxies in a row.
        assert_eq!(client("10.0.0.1", &["6.6.6.6, 198.51.100.9, 10.2.3.4"], "10.0.0.0/8"), "198.51.100.9");
        // Every hop trusted: the left-most.
        assert_eq!(client("10.0.0.1", &["10.9.9.9, 10.2.3.4"], "10.0.0.0/8"), "10.9.9.9");
        // No header: the proxy itself.
        assert_eq!(client("10.0.0.1", &[], "10.0.0.0/8"), "10.0.0.1");
    }

    #[test]
    fn a_line_with_other_bytes_keeps_the_address_the_proxy_appended() {
        let mut h = HeaderMap::new();
        h.append("x-forwarded-for", HeaderValue::from_bytes("é, 198.51.100.9".as_bytes()).unwrap());
        let trusted = TrustedProxies::parse("10.0.0.0/8").unwrap();
        assert_eq!(client_address(ip("10.0.0.1"), &h, "x-forwarded-for", &trusted).to_string(), "198.51.100.9");
    }

    #[test]
    fn entries_are_parsed_as_addresses() {
        assert_eq!(client("10.0.0.1", &["198.51.100.9:4711"], "10.0.0.0/8"), "198.51.100.9");
        assert_eq!(client("10.0.0.1", &["[2001:db8::1]:443"], "10.0.0.0/8"), "2001:db8::1");
        assert_eq!(client("10.0.0.1", &["::ffff:198.51.100.9"], "10.0.0.0/8"), "198.51.100.9");
        // Something that is not an address stops at the last trusted hop.
        assert_eq!(client("10.0.0.1", &["198.51.100.9, unknown"], "10.0.0.0/8"), "10.0.0.1");
        assert_eq!(client("10.0.0.1", &["198.51.100.9, unknown, 10.2.3.4"], "10.0.0.0/8"), "10.2.3.4");
    }

    #[test]
    fn ipv6_is_counted_by_its_64_block() {
        assert_eq!(limit_subject(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(limit_subject(ip("2001:db8:1:2:bbbb:cccc:dddd:2")), "2001:db8:1:2::/64");
        assert_eq!(limit_subject(ip("2001:db8:1:3::1")), "2001:db8:1:3::/64");
        assert_eq!(limit_subject(ip("203.0.113.7")), "203.0.113.7");
        assert_eq!(limit_subject(ip("::ffff:203.0.113.7")), "203.0.113.7");
    }

    #[test]
    fn cidr_blocks_parse_and_match() {
        let t = TrustedProxies::parse("10.0.0.0/8, 192.168.1.7, 2001:db8::/32").unwrap();
        assert!(t.trust(ip("10.255.0.1")) && !t.trust(ip("11.0.0.1")));
        assert!(t.trust(ip("192.168.1.7")) && !t.trust(ip("192.168.1.8")));
        assert!(t.trust(ip("2001:db8:ffff::1")) && !t.trust(ip("2001:db9::1")));
        assert!(t.trust(ip("::ffff:10.1.1.1")), "an IPv4-mapped peer");
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("0.0.0.0/0").unwrap().trust(ip("8.8.8.8")));
        for bad in ["10.0.0.0/33", "10.0.0/8", "proxy.example", "2001:db8::/129"] {
            assert!(TrustedProxies::parse(bad).is_err(), "{bad}");
        }
    }
}
