//! `/juridiction/administration/juridiction`: the court's entry in the
//! portal's directory (`/annuaire/{code}`), for its administrator — the
//! address, the telephone, the e-mail and the SAUJ's opening hours
//! litigants read. The name, the kind, the département and the time zone
//! are the Ministry's directory's (`portalis court import`), which also
//! replaces these fields when it is imported again. Audited under the
//! agent's name with the fields changed.

use super::staff::Staff;
use crate::WebState;
use crate::error::PageError;
use crate::forms::{FormState, Protected};
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use portalis_core::Invalid;
use portalis_core::court::parse_phone;
use portalis_core::email::Email;
use portalis_core::postcode::PostCode;
use portalis_core::staff::Role;
use portalis_core::text::single_line;
use portalis_storage::audit;
use portalis_storage::courts::{self, Court, Entry};
use std::collections::HashMap;

pub const PATH: &str = "/juridiction/administration/juridiction";

/// The most characters of the address's street line, and of the hours.
const ADDRESS_MAX: usize = 200;
const CITY_MAX: usize = 100;
const HOURS_MAX: usize = 300;

/// The form's fields, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    pub juridiction: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub hours: String,
    /// The entry as the form showed it ([`version`]): a save over an entry
    /// changed meanwhile is refused.
    #[serde(default)]
    pub version: String,
}

/// A fingerprint of the entry's fields, carried by the form.
fn version(entry: &Entry) -> String {
    let fields = [
        entry.address.as_str(),
        entry.postcode.as_str(),
        entry.city.as_str(),
        entry.phone.as_deref().unwrap_or("\u{0}"),
        entry.email.as_deref().unwrap_or("\u{0}"),
        entry.sauj_hours.as_deref().unwrap_or("\u{0}"),
    ];
    portalis_core::secret::sha256_hex(fields.join("\u{1f}").as_bytes())[..16].to_owned()
}

impl EntryForm {
    fn of(court: &Court) -> Self {
        let d = &court.details;
        Self {
            juridiction: d.code.as_str().to_owned(),
            address: d.address.clone(),
            postcode: d.postcode.clone(),
            city: d.city.clone(),
            phone: d.phone.clone().unwrap_or_default(),
            email: d.email.clone().unwrap_or_default(),
            hours: d.sauj_hours.clone().unwrap_or_default(),
            version: version(&Entry::of(d)),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "console/court_entry.html")]
pub struct EntryPage {
    pub layout: Layout,
    pub nav: super::Nav,
    pub court: String,
    pub courts: Vec<super::Choice>,
    pub values: EntryForm,
    pub form: FormState,
    pub csrf: String,
    pub done: Option<&'static str>,
    /// The entry changed while the agent edited it: his save was not taken.
    pub conflict: Option<&'static str>,
}

fn page(state: &WebState, staff: &Staff, court: &Court, values: EntryForm, form: FormState) -> EntryPage {
    let mut layout = Layout::for_visitor(state, &staff.signed_in.visitor, "Fiche de la juridiction");
    if !form.is_valid() {
        layout.title = format!("Erreur : {}", layout.title);
    }
    EntryPage {
        layout,
        nav: super::Nav::of(staff, super::Section::Court),
        court: court.details.name.clone(),
        courts: super::court_choices(staff, Role::Admin, court.id),
        values,
        form,
        csrf: staff.signed_in.visitor.csrf(state).0,
        done: None,
        conflict: None,
    }
}

pub async fn show(
    State(state): State<WebState>,
    staff: Staff,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let court =
        match super::court_where(&state, &staff, Role::Admin, params.get("juridiction").map(String::as_str)).await? {
            Ok(court) => court,
            Err(answer) => return Ok(answer),
        };
    let mut page = page(&state, &staff, &court, EntryForm::of(&court), FormState::default());
    if params.get("fait").map(String::as_str) == Some("enregistree") {
        page.done = Some("La fiche est enregistrée : l'annuaire du portail la montre dès maintenant.");
    }
    Ok(page.into_response())
}

/// The court's entry with the fields typed, each checked; or the errors. A
/// field left as stored is kept as it is (the Ministry's directory may
/// write a telephone with words around it).
fn parse(form: &EntryForm, court: &Court) -> Result<Entry, FormState> {
    let stored = EntryForm::of(court);
    let kept = |typed: &str, was: &str| typed.trim() == was.trim();
    let d = &court.details;
    let mut errors = FormState::default();
    let said = |fr: &'static str| move |e: Invalid| Invalid::new(e.en, fr);
    let address = if kept(&form.address, &stored.address) && !d.address.trim().is_empty() {
        Some(d.address.clone())
    } else {
        errors.check(
            "address",
            single_line(ADDRESS_MAX)(&form.address)
                .map_err(said("Saisissez l'adresse de la juridiction sur une ligne, en 200 caractères au plus.")),
        )
    };
    let postcode = if kept(&form.postcode, &stored.postcode) && !d.postcode.trim().is_empty() {
        Some(d.postcode.clone())
    } else {
        errors.check("postcode", PostCode::parse(&form.postcode)).map(|p| p.as_str().to_owned())
    };
    let city = if kept(&form.city, &stored.city) && !d.city.trim().is_empty() {
        Some(d.city.clone())
    } else {
        errors.check(
            "city",
            single_line(CITY_MAX)(&form.city).map_err(said("Saisissez la commune, en 100 caractères au plus.")),
        )
    };
    let optional = |typed: &str| Some(typed.trim()).filter(|t| !t.is_empty()).map(str::to_owned);
    let phone = match optional(&form.phone) {
        None => Some(None),
        Some(_) if kept(&form.phone, &stored.phone) => Some(d.phone.clone()),
        Some(typed) => errors.check("phone", parse_phone(&typed)).map(Some),
    };
    let email = match optional(&form.email) {
        None => Some(None),
        Some(_) if kept(&form.email, &stored.email) => Some(d.email.clone()),
        Some(typed) => errors.check("email", Email::parse(&typed)).map(|e| Some(e.as_str().to_owned())),
    };
    let hours = match optional(&form.hours) {
        None => Some(None),
        Some(_) if kept(&form.hours, &stored.hours) => Some(d.sauj_hours.clone()),
        Some(typed) => errors
            .check(
                "hours",
                single_line(HOURS_MAX)(&typed).map_err(said(
                    "Saisissez les horaires sur une ligne, en 300 caractères au plus, par exemple « du lundi au vendredi, de 8 h 30 à 12 h et de 13 h 30 à 16 h ».",
                )),
            )
            .map(Some),
    };
    match (address, postcode, city, phone, email, hours) {
        (Some(address), Some(postcode), Some(city), Some(phone), Some(email), Some(sauj_hours)) => {
            Ok(Entry { address, postcode, city, phone, email, sauj_hours })
        }
        _ => Err(errors),
    }
}

/// The fields an edit changed, by their column's name (for the audit).
fn changed_fields(before: &Entry, after: &Entry) -> Vec<&'static str> {
    [
        ("address", before.address != after.address),
        ("postcode", before.postcode != after.postcode),
        ("city", before.city != after.city),
        ("phone", before.phone != after.phone),
        ("email", before.email != after.email),
        ("sauj_hours", before.sauj_hours != after.sauj_hours),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}

/// « Enregistrer la fiche ».
pub async fn save(
    State(state): State<WebState>,
    Protected { by: staff, form }: Protected<Staff, EntryForm>,
) -> Result<Response, PageError> {
    let court = match super::court_where(&state, &staff, Role::Admin, Some(&form.juridiction)).await? {
        Ok(court) => court,
        Err(answer) => return Ok(answer),
    };
    let done = format!("{PATH}?juridiction={}&fait=enregistree", court.details.code.as_str());
    let now = state.clock.now();
    let mut tx = state.db.begin().await?;
    // Read again under its lock: two saves at once, or an import, are
    // seen; a save over what the form did not show is refused.
    courts::lock(&mut tx, court.id).await?;
    let court = courts::by_id(&mut *tx, court.id).await?.ok_or(PageError::Internal)?;
    let before = Entry::of(&court.details);
    if form.version != version(&before) {
        drop(tx);
        let mut page = page(&state, &staff, &court, EntryForm::of(&court), FormState::default());
        page.conflict = Some(
            "La fiche a été modifiée pendant que vous la modifiiez : voici ses informations actuelles. Saisissez de nouveau vos modifications.",
        );
        return Ok((StatusCode::CONFLICT, page).into_response());
    }
    let entry = match parse(&form, &court) {
        Ok(entry) => entry,
        Err(errors) => {
            drop(tx);
            let page = page(&state, &staff, &court, form, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let fields = changed_fields(&before, &entry);
    if fields.is_empty() {
        drop(tx);
        return Ok(Redirect::to(&done).into_response());
    }
    courts::update_entry(&mut tx, court.id, &entry, now).await?;
    let actor = format!("agent:{}", staff.agent().email);
    let target = format!("court:{}", court.details.code.as_str());
    let detail = fields.join(", ");
    let entry = audit::Entry {
        actor: &actor,
        action: "court.entry_updated",
        target: Some(&target),
        outcome: "ok",
        detail: Some(&detail),
        ..Default::default()
    };
    audit::record(&mut tx, &entry, now).await?;
    portalis_storage::commit(tx).await?;
    Ok(Redirect::to(&done).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_fields_an_edit_changed_are_named_and_any_change_is_another_version() {
        let before = Entry {
            address: "1 rue A".into(),
            postcode: "97400".into(),
            city: "Saint-Denis".into(),
            phone: None,
            email: None,
            sauj_hours: None,
        };
        let after = Entry { phone: Some("02 62 40 20 20".into()), sauj_hours: Some("Lundi".into()), ..before.clone() };
        assert_eq!(changed_fields(&before, &after), ["phone", "sauj_hours"]);
        assert!(changed_fields(&before, &before).is_empty());
        assert_ne!(version(&before), version(&after));
        let empty_hours = Entry { sauj_hours: Some(String::new()), ..before.clone() };
        assert_ne!(version(&before), version(&empty_hours), "none is not empty");
    }
}
