//! Court staff: the roles granted per court to a professional e-mail address
//! (`staff_roles`), and the ProConnect identity bound to that address at the
//! agent's first sign-in (`agents`). Roles are read at every console
//! request, never cached: a role withdrawn stops working at the next one.

use crate::batch::{Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{self, Cells, Reads};
use crate::sessions::SESSION_USER;
use crate::time::{instant, parse_instant};
use crate::{Conn, Tx};
use chrono::{DateTime, Utc};
use portalis_core::realm::Realm;
use portalis_core::staff::{Role, normalize_email};

/// An address as stored: callers give a valid one ([`normalize_email`]);
/// case and spaces never make two.
fn stored(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

/// A role granted to an address in a court.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub email: String,
    pub court_id: i64,
    pub court_code: String,
    pub court_name: String,
    pub role: Role,
    pub granted_at: DateTime<Utc>,
    /// Who granted it (`cli`, or an administrator's audit actor).
    pub granted_by: String,
}

const GRANT_COLUMNS: &str = "r.email, r.court_id, c.code AS court_code, c.name AS court_name, r.role, r.granted_at, \
                             r.granted_by";

fn grant_from_row(r: &dyn Cells) -> Result<Grant, StorageError> {
    let role = r.text("role")?;
    Ok(Grant {
        email: r.text("email")?,
        court_id: r.int("court_id")?,
        court_code: r.text("court_code")?,
        court_name: r.text("court_name")?,
        role: Role::parse(&role).ok_or_else(|| corrupt(format!("staff role {role:?}")))?,
        granted_at: parse_instant(&r.text("granted_at")?)?,
        granted_by: r.text("granted_by")?,
    })
}

/// Grants `role` in the court to the address, or changes the role it had
/// there.
///
/// # Errors
/// Database errors.
pub async fn grant(
    tx: &mut Tx,
    email: &str,
    court_id: i64,
    role: Role,
    granted_by: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO staff_roles (email, court_id, role, granted_at, granted_by) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email, court_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at,
           granted_by = excluded.granted_by",
    )
    .bind(stored(email))
    .bind(court_id)
    .bind(role.code())
    .bind(instant(now))
    .bind(granted_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Withdraws the address's role in the court; whether it had one. With its
/// last role goes its binding: granted again later, the address is bound
/// anew at the next sign-in.
///
/// # Errors
/// Database errors.
pub async fn revoke(tx: &mut Tx, email: &str, court_id: i64) -> Result<bool, StorageError> {
    let email = stored(email);
    let r = sqlx::query("DELETE FROM staff_roles WHERE email = $1 AND court_id = $2")
        .bind(&email)
        .bind(court_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM agents WHERE email = $1 AND NOT EXISTS (SELECT 1 FROM staff_roles WHERE email = $1)")
        .bind(&email)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() > 0)
}

/// Every role granted, by court then address.
///
/// # Errors
/// Database errors.
pub async fn list(conn: &mut impl Reads) -> Result<Vec<Grant>, StorageError> {
    let sql = format!(
        "SELECT {GRANT_COLUMNS} FROM staff_roles r JOIN courts c ON c.id = r.court_id ORDER BY c.code, r.email"
    );
    conn.rows(&sql, vec![], grant_from_row).await
}

/// The roles granted in one court, by address.
///
/// # Errors
/// Database errors.
pub async fn of_court(conn: &mut impl Reads, court_id: i64) -> Result<Vec<Grant>, StorageError> {
    let sql = format!(
        "SELECT {GRANT_COLUMNS} FROM staff_roles r JOIN courts c ON c.id = r.court_id WHERE r.court_id = $1
         ORDER BY r.email"
    );
    conn.rows(&sql, vec![court_id.into()], grant_from_row).await
}

/// The roles of the agent whose ProConnect identity is this user, by court.
///
/// # Errors
/// Database errors.
pub async fn roles_of(conn: &mut impl Reads, user_id: i64) -> Result<Vec<Grant>, StorageError> {
    conn.rows(&roles_sql("$1"), vec![user_id.into()], grant_from_row).await
}

/// The roles of the agent signed in by the session whose token has this
/// hash, in a batch.
pub fn roles_of_session_in(batch: &mut Batch, token_hash: &str) -> Rows<Grant> {
    batch.add(roles_sql(SESSION_USER), vec![token_hash.into(), Realm::Staff.code().into()], grant_from_row)
}

/// The roles of the user `user` selects (a placeholder or a subquery).
fn roles_sql(user: &str) -> String {
    format!(
        "SELECT {GRANT_COLUMNS} FROM agents a JOIN staff_roles r ON r.email = a.email
         JOIN courts c ON c.id = r.court_id WHERE a.user_id = {user} ORDER BY c.code"
    )
}

/// What ProConnect says of an agent beyond his name, kept with the binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRecord<'a> {
    pub email: &'a str,
    pub uid: &'a str,
    pub siret: &'a str,
    pub idp_id: Option<&'a str>,
}

/// The outcome of a sign-in for the address ProConnect vouched for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    /// The identity is (now) the address's: its roles apply.
    Bound,
    /// No role is granted to the address: nothing to bind.
    NoRole,
    /// The address is bound to another ProConnect identity; an
    /// administrator must remove that binding first.
    OtherIdentity,
}

/// Binds the signed-in identity (`user_id`) to the address at its first
/// sign-in, refreshes what is kept of it at the next ones. An identity
/// whose address changed at its provider leaves its old one.
///
/// # Errors
/// Database errors.
pub async fn bind(
    tx: &mut Tx,
    user_id: i64,
    agent: &AgentRecord<'_>,
    now: DateTime<Utc>,
) -> Result<Binding, StorageError> {
    // An address that is not one (or not ASCII) holds no role.
    let Some(email) = normalize_email(agent.email) else { return Ok(Binding::NoRole) };
    let conn: &mut Conn = tx;
    let roles = read::optional(
        &mut *conn,
        "SELECT email FROM staff_roles WHERE email = $1",
        vec![email.as_str().into()],
        |r| r.text("email"),
    )
    .await?;
    if roles.is_none() {
        return Ok(Binding::NoRole);
    }
    sqlx::query("DELETE FROM agents WHERE user_id = $1 AND email <> $2")
        .bind(user_id)
        .bind(&email)
        .execute(&mut *conn)
        .await?;
    // Two first sign-ins at once: one insert wins, the other reads it.
    sqlx::query(
        "INSERT INTO agents (email, user_id, uid, siret, idp_id, bound_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (email) DO UPDATE SET uid = excluded.uid, siret = excluded.siret, idp_id = excluded.idp_id
           WHERE agents.user_id = excluded.user_id",
    )
    .bind(&email)
    .bind(user_id)
    .bind(agent.uid)
    .bind(agent.siret)
    .bind(agent.idp_id)
    .bind(instant(now))
    .execute(&mut *conn)
    .await?;
    let owner =
        read::optional(&mut *conn, "SELECT user_id FROM agents WHERE email = $1", vec![email.as_str().into()], |r| {
            r.int("user_id")
        })
        .await?;
    Ok(if owner == Some(user_id) { Binding::Bound } else { Binding::OtherIdentity })
}

/// Removes the binding of the address (the agent left, or his identity at
/// ProConnect changed): the next identity to sign in with it is bound.
///
/// # Errors
/// Database errors.
pub async fn unbind(tx: &mut Tx, email: &str) -> Result<bool, StorageError> {
    let r = sqlx::query("DELETE FROM agents WHERE email = $1").bind(stored(email)).execute(&mut **tx).await?;
    Ok(r.rows_affected() > 0)
}
