//! What differs from one identity federation to another: the scopes asked,
//! the authentication levels accepted, and who the signed UserInfo says the
//! person is. The protocol and its checks (`client.rs`) are the same for
//! all; a provider is a profile plus a registration (`Settings`).

use crate::error::TokenError;
use serde_json::{Map, Value};

/// The rules of one federation.
pub trait Profile: Send + Sync + 'static {
    /// Who the provider vouches for, read from its signed UserInfo.
    type Person: Clone + std::fmt::Debug + PartialEq + Eq + Send + Sync;
    /// For logs and messages.
    const NAME: &'static str;
    /// The scopes asked when the configuration names none: what the portal
    /// shows and keeps, no more.
    const DEFAULT_SCOPES: &'static str;
    /// The `acr_values` sent.
    const ACR_VALUES: &'static str;
    /// The `acr` an ID token may carry when the configuration names none.
    const DEFAULT_ACCEPTED_ACR: &'static [&'static str];

    /// The person, or the first claim the federation promises and the
    /// answer lacks.
    ///
    /// # Errors
    /// [`TokenError::MissingClaim`].
    fn person(info: &Map<String, Value>) -> Result<Self::Person, TokenError>;
}

fn text(info: &Map<String, Value>, name: &str) -> Option<String> {
    info.get(name).and_then(Value::as_str).map(str::to_owned)
}

fn required(info: &Map<String, Value>, name: &'static str) -> Result<String, TokenError> {
    text(info, name).filter(|v| !v.trim().is_empty()).ok_or(TokenError::MissingClaim(name))
}

/// FranceConnect v2: citizens, their civil identity (`franceconnect.md`).
pub struct FranceConnectProfile;

/// A citizen's civil identity as FranceConnect gives it; every claim is
/// optional because the scopes asked are configuration.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Citizen {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_username: Option<String>,
    pub birthdate: Option<String>,
    pub gender: Option<String>,
    pub birthplace: Option<String>,
    pub birthcountry: Option<String>,
    pub email: Option<String>,
}

impl Profile for FranceConnectProfile {
    type Person = Citizen;
    const NAME: &'static str = "FranceConnect";
    const DEFAULT_SCOPES: &'static str =
        "openid given_name family_name birthdate gender birthplace birthcountry email preferred_username";
    const ACR_VALUES: &'static str = "eidas1";
    /// FranceConnect answers `eidas1`; FranceConnect+ higher.
    const DEFAULT_ACCEPTED_ACR: &'static [&'static str] = &["eidas1", "eidas2", "eidas3"];

    fn person(info: &Map<String, Value>) -> Result<Citizen, TokenError> {
        Ok(Citizen {
            given_name: text(info, "given_name"),
            family_name: text(info, "family_name"),
            preferred_username: text(info, "preferred_username"),
            birthdate: text(info, "birthdate"),
            gender: text(info, "gender"),
            birthplace: text(info, "birthplace"),
            birthcountry: text(info, "birthcountry"),
            email: text(info, "email"),
        })
    }
}

/// ProConnect: public agents and professionals, signed in by their
/// organisation's identity provider (`saisines-en-ligne.md`).
pub struct ProConnectProfile;

/// An agent as ProConnect gives him. Signing in proves who he is, never
/// what he may do: the portal's own roles say that.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agent {
    pub given_name: String,
    pub usual_name: String,
    /// His professional address, as his organisation's provider vouches
    /// for it (what the portal's roles are granted to).
    pub email: String,
    /// His identifier at his organisation's provider.
    pub uid: String,
    /// His organisation's establishment.
    pub siret: String,
    pub organizational_unit: Option<String>,
    pub phone: Option<String>,
    /// Which provider of the federation signed him in.
    pub idp_id: Option<String>,
}

impl Profile for ProConnectProfile {
    type Person = Agent;
    const NAME: &'static str = "ProConnect";
    const DEFAULT_SCOPES: &'static str =
        "openid given_name usual_name email uid siret idp_id organizational_unit phone";
    const ACR_VALUES: &'static str = "eidas1";
    const DEFAULT_ACCEPTED_ACR: &'static [&'static str] = &["eidas1", "eidas2", "eidas3"];

    fn person(info: &Map<String, Value>) -> Result<Agent, TokenError> {
        Ok(Agent {
            given_name: required(info, "given_name")?,
            usual_name: required(info, "usual_name")?,
            email: required(info, "email")?,
            uid: required(info, "uid")?,
            siret: required(info, "siret")?,
            organizational_unit: text(info, "organizational_unit"),
            phone: text(info, "phone"),
            idp_id: text(info, "idp_id"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn an_agent_needs_the_claims_proconnect_promises() {
        let full = json!({"sub": "a", "given_name": "Paul", "usual_name": "HOARAU", "email": "paul.hoarau@justice.fr",
                          "uid": "7", "siret": "17750001200019", "idp_id": "justice"});
        let agent = ProConnectProfile::person(&map(full.clone())).unwrap();
        assert_eq!(agent.usual_name, "HOARAU");
        assert_eq!(agent.idp_id.as_deref(), Some("justice"));
        assert_eq!(agent.phone, None);
        for claim in ["given_name", "usual_name", "email", "uid", "siret"] {
            let mut without = map(full.clone());
            without.remove(claim);
            assert_eq!(ProConnectProfile::person(&without), Err(TokenError::MissingClaim(claim)), "{claim}");
            without.insert(claim.into(), json!("  "));
            assert_eq!(ProConnectProfile::person(&without), Err(TokenError::MissingClaim(claim)), "{claim} blank");
        }
    }

    #[test]
    fn a_citizen_is_whatever_the_scopes_gave() {
        let c = FranceConnectProfile::person(&map(json!({"sub": "x", "given_name": "Marie"}))).unwrap();
        assert_eq!(c, Citizen { given_name: Some("Marie".into()), ..Citizen::default() });
    }
}
