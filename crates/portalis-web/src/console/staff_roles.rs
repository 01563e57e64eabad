//! `/juridiction/administration/agents`: the court's staff, for its
//! administrator — who holds which role, since when and granted by whom;
//! « Attribuer un rôle » to a professional address (it is bound to the
//! ProConnect identity that first signs in with it) and « Retirer » (with
//! the last role goes the binding). As `portalis staff` does, audited
//! under the agent's name. An administrator does not withdraw his own
//! role here: another administrator, or an operator, does.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::french::instant_in;
use portalis_core::staff::{Role, normalize_email};
use portalis_storage::audit;
use portalis_storage::courts::Court;
use portalis_storage::staff as roles;
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/administration/agents";
pub const REMOVE_PATH: &str = "/juridiction/administration/agents/retrait";

pub struct RoleLine {
    pub email: String,
    pub role: &'static str,
    pub granted: String,
    /// The agent himself: not withdrawn here.
    pub own: bool,
}

pub struct RoleChoice {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/staff_roles.html")]
pub struct RolesPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub court_code: String,
    pub lines: Vec<RoleLine>,
    pub choices: Vec<RoleChoice>,
    pub email: String,
    pub form: FormState,
    pub csrf: String,
    pub done: Option<&'static str>,
}

async fn page(
    state: &WebState,
    staff: &Staff,
    court: &Court,
    form: FormState,
    email: String,
    role: Option<Role>,
    done: Option<&'static str>,
) -> Result<RolesPage, PageError> {
    let grants = roles::of_court(&mut state.db.read().await?, court.id).await?;
    let me = staff.agent().email;
    let tz = court.details.time_zone;
    Ok(RolesPage {
        layout: Layout::for_visitor(state, &staff.signed_in.visitor, "Agents de la juridiction"),
        nav: super::Nav::of(staff, super::Section::Staff),
        court: court.details.name.clone(),
        court_code: court.details.code.as_str().to_owned(),
        lines: grants
            .into_iter()
            .map(|g| RoleLine {
                own: g.email == me,
                role: g.role.label(),
                granted: format!(
                    "le {}, par {}",
                    instant_in(g.granted_at, tz),
                    g.granted_by.strip_prefix("agent:").unwrap_or(&g.granted_by)
                ),
                email: g.email,
            })
            .collect(),
        choices: Role::ALL
            .iter()
            .map(|r| RoleChoice { code: r.code(), label: r.label(), selected: role == Some(*r) })
            .collect(),
        email,
        csrf: staff.signed_in.visitor.csrf(state).0,
        form,
        done,
    })
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let court =
        match super::court_where(&state, &staff, Role::Admin, params.get("juridiction").map(String::as_str)).await? {
            Ok(court) => court,
            Err(answer) => return Ok(answer),
        };
    let done = match params.get("fait").map(String::as_str) {
        Some("attribue") => {
            Some("Le rôle est attribué : il vaut dès la prochaine connexion de l'agent avec ProConnect.")
        }
        Some("retire") => Some("Le rôle est retiré : il cesse de valoir dès la prochaine page que l'agent ouvre."),
        _ => None,
    };
    Ok(page(&state, &staff, &court, FormState::default(), String::new(), None, done).await?.into_response())
}

#[derive(serde::Deserialize)]
pub struct GrantForm {
    #[serde(default)]
    pub juridiction: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub role: String,
}

/// « Attribuer le rôle ».
pub async fn grant(
    State(state): State<WebState>,
    Protected { by: staff, form }: Protected<Staff, GrantForm>,
) -> Result<Response, PageError> {
    let court = match super::court_where(&state, &staff, Role::Admin, Some(&form.juridiction)).await? {
        Ok(court) => court,
        Err(answer) => return Ok(answer),
    };
    let mut errors = FormState::default();
    let email = normalize_email(&form.email);
    if email.is_none() {
        errors.set(
            "email",
            "Saisissez l'adresse électronique professionnelle de l'agent, par exemple prenom.nom@justice.fr.",
        );
    }
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.set("role", "Choisissez un rôle.");
    }
    let (Some(email), Some(role)) = (email, role) else {
        let mut page = page(&state, &staff, &court, errors, form.email.clone(), role, None).await?;
        page.layout.title = format!("Erreur : {}", page.layout.title);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let actor = format!("agent:{}", staff.agent().email);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    let target = format!("court:{}/staff:{email}/{}", court.details.code.as_str(), role.code());
    let entry = audit::Entry {
        actor: &actor,
        action: "staff.grant",
        target: Some(&target),
        outcome: "ok",
        ..Default::default()
    };
    audit::record(&mut tx, &entry, now).await?;
    roles::grant(&mut tx, &email, court.id, role, &actor, now).await?;
    portalis_storage::commit(tx).await?;
    Ok(Redirect::to(&format!("{PATH}?juridiction={}&fait=attribue", court.details.code.as_str())).into_response())
}

#[derive(serde::Deserialize)]
pub struct RemoveForm {
    #[serde(default)]
    pub juridiction: String,
    #[serde(default)]
    pub email: String,
}

/// « Retirer »: the role of an address in the court.
pub async fn remove(
    State(state): State<WebState>,
    Protected { by: staff, form }: Protected<Staff, RemoveForm>,
) -> Result<Response, PageError> {
    let court = match super::court_where(&state, &staff, Role::Admin, Some(&form.juridiction)).await? {
        Ok(court) => court,
        Err(answer) => return Ok(answer),
    };
    let email = form.email.trim().to_ascii_lowercase();
    if email == staff.agent().email {
        let mut errors = FormState::default();
        errors.set("email", "Vous ne pouvez pas retirer votre propre rôle : demandez-le à un autre administrateur.");
        let page = page(&state, &staff, &court, errors, String::new(), None, None).await?;
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let actor = format!("agent:{}", staff.agent().email);
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    if !roles::revoke(&mut tx, &email, court.id).await? {
        drop(tx);
        return Ok((StatusCode::NOT_FOUND, super::not_found(&state, &staff)).into_response());
    }
    let target = format!("court:{}/staff:{email}", court.details.code.as_str());
    let entry = audit::Entry {
        actor: &actor,
        action: "staff.revoke",
        target: Some(&target),
        outcome: "ok",
        ..Default::default()
    };
    audit::record(&mut tx, &entry, now).await?;
    portalis_storage::commit(tx).await?;
    Ok(Redirect::to(&format!("{PATH}?juridiction={}&fait=retire", court.details.code.as_str())).into_response())
}
