//! The FranceConnect v2 client: an OpenID Connect relying party that does
//! what `shared/reference/franceconnect.md` asks, and nothing FranceConnect
//! does not (no implicit flow, no HMAC, no unsigned answers).
//!
//! - [`jose`] verifies compact JWS (ES256 and RS256 only) against a JWKS;
//! - [`discovery`] reads the provider's metadata and caches its keys,
//!   fetching them again when a token names a key it does not know;
//! - [`client`] builds the authorization request (state, nonce, PKCE) and
//!   turns the callback's code into a verified [`Identity`].
//!
//! Any provider that behaves like FranceConnect works by changing the
//! issuer, client id and secret alone.

pub mod client;
pub mod discovery;
pub mod error;
pub mod jose;

pub use client::{FranceConnect, Identity, LoginAttempt, Settings};
pub use error::{LoginError, TokenError};
