//! What each subcommand does.

use crate::app::{self, Services};
use crate::cli::{ApiKeyCommand, Cli, Command, CourtCommand};
use crate::config::{Config, Mode, Sources};
use crate::{demo, import, telemetry};
use anyhow::{bail, Context};
use portalis_core::clock::SystemClock;
use portalis_core::random::{OsRandom, RandomSource};
use portalis_storage::{api_keys, audit, courts};
use std::path::Path;
use std::sync::Arc;

/// Runs the command the user typed.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mode = match &cli.command {
        Command::Demo { .. } => Mode::Demo,
        Command::Serve => Mode::Serve,
        _ => Mode::Tool,
    };
    let mut sources = Sources::load(cli.global.config.as_deref(), std::env::vars())?;
    if let Some(dir) = &cli.global.data_dir {
        sources.set("PORTALIS_DATA_DIR", dir.display().to_string());
    }
    if let Command::Demo { listen: Some(listen) } = &cli.command {
        sources.set("PORTALIS_LISTEN", listen.to_string());
    }
    let config = Config::from_sources(mode, &sources, demo_secret)?;
    telemetry::init(config.log_format, &config.log_filter);
    let services = Services::open(config, Arc::new(SystemClock), Arc::new(OsRandom)).await?;
    match cli.command {
        Command::Demo { .. } => {
            let summary = demo::load(&services).await.context("cannot load the demo world")?;
            tracing::info!(%summary, "demo world loaded");
            run_server(&services).await
        }
        Command::Serve => run_server(&services).await,
        Command::Migrate => {
            // Services::open has applied them; say so.
            println!("the database is up to date");
            Ok(())
        }
        Command::Court { command: CourtCommand::List } => {
            let mut conn = services.db.reader().acquire().await?;
            for c in courts::list(&mut conn).await? {
                let d = &c.details;
                println!("{}\t{}\t{}\t{}", d.code, d.name, d.kind.code(), d.time_zone.name());
            }
            Ok(())
        }
        Command::Court { command: CourtCommand::Import { file } } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let inputs = match import::parse_courts_csv(&text) {
                Ok(i) => i,
                Err(errors) => bail!("nothing was imported; fix these lines:\n{}", errors.join("\n")),
            };
            let summary = import::put_courts(&services, &inputs, "cli").await?;
            println!("courts: {summary}");
            Ok(())
        }
        Command::ApiKey { command: ApiKeyCommand::Create { court } } => {
            let key = create_api_key(&services, &court).await?;
            println!("{key}");
            Ok(())
        }
        Command::Import { court, file } => {
            let summary = import::import_ndjson(&services, &court, &file).await?;
            println!("records: {summary}");
            Ok(())
        }
    }
}

async fn run_server(services: &Services) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(services.config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (PORTALIS_LISTEN)", services.config.listen))?;
    let local = listener.local_addr()?;
    tracing::info!(%local, public_url = %services.config.public_url, "portal listening");
    if services.config.mode == Mode::Demo {
        println!("Portalis (démonstration) : http://{local}/");
    }
    app::serve(listener, app::router(services), app::shutdown_signal()).await
}

/// Creates an API key for a court; only its hash is stored.
pub async fn create_api_key(services: &Services, court_code: &str) -> anyhow::Result<String> {
    let mut tx = services.db.begin().await?;
    let court = courts::by_code(&mut tx, court_code)
        .await?
        .with_context(|| format!("no court with code {court_code:?} (see `portalis court list`)"))?;
    let key = portalis_api::auth::new_key(services.random.as_ref());
    let now = services.clock.now();
    api_keys::create(&mut tx, court.id, &portalis_api::auth::key_hash(&key), now).await?;
    audit::record(
        &mut tx,
        &audit::Entry {
            actor: "cli",
            action: "api_key.create",
            target: Some(&format!("court:{court_code}")),
            outcome: "ok",
            ..Default::default()
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(key)
}

/// The demo's (and one-shot tools') secret key when none is configured: made
/// once and kept in the data directory, readable by its owner only.
fn demo_secret(data_dir: &Path) -> String {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 32 {
            return existing.trim().to_owned();
        }
    let key = OsRandom.hex(32);
    if std::fs::create_dir_all(data_dir).is_ok() && std::fs::write(&path, &key).is_ok() {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600));
        }
    }
    key
}
