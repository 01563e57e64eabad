//! The greffe registers a filing by opening its case in the portal, for a
//! court whose own system does not publish to it: the case (the N° Portalis
//! and N° RG its software gave, the nature the greffe confirms, filed on
//! the day the filing was sent) and its parties read from the answers
//! (`portalis_core::filing::case_opening`), published as the court's
//! system would publish them; then the filing is registered under the
//! filer's party, whom it attaches at once.

use crate::filings::{Answered, register};
use crate::publish::Publisher;
use crate::{Context, Origin};
use portalis_core::case::CaseStatus;
use portalis_core::filing::FilingStatus;
use portalis_core::filing::answers::Answers;
use portalis_core::filing::case_opening::{self, Filer, PartyOutline};
use portalis_core::party::PartyKind;
use portalis_core::portalis_number::PortalisNumber;
use portalis_storage::cases::CaseInput;
use portalis_storage::courts::Court;
use portalis_storage::filings::{self, Filing};
use portalis_storage::parties::PartyInput;
use portalis_storage::{StorageError, Tx, cases};

/// What the greffe says of the case it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub portalis_number: PortalisNumber,
    pub rg_number: Option<String>,
    pub nature_code: String,
    pub nature_label: String,
}

/// The parties the filing's case would have, the filer first: the
/// greffe's page lists them before he opens it, and [`open_case`]
/// publishes them.
pub fn parties(filing: &Filing) -> Vec<PartyOutline> {
    let claims = &filing.filer;
    let family_name = claims.family_name.as_deref().or(claims.preferred_username.as_deref()).unwrap_or_default();
    let filer =
        Filer { given_names: claims.given_name.as_deref(), family_name, email: filing.contact_email.as_deref() };
    case_opening::parties(filing.procedure, &Answers::from_json(&filing.answers), filer)
}

/// A case of the court already bears the filing's number as its reference
/// (published by its system): nothing was written; register the filing
/// under it instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTaken;

/// Opens the filing's case and registers the filing under its filer. The
/// case's reference is the filing's number. The filing is locked and read
/// again first: an answer given before (another agent's, the API's) is
/// said and nothing is written. Anything but `Ok(Answered::Done)` leaves
/// nothing to commit.
///
/// # Errors
/// Database errors.
pub async fn open_case(
    tx: &mut Tx,
    ctx: Context<'_>,
    court: &Court,
    filing: &Filing,
    opening: &Opening,
    origin: Origin<'_>,
) -> Result<Result<Answered, CaseTaken>, StorageError> {
    let number =
        filing.filing_number.as_ref().ok_or_else(|| StorageError::Corrupt("a sent filing without number".into()))?;
    let case_ref = number.as_str();
    let outline = parties(filing);
    let filer_ref = outline
        .iter()
        .find(|p| p.filer)
        .map(|p| p.party_ref)
        .ok_or_else(|| StorageError::Corrupt("a case opened without its filer".into()))?;

    filings::lock(tx, filing.id).await?;
    let now = filings::by_number(tx, court.id, number)
        .await?
        .ok_or_else(|| StorageError::Corrupt("a court's filing vanished within its answer".into()))?;
    if now.status != FilingStatus::Envoyee {
        let same = now.status == FilingStatus::Enregistree
            && now.case_ref.as_deref() == Some(case_ref)
            && now.party_ref.as_deref() == Some(filer_ref);
        return Ok(Ok(if same { Answered::Already(now) } else { Answered::Conflict(now) }));
    }
    if cases::find(tx, court.id, case_ref).await?.is_some() {
        return Ok(Err(CaseTaken));
    }

    let filed_on = filing.sent_at.unwrap_or(ctx.now).with_timezone(&court.details.time_zone).date_naive();
    let case_input = CaseInput {
        portalis_number: opening.portalis_number.clone(),
        rg_number: opening.rg_number.clone(),
        nature_code: opening.nature_code.clone(),
        nature_label: opening.nature_label.clone(),
        status: CaseStatus::EnCours,
        filed_on,
        chamber: None,
    };
    let publisher = Publisher { ctx, origin, court };
    let (case, _) = match publisher.case(tx, case_ref, &case_input).await {
        Ok(written) => written,
        // The court's system published it meanwhile (PostgreSQL: the
        // insert waited for its commit).
        Err(e) if e.is_unique_violation() => return Ok(Err(CaseTaken)),
        Err(e) => return Err(e),
    };
    for p in &outline {
        let input = PartyInput {
            kind: PartyKind::Person,
            given_names: p.given_names.clone(),
            family_name: Some(p.family_name.clone()),
            organisation_name: None,
            role: p.role,
            email: p.email.clone(),
            mobile: p.mobile.clone(),
            lawyer: None,
        };
        publisher.party(tx, &case, p.party_ref, &input, None).await?;
    }
    Ok(Ok(register(tx, ctx, court, filing, case_ref, filer_ref, origin).await?))
}
