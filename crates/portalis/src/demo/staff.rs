//! The demo's court staff: each agent of the ProConnect simulator that has
//! a role in the demonstration gets it, as `portalis staff add` would grant
//! it (audited, by `demo`). An agent without one signs in and is told he
//! has no role.

use crate::app::Services;
use anyhow::Context;
use portalis_core::staff::Role;
use portalis_storage::{audit, courts, staff};

/// Grants the simulator's agents their roles (again at every start: the
/// same role is granted in place).
pub async fn load(services: &Services) -> anyhow::Result<()> {
    let now = services.clock.now();
    let mut tx = services.db.begin().await?;
    for agent in portalis_fc_sim::AGENTS {
        let Some((court_code, role)) = agent.role else { continue };
        let role = Role::parse(role).with_context(|| format!("demo role {role}"))?;
        let court = courts::by_code(&mut tx, court_code).await?.with_context(|| format!("demo court {court_code}"))?;
        let target = format!("court:{court_code}/staff:{}/{}", agent.email, role.code());
        let entry = audit::Entry {
            actor: "demo",
            action: "staff.grant",
            target: Some(&target),
            outcome: "ok",
            ..Default::default()
        };
        audit::record(&mut tx, &entry, now).await?;
        staff::grant(&mut tx, agent.email, court.id, role, "demo", now).await?;
    }
    tx.commit().await?;
    Ok(())
}
