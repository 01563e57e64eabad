//! "Mes affaires": the personal space, with the cases attached to it.

use crate::error::PageError;
use crate::layout::Layout;
use crate::session::SignedIn;
use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::Duration;
use portalis_core::portalis_number::PortalisNumber;
use portalis_storage::{attachments, cases, courts, parties};

/// How long a card says the case was just attached, unless opened before.
const NEW_FOR: Duration = Duration::days(7);

pub struct PartyLine {
    pub name: String,
    pub role: &'static str,
}

pub struct CaseCard {
    pub nature: String,
    pub court: String,
    pub parties: Vec<PartyLine>,
    pub just_attached: bool,
    pub case_number: String,
    pub identification_number: String,
    pub status: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/space.html")]
pub struct Space {
    pub layout: Layout,
    pub cards: Vec<CaseCard>,
    pub count: String,
}

/// "1 dossier affiché sur 1 rattaché", "3 dossiers affichés sur 5 rattachés".
pub fn count_words(shown: usize, attached: usize) -> String {
    let s = |n: usize| if n > 1 { "s" } else { "" };
    format!("{shown} dossier{} affiché{} sur {attached} rattaché{}", s(shown), s(shown), s(attached))
}

pub async fn show(State(state): State<WebState>, SignedIn(visitor): SignedIn) -> Result<Space, PageError> {
    let user = &visitor.session.as_ref().ok_or(PageError::Forbidden)?.user;
    let now = state.clock.now();
    let mut conn = state.db.read().await?;
    let mut cards = Vec::new();
    for a in attachments::of_user(&mut conn, user.id).await? {
        let Some(case) = cases::by_id(&mut conn, a.case_id).await? else { continue };
        let court = courts::by_id(&mut conn, case.court_id).await?.map(|c| c.details.name).unwrap_or_default();
        let parties = parties::of_case(&mut conn, case.id)
            .await?
            .iter()
            .map(|p| PartyLine { name: p.display_name(), role: p.details.role.label() })
            .collect();
        let number = PortalisNumber::parse(&case.details.portalis_number)
            .map(|n| n.short())
            .unwrap_or_else(|_| case.details.portalis_number.clone());
        cards.push(CaseCard {
            nature: case.details.nature_label.clone(),
            court,
            parties,
            just_attached: a.first_viewed_at.is_none() && now - a.attached_at < NEW_FOR,
            case_number: number,
            identification_number: a.identification_number,
            status: case.details.status.label(),
        });
    }
    let count = count_words(cards.len(), cards.len());
    let title = if cards.is_empty() { "Mes affaires" } else { "Mes dossiers" };
    Ok(Space { layout: Layout::for_visitor(&state, &visitor, title), cards, count })
}

#[cfg(test)]
mod tests {
    use super::count_words;

    #[test]
    fn counts_agree_in_number() {
        assert_eq!(count_words(1, 1), "1 dossier affiché sur 1 rattaché");
        assert_eq!(count_words(3, 5), "3 dossiers affichés sur 5 rattachés");
        assert_eq!(count_words(0, 0), "0 dossier affiché sur 0 rattaché");
    }
}
