//! The portal's use cases: what a change means beyond its rows. Each is a
//! function over typed entities, run in the caller's transaction, that
//! writes the change, the messages it causes (`messages.rs`) and its audit
//! entry, so that the court API, `portalis import` and the demo (and, to
//! come, the court's console) do the same thing the same way. The page cache needs no
//! call: the database's triggers record what changed (`portalis_storage::changes`).
//!
//! - `publish.rs`: a court publishes or withdraws a case, a party, an
//!   event, a document; re-issues a party's identification number.
//! - `messages.rs`: which messages a change causes, and to whom.
//! - `filings.rs`: an online filing sent, registered or refused;
//!   `filing_documents.rs`: its request and avis de réception as PDFs.

pub mod api_keys;
pub mod case_opening;
pub mod filing_documents;
pub mod filings;
pub mod messages;
pub mod party_letter;
pub mod publish;

use chrono::{DateTime, Utc};
use portalis_core::random::RandomSource;

/// What every use case is given: the instant of the change, the random
/// source (for new numbers) and the portal's public address (for links in
/// messages).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub random: &'a dyn RandomSource,
    pub portal_url: &'a str,
}

/// Who makes a change, which decides how it is audited and told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin<'a> {
    /// A court system, through the API: each change is audited under the
    /// court's name with the request's id, and litigants are told of
    /// changed hearings and statuses.
    Api { request_id: Option<&'a str> },
    /// An operator's import, or the demo's load: audited once for the
    /// whole load by its caller; a changed event or status tells no one (a
    /// load is a court's migration or a daily refresh, not news). New
    /// parties still get their numbers, new documents their avis.
    Import,
    /// A court agent in the portal's console: each change is audited under
    /// his name (`agent:<address>`), its target naming the court, and
    /// litigants are told of changes as through the API.
    Console { agent: &'a str, request_id: Option<&'a str> },
}
