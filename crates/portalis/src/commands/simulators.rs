//! The demo's identity providers: the FranceConnect simulator for
//! litigants and the ProConnect simulator for court staff, each with the
//! portal of the configuration registered as its client.

use crate::app;
use crate::config::{Branding, Config, ProviderConfig};
use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_fc_sim::{Client, Simulator};
use std::sync::Arc;

/// The FranceConnect simulator at `issuer`.
pub fn franceconnect(config: &Config, issuer: &str, clock: Arc<dyn Clock>, random: Arc<dyn RandomSource>) -> Simulator {
    let state_service = config.site.branding == Branding::Etat;
    let client = Client {
        client_id: config.franceconnect.client_id.clone(),
        client_secret: config.franceconnect.client_secret.expose().to_owned(),
        redirect_uris: vec![app::public_url(config, portalis_web::CALLBACK_PATH)],
        post_logout_redirect_uris: vec![app::public_url(config, portalis_web::LOGOUT_CALLBACK_PATH)],
        service_name: service_name(config),
        site: if state_service {
            "justice.fr".into()
        } else {
            config.server.public_url.host_str().unwrap_or("").to_owned()
        },
    };
    Simulator::new(issuer, vec![client], clock, random).with_population(config.simulator.population)
}

/// The ProConnect simulator at `registration`'s issuer, the console of
/// `config` its client.
pub fn proconnect(
    config: &Config,
    registration: &ProviderConfig,
    clock: Arc<dyn Clock>,
    random: Arc<dyn RandomSource>,
) -> Simulator {
    use portalis_web::console::{CALLBACK_PATH, LOGOUT_CALLBACK_PATH};
    let client = Client {
        client_id: registration.client_id.clone(),
        client_secret: registration.client_secret.expose().to_owned(),
        redirect_uris: vec![app::public_url(config, CALLBACK_PATH)],
        post_logout_redirect_uris: vec![app::public_url(config, LOGOUT_CALLBACK_PATH)],
        service_name: format!("{} — espace des juridictions", service_name(config)),
        site: config.server.public_url.host_str().unwrap_or("").to_owned(),
    };
    let issuer = registration.issuer.clone().unwrap_or_default();
    Simulator::proconnect(issuer, vec![client], clock, random)
}

fn service_name(config: &Config) -> String {
    if config.site.branding == Branding::Etat {
        "Ministère de la justice".into()
    } else {
        config.site.operator_name.clone()
    }
}
