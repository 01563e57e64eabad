//! Who publishes the portal and how its pages look.

use super::ConfigError;
use super::sources::Raw;
use std::path::PathBuf;

/// `PORTALIS_BRANDING`: the pages' own type, read here.
pub use portalis_web::Branding;

#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub branding: Branding,
    pub dsfr_dir: Option<PathBuf>,
    pub operator_name: String,
    pub contact_email: String,
}

impl SiteConfig {
    /// `demo`: a demonstration's operator and contact stand in for what
    /// production must be given.
    pub(super) fn read(raw: &Raw, demo: bool) -> Result<Self, ConfigError> {
        let branding = match raw.branding.as_deref() {
            None | Some("etat") => Branding::Etat,
            Some("neutre") => Branding::Neutre,
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PORTALIS_BRANDING",
                    reason: "expected etat or neutre".into(),
                });
            }
        };
        let operator_name = match (raw.operator_name.as_deref(), demo) {
            (Some(o), _) => o.to_owned(),
            (None, true) => "le projet Portalis (démonstration)".to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_OPERATOR_NAME")),
        };
        let contact_email = match (raw.contact_email.as_deref(), demo) {
            (Some(e), _) => {
                portalis_core::email::Email::parse(e.trim()).map(|e| e.as_str().to_owned()).map_err(|_| {
                    ConfigError::Invalid { name: "PORTALIS_CONTACT_EMAIL", reason: "expected an e-mail address".into() }
                })?
            }
            (None, true) => "contact@portalis.example".to_owned(),
            (None, false) => return Err(ConfigError::Missing("PORTALIS_CONTACT_EMAIL")),
        };
        Ok(Self { branding, dsfr_dir: raw.dsfr_dir.as_deref().map(PathBuf::from), operator_name, contact_email })
    }
}
