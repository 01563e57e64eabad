//! The pages an agent sees at ProConnect: his professional e-mail first,
//! then the login page of the organisation that address belongs to (here,
//! the ministry's directory), then back to the service: ProConnect asks no
//! confirmation.

use crate::agents::{self, AGENT_PASSWORD, AGENTS, DIRECTORY_NAME, DemoAgent};
use crate::pages::expired;
use crate::protocol::issue_code;
use crate::state::Simulator;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

#[derive(Template, WebTemplate)]
#[template(path = "pc_email.html")]
struct EmailPage {
    id: String,
    service_name: String,
    email: String,
    error: Option<&'static str>,
    agents: &'static [DemoAgent],
    password: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pc_directory.html")]
struct DirectoryPage {
    id: String,
    directory: &'static str,
    email: String,
    error: bool,
}

fn email_page(sim: &Simulator, id: String, client_id: &str, email: String, error: Option<&'static str>) -> Response {
    let service_name = sim.client(client_id).map(|c| c.service_name.clone()).unwrap_or_default();
    let page = EmailPage { id, service_name, email, error, agents: AGENTS, password: AGENT_PASSWORD };
    match error {
        Some(_) => (StatusCode::UNPROCESSABLE_ENTITY, page).into_response(),
        None => page.into_response(),
    }
}

/// "Je me connecte avec ProConnect": the professional address.
pub async fn start(State(sim): State<Simulator>, Path(id): Path<String>) -> Response {
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    email_page(&sim, id, &interaction.client_id, String::new(), None)
}

/// The address typed: its organisation's login page, or a message when no
/// organisation of the simulator has its domain.
pub async fn email(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    let email = f.get("email").map(|e| e.trim().to_owned()).unwrap_or_default();
    if email.is_empty() {
        return email_page(
            &sim,
            id,
            &interaction.client_id,
            email,
            Some("Saisissez votre adresse e-mail professionnelle."),
        );
    }
    if !agents::in_directory(&email) {
        let message = "Aucune organisation de la démonstration n'utilise cette adresse : utilisez celle d'un agent de \
                       démonstration.";
        return email_page(&sim, id, &interaction.client_id, email, Some(message));
    }
    if let Some(i) = sim.store().interactions.get_mut(&id) {
        i.email = Some(email.clone());
    }
    DirectoryPage { id, directory: DIRECTORY_NAME, email, error: false }.into_response()
}

/// The directory's login form: the code, back to the service, when the
/// password is the agent's.
pub async fn password(
    State(sim): State<Simulator>,
    Path(id): Path<String>,
    Form(f): Form<HashMap<String, String>>,
) -> Response {
    let Some(interaction) = sim.interaction(&id) else { return expired(&sim) };
    let email = f.get("email").map(|e| e.trim().to_owned()).or(interaction.email.clone()).unwrap_or_default();
    match agents::find(&email, f.get("password").map(String::as_str).unwrap_or("")) {
        Some(agent) => issue_code(&sim, &id, &interaction, agent),
        None => (StatusCode::UNPROCESSABLE_ENTITY, DirectoryPage { id, directory: DIRECTORY_NAME, email, error: true })
            .into_response(),
    }
}
