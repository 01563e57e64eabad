//! Forms as every page uses them.
//!
//! - [`Protected<W, F>`] is a submitted form: who submits it (`W`: a
//!   [`SignedIn`](crate::session::SignedIn) user, or any
//!   [`Visitor`](crate::session::Visitor)), and its fields read into `F`
//!   (a `serde` struct), once its CSRF token was checked for that visitor.
//!   A request without a valid token, or whose body is not a form, is
//!   refused (403) before the handler runs; a signed-out visitor where a
//!   user is needed is sent to the login page, as for a `GET`.
//! - [`FormState`] is what a refused submission shows again: an error per
//!   field. The page's template includes `forms/errors.html` (the summary
//!   at the top, a link to each field) and shows each message next to its
//!   field (`form.error("field")`, with `aria-invalid` and
//!   `aria-describedby`); the page answers 422.
//! - A step — and each step of a wizard — is a pair of handlers on one
//!   path: `GET` renders the page with an empty `FormState` (or the draft's
//!   values), `POST` takes `Protected<SignedIn, StepForm>` and either acts
//!   and goes on (a redirect to the next step, or the page confirming what
//!   was done), or renders the same page with its `FormState` (422).
//!   `pages/attach.rs` and `pages/preferences.rs` follow it.

use crate::WebState;
use crate::error::PageError;
use crate::session::{SignedIn, Visitor};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::Response;
use portalis_core::Invalid;
use serde::de::DeserializeOwned;

/// Who may submit a form: what the handler gets, and the visitor whose
/// CSRF token the form must carry.
pub trait Submitter: FromRequestParts<WebState, Rejection = Response> {
    fn visitor(&self) -> &Visitor;
}

impl Submitter for Visitor {
    fn visitor(&self) -> &Visitor {
        self
    }
}

impl Submitter for SignedIn {
    fn visitor(&self) -> &Visitor {
        &self.visitor
    }
}

/// A form submitted by `W`, its token checked, its fields read into `F`.
pub struct Protected<W, F> {
    pub by: W,
    pub form: F,
}

/// The token every form carries (`<input type="hidden" name="csrf">`).
#[derive(serde::Deserialize)]
struct Token {
    csrf: Option<String>,
}

impl<W: Submitter + Send, F: DeserializeOwned + Send> FromRequest<WebState> for Protected<W, F> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &WebState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let forbidden = || PageError::Forbidden.into_response();
        let (mut parts, body) = req.into_parts();
        let by = W::from_request_parts(&mut parts, state).await?;
        let is_form = parts
            .headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case(FORM)));
        if !is_form {
            return Err(forbidden());
        }
        let body =
            axum::body::Bytes::from_request(Request::from_parts(parts, body), state).await.map_err(|_| forbidden())?;
        // A field sent twice counts once, as its last value.
        let mut fields: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| forbidden())?;
        let mut seen = std::collections::HashSet::new();
        fields.reverse();
        fields.retain(|(k, _)| seen.insert(k.clone()));
        fields.reverse();
        let fields = serde_urlencoded::to_string(&fields).map_err(|_| forbidden())?;
        let token: Token = serde_urlencoded::from_str(&fields).map_err(|_| forbidden())?;
        if !by.visitor().csrf_ok(state, token.csrf.as_deref()) {
            return Err(forbidden());
        }
        let form = serde_urlencoded::from_str(&fields).map_err(|_| forbidden())?;
        Ok(Self { by, form })
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A field's error, shown next to it and in the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's `id` (the summary links to `#id`).
    pub field: String,
    /// In French, saying what to do.
    pub message: String,
}

/// What a refused submission shows again: an error per field, in the
/// order of the fields on the page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormState {
    errors: Vec<FieldError>,
}

impl FormState {
    /// Records a field's error (a second one for the same field replaces it).
    pub fn set(&mut self, field: impl Into<String>, message: impl Into<String>) {
        let (field, message) = (field.into(), message.into());
        match self.errors.iter_mut().find(|e| e.field == field) {
            Some(e) => e.message = message,
            None => self.errors.push(FieldError { field, message }),
        }
    }

    /// The value a field's parser gave, or `None` with its French message
    /// recorded.
    pub fn check<T>(&mut self, field: impl Into<String>, parsed: Result<T, Invalid>) -> Option<T> {
        match parsed {
            Ok(v) => Some(v),
            Err(e) => {
                self.set(field, e.fr);
                None
            }
        }
    }

    /// The error of this field, if any.
    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    /// The summary's title: « Le formulaire contient 2 erreurs ».
    pub fn summary_title(&self) -> String {
        match self.errors.len() {
            1 => "Le formulaire contient 1 erreur".into(),
            n => format!("Le formulaire contient {n} erreurs"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::FormState;
    use portalis_core::identification_number::IdentificationNumber;

    #[test]
    fn a_form_state_keeps_one_french_message_per_field_in_page_order() {
        let mut f = FormState::default();
        assert!(f.is_valid());
        assert!(f.check("numero", IdentificationNumber::parse("?")).is_none());
        f.set("code", "Saisissez le code reçu par SMS.");
        f.set("numero", "Saisissez votre numéro d'identification.");
        assert_eq!(f.errors().iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["numero", "code"]);
        assert_eq!(f.error("numero"), Some("Saisissez votre numéro d'identification."));
        assert_eq!(f.error("autre"), None);
        assert_eq!(f.summary_title(), "Le formulaire contient 2 erreurs");
        f = FormState::default();
        f.set("code", "x");
        assert_eq!(f.summary_title(), "Le formulaire contient 1 erreur");
    }
}
