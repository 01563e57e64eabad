//! The demo world: the guide's own case, with its dates moved so that it
//! always looks as it does in the guide, and a few more courts and cases so
//! that lists and filters have something to show. Loaded through the same
//! code as `portalis import`, so loading twice creates nothing new.

mod filing;
mod staff;
mod world;

use crate::app::Services;
use crate::import::{self, Summary};
use anyhow::Context;
use portalis_storage::courts;

/// The demo's court directory.
pub const COURTS_CSV: &str = include_str!("courts.csv");

/// Loads (or refreshes) the demo world.
pub async fn load(services: &Services) -> anyhow::Result<Summary> {
    let inputs = import::parse_courts_csv(COURTS_CSV).map_err(|e| anyhow::anyhow!(e.join("\n")))?;
    let mut summary = import::put_courts(services, &inputs, "demo").await?;
    let today = world::today(services.clock.now());
    for (court_code, records) in world::records(today) {
        let court = {
            let mut conn = services.db.reader().acquire().await?;
            courts::by_code(&mut conn, court_code).await?.with_context(|| format!("demo court {court_code} missing"))?
        };
        let s = import::apply_all(services, &court, &records, "demo").await?;
        summary.created += s.created;
        summary.updated += s.updated;
        summary.unchanged += s.unchanged;
    }
    filing::load(services).await.context("cannot load the demo's online filing")?;
    staff::load(services).await.context("cannot grant the demo's court staff their roles")?;
    Ok(summary)
}

/// The document the demo publishes a minute after start: a new avis for
/// Marie in the guide's case, issued today.
pub async fn publish_later_document(services: &Services) -> anyhow::Result<()> {
    let today = world::today(services.clock.now());
    let court = {
        let mut conn = services.db.reader().acquire().await?;
        courts::by_code(&mut conn, "tj-saint-denis-reunion").await?.context("demo court missing")?
    };
    let record = world::later_document(today, services.clock.now());
    import::apply_all(services, &court, &[record], "demo").await?;
    Ok(())
}
