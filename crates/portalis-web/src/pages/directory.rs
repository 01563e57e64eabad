//! "Annuaire": the courts the portal knows, with their contact details.

use crate::error::PageError;
use crate::layout::Layout;
use crate::session::Visitor;
use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use portalis_storage::courts;

pub struct CourtCard {
    pub anchor: String,
    pub name: String,
    pub kind: &'static str,
    pub address: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
    pub time_zone: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/directory.html")]
pub struct Directory {
    pub layout: Layout,
    pub courts: Vec<CourtCard>,
}

pub async fn show(State(state): State<WebState>, visitor: Visitor) -> Result<Directory, PageError> {
    let mut conn = state.db.read().await?;
    let courts = courts::list(&mut conn)
        .await?
        .into_iter()
        .map(|c| {
            let d = c.details;
            let address = [d.address.as_str(), &format!("{} {}", d.postcode, d.city)]
                .iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ");
            CourtCard {
                anchor: d.code.to_string(),
                name: d.name,
                kind: d.kind.label(),
                address,
                phone: d.phone,
                email: d.email,
                hours: d.sauj_hours,
                time_zone: d.time_zone.name().to_owned(),
            }
        })
        .collect();
    Ok(Directory { layout: Layout::for_visitor(&state, &visitor, "Annuaire des juridictions"), courts })
}
