//! A court publishes its cases: cases, parties, events and documents,
//! created or replaced (`put`, idempotent), withdrawn, and a party's
//! identification number re-issued.

use crate::messages;
use crate::{Context, Origin};
use portalis_storage::attachments::{self, EndReason};
use portalis_storage::cases::{self, Case, CaseInput};
use portalis_storage::contact_changes::{self, Contact, ContactChange};
use portalis_storage::courts::Court;
use portalis_storage::documents::{self, Document, DocumentInput};
use portalis_storage::events::{self, Event, EventInput, Written};
use portalis_storage::parties::{self, Party, PartyInput};
use portalis_storage::{Outcome, StorageError, Tx, audit};

/// A court publishing: when and with what (`ctx`), through what
/// (`origin`), and which court. Each method is one change, in the caller's
/// transaction.
#[derive(Clone, Copy)]
pub struct Publisher<'a> {
    pub ctx: Context<'a>,
    pub origin: Origin<'a>,
    pub court: &'a Court,
}

/// A console action's audit target: the court's code first, as an agent
/// may act in several courts (`court:<code>/case:<ref>/party:<ref>`).
pub fn console_target(court: &Court, target: &str) -> String {
    format!("court:{}/{target}", court.details.code)
}

impl Publisher<'_> {
    /// Records the change in the audit log, when its origin audits each
    /// change (the API; an import is audited once by its caller).
    async fn audit(&self, tx: &mut Tx, action: &str, target: &str, detail: Option<&str>) -> Result<(), StorageError> {
        let (actor, target, request_id) = match self.origin {
            Origin::Import => return Ok(()),
            Origin::Api { request_id } => (format!("court:{}", self.court.details.code), target.to_owned(), request_id),
            Origin::Console { agent, request_id } => {
                (format!("agent:{agent}"), console_target(self.court, target), request_id)
            }
        };
        let entry = audit::Entry { actor: &actor, action, target: Some(&target), outcome: "ok", detail, request_id };
        audit::record(tx, &entry, self.ctx.now).await
    }

    /// Whether litigants are told of changed hearings and statuses.
    fn tells_news(&self) -> bool {
        matches!(self.origin, Origin::Api { .. } | Origin::Console { .. })
    }

    /// Creates or replaces a case; a changed status is news for its parties.
    ///
    /// # Errors
    /// Database errors.
    pub async fn case(&self, tx: &mut Tx, case_ref: &str, input: &CaseInput) -> Result<(Case, Outcome), StorageError> {
        let before = cases::find(tx, self.court.id, case_ref).await?;
        let (case, outcome) = cases::put(tx, self.court.id, case_ref, input, self.ctx.now).await?;
        if self.tells_news() {
            messages::case_written(tx, before.as_ref(), &case, self.ctx.now).await?;
        }
        if outcome != Outcome::Unchanged {
            self.audit(tx, "case.put", &format!("case:{case_ref}"), None).await?;
        }
        Ok((case, outcome))
    }

    /// Creates or replaces a party. A new party gets an identification number,
    /// e-mailed to it; the court's record of its consent to electronic
    /// communication, if given, is kept.
    ///
    /// # Errors
    /// Database errors.
    pub async fn party(
        &self,
        tx: &mut Tx,
        case: &Case,
        party_ref: &str,
        input: &PartyInput,
        consent_on: Option<chrono::NaiveDate>,
    ) -> Result<(Party, Outcome), StorageError> {
        // The party's slot before the party (the order a filing's
        // registration takes them in, `filings::register`).
        portalis_storage::filings::lock_party_slot(tx, self.court.id, &case.case_ref, party_ref).await?;
        let input = &self.unless_stale(tx, case, party_ref, input).await?;
        let (party, outcome) = parties::put(tx, case.id, party_ref, input, self.ctx.random, self.ctx.now).await?;
        if let Some(on) = consent_on {
            portalis_storage::notices::record_court_consent(tx, party.id, on).await?;
        }
        if outcome == Outcome::Created {
            messages::identification_number(tx, self.court, case, &party, self.ctx.portal_url, false, self.ctx.now)
                .await?;
        }
        if outcome != Outcome::Unchanged {
            let new = outcome == Outcome::Created;
            crate::filings::attach_registered_filers(tx, self.ctx, self.court, case, &party, new).await?;
        }
        if outcome != Outcome::Unchanged {
            self.audit(tx, "party.put", &format!("case:{}/party:{party_ref}", case.case_ref), None).await?;
        }
        Ok((party, outcome))
    }

    /// What the court publishes of a party, but the e-mail or mobile the
    /// console changed kept when the court's system still sends a value a
    /// change it has not taken up replaced (it has not read the feed yet,
    /// or not to its end). Once it sends no such value, the changes are
    /// acknowledged. The party is locked first, as a change takes it: a
    /// change made meanwhile is seen, not overwritten.
    async fn unless_stale(
        &self,
        tx: &mut Tx,
        case: &Case,
        party_ref: &str,
        input: &PartyInput,
    ) -> Result<PartyInput, StorageError> {
        let mut input = input.clone();
        let Some(found) = parties::find(tx, case.id, party_ref).await? else { return Ok(input) };
        parties::lock(tx, found.id).await?;
        let party = parties::by_id(tx, found.id).await?;
        let pending = contact_changes::pending(tx, party.id).await?;
        if pending.is_empty() {
            return Ok(input);
        }
        let now = &party.details;
        let stale_email = input.email != now.email
            && pending.iter().any(|c| c.email != c.previous_email && input.email == c.previous_email);
        let stale_mobile = input.mobile != now.mobile
            && pending.iter().any(|c| c.mobile != c.previous_mobile && input.mobile == c.previous_mobile);
        if stale_email {
            input.email.clone_from(&now.email);
        }
        if stale_mobile {
            input.mobile.clone_from(&now.mobile);
        }
        if !stale_email && !stale_mobile {
            contact_changes::acknowledge(tx, party.id, self.ctx.now).await?;
        }
        Ok(input)
    }

    /// Issues a party a new identification number, e-mailed to it; the old one
    /// stops working and the accounts attached with it lose the case.
    ///
    /// # Errors
    /// Database errors.
    pub async fn reissue_number(&self, tx: &mut Tx, case: &Case, party: &Party) -> Result<Party, StorageError> {
        let party = parties::reissue_number(tx, party.id, self.ctx.random, self.ctx.now).await?;
        messages::identification_number(tx, self.court, case, &party, self.ctx.portal_url, true, self.ctx.now).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.number_reissued", &target, None).await?;
        Ok(party)
    }

    /// E-mails the party its identification number again, unchanged, to
    /// the address declared to the court; whether it has one.
    ///
    /// # Errors
    /// Database errors.
    pub async fn resend_number(&self, tx: &mut Tx, case: &Case, party: &Party) -> Result<bool, StorageError> {
        if party.details.email.is_none() {
            return Ok(false);
        }
        messages::identification_number(tx, self.court, case, party, self.ctx.portal_url, false, self.ctx.now).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.number_resent", &target, None).await?;
        Ok(true)
    }

    /// Records the party's consent to electronic communication, given to the
    /// court (at its counter) on `on`; a consent its first consultation of
    /// the case gave stands.
    ///
    /// # Errors
    /// Database errors.
    pub async fn record_consent(
        &self,
        tx: &mut Tx,
        case: &Case,
        party: &Party,
        on: chrono::NaiveDate,
    ) -> Result<(), StorageError> {
        portalis_storage::notices::record_court_consent(tx, party.id, on).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.consent_recorded", &target, None).await
    }

    /// Lifts the party's limit on the codes sent by SMS (the SAUJ helps a
    /// litigant who reached it): the codes sent until now no longer count,
    /// those still usable are voided.
    ///
    /// # Errors
    /// Database errors.
    pub async fn unblock_codes(&self, tx: &mut Tx, case: &Case, party: &Party) -> Result<(), StorageError> {
        portalis_storage::attach_codes::unblock_party(tx, party.id, self.ctx.now).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.unblocked", &target, None).await
    }

    /// Changes the party's e-mail and mobile (the SAUJ, for a litigant at
    /// its counter), recorded in the court's feed of changes for its
    /// system. A new mobile voids the codes sent to the old one. The party
    /// is read under its lock by the caller.
    ///
    /// # Errors
    /// Database errors.
    pub async fn change_contact(
        &self,
        tx: &mut Tx,
        case: &Case,
        party: &Party,
        email: Option<&str>,
        mobile: Option<&str>,
    ) -> Result<ContactChange, StorageError> {
        let d = &party.details;
        let previous = Contact { email: d.email.as_deref(), mobile: d.mobile.as_deref() };
        let changed_by = match self.origin {
            Origin::Console { agent, .. } => agent.to_owned(),
            Origin::Api { .. } | Origin::Import => format!("court:{}", self.court.details.code),
        };
        let change = contact_changes::record(
            tx,
            self.court.id,
            party.id,
            previous,
            Contact { email, mobile },
            &changed_by,
            self.ctx.now,
        )
        .await?;
        if mobile != d.mobile.as_deref() {
            portalis_storage::attach_codes::void_for_party(
                tx,
                party.id,
                &portalis_storage::time::instant(self.ctx.now),
            )
            .await?;
        }
        let fields: Vec<&str> = [("email", email != d.email.as_deref()), ("mobile", mobile != d.mobile.as_deref())]
            .into_iter()
            .filter_map(|(name, changed)| changed.then_some(name))
            .collect();
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.contact_changed", &target, Some(&fields.join(", "))).await?;
        Ok(change)
    }

    /// Withdraws a party: it leaves the case, its number stops working, its
    /// attachments end.
    ///
    /// # Errors
    /// Database errors.
    pub async fn withdraw_party(&self, tx: &mut Tx, case: &Case, party: &Party) -> Result<(), StorageError> {
        parties::withdraw(tx, party.id, self.ctx.now).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        self.audit(tx, "party.withdraw", &target, None).await
    }

    /// Ends every attachment of a party's accounts (the court detaches them: a
    /// number reached the wrong hands); the party keeps its number. Returns
    /// the users who lost the case.
    ///
    /// # Errors
    /// Database errors.
    pub async fn detach_accounts(&self, tx: &mut Tx, case: &Case, party: &Party) -> Result<Vec<i64>, StorageError> {
        let users = attachments::end_for_party(tx, party.id, EndReason::DetachedByCourt, self.ctx.now).await?;
        let target = format!("case:{}/party:{}", case.case_ref, party.party_ref);
        let detail = match users.len() {
            1 => "1 account".to_owned(),
            n => format!("{n} accounts"),
        };
        self.audit(tx, "party.detach", &target, Some(&detail)).await?;
        Ok(users)
    }

    /// Creates or replaces an event; a new, moved or cancelled hearing is news
    /// for the case's parties.
    ///
    /// # Errors
    /// Database errors.
    pub async fn event(
        &self,
        tx: &mut Tx,
        case: &Case,
        event_ref: &str,
        input: &EventInput,
    ) -> Result<Written, StorageError> {
        let written = events::put(tx, case.id, event_ref, input, self.ctx.now).await?;
        if self.tells_news() {
            messages::event_written(tx, case.id, &written, self.ctx.now).await?;
        }
        if written.outcome != Outcome::Unchanged {
            self.audit(tx, "event.put", &format!("case:{}/event:{event_ref}", case.case_ref), None).await?;
        }
        Ok(written)
    }

    /// Withdraws an event from the case.
    ///
    /// # Errors
    /// Database errors.
    pub async fn withdraw_event(&self, tx: &mut Tx, case: &Case, event: &Event) -> Result<(), StorageError> {
        events::withdraw(tx, event.id, self.ctx.now).await?;
        let target = format!("case:{}/event:{}", case.case_ref, event.event_ref);
        self.audit(tx, "event.withdraw", &target, None).await
    }

    /// Creates or replaces a document (its file already stored). A new
    /// publication sends the avis de mise à disposition to every addressee
    /// attached to an account; a change may add addressees, who get theirs.
    ///
    /// # Errors
    /// Database errors.
    pub async fn document(
        &self,
        tx: &mut Tx,
        case: &Case,
        document_ref: &str,
        input: &DocumentInput,
    ) -> Result<documents::Put, StorageError> {
        let put = documents::put(tx, case.id, document_ref, input, self.ctx.now).await?;
        if put.outcome != Outcome::Unchanged {
            let at = if put.published { put.document.published_at } else { self.ctx.now };
            messages::avis(tx, self.court, case, &put.document, self.ctx.portal_url, at).await?;
            let target = format!("case:{}/document:{document_ref}", case.case_ref);
            self.audit(tx, "document.put", &target, None).await?;
        }
        Ok(put)
    }

    /// Withdraws a document from the case.
    ///
    /// # Errors
    /// Database errors.
    pub async fn withdraw_document(&self, tx: &mut Tx, case: &Case, document: &Document) -> Result<(), StorageError> {
        documents::withdraw(tx, document.id, self.ctx.now).await?;
        let target = format!("case:{}/document:{}", case.case_ref, document.document_ref);
        self.audit(tx, "document.withdraw", &target, None).await
    }
}
