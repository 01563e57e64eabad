//! A court's API keys, created and revoked by an operator (`portalis
//! api-key`) or by the court's administrator at the console; each change
//! audited under who made it.

use portalis_core::api_key::{key_hash, key_prefix, new_key};
use portalis_core::random::RandomSource;
use portalis_storage::api_keys::{self, ApiKey};
use portalis_storage::courts::Court;
use portalis_storage::{StorageError, Tx, audit};

/// Creates a key for the court; returns it, to be shown once (only its
/// hash is kept).
///
/// # Errors
/// Database errors.
pub async fn create(
    tx: &mut Tx,
    court: &Court,
    random: &dyn RandomSource,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String, StorageError> {
    let key = new_key(random);
    let id = api_keys::create(tx, court.id, &key_hash(&key), &key_prefix(&key), now).await?;
    let target = format!("court:{}/key:{id}", court.details.code);
    let entry =
        audit::Entry { actor, action: "api_key.create", target: Some(&target), outcome: "ok", ..Default::default() };
    audit::record(tx, &entry, now).await?;
    Ok(key)
}

/// Revokes the key `id` (when `court` is given, only one of that court's):
/// the court system using it is refused from its next request. The key as
/// it is now and whether this call revoked it; `None` when there is no such
/// key (of that court).
///
/// # Errors
/// Database errors.
pub async fn revoke(
    tx: &mut Tx,
    court: Option<&Court>,
    id: i64,
    actor: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Option<(ApiKey, bool)>, StorageError> {
    if let Some(court) = court {
        let theirs = api_keys::list(tx, Some(court.details.code.as_str())).await?;
        if !theirs.iter().any(|k| k.id == id) {
            return Ok(None);
        }
    }
    let Some((key, revoked_now)) = api_keys::revoke(tx, id, now).await? else { return Ok(None) };
    if revoked_now {
        let target = format!("court:{}/key:{id}", key.court_code);
        let entry = audit::Entry {
            actor,
            action: "api_key.revoke",
            target: Some(&target),
            outcome: "ok",
            ..Default::default()
        };
        audit::record(tx, &entry, now).await?;
    }
    Ok(Some((key, revoked_now)))
}
