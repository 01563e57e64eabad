//! "Ajouter un dossier": the identification number from the court's e-mail
//! and a code sent by SMS to the mobile the court declared. This is the
//! portal's security boundary: every refusal looks the same from outside,
//! every attempt is audited (never the code), and limits make guessing
//! hopeless.

use crate::WebState;
use crate::client_ip::ClientIp;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use crate::session::{SignedIn, Visitor};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use portalis_core::attach::{self, Wait, Window};
use portalis_core::identification_number::IdentificationNumber;
use portalis_core::messages::attach_code_sms;
use portalis_core::mobile::MobileNumber;
use portalis_storage::outbox::{self, Channel, NewMessage};
use portalis_storage::parties::Party;
use portalis_storage::{Conn, Tx, attach_codes, attachments, audit, cases, courts, parties, rate_events, users};

/// The message for an unknown number, a wrong code, and a party attached
/// to someone else alike.
pub const REFUSED: &str = "Le numéro d'identification ou le code est incorrect.";
pub const ALREADY_MINE: &str = "Ce dossier est déjà rattaché à votre espace.";

/// The court to call when no code can be sent.
pub struct Sauj {
    pub court: String,
    pub anchor: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/attach.html")]
pub struct AttachPage {
    pub layout: Layout,
    pub csrf: String,
    pub number: String,
    /// The fields' errors: `numero`, `code`.
    pub form: FormState,
    /// "Un code vous a été envoyé au 06 •• •• •• 42."
    pub sent_to: Option<String>,
    pub alert: Option<String>,
    pub sauj: Option<Sauj>,
    /// Set when a limit is reached: answered 429 with `Retry-After`.
    pub retry_after: Option<i64>,
}

impl AttachPage {
    fn new(state: &WebState, visitor: &Visitor) -> Self {
        Self {
            layout: Layout::for_visitor(state, visitor, "Ajouter un dossier"),
            csrf: visitor.csrf(state).0,
            number: String::new(),
            form: FormState::default(),
            sent_to: None,
            alert: None,
            sauj: None,
            retry_after: None,
        }
    }

    fn respond(self) -> Response {
        if let Some(secs) = self.retry_after {
            let retry = (axum::http::header::RETRY_AFTER, secs.max(1).to_string());
            return (StatusCode::TOO_MANY_REQUESTS, [retry], self).into_response();
        }
        let failed = !self.form.is_valid() || self.alert.is_some() || self.sauj.is_some();
        let status = if failed { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
        (status, self).into_response()
    }
}

pub async fn show(State(state): State<WebState>, SignedIn { visitor, .. }: SignedIn) -> AttachPage {
    AttachPage::new(&state, &visitor)
}

/// "dans 45 secondes", "dans 12 minutes", "dans 3 heures".
pub fn wait_words(now: DateTime<Utc>, until: DateTime<Utc>) -> String {
    let secs = (until - now).num_seconds().max(1);
    let plural = |n: i64, one: &str, many: &str| if n > 1 { format!("{n} {many}") } else { format!("{n} {one}") };
    if secs < 60 {
        format!("dans {}", plural(secs, "seconde", "secondes"))
    } else if secs < 2 * 3600 {
        format!("dans {}", plural((secs + 59) / 60, "minute", "minutes"))
    } else {
        format!("dans {}", plural((secs + 3599) / 3600, "heure", "heures"))
    }
}

/// Shows a limit on the page and answers 429.
fn limited(mut page: AttachPage, wait: Wait, now: DateTime<Utc>) -> Response {
    page.alert = Some(wait_message(wait, now));
    page.retry_after = Some((wait.until() - now).num_seconds());
    page.respond()
}

fn wait_message(wait: Wait, now: DateTime<Utc>) -> String {
    let when = wait_words(now, wait.until());
    match wait {
        Wait::Gap(_) => format!("Un code vient de vous être envoyé. Vous pourrez en demander un nouveau {when}."),
        Wait::PartyHour(_) | Wait::UserDay(_) | Wait::Address(_) => {
            format!("Trop de codes ont été demandés. Vous pourrez en demander un nouveau {when}.")
        }
        Wait::Failures(_) => format!("Trop d'essais infructueux. Vous pourrez réessayer {when}."),
    }
}

struct Ctx<'a> {
    state: &'a WebState,
    user_id: i64,
    ip: String,
    now: DateTime<Utc>,
}

impl Ctx<'_> {
    fn actor(&self) -> String {
        format!("user:{}", self.user_id)
    }

    async fn audit(
        &self,
        tx: &mut Tx,
        action: &str,
        target: Option<&str>,
        outcome: &str,
        detail: &str,
    ) -> Result<(), PageError> {
        let actor = self.actor();
        audit::record(
            tx,
            &audit::Entry { actor: &actor, action, target, outcome, detail: Some(detail), request_id: None },
            self.now,
        )
        .await?;
        Ok(())
    }

    async fn window(&self, conn: &mut Conn, subject: &str, action: &str, span: Duration) -> Result<Window, PageError> {
        let (count, oldest) = rate_events::count_since(conn, subject, action, self.now - span).await?;
        Ok(Window { count, oldest })
    }

    /// A failed attempt counts against the user and the address.
    async fn failure(&self, tx: &mut Tx) -> Result<(), PageError> {
        rate_events::record(tx, &format!("user:{}", self.user_id), "attach_failure", self.now).await?;
        rate_events::record(tx, &format!("ip:{}", self.ip), "attach_failure", self.now).await?;
        Ok(())
    }

    async fn attempt_allowed(&self, conn: &mut Conn) -> Result<Result<(), Wait>, PageError> {
        let hour = Duration::hours(1);
        let user = self.window(conn, &format!("user:{}", self.user_id), "attach_failure", hour).await?;
        let ip = self.window(conn, &format!("ip:{}", self.ip), "attach_failure", hour).await?;
        Ok(attach::may_attempt(self.now, user, ip))
    }
}

/// The form: the number, the code, and the button pressed.
#[derive(serde::Deserialize)]
pub struct AttachForm {
    #[serde(default)]
    numero: String,
    #[serde(default)]
    code: String,
    action: Option<String>,
}

pub async fn submit(
    State(state): State<WebState>,
    ClientIp(ip): ClientIp,
    Protected { by: user, form }: Protected<SignedIn, AttachForm>,
) -> Result<Response, PageError> {
    let ctx = Ctx { state: &state, user_id: user.user_id(), ip, now: state.clock.now() };
    let mut page = AttachPage::new(&state, &user.visitor);
    page.number = form.numero.trim().chars().take(40).collect();
    let number = page.form.check("numero", IdentificationNumber::parse(&page.number));
    // Enter in a field submits the form's first button, "Obtenir le code
    // par SMS": with a code typed in, the litigant means to add the case.
    let code_typed = !form.code.trim().is_empty();
    let action = match form.action.as_deref() {
        Some("code") if code_typed => Some("ajouter"),
        other => other,
    };
    match action {
        Some("code") => {
            let Some(number) = number else { return Ok(page.respond()) };
            request_code(&ctx, &number, page).await
        }
        Some("ajouter") => {
            let code = page.form.check("code", attach::parse_code(&form.code));
            match (number, code) {
                (Some(n), Some(c)) => attach_party(&ctx, &n, &c, page).await,
                _ => Ok(page.respond()),
            }
        }
        _ => Ok(page.respond()),
    }
}

/// The party of this number and who it is attached to, if anyone, read
/// again once the party is held (`parties::lock`): a re-issue, withdrawal
/// or detachment that committed meanwhile is seen, and one that comes
/// later waits for this request to end.
async fn lookup(tx: &mut Tx, number: &IdentificationNumber) -> Result<Option<(Party, Option<i64>)>, PageError> {
    let Some(found) = parties::by_identification_number(tx, number).await? else { return Ok(None) };
    parties::lock(tx, found.id).await?;
    let Some(party) = parties::by_identification_number(tx, number).await?.filter(|p| p.id == found.id) else {
        return Ok(None);
    };
    let owner = attachments::owner(tx, party.id).await?;
    Ok(Some((party, owner)))
}

async fn request_code(
    ctx: &Ctx<'_>,
    number: &IdentificationNumber,
    mut page: AttachPage,
) -> Result<Response, PageError> {
    let state = ctx.state;
    let mut tx = state.db.begin().await?;
    // The user's requests check and record their limits one at a time
    // (two POSTs at once must not both see room for a code), and the
    // party's codes, whoever asks, once `lookup` holds the party.
    users::lock(&mut tx, ctx.user_id).await?;
    let address = ctx.window(&mut tx, &format!("ip:{}", ctx.ip), "code_request", Duration::hours(1)).await?;
    rate_events::record(&mut tx, &format!("ip:{}", ctx.ip), "code_request", ctx.now).await?;
    if let Err(wait) = ctx.attempt_allowed(&mut tx).await? {
        ctx.audit(&mut tx, "attach.code", None, "refused", wait.reason()).await?;
        portalis_storage::commit(tx).await?;
        return Ok(limited(page, wait, ctx.now));
    }
    let found = lookup(&mut tx, number).await?;
    let (party, owner) = match found {
        None => {
            ctx.failure(&mut tx).await?;
            ctx.audit(&mut tx, "attach.code", None, "refused", "unknown_number").await?;
            portalis_storage::commit(tx).await?;
            page.alert = Some(REFUSED.into());
            return Ok(page.respond());
        }
        Some(found) => found,
    };
    let target = format!("party:{}", party.id);
    match owner {
        Some(u) if u == ctx.user_id => {
            portalis_storage::commit(tx).await?;
            page.alert = Some(ALREADY_MINE.into());
            return Ok(page.respond());
        }
        Some(_) => {
            ctx.failure(&mut tx).await?;
            ctx.audit(&mut tx, "attach.code", Some(&target), "refused", "attached_elsewhere").await?;
            portalis_storage::commit(tx).await?;
            page.alert = Some(REFUSED.into());
            return Ok(page.respond());
        }
        None => {}
    }
    let Some(mobile) = party.details.mobile.as_deref().and_then(|m| MobileNumber::parse(m).ok()) else {
        ctx.audit(&mut tx, "attach.code", Some(&target), "refused", "no_mobile").await?;
        page.sauj = sauj_of(&mut tx, &party).await?;
        portalis_storage::commit(tx).await?;
        return Ok(page.respond());
    };
    let last = attach_codes::latest_sent(&mut tx, ctx.user_id, party.id).await?;
    let (n, oldest) = attach_codes::sent_for_party_since(&mut tx, party.id, ctx.now - Duration::hours(1)).await?;
    let party_hour = Window { count: n, oldest };
    let (n, oldest) = attach_codes::sent_for_user_since(&mut tx, ctx.user_id, ctx.now - Duration::days(1)).await?;
    let user_day = Window { count: n, oldest };
    if let Err(wait) = attach::may_send_code(ctx.now, last, party_hour, user_day, address) {
        ctx.audit(&mut tx, "attach.code", Some(&target), "refused", wait.reason()).await?;
        portalis_storage::commit(tx).await?;
        return Ok(limited(page, wait, ctx.now));
    }
    let code = attach::generate_code(state.random.as_ref());
    let hash = attach::code_hash(&state.settings.secret_key, ctx.user_id, party.id, &code);
    attach_codes::create(&mut tx, ctx.user_id, party.id, &hash, ctx.now, ctx.now + attach::CODE_VALIDITY).await?;
    let sms = NewMessage {
        channel: Channel::Sms,
        recipient: mobile.as_str().to_owned(),
        subject: None,
        body: attach_code_sms(&code),
        kind: "attach_code".into(),
        secret: Some(code.clone()),
        party_id: Some(party.id),
    };
    outbox::enqueue(&mut tx, &sms, ctx.now).await?;
    ctx.audit(&mut tx, "attach.code", Some(&target), "ok", "sent").await?;
    portalis_storage::commit(tx).await?;
    page.number = number.as_str().to_owned();
    page.sent_to = Some(format!("Un code vous a été envoyé au {}.", mobile.masked()));
    Ok(page.respond())
}

async fn sauj_of(conn: &mut Conn, party: &Party) -> Result<Option<Sauj>, PageError> {
    let Some(case) = cases::by_id(conn, party.case_id).await? else { return Ok(None) };
    let Some(court) = courts::by_id(conn, case.court_id).await? else { return Ok(None) };
    let d = court.details;
    Ok(Some(Sauj { court: d.name, anchor: d.code.to_string(), phone: d.phone, email: d.email, hours: d.sauj_hours }))
}

async fn attach_party(
    ctx: &Ctx<'_>,
    number: &IdentificationNumber,
    code: &str,
    mut page: AttachPage,
) -> Result<Response, PageError> {
    let state = ctx.state;
    let mut tx = state.db.begin().await?;
    // A code is the user's: his attempts on it are counted one at a time
    // (five wrong entries, however they arrive). The party is held too
    // (`lookup`), so that a re-issue cannot slip between the check of the
    // code and the attachment.
    users::lock(&mut tx, ctx.user_id).await?;
    if let Err(wait) = ctx.attempt_allowed(&mut tx).await? {
        ctx.audit(&mut tx, "attach", None, "refused", wait.reason()).await?;
        portalis_storage::commit(tx).await?;
        return Ok(limited(page, wait, ctx.now));
    }
    let outcome = match lookup(&mut tx, number).await? {
        None => Err(("unknown_number", None)),
        Some((_, Some(owner))) if owner == ctx.user_id => {
            portalis_storage::commit(tx).await?;
            page.alert = Some(ALREADY_MINE.into());
            return Ok(page.respond());
        }
        Some((party, Some(_))) => Err(("attached_elsewhere", Some(format!("party:{}", party.id)))),
        Some((party, None)) => {
            let target = format!("party:{}", party.id);
            match attach_codes::active(&mut tx, ctx.user_id, party.id, ctx.now).await? {
                None => Err(("no_active_code", Some(target))),
                Some(active) => {
                    let given = attach::code_hash(&state.settings.secret_key, ctx.user_id, party.id, code);
                    if portalis_core::secret::constant_time_eq(given.as_bytes(), active.code_hash.as_bytes()) {
                        Ok((party, active.id, target))
                    } else {
                        attach_codes::record_failure(&mut tx, active.id, attach::MAX_FAILURES, ctx.now).await?;
                        Err(("wrong_code", Some(target)))
                    }
                }
            }
        }
    };
    match outcome {
        Err((reason, target)) => {
            ctx.failure(&mut tx).await?;
            ctx.audit(&mut tx, "attach", target.as_deref(), "refused", reason).await?;
            portalis_storage::commit(tx).await?;
            page.number = number.as_str().to_owned();
            page.alert = Some(REFUSED.into());
            Ok(page.respond())
        }
        Ok((party, code_id, target)) => {
            if !attach_codes::mark_used(&mut tx, code_id, ctx.now).await? {
                drop(tx);
                page.alert = Some(REFUSED.into());
                return Ok(page.respond());
            }
            match attachments::create(&mut tx, ctx.user_id, party.id, ctx.now).await {
                Ok(()) => {}
                Err(e) if e.is_unique_violation() => {
                    // Attached by someone else a moment ago.
                    drop(tx);
                    page.alert = Some(REFUSED.into());
                    return Ok(page.respond());
                }
                Err(e) => return Err(e.into()),
            }
            ctx.audit(&mut tx, "attach", Some(&target), "ok", "attached").await?;
            portalis_storage::commit(tx).await?;
            Ok(Redirect::to("/mon-espace").into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::wait_words;
    use chrono::{Duration, TimeZone, Utc};

    #[test]
    fn waits_read_in_correct_french() {
        let now = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(wait_words(now, now + Duration::seconds(1)), "dans 1 seconde");
        assert_eq!(wait_words(now, now + Duration::seconds(45)), "dans 45 secondes");
        assert_eq!(wait_words(now, now + Duration::seconds(61)), "dans 2 minutes");
        assert_eq!(wait_words(now, now + Duration::seconds(60)), "dans 1 minute");
        assert_eq!(wait_words(now, now + Duration::hours(20)), "dans 20 heures");
    }
}
