//! Parties of a case, each with its numéro d'identification.

use crate::batch::{Answers, Batch, Rows};
use crate::error::{StorageError, corrupt};
use crate::read::{Cells, Reads};
use crate::time::{instant, parse_instant};
use crate::{Conn, Outcome, Tx};
use chrono::{DateTime, Utc};
use portalis_core::identification_number::IdentificationNumber;
use portalis_core::party::{PartyKind, Role};
use portalis_core::random::RandomSource;

/// What the court says of a party, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct PartyInput {
    pub kind: PartyKind,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub organisation_name: Option<String>,
    pub role: Role,
    /// E-mail declared to the court (canonical form).
    pub email: Option<String>,
    /// Mobile declared to the court (E.164).
    pub mobile: Option<String>,
    pub lawyer: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Party {
    pub id: i64,
    pub case_id: i64,
    pub party_ref: String,
    pub details: PartyInput,
    pub identification_number: String,
    pub number_issued_at: DateTime<Utc>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Party {
    pub fn display_name(&self) -> String {
        portalis_core::party::display_name(
            self.details.kind,
            self.details.given_names.as_deref(),
            self.details.family_name.as_deref(),
            self.details.organisation_name.as_deref(),
        )
    }
}

const COLUMNS: &str = "id, case_id, party_ref, kind, given_names, family_name, organisation_name, role, email, mobile, \
                       lawyer, identification_number, number_issued_at, withdrawn_at";

/// [`COLUMNS`] of a query where the parties are `p`.
pub(crate) const COLUMNS_OF_P: &str = "p.id, p.case_id, p.party_ref, p.kind, p.given_names, p.family_name, \
                                       p.organisation_name, p.role, p.email, p.mobile, p.lawyer, \
                                       p.identification_number, p.number_issued_at, p.withdrawn_at";

pub(crate) fn from_row(row: &dyn Cells) -> Result<Party, StorageError> {
    let kind: String = row.text("kind")?;
    let role: String = row.text("role")?;
    let withdrawn: Option<String> = row.opt_text("withdrawn_at")?;
    Ok(Party {
        id: row.int("id")?,
        case_id: row.int("case_id")?,
        party_ref: row.text("party_ref")?,
        details: PartyInput {
            kind: PartyKind::parse(&kind).map_err(|_| corrupt(format!("party kind {kind:?}")))?,
            given_names: row.opt_text("given_names")?,
            family_name: row.opt_text("family_name")?,
            organisation_name: row.opt_text("organisation_name")?,
            role: Role::parse(&role).map_err(|_| corrupt(format!("role {role:?}")))?,
            email: row.opt_text("email")?,
            mobile: row.opt_text("mobile")?,
            lawyer: row.opt_text("lawyer")?,
        },
        identification_number: row.text("identification_number")?,
        number_issued_at: parse_instant(&row.text("number_issued_at")?)?,
        withdrawn_at: withdrawn.as_deref().map(parse_instant).transpose()?,
    })
}

/// A party of a case by the court's reference, withdrawn or not.
///
/// # Errors
/// Database errors.
pub async fn find(conn: &mut Conn, case_id: i64, party_ref: &str) -> Result<Option<Party>, StorageError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM parties WHERE case_id = $1 AND party_ref = $2"))
        .bind(case_id)
        .bind(party_ref)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// The parties of a case that are not withdrawn, in the order they were
/// published.
///
/// # Errors
/// Database errors.
pub async fn of_case(conn: &mut impl Reads, case_id: i64) -> Result<Vec<Party>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM parties WHERE case_id = $1 AND withdrawn_at IS NULL ORDER BY id");
    conn.rows(&sql, vec![case_id.into()], from_row).await
}

/// The parties of several cases that are not withdrawn, in a batch
/// (`case_ids` not empty): case by case, each case's in the order they were
/// published.
pub fn of_cases_in(batch: &mut Batch, case_ids: &[i64]) -> Rows<Party> {
    let (list, params) = crate::in_list(case_ids);
    batch.add(of_cases_sql(&list), params, from_row)
}

fn of_cases_sql(list: &str) -> String {
    format!("SELECT {COLUMNS} FROM parties WHERE case_id IN ({list}) AND withdrawn_at IS NULL ORDER BY case_id, id")
}

/// A party by its identification number (canonical form), not withdrawn.
///
/// # Errors
/// Database errors.
pub async fn by_identification_number(
    conn: &mut Conn,
    number: &IdentificationNumber,
) -> Result<Option<Party>, StorageError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM parties WHERE identification_number = $1 AND withdrawn_at IS NULL"
    ))
    .bind(number.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(|r| from_row(r)).transpose()
}

/// # Errors
/// Database errors, `RowNotFound` when there is no such party.
pub async fn by_id(conn: &mut Conn, id: i64) -> Result<Party, StorageError> {
    let row =
        sqlx::query(&format!("SELECT {COLUMNS} FROM parties WHERE id = $1")).bind(id).fetch_one(&mut *conn).await?;
    from_row(&row)
}

/// The party of this id, withdrawn or not, if there is one.
///
/// # Errors
/// Database errors.
pub async fn get(conn: &mut impl Reads, id: i64) -> Result<Option<Party>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM parties WHERE id = $1");
    Ok(conn.rows(&sql, vec![id.into()], from_row).await?.pop())
}

/// The party of `id` (withdrawn or not), its case and its court, in a
/// batch.
pub fn with_case_in(batch: &mut Batch, id: i64) -> WithCase {
    WithCase {
        party: batch.add(format!("SELECT {COLUMNS} FROM parties WHERE id = $1"), vec![id.into()], from_row),
        case: crate::cases::of_party_in(batch, id),
        court: crate::courts::of_party_in(batch, id),
    }
}

/// A party with its case and court, read in a batch ([`with_case_in`]).
pub struct WithCase {
    party: Rows<Party>,
    case: Rows<crate::cases::Case>,
    court: Rows<crate::courts::Court>,
}

impl WithCase {
    /// The party, its case and its court; `None` when there is no such
    /// party.
    pub fn take(self, answers: &mut Answers) -> Option<(Party, crate::cases::Case, crate::courts::Court)> {
        let party = answers.take(self.party).pop();
        let case = answers.take(self.case).pop();
        let court = answers.take(self.court).pop();
        Some((party?, case?, court?))
    }
}

/// Holds the party until the transaction ends: the limits on the codes
/// sent for a party, whoever asks, are checked and recorded by one request
/// at a time. Take the user's lock first ([`crate::users::lock`]).
///
/// # Errors
/// Database errors.
pub async fn lock(tx: &mut Tx, party_id: i64) -> Result<(), StorageError> {
    tx.lock_row("parties", party_id).await
}

/// A number no party has: drawn again in the (astronomically rare) case of a
/// collision, which the unique index would otherwise refuse.
async fn fresh_number(conn: &mut Conn, random: &dyn RandomSource) -> Result<IdentificationNumber, StorageError> {
    loop {
        let candidate = IdentificationNumber::generate(random);
        let taken: Option<(i64,)> = sqlx::query_as("SELECT id FROM parties WHERE identification_number = $1")
            .bind(candidate.as_str())
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_none() {
            return Ok(candidate);
        }
    }
}

/// Creates the party (with a new identification number) or replaces what
/// is known of it (the number is kept). A withdrawn party published again
/// comes back with its number, as created.
///
/// # Errors
/// Database errors.
pub async fn put(
    tx: &mut Tx,
    case_id: i64,
    party_ref: &str,
    input: &PartyInput,
    random: &dyn RandomSource,
    now: DateTime<Utc>,
) -> Result<(Party, Outcome), StorageError> {
    let existing = find(tx, case_id, party_ref).await?;
    let conn: &mut Conn = tx;
    let now_s = instant(now);
    let bind_details = |q: sqlx::query::Query<'static, sqlx::Any, sqlx::any::AnyArguments<'static>>| {
        q.bind(input.kind.code())
            .bind(input.given_names.clone())
            .bind(input.family_name.clone())
            .bind(input.organisation_name.clone())
            .bind(input.role.code())
            .bind(input.email.clone())
            .bind(input.mobile.clone())
            .bind(input.lawyer.clone())
            .bind(now_s.clone())
    };
    match existing {
        Some(p) if p.details == *input && p.withdrawn_at.is_none() => Ok((p, Outcome::Unchanged)),
        Some(p) => {
            let outcome = if p.withdrawn_at.is_some() { Outcome::Created } else { Outcome::Updated };
            bind_details(sqlx::query(
                "UPDATE parties SET kind = $1, given_names = $2, family_name = $3, organisation_name = $4, role = $5,
                 email = $6, mobile = $7, lawyer = $8, updated_at = $9, withdrawn_at = NULL WHERE id = $10",
            ))
            .bind(p.id)
            .execute(&mut *conn)
            .await?;
            let names_changed = (&p.details.family_name, &p.details.given_names, &p.details.organisation_name)
                != (&input.family_name, &input.given_names, &input.organisation_name);
            if names_changed {
                search_words(conn, p.id, input).await?;
            }
            Ok((by_id(conn, p.id).await?, outcome))
        }
        None => {
            let number = fresh_number(conn, random).await?;
            let row = bind_details(sqlx::query(
                "INSERT INTO parties (kind, given_names, family_name, organisation_name, role, email, mobile, lawyer,
                 updated_at, created_at, number_issued_at, case_id, party_ref, identification_number)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $9, $10, $11, $12) RETURNING id",
            ))
            .bind(case_id)
            .bind(party_ref.to_owned())
            .bind(number.as_str().to_owned())
            .fetch_one(&mut *conn)
            .await?;
            let id: i64 = row.int("id")?;
            search_words(conn, id, input).await?;
            Ok((by_id(conn, id).await?, Outcome::Created))
        }
    }
}

/// What the staff's search finds the party by, written with its names.
async fn search_words(conn: &mut Conn, party_id: i64, input: &PartyInput) -> Result<(), StorageError> {
    crate::party_search::write_words(
        conn,
        party_id,
        input.family_name.as_deref(),
        input.given_names.as_deref(),
        input.organisation_name.as_deref(),
    )
    .await
}

/// Gives the party a new identification number; the old one stops working.
///
/// # Errors
/// Database errors.
pub async fn reissue_number(
    tx: &mut Tx,
    party_id: i64,
    random: &dyn RandomSource,
    now: DateTime<Utc>,
) -> Result<Party, StorageError> {
    let number = fresh_number(tx, random).await?;
    let now_t = now;
    let now = instant(now);
    sqlx::query("UPDATE parties SET identification_number = $1, number_issued_at = $2, updated_at = $2 WHERE id = $3")
        .bind(number.as_str())
        .bind(&now)
        .bind(party_id)
        .execute(&mut **tx)
        .await?;
    // Whoever had the old number loses the case with it.
    crate::attachments::end_for_party(tx, party_id, crate::attachments::EndReason::NumberReissued, now_t).await?;
    by_id(tx, party_id).await
}

/// Withdraws a party: it disappears from the case, its number stops working
/// and its attachments end (published again, it comes back unattached).
///
/// # Errors
/// Database errors.
pub async fn withdraw(tx: &mut Tx, party_id: i64, now: DateTime<Utc>) -> Result<(), StorageError> {
    let at = instant(now);
    let withdrawn = sqlx::query("UPDATE parties SET withdrawn_at = $1, updated_at = $1 WHERE id = $2")
        .bind(&at)
        .bind(party_id)
        .execute(&mut **tx)
        .await?;
    if withdrawn.rows_affected() > 0 {
        crate::attachments::end_for_party(tx, party_id, crate::attachments::EndReason::PartyWithdrawn, now).await?;
    }
    Ok(())
}
