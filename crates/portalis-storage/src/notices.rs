//! What the portal tells litigants by itself: consent, avis de mise à
//! disposition, case updates waiting to be sent, hearing reminders, and the
//! users' choices about them.

use crate::Conn;
use crate::batch::{Batch, Rows};
use crate::error::StorageError;
use crate::read::Reads;
use crate::time::{date, instant, parse_date, parse_instant, parse_time_of_day};
use chrono::{DateTime, NaiveDate, Utc};
use portalis_core::event::EventTime;
use sqlx::Row;

/// A party's consent to electronic communication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// `court` (declared by the court) or `consultation` (first consultation
    /// on the portal).
    pub source: String,
    /// A date (`YYYY-MM-DD`) for the court's, an instant for a consultation.
    pub at: String,
}

/// # Errors
/// Database errors.
pub async fn consent(conn: &mut Conn, party_id: i64) -> Result<Option<Consent>, StorageError> {
    let r: Option<(Option<String>, Option<String>)> =
        sqlx::query_as("SELECT consent_source, consent_at FROM parties WHERE id = $1")
            .bind(party_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(r.and_then(|(s, a)| Some(Consent { source: s?, at: a? })))
}

/// [`consent`] in a batch.
pub fn consent_in(batch: &mut Batch, party_id: i64) -> Rows<Option<Consent>> {
    batch.add("SELECT consent_source, consent_at FROM parties WHERE id = $1", vec![party_id.into()], |r| {
        Ok(match (r.opt_text("consent_source")?, r.opt_text("consent_at")?) {
            (Some(source), Some(at)) => Some(Consent { source, at }),
            _ => None,
        })
    })
}

/// The court declares the party's consent (unless the portal recorded a
/// consultation, which stands).
///
/// # Errors
/// Database errors.
pub async fn record_court_consent(conn: &mut Conn, party_id: i64, on: NaiveDate) -> Result<(), StorageError> {
    sqlx::query(
        "UPDATE parties SET consent_source = 'court', consent_at = $1
         WHERE id = $2 AND (consent_source IS NULL OR (consent_source = 'court' AND (consent_at IS NULL OR consent_at <> $1)))",
    )
    .bind(date(on))
    .bind(party_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The first consultation of the case counts as consent (CPC 748-2, since
/// 1 September 2025): recorded once, never replaced.
///
/// # Errors
/// Database errors.
pub async fn record_consultation_consent(
    conn: &mut Conn,
    party_id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let r = sqlx::query(
        "UPDATE parties SET consent_source = 'consultation', consent_at = $1 WHERE id = $2 AND consent_source IS NULL",
    )
    .bind(instant(now))
    .bind(party_id)
    .execute(&mut *conn)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// A party attached to an account, with where and whether to tell it.
#[derive(Debug, Clone)]
pub struct Recipient {
    pub party_id: i64,
    pub user_id: i64,
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub updates_by_email: bool,
    pub reminders_by_sms: bool,
}

fn recipient(r: &sqlx::any::AnyRow) -> Result<Recipient, StorageError> {
    Ok(Recipient {
        party_id: r.try_get("party_id")?,
        user_id: r.try_get("user_id")?,
        email: r.try_get("email")?,
        mobile: r.try_get("mobile")?,
        updates_by_email: r.try_get::<i64, _>("updates_by_email")? == 1,
        reminders_by_sms: r.try_get::<i64, _>("reminders_by_sms")? == 1,
    })
}

/// The parties of `case_id` attached to an account (withdrawn ones left
/// out).
///
/// # Errors
/// Database errors.
pub async fn attached_parties(conn: &mut Conn, case_id: i64) -> Result<Vec<Recipient>, StorageError> {
    let rows = sqlx::query(
        "SELECT p.id AS party_id, a.user_id, p.email, p.mobile, u.updates_by_email, u.reminders_by_sms
         FROM parties p JOIN attachments a ON a.party_id = p.id JOIN users u ON u.id = a.user_id
         WHERE p.case_id = $1 AND p.withdrawn_at IS NULL ORDER BY p.id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(recipient).collect()
}

/// Records the avis sent for a publication of a document to a party; false
/// when one was recorded already.
///
/// # Errors
/// Database errors.
pub async fn notice_exists(
    conn: &mut Conn,
    document_id: i64,
    party_id: i64,
    published_at: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let r: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM document_notices WHERE document_id = $1 AND party_id = $2 AND published_at = $3",
    )
    .bind(document_id)
    .bind(party_id)
    .bind(instant(published_at))
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.is_some())
}

/// # Errors
/// Database errors.
pub async fn add_notice(
    conn: &mut Conn,
    document_id: i64,
    party_id: i64,
    published_at: DateTime<Utc>,
    outbox_id: i64,
) -> Result<(), StorageError> {
    sqlx::query(
        "INSERT INTO document_notices (document_id, party_id, published_at, outbox_id) VALUES ($1, $2, $3, $4)",
    )
    .bind(document_id)
    .bind(party_id)
    .bind(instant(published_at))
    .bind(outbox_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The avis of a publication of a document, by party reference: when each
/// was sent (None while waiting in the outbox).
///
/// # Errors
/// Database errors.
pub async fn notices_of_publication(
    conn: &mut Conn,
    document_id: i64,
    published_at: DateTime<Utc>,
) -> Result<Vec<(String, Option<DateTime<Utc>>)>, StorageError> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT p.party_ref, o.sent_at FROM document_notices n JOIN parties p ON p.id = n.party_id JOIN outbox o ON o.id = n.outbox_id
         WHERE n.document_id = $1 AND n.published_at = $2 ORDER BY n.id",
    )
    .bind(document_id)
    .bind(instant(published_at))
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(|(p, s)| Ok((p, s.as_deref().map(parse_instant).transpose()?))).collect()
}

/// Adds a line to the update waiting for this party, or opens one due at
/// `due_at`.
///
/// # Errors
/// Database errors.
pub async fn add_update_line(
    conn: &mut Conn,
    case_id: i64,
    party_id: i64,
    line: &str,
    now: DateTime<Utc>,
    due_at: DateTime<Utc>,
) -> Result<(), StorageError> {
    let open: Option<(i64, String)> = sqlx::query_as(
        "SELECT id, lines FROM case_updates WHERE case_id = $1 AND party_id = $2 AND claimed = 0 ORDER BY id DESC LIMIT 1",
    )
    .bind(case_id)
    .bind(party_id)
    .fetch_optional(&mut *conn)
    .await?;
    match open {
        Some((id, lines)) => {
            if !lines.lines().any(|l| l == line) {
                sqlx::query("UPDATE case_updates SET lines = $1 WHERE id = $2")
                    .bind(format!("{lines}\n{line}"))
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
            }
        }
        None => {
            sqlx::query(
                "INSERT INTO case_updates (case_id, party_id, lines, due_at, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case_id)
            .bind(party_id)
            .bind(line)
            .bind(instant(due_at))
            .bind(instant(now))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// Updates due now, not claimed: (id, case, party, lines).
///
/// # Errors
/// Database errors.
pub async fn due_updates(conn: &mut Conn, now: DateTime<Utc>) -> Result<Vec<(i64, i64, i64, String)>, StorageError> {
    Ok(sqlx::query_as("SELECT id, case_id, party_id, lines FROM case_updates WHERE claimed = 0 AND due_at <= $1 ORDER BY id LIMIT 100")
        .bind(instant(now))
        .fetch_all(&mut *conn)
        .await?)
}

/// Claims an update for sending: true for the one process that gets it.
///
/// # Errors
/// Database errors.
pub async fn claim_update(conn: &mut Conn, id: i64, outbox_id: Option<i64>) -> Result<bool, StorageError> {
    let r = sqlx::query("UPDATE case_updates SET claimed = 1, outbox_id = $1 WHERE id = $2 AND claimed = 0")
        .bind(outbox_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// A hearing to come, not cancelled, with what its reminder says.
#[derive(Debug, Clone)]
pub struct HearingToCome {
    pub event_id: i64,
    pub starts_at_utc: DateTime<Utc>,
    /// In the court's time zone.
    pub starts_at: EventTime,
    pub room: Option<String>,
    pub court_name: String,
    pub time_zone: chrono_tz::Tz,
}

/// Where a walk through the hearings to come is: after this start and
/// this event's id.
pub type HearingsAfter = (DateTime<Utc>, i64);

/// The hearings to come after `after` and until `until` that the sweep is
/// to read at `now`, at most `limit`, in the order of their start (then of
/// their id), with their court's name and time zone: among the events
/// `portalis_core::event::Standing` calls upcoming (planned), read through
/// the index of the hearings to come, those not swept at their time, or
/// swept before their reminder was due and due again
/// ([`crate::reminder_sweeps`]). The scheduler walks them a page at a
/// time, and asks for the parties to remind only of the hearings whose
/// reminder is due (at 10,000,000 cases, the four days ahead held 194,889
/// hearings and attached parties: read again each sweep, they made it last
/// longer than its five minutes).
///
/// # Errors
/// Database errors.
pub async fn hearings_to_come(
    conn: &mut Conn,
    after: HearingsAfter,
    until: DateTime<Utc>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Vec<HearingToCome>, StorageError> {
    // The hearings at the same time as the last one read, after it, then
    // those after that time: each an ordered range of the index of the
    // hearings to come, cut at `limit`, merged before anything is joined.
    // (A single condition "after (time, id)" was read on PostgreSQL as a
    // bitmap of every hearing of the days ahead, joined and sorted for
    // each page; on SQLite as a range from the last time read, going over
    // the hearings at that time already read at each page.)
    let rows = sqlx::query(
        "SELECT e.id, e.starts_at_utc, e.starts_on, e.starts_time, e.room, k.name AS court_name, k.time_zone
         FROM (SELECT id, starts_at_utc FROM (SELECT id, starts_at_utc FROM events
                                              WHERE kind IN ('audience', 'expertise') AND status = 'prevu'
                                                AND withdrawn_at IS NULL AND starts_at_utc = $1 AND id > $2
                                                AND NOT EXISTS (SELECT 1 FROM hearings_swept s
                                                                WHERE s.event_id = events.id
                                                                  AND s.starts_at_utc = events.starts_at_utc
                                                                  AND (s.recheck_at IS NULL OR s.recheck_at > $5))
                                              ORDER BY id LIMIT $4) AS same_time
               UNION ALL
               SELECT id, starts_at_utc FROM (SELECT id, starts_at_utc FROM events
                                              WHERE kind IN ('audience', 'expertise') AND status = 'prevu'
                                                AND withdrawn_at IS NULL AND starts_at_utc > $1 AND starts_at_utc <= $3
                                                AND NOT EXISTS (SELECT 1 FROM hearings_swept s
                                                                WHERE s.event_id = events.id
                                                                  AND s.starts_at_utc = events.starts_at_utc
                                                                  AND (s.recheck_at IS NULL OR s.recheck_at > $5))
                                              ORDER BY starts_at_utc, id LIMIT $4) AS later) AS h
              JOIN events e ON e.id = h.id JOIN cases c ON c.id = e.case_id JOIN courts k ON k.id = c.court_id
         ORDER BY h.starts_at_utc, h.id LIMIT $4",
    )
    .bind(instant(after.0))
    .bind(after.1)
    .bind(instant(until))
    .bind(limit)
    .bind(instant(now))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let time: Option<String> = r.try_get("starts_time")?;
            let tz: String = r.try_get("time_zone")?;
            Ok(HearingToCome {
                event_id: r.try_get("id")?,
                starts_at_utc: parse_instant(&r.try_get::<String, _>("starts_at_utc")?)?,
                starts_at: EventTime::from_parts(
                    parse_date(&r.try_get::<String, _>("starts_on")?)?,
                    time.as_deref().map(parse_time_of_day).transpose()?,
                ),
                room: r.try_get("room")?,
                court_name: r.try_get("court_name")?,
                time_zone: tz.parse().map_err(|_| crate::error::corrupt(format!("time zone {tz:?}")))?,
            })
        })
        .collect()
}

/// A party to remind of a hearing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToRemind {
    pub event_id: i64,
    pub party_id: i64,
    pub mobile: String,
}

/// The parties to remind of these hearings (`event_ids` not empty): the
/// attached ones, not withdrawn, with a mobile, whose user wants reminders
/// and who have not been reminded of the hearing at its present time yet;
/// hearing by hearing in the order of their start, each's parties by id.
///
/// # Errors
/// Database errors.
pub async fn to_remind(conn: &mut Conn, event_ids: &[i64]) -> Result<Vec<ToRemind>, StorageError> {
    let (list, params) = crate::in_list(event_ids);
    let sql = format!(
        "SELECT e.id AS event_id, p.id AS party_id, p.mobile
         FROM events e JOIN parties p ON p.case_id = e.case_id JOIN attachments a ON a.party_id = p.id
              JOIN users u ON u.id = a.user_id
         WHERE e.id IN ({list}) AND p.withdrawn_at IS NULL AND p.mobile IS NOT NULL AND u.reminders_by_sms = 1
           AND NOT EXISTS (SELECT 1 FROM hearing_reminders r
                           WHERE r.event_id = e.id AND r.party_id = p.id AND r.starts_at_utc = e.starts_at_utc)
         ORDER BY e.starts_at_utc, e.id, p.id"
    );
    conn.rows(&sql, params, |r| {
        Ok(ToRemind { event_id: r.int("event_id")?, party_id: r.int("party_id")?, mobile: r.text("mobile")? })
    })
    .await
}

/// Claims the reminder of a hearing at this time for this party: its id for
/// the one process that gets it, ever; `None` when another did, or when the
/// hearing or the party changed since they were read (the hearing moved to
/// another time or room, cancelled or withdrawn; the party withdrawn,
/// detached, with another mobile or reminders turned off): the reminder of
/// what changed is left to the next sweep.
///
/// # Errors
/// Database errors.
pub async fn claim_reminder(
    conn: &mut Conn,
    hearing: &HearingToCome,
    party: &ToRemind,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StorageError> {
    let r = sqlx::query(
        "INSERT INTO hearing_reminders (event_id, party_id, starts_at_utc, created_at)
         SELECT e.id, p.id, e.starts_at_utc, $4
         FROM events e JOIN parties p ON p.case_id = e.case_id JOIN attachments a ON a.party_id = p.id
              JOIN users u ON u.id = a.user_id
         WHERE e.id = $1 AND p.id = $2 AND e.starts_at_utc = $3 AND e.status = 'prevu' AND e.withdrawn_at IS NULL
           AND (e.room = $6 OR (e.room IS NULL AND $6 IS NULL))
           AND p.withdrawn_at IS NULL AND p.mobile = $5 AND u.reminders_by_sms = 1
         ON CONFLICT (event_id, party_id, starts_at_utc) DO NOTHING RETURNING id",
    )
    .bind(hearing.event_id)
    .bind(party.party_id)
    .bind(instant(hearing.starts_at_utc))
    .bind(instant(now))
    .bind(&party.mobile)
    .bind(&hearing.room)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(r.map(|row| row.try_get("id")).transpose()?)
}

/// # Errors
/// Database errors.
pub async fn set_reminder_outbox(conn: &mut Conn, reminder_id: i64, outbox_id: i64) -> Result<(), StorageError> {
    sqlx::query("UPDATE hearing_reminders SET outbox_id = $1 WHERE id = $2")
        .bind(outbox_id)
        .bind(reminder_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user's choices: (update e-mails, reminder SMS).
///
/// # Errors
/// Database errors.
pub async fn preferences(conn: &mut Conn, user_id: i64) -> Result<(bool, bool), StorageError> {
    let (u, r): (i64, i64) = sqlx::query_as("SELECT updates_by_email, reminders_by_sms FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok((u == 1, r == 1))
}

/// # Errors
/// Database errors.
pub async fn set_preferences(
    conn: &mut Conn,
    user_id: i64,
    updates_by_email: bool,
    reminders_by_sms: bool,
) -> Result<(), StorageError> {
    sqlx::query("UPDATE users SET updates_by_email = $1, reminders_by_sms = $2 WHERE id = $3")
        .bind(i64::from(updates_by_email))
        .bind(i64::from(reminders_by_sms))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
