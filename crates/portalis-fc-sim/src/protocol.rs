//! The OpenID Connect endpoints.

use crate::agents::{AGENTS, IDP_ID, SIRET};
use crate::pages;
use crate::state::{AccessToken, CODE_SECONDS, Federation, Grant, Interaction, Simulator, TOKEN_SECONDS};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use std::collections::HashMap;
use url::Url;

pub async fn discovery(State(sim): State<Simulator>) -> Json<Value> {
    let i = &sim.issuer;
    // Each claim is asked by the scope of its name; `openid` gives `sub`.
    let claims: &[&str] = match sim.federation {
        Federation::FranceConnect => &[
            "given_name",
            "family_name",
            "birthdate",
            "gender",
            "birthplace",
            "birthcountry",
            "email",
            "preferred_username",
        ],
        Federation::ProConnect => &[
            "given_name",
            "usual_name",
            "email",
            "uid",
            "siret",
            "idp_id",
            "organizational_unit",
            "belonging_population",
            "phone",
        ],
    };
    let scopes: Vec<&str> = std::iter::once("openid").chain(claims.iter().copied()).collect();
    let claims: Vec<&str> = std::iter::once("sub").chain(claims.iter().copied()).collect();
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "jwks_uri": format!("{i}/jwks"),
        "end_session_endpoint": format!("{i}/session/end"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "userinfo_signing_alg_values_supported": ["ES256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
        "acr_values_supported": ["eidas1"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": scopes,
        "claims_supported": claims,
    }))
}

pub async fn jwks(State(sim): State<Simulator>) -> Json<Value> {
    Json(json!({"keys": [sim.key.jwk()]}))
}

fn redirect_with(uri: &str, params: &[(&str, &str)]) -> Response {
    match Url::parse(uri) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(params);
            Redirect::to(url.as_str()).into_response()
        }
        Err(_) => (StatusCode::BAD_REQUEST, "invalid redirect_uri").into_response(),
    }
}

/// `GET /authorize`: checks the client and its exact redirect URI (an
/// unknown one gets an error page, never a redirect), then the request
/// (errors go back to the client, as FranceConnect does), then shows the
/// choice of an account.
pub async fn authorize(State(sim): State<Simulator>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let Some(client) = sim.client(get("client_id")) else {
        return pages::error(&sim, StatusCode::BAD_REQUEST, "Le service qui vous a envoyé ici n'est pas reconnu.");
    };
    let redirect_uri = get("redirect_uri");
    if !client.redirect_uris.iter().any(|r| r == redirect_uri) {
        return pages::error(
            &sim,
            StatusCode::BAD_REQUEST,
            "L'adresse de retour demandée n'est pas enregistrée pour ce service.",
        );
    }
    let state = get("state");
    let fail = |error: &str, description: &str| {
        let mut p = vec![("error", error), ("error_description", description)];
        if !state.is_empty() {
            p.push(("state", state));
        }
        redirect_with(redirect_uri, &p)
    };
    if get("response_type") != "code" {
        return fail("unsupported_response_type", "response_type must be code");
    }
    if !get("scope").split(' ').any(|s| s == "openid") {
        return fail("invalid_scope", "scope must include openid");
    }
    if state.len() < 22 {
        return fail("invalid_request", "state is required (at least 22 characters)");
    }
    if get("nonce").len() < 22 {
        return fail("invalid_request", "nonce is required (at least 22 characters)");
    }
    let code_challenge = match (q.get("code_challenge"), get("code_challenge_method")) {
        (Some(c), "S256") => Some(c.clone()),
        (Some(_), _) => return fail("invalid_request", "code_challenge_method must be S256"),
        (None, _) => None,
    };
    let id = sim.token();
    sim.store().interactions.insert(
        id.clone(),
        Interaction {
            client_id: client.client_id.clone(),
            redirect_uri: redirect_uri.to_owned(),
            state: state.to_owned(),
            nonce: get("nonce").to_owned(),
            code_challenge,
            provider: None,
            email: None,
            identity: None,
            created: sim.now(),
        },
    );
    Redirect::to(&format!("/api/v2/interaction/{id}")).into_response()
}

/// Ends a confirmed interaction: a single-use code, back to the client.
pub(crate) fn issue_code(sim: &Simulator, id: &str, interaction: &Interaction, identity: usize) -> Response {
    let code = sim.token();
    let mut store = sim.store();
    store.interactions.remove(id);
    store.codes.insert(
        code.clone(),
        Grant {
            client_id: interaction.client_id.clone(),
            redirect_uri: interaction.redirect_uri.clone(),
            nonce: interaction.nonce.clone(),
            code_challenge: interaction.code_challenge.clone(),
            identity,
            expires: sim.now() + CODE_SECONDS,
        },
    );
    drop(store);
    redirect_with(&interaction.redirect_uri, &[("code", &code), ("state", &interaction.state)])
}

fn token_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(json!({"error": error, "error_description": description}))).into_response()
}

/// `POST /token` (client_secret_post): a code is good once, for 60 s, for
/// the client and redirect URI it was issued to, with its PKCE verifier.
pub async fn token(State(sim): State<Simulator>, Form(f): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let Some(client) = sim.client(get("client_id")).cloned() else {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client");
    };
    if !portalis_core::secret::constant_time_eq(client.client_secret.as_bytes(), get("client_secret").as_bytes()) {
        return token_error(StatusCode::UNAUTHORIZED, "invalid_client", "wrong client secret");
    }
    if get("grant_type") != "authorization_code" {
        return token_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "authorization_code only");
    }
    // Taken out at once: a code is single use, even when the request fails.
    let Some(grant) = sim.store().codes.remove(get("code")) else {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown or used code");
    };
    let now = sim.now();
    if grant.expires < now || grant.client_id != client.client_id || grant.redirect_uri != get("redirect_uri") {
        return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "expired code, or another client's");
    }
    if let Some(challenge) = &grant.code_challenge {
        let computed =
            URL_SAFE_NO_PAD.encode(ring::digest::digest(&ring::digest::SHA256, get("code_verifier").as_bytes()));
        if &computed != challenge {
            return token_error(StatusCode::BAD_REQUEST, "invalid_grant", "PKCE verification failed");
        }
    }
    let sub = sim.subject(&client.client_id, grant.identity);
    let id_token = sim.key.sign(&json!({
        "iss": sim.issuer, "sub": sub, "aud": client.client_id, "exp": now + TOKEN_SECONDS, "iat": now,
        "nonce": grant.nonce, "acr": "eidas1", "amr": ["pwd"],
        "idp": match sim.federation { Federation::FranceConnect => "ameli", Federation::ProConnect => IDP_ID },
    }));
    let access_token = sim.token();
    sim.store().tokens.insert(
        access_token.clone(),
        AccessToken { client_id: client.client_id.clone(), identity: grant.identity, expires: now + TOKEN_SECONDS },
    );
    let mut r = Json(json!({
        "access_token": access_token, "token_type": "Bearer", "expires_in": TOKEN_SECONDS, "id_token": id_token,
    }))
    .into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /userinfo`: the claims as a JWT signed ES256 (`application/jwt`).
pub async fn userinfo(State(sim): State<Simulator>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let now = sim.now();
    let token = sim.store().tokens.get(bearer).cloned();
    let Some(token) = token.filter(|t| t.expires >= now) else {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")])
            .into_response();
    };
    let sub = sim.subject(&token.client_id, token.identity);
    let claims = match sim.federation {
        Federation::FranceConnect => sim.person(token.identity).map(|p| {
            json!({
                "given_name": p.given_name, "family_name": p.family_name, "birthdate": p.birthdate,
                "gender": p.gender, "birthplace": p.birthplace, "birthcountry": p.birthcountry, "email": p.email,
                "preferred_username": "",
            })
        }),
        Federation::ProConnect => AGENTS.get(token.identity).map(|a| {
            json!({
                "given_name": a.given_name, "usual_name": a.usual_name, "email": a.email, "uid": a.uid,
                "siret": SIRET, "idp_id": IDP_ID, "organizational_unit": a.organizational_unit, "phone": a.phone,
                "belonging_population": "agent-public",
            })
        }),
    };
    let Some(Value::Object(mut claims)) = claims else {
        return (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")])
            .into_response();
    };
    for (k, v) in [
        ("iss", json!(sim.issuer)),
        ("aud", json!(token.client_id)),
        ("sub", json!(sub)),
        ("iat", json!(now)),
        ("exp", json!(token.expires)),
    ] {
        claims.insert(k.to_owned(), v);
    }
    let jwt = sim.key.sign(&Value::Object(claims));
    ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response()
}

/// `GET /session/end`: checks that the hint is an ID token of ours and the
/// return address registered for its client, then returns with `state`.
pub async fn end_session(State(sim): State<Simulator>, Query(q): Query<HashMap<String, String>>) -> Response {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    let jwks: portalis_openid::jose::Jwks = serde_json::from_value(json!({"keys": [sim.key.jwk()]})).expect("own JWKS");
    let claims = portalis_openid::jose::parse(get("id_token_hint")).and_then(|t| t.verify(&jwks));
    let Ok(claims) = claims else {
        return pages::error(&sim, StatusCode::BAD_REQUEST, "La demande de déconnexion n'est pas valide.");
    };
    let client_id = claims.get("aud").and_then(Value::as_str).unwrap_or("");
    let Some(client) = sim.client(client_id) else {
        return pages::error(&sim, StatusCode::BAD_REQUEST, "Le service qui vous a envoyé ici n'est pas reconnu.");
    };
    let back = get("post_logout_redirect_uri");
    if !client.post_logout_redirect_uris.iter().any(|u| u == back) {
        return pages::error(
            &sim,
            StatusCode::BAD_REQUEST,
            "L'adresse de retour demandée n'est pas enregistrée pour ce service.",
        );
    }
    redirect_with(back, &[("state", get("state"))])
}
