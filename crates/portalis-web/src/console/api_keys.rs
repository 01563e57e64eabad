//! `/juridiction/administration/cles-api`: the court's API keys, for its
//! administrator — the keys (their first characters, created, revoked),
//! « Créer une clé » (shown once, never again: only its hash is kept) and
//! « Révoquer » (confirmed; the court system using it is refused from its
//! next request). Each audited under the agent's name.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::french::instant_in;
use portalis_core::staff::Role;
use portalis_storage::api_keys;
use portalis_storage::courts::Court;
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/administration/cles-api";

pub struct KeyLine {
    pub id: i64,
    pub prefix: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub revoke: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/api_keys.html")]
pub struct KeysPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub court_code: String,
    /// The courts the agent administers, to choose from.
    pub courts: Vec<super::Choice>,
    pub keys: Vec<KeyLine>,
    pub csrf: String,
    pub done: Option<&'static str>,
    /// A key just created, shown this once.
    pub created: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "console/api_key_revoke.html")]
pub struct RevokePage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub prefix: String,
    pub action: String,
    pub back: String,
    pub csrf: String,
}

fn back(code: &str) -> String {
    format!("{PATH}?juridiction={code}")
}

async fn page(
    state: &WebState,
    staff: &Staff,
    court: &Court,
    done: Option<&'static str>,
    created: Option<String>,
) -> Result<KeysPage, PageError> {
    let code = court.details.code.as_str().to_owned();
    let keys = api_keys::list(&mut *state.db.read().await?, Some(&code)).await?;
    let tz = court.details.time_zone;
    Ok(KeysPage {
        layout: Layout::for_visitor(state, &staff.signed_in.visitor, "Clés d'API"),
        nav: super::Nav::of(staff, super::Section::Keys),
        court: court.details.name.clone(),
        keys: keys
            .into_iter()
            .map(|k| KeyLine {
                id: k.id,
                prefix: k.prefix.map(|p| format!("{p}…")).unwrap_or_else(|| "—".into()),
                created_at: instant_in(k.created_at, tz),
                revoked_at: k.revoked_at.map(|at| instant_in(at, tz)),
                revoke: format!("{PATH}/{}/revocation?juridiction={code}", k.id),
            })
            .collect(),
        courts: super::court_choices(staff, Role::Admin, court.id),
        court_code: code,
        csrf: staff.signed_in.visitor.csrf(state).0,
        done,
        created,
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
        Some("revoquee") => {
            Some("La clé est révoquée : le logiciel qui l'utilise est refusé dès sa prochaine requête.")
        }
        _ => None,
    };
    Ok(page(&state, &staff, &court, done, None).await?.into_response())
}

#[derive(serde::Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    pub juridiction: String,
}

/// « Créer une clé »: the key, shown this once.
pub async fn create(
    State(state): State<WebState>,
    Protected { by: staff, form }: Protected<Staff, CreateForm>,
) -> Result<Response, PageError> {
    let court = match super::court_where(&state, &staff, Role::Admin, Some(&form.juridiction)).await? {
        Ok(court) => court,
        Err(answer) => return Ok(answer),
    };
    let actor = format!("agent:{}", staff.agent().email);
    let mut tx = state.db.begin().await?;
    let key = portalis_usecases::api_keys::create(&mut tx, &court, &*state.random, &actor, state.clock.now()).await?;
    portalis_storage::commit(tx).await?;
    Ok(page(&state, &staff, &court, None, Some(key)).await?.into_response())
}

/// The key `id` of the court `juridiction` names, if the agent administers it.
async fn key_of(
    state: &WebState,
    staff: &Staff,
    id: &str,
    code: Option<&String>,
) -> Result<Option<(Court, api_keys::ApiKey)>, PageError> {
    let (Some(grant), Ok(id)) = (staff.court_for(Role::Admin, code.map(String::as_str)), id.parse::<i64>()) else {
        return Ok(None);
    };
    let Some(court) = super::court_of(state, grant).await? else { return Ok(None) };
    let keys = api_keys::list(&mut *state.db.read().await?, Some(court.details.code.as_str())).await?;
    Ok(keys.into_iter().find(|k| k.id == id).map(|k| (court, k)))
}

/// « Révoquer »: what it does, confirmed by its form.
pub async fn confirm_revoke(
    State(state): State<WebState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let Some((court, key)) = key_of(&state, &staff, &id, params.get("juridiction")).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    if key.revoked_at.is_some() {
        return Ok(Redirect::to(&back(court.details.code.as_str())).into_response());
    }
    let code = court.details.code.as_str().to_owned();
    let page = RevokePage {
        layout: Layout::for_visitor(&state, &staff.signed_in.visitor, "Révoquer une clé d'API"),
        nav: super::Nav::of(&staff, super::Section::Keys),
        court: court.details.name.clone(),
        prefix: key.prefix.map(|p| format!("{p}…")).unwrap_or_else(|| format!("n° {}", key.id)),
        action: format!("{PATH}/{}/revocation?juridiction={code}", key.id),
        back: back(&code),
        csrf: staff.signed_in.visitor.csrf(&state).0,
    };
    Ok(page.into_response())
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {}

pub async fn revoke(
    State(state): State<WebState>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    Protected { by: staff, .. }: Protected<Staff, RevokeForm>,
) -> Result<Response, PageError> {
    let Some((court, key)) = key_of(&state, &staff, &id, params.get("juridiction")).await? else {
        return Ok(super::not_found(&state, &staff));
    };
    let actor = format!("agent:{}", staff.agent().email);
    let mut tx = state.db.begin().await?;
    let revoked = portalis_usecases::api_keys::revoke(&mut tx, Some(&court), key.id, &actor, state.clock.now()).await?;
    portalis_storage::commit(tx).await?;
    if revoked.is_none() {
        return Ok((StatusCode::NOT_FOUND, super::not_found(&state, &staff)).into_response());
    }
    Ok(Redirect::to(&format!("{}&fait=revoquee", back(court.details.code.as_str()))).into_response())
}
