//! Users: FranceConnect identities, keyed by (issuer, subject), their claims
//! refreshed at each login.

use crate::Tx;
use crate::error::StorageError;
use crate::read::Cells;
use crate::time::instant;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Claims {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_username: Option<String>,
    pub birthdate: Option<String>,
    pub email: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub issuer: String,
    pub subject: String,
    pub claims: Claims,
}

impl User {
    /// "Marie DELESTABLE": the first given name and the usage name, or the
    /// birth name, as the header shows it.
    pub fn display_name(&self) -> String {
        let given = self.claims.given_name.as_deref().unwrap_or("").split_whitespace().next().unwrap_or("");
        let family = self
            .claims
            .preferred_username
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .or(self.claims.family_name.as_deref())
            .unwrap_or("")
            .to_uppercase();
        format!("{given} {family}").trim().to_owned()
    }
}

const COLUMNS: &str = "id, issuer, subject, given_name, family_name, preferred_username, birthdate, email";

pub(crate) fn from_row(row: &dyn Cells) -> Result<User, StorageError> {
    Ok(User {
        id: row.int("id")?,
        issuer: row.text("issuer")?,
        subject: row.text("subject")?,
        claims: Claims {
            given_name: row.opt_text("given_name")?,
            family_name: row.opt_text("family_name")?,
            preferred_username: row.opt_text("preferred_username")?,
            birthdate: row.opt_text("birthdate")?,
            email: row.opt_text("email")?,
        },
    })
}

/// Holds the user until the transaction ends: the limits on what a user
/// asks (codes, attempts) are checked and recorded by one request at a
/// time.
///
/// # Errors
/// Database errors.
pub async fn lock(tx: &mut Tx, user_id: i64) -> Result<(), StorageError> {
    tx.lock_row("users", user_id).await
}

/// Creates the user at first login, refreshes the claims at the next ones.
///
/// # Errors
/// Database errors.
pub async fn upsert(
    tx: &mut Tx,
    issuer: &str,
    subject: &str,
    claims: &Claims,
    now: DateTime<Utc>,
) -> Result<User, StorageError> {
    let row = sqlx::query(&format!(
        "INSERT INTO users (issuer, subject, given_name, family_name, preferred_username, birthdate, email, created_at, last_login_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (issuer, subject) DO UPDATE SET given_name = excluded.given_name, family_name = excluded.family_name,
           preferred_username = excluded.preferred_username, birthdate = excluded.birthdate, email = excluded.email,
           last_login_at = excluded.last_login_at
         RETURNING {COLUMNS}"
    ))
    .bind(issuer)
    .bind(subject)
    .bind(&claims.given_name)
    .bind(&claims.family_name)
    .bind(&claims.preferred_username)
    .bind(&claims.birthdate)
    .bind(&claims.email)
    .bind(instant(now))
    .fetch_one(&mut **tx)
    .await?;
    let user = from_row(&row)?;
    Ok(user)
}
