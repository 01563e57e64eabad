//! « Saisir la justice en ligne »: the procedures a litigant may file, the
//! wizard of a draft (one page per declared step, then the attachments
//! and the review), sending it, and « Mes démarches ». Every page finds the
//! filing among the signed-in user's own (`cached::filings`): another's is
//! « page introuvable », as one that does not exist.

pub mod courts;
pub mod documents;
pub mod mine;
pub mod pieces;
pub mod procedures;
pub mod review;
pub mod show;
pub mod step;

use crate::WebState;
use crate::error::PageError;
use crate::pages::not_found;
use crate::session::SignedIn;
use axum::response::Response;
use portalis_core::filing::answers::Answers;
use portalis_core::filing::form::ProcedureForm;
use portalis_core::filing::procedures as declared;
use portalis_storage::filings::Filing;

/// « Mes démarches ».
pub const MINE_PATH: &str = "/mes-demarches";
/// The list of procedures.
pub const PROCEDURES_PATH: &str = "/demarches";

/// A filing's page (its receipt once sent).
pub fn path(filing: &Filing) -> String {
    format!("{MINE_PATH}/{}", filing.public_id)
}

/// A step of a filing's wizard.
pub fn step_path(filing: &Filing, slug: &str) -> String {
    format!("{MINE_PATH}/{}/etape/{slug}", filing.public_id)
}

/// The attachments of a draft.
pub fn pieces_path(filing: &Filing) -> String {
    format!("{MINE_PATH}/{}/pieces", filing.public_id)
}

/// The review of a draft.
pub fn review_path(filing: &Filing) -> String {
    format!("{MINE_PATH}/{}/verification", filing.public_id)
}

/// A filing of the signed-in user, with its declaration and answers.
pub struct Loaded {
    pub filing: Filing,
    pub form: &'static ProcedureForm,
    pub answers: Answers,
}

/// The user's filing of this public id, or the « page introuvable »
/// response (also for another's).
pub async fn load(state: &WebState, user: &SignedIn, public_id: &str) -> Result<Result<Loaded, Response>, PageError> {
    find(state, user, public_id, Read::Cached).await
}

/// How a filing is read: through the pages' cache (forgotten at any write:
/// what a page shows), or from the database (what a change starts from:
/// another portal's write may not be heard yet).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Cached,
    Fresh,
}

async fn find(
    state: &WebState,
    user: &SignedIn,
    public_id: &str,
    read: Read,
) -> Result<Result<Loaded, Response>, PageError> {
    let found = match read {
        Read::Cached => portalis_storage::cached::filings(&state.db, user.user_id())
            .await?
            .iter()
            .find(|f| f.public_id == public_id)
            .cloned(),
        Read::Fresh => {
            let mut conn = state.db.read().await?;
            portalis_storage::filings::of_user(&mut conn, user.user_id(), public_id).await?
        }
    };
    Ok(match found {
        Some(filing) => {
            let form = declared::form(filing.procedure);
            let answers = Answers::from_json(&filing.answers);
            Ok(Loaded { filing, form, answers })
        }
        None => Err(not_found::denied(state, &user.visitor, &format!("{MINE_PATH}/{public_id}")).await),
    })
}

/// The user's draft of this public id, read as `read` says (a form's
/// submission reads it [`Read::Fresh`]); a filing already sent answers a
/// redirect to its page (its receipt), another's « page introuvable ».
pub async fn load_draft(
    state: &WebState,
    user: &SignedIn,
    public_id: &str,
    read: Read,
) -> Result<Result<Loaded, Response>, PageError> {
    Ok(match find(state, user, public_id, read).await? {
        Ok(l) if !l.filing.status.is_draft() => {
            Err(axum::response::IntoResponse::into_response(axum::response::Redirect::to(&path(&l.filing))))
        }
        other => other,
    })
}

impl Loaded {
    /// The court the filing names, if any.
    pub async fn court(&self, state: &WebState) -> Result<Option<portalis_storage::courts::Court>, PageError> {
        court_of(state, self.filing.court_id).await
    }
}

/// A court by its id, if there is one.
pub async fn court_of(
    state: &WebState,
    court_id: Option<i64>,
) -> Result<Option<portalis_storage::courts::Court>, PageError> {
    let Some(id) = court_id else { return Ok(None) };
    Ok(portalis_storage::cached::court(&state.db, id).await?.map(|c| (*c).clone()))
}

/// The DSFR stepper: « Étape 2 sur 8 », the current title and the next.
pub struct Stepper {
    pub current: usize,
    pub total: usize,
    pub title: String,
    pub next: Option<String>,
}

impl Stepper {
    /// The stepper of the page at `index` (0-based): a step's, or the
    /// attachments' after the last step.
    pub fn at(form: &ProcedureForm, index: usize) -> Self {
        let title = |i: usize| form.page_title(i).unwrap_or_default().to_owned();
        Self {
            current: index + 1,
            total: form.stepper_len(),
            title: title(index),
            next: (index + 1 < form.stepper_len()).then(|| title(index + 1)),
        }
    }
}

/// The filer's identity from FranceConnect, as the filing's pages show it
/// (he cannot change it).
pub struct Identity {
    pub given_names: String,
    pub family_name: String,
    pub birthdate: Option<String>,
}

impl Identity {
    pub fn of(user: &SignedIn) -> Self {
        let c = &user.session.user.claims;
        Self {
            given_names: c.given_name.clone().unwrap_or_default(),
            family_name: c.family_name.clone().unwrap_or_default(),
            birthdate: c
                .birthdate
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(portalis_core::french::date),
        }
    }
}
