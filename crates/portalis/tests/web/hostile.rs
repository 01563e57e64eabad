//! The FranceConnect client against a provider that misbehaves on purpose:
//! each bad answer ends on a French error page, an audit entry and no
//! session. The provider is a real OpenID server on loopback whose tokens
//! the test shapes.

use crate::support::{Browser, MARIE_NIR, TestApp};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use portalis_openid::jose::sign::{EsKey, with_algorithm};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Fault {
    WrongNonce,
    WrongIssuer,
    WrongAudience,
    Expired,
    AlgNone,
    Hmac,
    ForeignKey,
    LowAcr,
    UnsignedUserInfo,
    UserInfoSubjectDiffers,
    DiscoveryIssuerDiffers,
    IdTokenNotYetValid,
    UserInfoWithoutIssuer,
    UserInfoWithoutAudience,
    UserInfoForAnotherClient,
    UserInfoWithoutExpiry,
    UserInfoExpired,
    UserInfoNotYetValid,
    NoPkce,
}

#[derive(Clone)]
struct Hostile {
    issuer: String,
    fault: Fault,
    key: Arc<EsKey>,
    nonce: Arc<Mutex<String>>,
    /// The client that asked for the token, the audience of UserInfo.
    client_id: Arc<Mutex<String>>,
    now: i64,
}

async fn discovery(State(h): State<Hostile>) -> Json<Value> {
    let i = &h.issuer;
    let announced = if h.fault == Fault::DiscoveryIssuerDiffers { format!("{i}/other") } else { i.clone() };
    let mut metadata = json!({
        "issuer": announced, "authorization_endpoint": format!("{i}/authorize"), "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"), "jwks_uri": format!("{i}/jwks"), "end_session_endpoint": format!("{i}/session/end"),
        "code_challenge_methods_supported": ["S256"],
    });
    if h.fault == Fault::NoPkce {
        metadata.as_object_mut().unwrap().remove("code_challenge_methods_supported");
    }
    Json(metadata)
}

async fn jwks(State(h): State<Hostile>) -> Json<Value> {
    Json(json!({"keys": [h.key.jwk()]}))
}

/// Logs in at once and returns to the client.
async fn authorize(State(h): State<Hostile>, Query(q): Query<HashMap<String, String>>) -> Redirect {
    *h.nonce.lock().unwrap() = q["nonce"].clone();
    Redirect::to(&format!("{}?code=the-code&state={}", q["redirect_uri"], q["state"]))
}

async fn token(State(h): State<Hostile>, Form(f): Form<HashMap<String, String>>) -> Json<Value> {
    let nonce = h.nonce.lock().unwrap().clone();
    *h.client_id.lock().unwrap() = f["client_id"].clone();
    let mut claims = json!({
        "iss": h.issuer, "sub": "marie-sub", "aud": f["client_id"], "exp": h.now + 60, "iat": h.now,
        "nonce": nonce, "acr": "eidas1",
    });
    match h.fault {
        Fault::WrongNonce => claims["nonce"] = json!("another-nonce-another-nonce-another"),
        Fault::WrongIssuer => claims["iss"] = json!("https://attacker.example/api/v2"),
        Fault::WrongAudience => claims["aud"] = json!("another-client"),
        Fault::Expired => {
            claims["exp"] = json!(h.now - 3600);
            claims["iat"] = json!(h.now - 3660);
        }
        Fault::LowAcr => claims["acr"] = json!("eidas0"),
        Fault::IdTokenNotYetValid => claims["nbf"] = json!(h.now + 600),
        _ => {}
    }
    let id_token = match h.fault {
        Fault::AlgNone => with_algorithm("none", &claims, b""),
        Fault::Hmac => with_algorithm("HS256", &claims, f["client_secret"].as_bytes()),
        Fault::ForeignKey => EsKey::generate(h.key.kid.clone()).sign(&claims),
        _ => h.key.sign(&claims),
    };
    Json(json!({"access_token": "the-access-token", "token_type": "Bearer", "expires_in": 60, "id_token": id_token}))
}

async fn userinfo(State(h): State<Hostile>) -> Response {
    // As FranceConnect v2 signs it: issuer, audience, expiry.
    let mut claims = json!({
        "iss": h.issuer, "aud": h.client_id.lock().unwrap().clone(), "exp": h.now + 60, "iat": h.now,
        "sub": "marie-sub", "given_name": "Marie", "family_name": "DELESTABLE",
    });
    let remove = |claims: &mut Value, name: &str| {
        claims.as_object_mut().unwrap().remove(name);
    };
    match h.fault {
        Fault::UserInfoWithoutIssuer => remove(&mut claims, "iss"),
        Fault::UserInfoWithoutAudience => remove(&mut claims, "aud"),
        Fault::UserInfoForAnotherClient => claims["aud"] = json!("another-client"),
        Fault::UserInfoWithoutExpiry => remove(&mut claims, "exp"),
        Fault::UserInfoExpired => claims["exp"] = json!(h.now - 3600),
        Fault::UserInfoNotYetValid => claims["nbf"] = json!(h.now + 600),
        _ => {}
    }
    match h.fault {
        Fault::UnsignedUserInfo => Json(claims).into_response(),
        Fault::UserInfoSubjectDiffers => {
            claims["sub"] = json!("somebody-else");
            ([("content-type", "application/jwt")], h.key.sign(&claims)).into_response()
        }
        _ => ([("content-type", "application/jwt")], h.key.sign(&claims)).into_response(),
    }
}

async fn spawn_hostile(fault: Fault, now: i64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}/api/v2", listener.local_addr().unwrap());
    let h = Hostile {
        issuer: issuer.clone(),
        fault,
        key: Arc::new(EsKey::generate("k1")),
        nonce: Arc::default(),
        client_id: Arc::default(),
        now,
    };
    let app = Router::new()
        .route("/api/v2/.well-known/openid-configuration", get(discovery))
        .route("/api/v2/jwks", get(jwks))
        .route("/api/v2/authorize", get(authorize))
        .route("/api/v2/token", post(token))
        .route("/api/v2/userinfo", get(userinfo))
        .with_state(h);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    issuer
}

/// Logs in against a provider with `fault`; checks the refusal and returns
/// the audited reason.
async fn refused(fault: Fault) -> String {
    let issuer = spawn_hostile(fault, crate::support::test_start().timestamp()).await;
    let app = TestApp::spawn_with(&[("PORTALIS_FC_ISSUER", &issuer)]).await;
    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let start = browser.post("/connexion/franceconnect", &[("csrf", &token)]).await;
    let page = if start.status() == 303 { browser.follow(start).await } else { start };
    let status = page.status();
    let html = page.text().await.unwrap();
    assert!(status == 400 || status == 503, "{fault:?}: {status}");
    assert!(html.contains("<html lang=\"fr\""), "{fault:?}: a French page");
    assert_eq!(app.count("sessions").await, 0, "{fault:?}: no session");
    assert_eq!(app.count("users").await, 0, "{fault:?}: no user");
    let mut conn = app.services.db.read().await.unwrap();
    let latest = portalis_storage::audit::latest(&mut conn, 1).await.unwrap();
    if status == 400 {
        assert_eq!((latest[0].1.as_str(), latest[0].3.as_str()), ("login", "refused"), "{fault:?}");
        let (detail,): (Option<String>,) = sqlx::query_as("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        let detail = detail.unwrap();
        assert!(!detail.contains("the-code") && !detail.contains("the-access-token"), "no secret in the audit log");
        detail
    } else {
        "provider_unavailable".into()
    }
}

#[tokio::test]
async fn a_wrong_nonce_is_refused() {
    assert_eq!(refused(Fault::WrongNonce).await, "id_token:wrong_nonce");
}

#[tokio::test]
async fn a_wrong_issuer_is_refused() {
    assert_eq!(refused(Fault::WrongIssuer).await, "id_token:wrong_issuer");
}

#[tokio::test]
async fn a_provider_announcing_another_issuer_is_not_used() {
    assert_eq!(refused(Fault::DiscoveryIssuerDiffers).await, "provider_unavailable");
}

#[tokio::test]
async fn a_wrong_audience_is_refused() {
    assert_eq!(refused(Fault::WrongAudience).await, "id_token:wrong_audience");
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    assert_eq!(refused(Fault::Expired).await, "id_token:expired");
}

#[tokio::test]
async fn an_unsigned_id_token_is_refused() {
    assert_eq!(refused(Fault::AlgNone).await, "id_token:algorithm_not_allowed");
}

#[tokio::test]
async fn an_hmac_signed_id_token_is_refused() {
    assert_eq!(refused(Fault::Hmac).await, "id_token:algorithm_not_allowed");
}

#[tokio::test]
async fn a_token_signed_by_a_key_not_in_the_jwks_is_refused() {
    assert_eq!(refused(Fault::ForeignKey).await, "id_token:bad_signature");
}

#[tokio::test]
async fn an_authentication_below_eidas1_is_refused() {
    assert_eq!(refused(Fault::LowAcr).await, "id_token:insufficient_acr");
}

#[tokio::test]
async fn an_unsigned_userinfo_is_refused() {
    assert_eq!(refused(Fault::UnsignedUserInfo).await, "userinfo:not_signed");
}

#[tokio::test]
async fn a_userinfo_about_somebody_else_is_refused() {
    assert_eq!(refused(Fault::UserInfoSubjectDiffers).await, "userinfo:subject_mismatch");
}

#[tokio::test]
async fn an_id_token_not_valid_yet_is_refused() {
    assert_eq!(refused(Fault::IdTokenNotYetValid).await, "id_token:not_yet_valid");
}

#[tokio::test]
async fn a_userinfo_without_its_issuer_is_refused() {
    assert_eq!(refused(Fault::UserInfoWithoutIssuer).await, "userinfo:missing_claim");
}

#[tokio::test]
async fn a_userinfo_without_its_audience_is_refused() {
    assert_eq!(refused(Fault::UserInfoWithoutAudience).await, "userinfo:missing_claim");
}

#[tokio::test]
async fn a_userinfo_for_another_client_is_refused() {
    assert_eq!(refused(Fault::UserInfoForAnotherClient).await, "userinfo:wrong_audience");
}

#[tokio::test]
async fn a_userinfo_without_its_expiry_is_refused() {
    assert_eq!(refused(Fault::UserInfoWithoutExpiry).await, "userinfo:missing_claim");
}

#[tokio::test]
async fn an_expired_userinfo_is_refused() {
    assert_eq!(refused(Fault::UserInfoExpired).await, "userinfo:expired");
}

#[tokio::test]
async fn a_userinfo_not_valid_yet_is_refused() {
    assert_eq!(refused(Fault::UserInfoNotYetValid).await, "userinfo:not_yet_valid");
}

/// A provider that does not offer PKCE S256 is not used: the browser is
/// never sent to it (FranceConnect v2 offers it).
#[tokio::test]
async fn a_provider_without_pkce_is_not_used() {
    let issuer = spawn_hostile(Fault::NoPkce, crate::support::test_start().timestamp()).await;
    let app = TestApp::spawn_with(&[("PORTALIS_FC_ISSUER", &issuer)]).await;
    let browser = Browser::new(&app);
    let token = browser.login_form_token().await;
    let start = browser.post("/connexion/franceconnect", &[("csrf", &token)]).await;
    assert_eq!(start.status(), 503, "not sent to the provider");
    assert!(start.text().await.unwrap().contains("FranceConnect est momentanément indisponible"));
    assert_eq!(app.count("login_attempts").await, 0);
}

#[tokio::test]
async fn a_code_used_once_is_refused_the_second_time() {
    let app = TestApp::spawn().await;
    let browser = Browser::new(&app);
    let back = browser.through_franceconnect(MARIE_NIR).await;
    let first = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let code = first.query_pairs().find(|(k, _)| k == "code").unwrap().1.to_string();
    browser.follow(back).await;
    // A second login attempt in the same browser, answered with the old code.
    let space = browser.get("/mon-espace").await.text().await.unwrap();
    let token = crate::support::form_value(&space, "csrf").unwrap();
    let start = browser.post("/connexion/franceconnect", &[("csrf", &token)]).await;
    let authorize = url::Url::parse(start.headers()["location"].to_str().unwrap()).unwrap();
    let state = authorize.query_pairs().find(|(k, _)| k == "state").unwrap().1.to_string();
    let r = browser.get(&format!("/connexion/retour?code={code}&state={state}")).await;
    assert_eq!(r.status(), 400);
    let mut conn = app.services.db.read().await.unwrap();
    let (detail,): (Option<String>,) =
        sqlx::query_as("SELECT detail FROM audit_log ORDER BY id DESC LIMIT 1").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(detail.as_deref(), Some("code_refused"));
}
