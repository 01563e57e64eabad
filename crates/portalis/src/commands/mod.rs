//! What each subcommand does.

mod simulators;

use crate::app::{self, Services};
use crate::cli::{ApiKeyCommand, Cli, Command, CourtCommand, StaffCommand};
use crate::config::{Config, Mode, Sources};
use crate::{bench_data, demo, import, telemetry};
use anyhow::{Context, bail};
use portalis_core::clock::SystemClock;
use portalis_core::random::{OsRandom, RandomSource};
use portalis_storage::{api_keys, audit, courts};
use std::path::Path;
use std::sync::Arc;

/// Runs the command the user typed.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let mode = match &cli.command {
        Command::Demo { .. } => Mode::Demo,
        Command::FcSim { .. } | Command::PcSim { .. } => Mode::Demo,
        Command::Serve => Mode::Serve,
        _ => Mode::Tool,
    };
    let mut sources = Sources::load(cli.global.config.as_deref(), std::env::vars())?;
    if let Some(dir) = &cli.global.data_dir {
        sources.set("PORTALIS_DATA_DIR", dir.display().to_string());
    }
    match &cli.command {
        Command::Demo { listen, fc_listen, pc_listen } => {
            if let Some(l) = listen {
                sources.set("PORTALIS_LISTEN", l.to_string());
            }
            if let Some(l) = fc_listen {
                sources.set("PORTALIS_FC_SIM_LISTEN", l.to_string());
            }
            if let Some(l) = pc_listen {
                sources.set("PORTALIS_PC_SIM_LISTEN", l.to_string());
            }
        }
        Command::FcSim { listen: Some(l) } => sources.set("PORTALIS_FC_SIM_LISTEN", l.to_string()),
        Command::PcSim { listen: Some(l) } => sources.set("PORTALIS_PC_SIM_LISTEN", l.to_string()),
        _ => {}
    }
    let config = Config::from_sources(mode, &sources, demo_secret)?;
    let _logs = telemetry::init(config.logs.format, &config.logs.filter);
    let clock: Arc<dyn portalis_core::clock::Clock> = Arc::new(SystemClock);
    let random: Arc<dyn RandomSource> = Arc::new(OsRandom);
    match cli.command {
        Command::Demo { .. } => demo_mode(config, sources.has("PORTALIS_PUBLIC_URL"), clock, random).await,
        Command::FcSim { .. } => {
            let listener = bind(config.simulator.listen, "PORTALIS_FC_SIM_LISTEN").await?;
            let issuer = format!("http://{}/api/v2", loopback(listener.local_addr()?));
            let sim = simulators::franceconnect(&config, &issuer, clock, random);
            println!("Simulateur FranceConnect : {issuer}");
            app::serve(listener, portalis_fc_sim::router(sim), &config.server.limits, app::shutdown_signal()).await
        }
        Command::PcSim { .. } => {
            let listener = bind(config.simulator.pc_listen, "PORTALIS_PC_SIM_LISTEN").await?;
            let registration = match &config.proconnect {
                Some(given) => given.clone(),
                None => demo_proconnect(&config, listener.local_addr()?),
            };
            let sim = simulators::proconnect(&config, &registration, clock, random);
            println!("Simulateur ProConnect : {}", sim.issuer());
            app::serve(listener, portalis_fc_sim::router(sim), &config.server.limits, app::shutdown_signal()).await
        }
        Command::Serve => {
            let providers = app::providers(&config)?;
            let services = Services::open(config, clock, random).await?;
            let listener = bind(services.config.server.listen, "PORTALIS_LISTEN").await?;
            tracing::info!(local = %listener.local_addr()?, public_url = %services.config.server.public_url, "portal listening");
            let (stop, stopped) = stop_signal();
            let worker = tokio::spawn(app::outbox_worker(&services)?.run(WORKER_EVERY, stopped.clone()));
            let scheduler = tokio::spawn(app::scheduler(&services).run(SCHEDULER_EVERY, stopped.clone()));
            let result = app::serve(
                listener,
                app::router(&services, providers),
                &services.config.server.limits,
                wait_stop(stopped),
            )
            .await;
            drop(stop);
            worker.await.context("the outbox worker failed")?;
            scheduler.await.context("the scheduler failed")?;
            result
        }
        command => {
            let services = Services::open(config, clock, random).await?;
            tool(command, &services).await
        }
    }
}

/// The one-shot commands.
async fn tool(command: Command, services: &Services) -> anyhow::Result<()> {
    let services = services.clone();
    match command {
        Command::Demo { .. } | Command::FcSim { .. } | Command::PcSim { .. } | Command::Serve => {
            unreachable!("servers are handled by run")
        }
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
        Command::ApiKey { command: ApiKeyCommand::List { court } } => {
            let mut conn = services.db.reader().acquire().await?;
            for k in api_keys::list(&mut conn, court.as_deref()).await? {
                println!("{}", describe_key(&k));
            }
            Ok(())
        }
        Command::ApiKey { command: ApiKeyCommand::Revoke { id } } => {
            let key = revoke_api_key(&services, id, "cli").await?;
            println!("{}", describe_key(&key));
            Ok(())
        }
        Command::Staff { command } => staff(&services, command).await,
        Command::Import { court, file } => {
            let summary = import::import_ndjson(&services, &court, &file).await?;
            println!("records: {summary}");
            Ok(())
        }
        Command::BenchData { cases, seed, manifest } => {
            let m = bench_data::run(&services, cases, seed).await?;
            println!("{} cases and {} accounts in {:.0} s", m.cases, m.users, m.seconds);
            if let Some(path) = manifest {
                std::fs::write(&path, serde_json::to_vec_pretty(&m)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            Ok(())
        }
    }
}

async fn bind(addr: std::net::SocketAddr, setting: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr} ({setting})"))
}

/// An address browsers can reach: 0.0.0.0 and :: become the loopback.
fn loopback(addr: std::net::SocketAddr) -> std::net::SocketAddr {
    let mut a = addr;
    if a.ip().is_unspecified() {
        a.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    a
}

/// The demo's registration at a ProConnect simulator listening at `local`.
fn demo_proconnect(config: &Config, local: std::net::SocketAddr) -> crate::config::ProviderConfig {
    let issuer = format!("http://{}/api/v2", loopback(local));
    crate::config::ProviderConfig::demo_proconnect(&issuer, &config.secret_key)
}

/// `portalis demo`: the portal and the simulators of FranceConnect and
/// ProConnect (unless a registration is given), each on its own port, the
/// demo world loaded. Addresses are taken from the bound
/// sockets, so `--listen 127.0.0.1:0` works.
async fn demo_mode(
    mut config: Config,
    public_url_given: bool,
    clock: Arc<dyn portalis_core::clock::Clock>,
    random: Arc<dyn RandomSource>,
) -> anyhow::Result<()> {
    let listener = bind(config.server.listen, "PORTALIS_LISTEN").await?;
    let local = loopback(listener.local_addr()?);
    if !public_url_given {
        config.server.public_url = url::Url::parse(&format!("http://{local}/"))?;
    }
    let sim_listener = match config.franceconnect.issuer {
        Some(_) => None,
        None => {
            let l = bind(config.simulator.listen, "PORTALIS_FC_SIM_LISTEN").await?;
            config.franceconnect.issuer = Some(format!("http://{}/api/v2", loopback(l.local_addr()?)));
            Some(l)
        }
    };
    let sim = sim_listener.map(|l| {
        let issuer = config.franceconnect.issuer.clone().unwrap_or_default();
        (l, simulators::franceconnect(&config, &issuer, clock.clone(), random.clone()))
    });
    let pc_sim = match config.proconnect {
        Some(_) => None,
        None => {
            let l = bind(config.simulator.pc_listen, "PORTALIS_PC_SIM_LISTEN").await?;
            let registration = demo_proconnect(&config, l.local_addr()?);
            let sim = simulators::proconnect(&config, &registration, clock.clone(), random.clone());
            config.proconnect = Some(registration);
            Some((l, sim))
        }
    };
    let providers = app::providers(&config)?;
    let services = Services::open(config, clock, random).await?;
    let summary = demo::load(&services).await.context("cannot load the demo world")?;
    tracing::info!(%summary, "demo world loaded");

    let (_stop, stop_rx) = stop_signal();
    let worker = tokio::spawn(app::outbox_worker(&services)?.run(WORKER_EVERY, stop_rx.clone()));
    let scheduler = tokio::spawn(app::scheduler(&services).run(SCHEDULER_EVERY, stop_rx.clone()));
    // A minute after start, the court publishes a new document for Marie, so
    // that the avis de mise à disposition can be seen in the outbox.
    let publisher = {
        let services = services.clone();
        tokio::spawn(async move {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            match demo::publish_later_document(&services).await {
                Ok(()) => tracing::info!("demo: a new document was published"),
                Err(e) => tracing::warn!(error = %e, "demo: cannot publish the new document"),
            }
        })
    };
    let sim_tasks: Vec<_> = [sim, pc_sim]
        .into_iter()
        .flatten()
        .map(|(l, sim)| {
            tracing::info!(issuer = %sim.issuer(), federation = ?sim.federation(), "identity simulator");
            let stop = wait_stop(stop_rx.clone());
            let limits = services.config.server.limits;
            tokio::spawn(async move { app::serve(l, portalis_fc_sim::router(sim), &limits, stop).await })
        })
        .collect();
    println!("Portalis (démonstration) : {}", services.config.server.public_url);
    let result =
        app::serve(listener, app::router(&services, providers), &services.config.server.limits, wait_stop(stop_rx))
            .await;
    for t in sim_tasks {
        t.await.context("a simulator task failed")??;
    }
    worker.await.context("the outbox worker failed")?;
    scheduler.await.context("the scheduler failed")?;
    publisher.abort();
    result
}

/// How often the scheduler looks for updates and reminders to send.
const SCHEDULER_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// How often the outbox worker looks for messages to send.
const WORKER_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// A channel that turns true on SIGTERM or Ctrl-C, for every part that must
/// stop (servers, worker).
fn stop_signal() -> (tokio::task::JoinHandle<()>, tokio::sync::watch::Receiver<bool>) {
    let (tx, rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        app::shutdown_signal().await;
        let _ = tx.send(true);
    });
    (task, rx)
}

async fn wait_stop(mut rx: tokio::sync::watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

/// One line of `api-key list`: id, court, the key's first characters,
/// creation, and whether it is revoked.
fn describe_key(k: &api_keys::ApiKey) -> String {
    let at = |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let status = match k.revoked_at {
        Some(t) => format!("revoked {}", at(t)),
        None => "active".to_owned(),
    };
    let prefix = k.prefix.as_deref().map(|p| format!("{p}…")).unwrap_or_else(|| "-".into());
    format!("{}\t{}\t{prefix}\t{}\t{status}", k.id, k.court_code, at(k.created_at))
}

/// Revokes an API key by its id: the court system using it is refused
/// from its next request.
pub async fn revoke_api_key(services: &Services, id: i64, actor: &str) -> anyhow::Result<api_keys::ApiKey> {
    let mut tx = services.db.begin().await?;
    let now = services.clock.now();
    let (key, _) = portalis_usecases::api_keys::revoke(&mut tx, None, id, actor, now)
        .await?
        .with_context(|| format!("no API key with id {id} (see `portalis api-key list`)"))?;
    tx.commit().await?;
    Ok(key)
}

/// Creates an API key for a court; only its hash is stored.
pub async fn create_api_key(services: &Services, court_code: &str) -> anyhow::Result<String> {
    let mut tx = services.db.begin().await?;
    let court = courts::by_code(&mut tx, court_code)
        .await?
        .with_context(|| format!("no court with code {court_code:?} (see `portalis court list`)"))?;
    let key =
        portalis_usecases::api_keys::create(&mut tx, &court, services.random.as_ref(), "cli", services.clock.now())
            .await?;
    tx.commit().await?;
    Ok(key)
}

/// The demo's (and one-shot tools') secret key when none is configured: made
/// once and kept in the data directory, readable by its owner only.
fn demo_secret(data_dir: &Path) -> String {
    let path = data_dir.join("secret.key");
    if let Ok(existing) = std::fs::read_to_string(&path)
        && existing.trim().len() >= 32
    {
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

/// `portalis staff add|list|remove`: the console's roles, each change
/// audited.
async fn staff(services: &Services, command: StaffCommand) -> anyhow::Result<()> {
    use portalis_storage::staff as roles;
    let now = services.clock.now();
    let court_of = |code: String| async move {
        let mut conn = services.db.reader().acquire().await?;
        courts::by_code(&mut conn, &code)
            .await?
            .with_context(|| format!("no court with code {code} (see `portalis court list`)"))
    };
    let audited = |action: &'static str, target: String| async move {
        let mut tx = services.db.begin().await?;
        audit::record(
            &mut tx,
            &audit::Entry { actor: "cli", action, target: Some(&target), outcome: "ok", ..Default::default() },
            now,
        )
        .await?;
        Ok::<_, anyhow::Error>(tx)
    };
    match command {
        StaffCommand::Add { email, court, role } => {
            let email = portalis_core::staff::normalize_email(&email)
                .with_context(|| format!("{email:?} is not an e-mail address"))?;
            let court = court_of(court).await?;
            let mut tx =
                audited("staff.grant", format!("court:{}/staff:{email}/{}", court.details.code.as_str(), role.code()))
                    .await?;
            roles::grant(&mut tx, &email, court.id, role, "cli", now).await?;
            tx.commit().await?;
            println!("{}\t{email}\t{}", court.details.code.as_str(), role.code());
        }
        StaffCommand::List { court } => {
            let mut conn = services.db.reader().acquire().await?;
            for g in
                roles::list(&mut conn).await?.into_iter().filter(|g| court.as_ref().is_none_or(|c| *c == g.court_code))
            {
                let at = g.granted_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                println!("{}\t{}\t{}\t{at}\t{}", g.court_code, g.email, g.role.code(), g.granted_by);
            }
        }
        StaffCommand::Remove { email, court } => {
            let email = email.trim().to_ascii_lowercase();
            let court = court_of(court).await?;
            let mut tx =
                audited("staff.revoke", format!("court:{}/staff:{email}", court.details.code.as_str())).await?;
            if !roles::revoke(&mut tx, &email, court.id).await? {
                bail!("{email} has no role at {} (see `portalis staff list`)", court.details.code.as_str());
            }
            tx.commit().await?;
            println!("{}\t{email}\tremoved", court.details.code.as_str());
        }
        StaffCommand::Unbind { email } => {
            let email = email.trim().to_ascii_lowercase();
            let mut tx = audited("staff.unbind", format!("staff:{email}")).await?;
            if !roles::unbind(&mut tx, &email).await? {
                bail!("{email} is bound to no ProConnect identity");
            }
            tx.commit().await?;
            println!("{email}\tunbound");
        }
    }
    Ok(())
}
