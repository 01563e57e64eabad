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
use portalis_core::filing::answers::Answers;
use portalis_core::filing::case_opening::{self, Filer};
use portalis_core::party::PartyKind;
use portalis_core::portalis_number::PortalisNumber;
use portalis_storage::cases::CaseInput;
use portalis_storage::courts::Court;
use portalis_storage::filings::Filing;
use portalis_storage::parties::PartyInput;
use portalis_storage::{StorageError, Tx};

/// What the greffe says of the case it opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub portalis_number: PortalisNumber,
    pub rg_number: Option<String>,
    pub nature_code: String,
    pub nature_label: String,
}

/// Opens the filing's case and registers the filing under its filer. The
/// case's reference is the filing's number. Anything but
/// [`Answered::Done`] means the filing had an answer already: the caller
/// then rolls the transaction back, and no case is left behind.
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
) -> Result<Answered, StorageError> {
    let number =
        filing.filing_number.as_ref().ok_or_else(|| StorageError::Corrupt("a sent filing without number".into()))?;
    let case_ref = number.as_str();
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
    let (case, _) = publisher.case(tx, case_ref, &case_input).await?;
    let claims = &filing.filer;
    let family_name = claims.family_name.as_deref().or(claims.preferred_username.as_deref()).unwrap_or_default();
    let filer =
        Filer { given_names: claims.given_name.as_deref(), family_name, email: filing.contact_email.as_deref() };
    let outline = case_opening::parties(filing.procedure, &Answers::from_json(&filing.answers), filer);
    let mut filer_ref = None;
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
        if p.filer {
            filer_ref = Some(p.party_ref);
        }
    }
    let filer_ref = filer_ref.ok_or_else(|| StorageError::Corrupt("a case opened without its filer".into()))?;
    register(tx, ctx, court, filing, case_ref, filer_ref, origin).await
}
