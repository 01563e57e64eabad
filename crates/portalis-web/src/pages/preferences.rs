//! "Mes préférences": the messages a user may turn off (update e-mails,
//! hearing reminders) and the one he may not (the avis de mise à
//! disposition, a legal notice); the contact details the courts declared,
//! masked, and how to change them.

use crate::WebState;
use crate::error::PageError;
use crate::forms::Protected;
use crate::layout::Layout;
use crate::my_cases;
use crate::session::SignedIn;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portalis_core::email::Email;
use portalis_core::mobile::MobileNumber;
use portalis_storage::notices;

pub struct Declared {
    pub court: String,
    pub court_code: String,
    pub case_number: String,
    pub email: String,
    pub mobile: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/preferences.html")]
pub struct Preferences {
    pub layout: Layout,
    pub csrf: String,
    pub updates: bool,
    pub reminders: bool,
    pub saved: bool,
    pub declared: Vec<Declared>,
}

async fn page(state: &WebState, user: &SignedIn, saved: bool) -> Result<Preferences, PageError> {
    let (visitor, user_id) = (&user.visitor, user.user_id());
    let (updates, reminders) = {
        let mut conn = state.db.read().await?;
        notices::preferences(&mut conn, user_id).await?
    };
    let mut declared = Vec::new();
    for my in my_cases::all(state, &user.session).await? {
        for p in &my.mine {
            declared.push(Declared {
                court: my.court.details.name.clone(),
                court_code: my.court.details.code.to_string(),
                case_number: my.case.details.portalis_number.as_str().to_owned(),
                email: p
                    .details
                    .email
                    .as_deref()
                    .and_then(|e| Email::parse(e).ok())
                    .map(|e| e.masked())
                    .unwrap_or_else(|| "aucune".into()),
                mobile: p
                    .details
                    .mobile
                    .as_deref()
                    .and_then(|m| MobileNumber::parse(m).ok())
                    .map(|m| m.masked())
                    .unwrap_or_else(|| "aucun".into()),
            });
        }
    }
    Ok(Preferences {
        layout: Layout::for_visitor(state, visitor, "Mes préférences"),
        csrf: visitor.csrf(state).0,
        updates,
        reminders,
        saved,
        declared,
    })
}

pub async fn show(State(state): State<WebState>, user: SignedIn) -> Result<Preferences, PageError> {
    page(&state, &user, false).await
}

/// The preferences form: a box sent is a box ticked.
#[derive(serde::Deserialize)]
pub struct PreferencesForm {
    mises_a_jour: Option<String>,
    rappels: Option<String>,
}

pub async fn save(
    State(state): State<WebState>,
    Protected { by: user, form }: Protected<SignedIn, PreferencesForm>,
) -> Result<Response, PageError> {
    let mut tx = state.db.begin().await?;
    notices::set_preferences(&mut tx, user.user_id(), form.mises_a_jour.is_some(), form.rappels.is_some()).await?;
    portalis_storage::commit(tx).await?;
    Ok(page(&state, &user, true).await?.into_response())
}
