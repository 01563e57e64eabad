//! The portal's OpenID Connect client: a relying party that does what
//! `shared/reference/franceconnect.md` asks, and nothing FranceConnect or
//! ProConnect does not (no implicit flow, no HMAC, no unsigned answers).
//!
//! - [`jose`] verifies compact JWS (ES256 and RS256 only) against a JWKS;
//! - [`discovery`] reads the provider's metadata and caches its keys,
//!   fetching them again when a token names a key it does not know;
//! - [`client`] builds the authorization request (state, nonce, PKCE) and
//!   turns the callback's code into a verified [`Identity`];
//! - [`profile`] holds what differs between federations: FranceConnect
//!   signs citizens in ([`Citizen`]), ProConnect court staff ([`Agent`]).
//!
//! Any provider of a federation works by changing its issuer, client id and
//! secret alone.

pub mod client;
pub mod discovery;
pub mod error;
pub mod jose;
pub mod profile;

pub use client::{Client, Identity, LoginAttempt, Settings};
pub use error::{LoginError, TokenError};
pub use profile::{Agent, Citizen, FranceConnectProfile, ProConnectProfile, Profile};

/// The litigants' provider.
pub type FranceConnect = Client<FranceConnectProfile>;
/// The court staff's provider.
pub type ProConnect = Client<ProConnectProfile>;
