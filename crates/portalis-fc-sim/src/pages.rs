//! The pages a litigant sees at FranceConnect: the choice of an account, the
//! provider's login form, the confirmation.

use crate::identities::{IDENTITIES, TestIdentity};
use crate::protocol::issue_code;
use crate::state::{Federation, Simulator};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// The identity providers offered, by code and name.
pub const PROVIDERS: &[(&str, &str)] = &[
    ("impots", "impots.gouv.fr"),
    ("ameli", "ameli.fr"),
    ("laposte", "L'Identité Numérique La Poste"),
    ("msa", "MSA"),
    ("franceidentite", "France Identité"),
];

fn provider_name(code: &str) -> Option<&'static str> {
    PROVIDERS.iter().find(|(c, _)| *c == code).map(|(_, n)| *n)
}

#[derive(Template, WebTemplate)]
#[template(path = "choose.html")]
struct Choose {
    id: String,
    site: String,
    providers: &'static [(&'static str, &'static str)],
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct Login {
    id: String,
    provider: &'static str,
    ameli: bool,
    nir: String,
    error: bool,
    identities: &'static [TestIdentity],
}

#[derive(Template, WebTemplate)]
#[template(path = "confirm.html")]
struct Confirm {
    id: String,
    greeting: String,
    service_name: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pc_error.html")]
struct PcErrorPage {
    message: String,
}

/// An error page in the simulated federation's colours.
pub(crate) fn error(sim: &Simulator, status: StatusCode, message: &str) -> Response {
    let message = message.to_owned();
    match sim.federation() {
        Federation::FranceConnect => (status, ErrorPage { message }).into_response(),
        Federation::ProConnect => (status, PcErrorPage { message }).into_response(),
    }
}

pub(crate) fn expired(sim: &Simulator) -> Response {
    error(
        sim,
        StatusCode::NOT_FOUND,
        "Cette demande de connexion a expiré. Retournez sur le site du service pour recommencer.",
    )
}

/// Cookies of the simulator: the provider remembered ("Se souvenir de mon
/// choix") and the confirmation page skipped ("Ne plus afficher…").
const REMEMBERED_PROVIDER: &str = "fcsim-fournisseur";
const SKIP_CONFIRMATION: &str = "fcsim-sans-confirmation";

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn set_cookie(name: &str, value: &str) -> (header::HeaderName, String) {
    (header::SET_COOKIE, format!("{name}={value}; Path=/api/v2; HttpOnly; SameSite=Lax; Max-Age=31536000"))
}

/// "Je choisis un compte pour me connecter sur : justice.fr" — or, when a
/// provider was remembered, its login form straight away.
pub async fn choose(State(sim): State<Simulator>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    if let Some((code, provider)) =
        cookie(&headers, REMEMBERED_PROVIDER).and_then(|c| PROVIDERS.iter().find(|(p, _)| *p == c).copied())
    {
        if let Some(i) = sim.store().interactions.get_mut(&id) {
            i.provider = Some(code.to_owned());
        }
        return Login {
            id,
            provider,
            ameli: code == "ameli",
            nir: String::new(),
            error: false,
            identities: IDENTITIES,
        }
        .into_response();
    }
    let site = sim.client(&interaction.client_id).map(|c| c.site.clone()).unwrap_or_default();
    Choose { id, site, providers: PROVIDERS }.into_response()
}

pub async fn choose_provider(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    if sim.interaction(&id).is_none() {
        return expired(&sim);
    }
    let code = f.get("fournisseur").map(String::as_str).unwrap_or("");
    let Some(provider) = provider_name(code) else {
        return error(&sim, StatusCode::BAD_REQUEST, "Ce fournisseur d'identité n'est pas proposé.");
    };
    if let Some(i) = sim.store().interactions.get_mut(&id) {
        i.provider = Some(code.to_owned());
    }
    let page = Login { id, provider, ameli: code == "ameli", nir: String::new(), error: false, identities: IDENTITIES };
    if f.contains_key("souvenir") {
        return ([set_cookie(REMEMBERED_PROVIDER, code)], page).into_response();
    }
    page.into_response()
}

/// The provider's login form; wrong credentials get the provider's message.
/// The confirmation is skipped when the person asked not to see it again.
pub async fn sign_in(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    let code = interaction.provider.clone().unwrap_or_else(|| "ameli".into());
    let provider = provider_name(&code).unwrap_or("ameli.fr");
    let nir = f.get("nir").cloned().unwrap_or_default();
    match sim.find(&nir, f.get("code").map(String::as_str).unwrap_or("")) {
        Some(identity) => {
            if let Some(i) = sim.store().interactions.get_mut(&id) {
                i.identity = Some(identity);
            }
            if cookie(&headers, SKIP_CONFIRMATION).is_some() {
                let mut confirmed = interaction.clone();
                confirmed.identity = Some(identity);
                return issue_code(&sim, &id, &confirmed, identity);
            }
            let service_name = sim.client(&interaction.client_id).map(|c| c.service_name.clone()).unwrap_or_default();
            let greeting = sim.person(identity).map(|p| p.greeting()).unwrap_or_default();
            Confirm { id, greeting, service_name }.into_response()
        }
        None => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Login { id, provider, ameli: code == "ameli", nir, error: true, identities: IDENTITIES },
        )
            .into_response(),
    }
}

/// "Continuer sur Ministère de la justice" (and, if ticked, "Ne plus
/// afficher cette page de confirmation…").
pub async fn confirm(State(sim): State<Simulator>, Path(id): Path<String>, body: axum::body::Bytes) -> Response {
    let plus = url::form_urlencoded::parse(&body).any(|(k, _)| k == "plus");
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    let Some(identity) = interaction.identity else {
        return error(&sim, StatusCode::BAD_REQUEST, "Identifiez-vous d'abord auprès d'un fournisseur d'identité.");
    };
    let response = issue_code(&sim, &id, &interaction, identity);
    if plus {
        return ([set_cookie(SKIP_CONFIRMATION, "1")], response).into_response();
    }
    response
}
