//! The assembled application: the services every part shares, the router
//! that mounts the pages, the court API and the operations endpoints under
//! the common layers, and the server loop with graceful shutdown.

use crate::config::{Config, Delivery, Mode, ProviderConfig};
use crate::middleware::{
    ClientRequestId, MakeHexId, REQUEST_ID, content_security_policy, security_headers, set_aside_client_request_id,
};
use crate::ops;
use anyhow::Context;
use axum::Router;
use axum::routing::get;
use portalis_core::clock::Clock;
use portalis_core::random::RandomSource;
use portalis_documents::DocumentStore;
use portalis_openid::{FranceConnect, ProConnect};
use portalis_storage::Db;
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

/// What every part of the portal shares.
#[derive(Clone)]
pub struct Services {
    pub config: Arc<Config>,
    pub db: Db,
    pub documents: DocumentStore,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn RandomSource>,
}

/// `PORTALIS_PUBLIC_URL` plus a path, without a doubled slash.
pub fn public_url(config: &Config, path: &str) -> String {
    format!("{}{path}", config.server.public_url.as_str().trim_end_matches('/'))
}

/// The HTTP client for FranceConnect: short timeouts, no redirects.
fn provider_http_client() -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("cannot build the HTTP client")
}

impl Services {
    /// Connects to the database (and migrates it) and opens the document
    /// store named by the configuration.
    pub async fn open(config: Config, clock: Arc<dyn Clock>, random: Arc<dyn RandomSource>) -> anyhow::Result<Self> {
        if config.storage.database_url.starts_with("sqlite:") {
            std::fs::create_dir_all(&config.storage.data_dir)
                .with_context(|| format!("cannot create the data directory {}", config.storage.data_dir.display()))?;
        }
        let db = Db::connect(&config.storage.database_url, config.storage.database_max_connections)
            .await
            .context("cannot connect to the database (PORTALIS_DATABASE_URL)")?;
        db.migrate().await.context("cannot migrate the database")?;
        if config.mode != Mode::Tool {
            db.start_page_cache(config.storage.page_cache_mb << 20, clock.clone())
                .context("cannot start the page cache")?;
        }
        let documents = DocumentStore::open(&config.storage.documents_url, &config.storage.s3)
            .context("cannot open the document store (PORTALIS_DOCUMENTS_URL)")?;
        Ok(Self { config: Arc::new(config), db, documents, clock, random })
    }
}

/// The identity providers' clients: FranceConnect for litigants, and
/// ProConnect for court staff when the portal is registered there.
#[derive(Clone)]
pub struct Providers {
    pub franceconnect: Arc<FranceConnect>,
    pub proconnect: Option<Arc<ProConnect>>,
}

impl Providers {
    /// Their origins, where the login and logout forms' answers redirect.
    fn origins(&self) -> Vec<String> {
        let mut issuers = vec![self.franceconnect.settings().issuer.as_str()];
        issuers.extend(self.proconnect.iter().map(|p| p.settings().issuer.as_str()));
        issuers.into_iter().filter_map(|i| url::Url::parse(i).ok()).map(|u| u.origin().ascii_serialization()).collect()
    }
}

/// The clients of the configured registrations; the callback URLs are
/// `PORTALIS_PUBLIC_URL` plus each realm's fixed paths.
pub fn providers(config: &Config) -> anyhow::Result<Providers> {
    let client = |provider: &ProviderConfig, login: &str, logout: &str, acr_values: &str| {
        Ok::<_, anyhow::Error>(portalis_openid::Settings {
            issuer: provider.issuer.clone().context("the identity provider's issuer is required")?,
            client_id: provider.client_id.clone(),
            client_secret: provider.client_secret.expose().to_owned(),
            redirect_uri: public_url(config, login),
            post_logout_redirect_uri: public_url(config, logout),
            scopes: provider.scopes.clone(),
            acr_values: acr_values.to_owned(),
            accepted_acr: provider.accepted_acr.clone(),
        })
    };
    use portalis_openid::Profile;
    let http = provider_http_client()?;
    let franceconnect = client(
        &config.franceconnect,
        portalis_web::CALLBACK_PATH,
        portalis_web::LOGOUT_CALLBACK_PATH,
        portalis_openid::FranceConnectProfile::ACR_VALUES,
    )?;
    let proconnect = match &config.proconnect {
        Some(pc) => Some(Arc::new(ProConnect::new(
            client(
                pc,
                portalis_web::console::CALLBACK_PATH,
                portalis_web::console::LOGOUT_CALLBACK_PATH,
                portalis_openid::ProConnectProfile::ACR_VALUES,
            )?,
            http.clone(),
        ))),
        None => None,
    };
    Ok(Providers { franceconnect: Arc::new(FranceConnect::new(franceconnect, http)), proconnect })
}

/// The outbox worker of the configured delivery.
pub fn outbox_worker(services: &Services) -> anyhow::Result<portalis_notify::worker::Worker> {
    use portalis_notify::mail::Mail;
    use portalis_notify::sms::Sms;
    let delivery = match &services.config.delivery {
        Delivery::DevOutbox => portalis_notify::worker::Delivery { mail: Mail::DevOutbox, sms: Sms::DevOutbox },
        Delivery::Real { smtp_url, mail_from, sms_api_url, sms_api_key, sms_sender } => {
            portalis_notify::worker::Delivery {
                mail: Mail::smtp(smtp_url.expose(), mail_from).map_err(|e| anyhow::anyhow!(e))?,
                sms: Sms::brevo(sms_api_url, sms_api_key.expose(), sms_sender).map_err(|e| anyhow::anyhow!(e))?,
            }
        }
    };
    Ok(portalis_notify::worker::Worker::new(
        services.db.clone(),
        services.clock.clone(),
        services.random.clone(),
        delivery,
    ))
}

/// The scheduler of updates and reminders.
pub fn scheduler(services: &Services) -> portalis_notify::scheduler::Scheduler {
    portalis_notify::scheduler::Scheduler::new(
        services.db.clone(),
        services.documents.clone(),
        services.clock.clone(),
        public_url(&services.config, ""),
        services.config.schedule.reminder_days,
        portalis_notify::scheduler::Retention {
            session_idle: chrono::Duration::minutes(services.config.sessions.idle_minutes),
            staff_session_idle: chrono::Duration::minutes(services.config.staff_sessions.idle_minutes),
            audit: chrono::Duration::days(services.config.schedule.audit_retention_days),
            outbox: chrono::Duration::days(services.config.schedule.outbox_retention_days),
            filings: chrono::Duration::days(services.config.schedule.filing_retention_days),
        },
    )
}

/// The whole HTTP application.
pub fn router(services: &Services, providers: Providers) -> Router {
    let csp = content_security_policy(&providers.origins());
    let api = portalis_api::router(portalis_api::ApiState::new(portalis_api::Shared {
        db: services.db.clone(),
        documents: services.documents.clone(),
        clock: services.clock.clone(),
        random: services.random.clone(),
        public_url: public_url(&services.config, ""),
    }));
    let config = &services.config;
    let web = portalis_web::router(portalis_web::WebState::new(portalis_web::Shared {
        db: services.db.clone(),
        clock: services.clock.clone(),
        random: services.random.clone(),
        franceconnect: providers.franceconnect,
        proconnect: providers.proconnect,
        documents: services.documents.clone(),
        settings: Arc::new(portalis_web::WebSettings {
            demo: config.mode == Mode::Demo,
            branding: config.site.branding,
            secure_cookies: config.server.public_url.scheme() == "https",
            origin: config.server.public_url.origin().ascii_serialization(),
            secret_key: config.secret_key.expose().as_bytes().to_vec(),
            signing_key: portalis_web::signing_key(config.secret_key.expose().as_bytes()),
            session_idle: chrono::Duration::minutes(config.sessions.idle_minutes),
            session_absolute: chrono::Duration::hours(config.sessions.lifetime_hours),
            staff_session_idle: chrono::Duration::minutes(config.staff_sessions.idle_minutes),
            staff_session_absolute: chrono::Duration::hours(config.staff_sessions.lifetime_hours),
            operator_name: config.site.operator_name.clone(),
            contact_email: config.site.contact_email.clone(),
            trusted_proxies: config.server.trusted_proxies.clone(),
            client_ip_header: config.server.client_ip_header.clone(),
        }),
        touches: Default::default(),
        assets: portalis_web::assets::Assets::load(dsfr_dir(config).as_deref()),
    }));
    let ops = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .with_state(services.clone());
    let hsts = services.config.server.public_url.scheme() == "https";
    Router::new()
        .nest("/api/v1", api)
        .merge(ops)
        .merge(web)
        .layer(axum::middleware::from_fn(crate::middleware::compress))
        .layer(axum::middleware::from_fn(move |req, next| security_headers(csp.clone(), hsts, req, next)))
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, Duration::from_secs(60)))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            let span = tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id, client_request_id = tracing::field::Empty);
            if let Some(ClientRequestId(client)) = req.extensions().get::<ClientRequestId>() {
                span.record("client_request_id", tracing::field::debug(client));
            }
            span
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeHexId(services.random.clone())))
        .layer(tower::util::MapRequestLayer::new(set_aside_client_request_id::<axum::body::Body>))
}

/// The DSFR files: `PORTALIS_DSFR_DIR`, or the npm package found from the
/// working directory or from the binary's location.
fn dsfr_dir(config: &Config) -> Option<std::path::PathBuf> {
    let found = config
        .site
        .dsfr_dir
        .clone()
        .or_else(|| std::env::current_dir().ok().and_then(|d| portalis_web::assets::find_dsfr(&d)))
        .or_else(|| std::env::current_exe().ok().and_then(|e| portalis_web::assets::find_dsfr(&e)));
    if found.is_none() {
        tracing::warn!("the DSFR files are not found (npm ci, or PORTALIS_DSFR_DIR): pages will be unstyled");
    }
    found
}

/// Serves until `shutdown` resolves, then lets in-flight requests finish
/// (`server.rs`: header read timeout, connection cap).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &crate::server::Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    crate::server::serve(listener, app, limits, shutdown).await
}

/// Resolves on SIGTERM or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
