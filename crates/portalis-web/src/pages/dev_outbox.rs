//! The development outbox (demo mode only): every e-mail and SMS the portal
//! "sent", newest first, as a page and as JSON.

use crate::WebState;
use crate::error::PageError;
use crate::layout::Layout;
use crate::session::Visitor;
use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use portalis_storage::outbox;
use serde::Serialize;

#[derive(Serialize)]
pub struct Item {
    pub channel: &'static str,
    pub to: String,
    pub subject: Option<String>,
    pub body: String,
    pub created_at: String,
}

async fn items(state: &WebState) -> Result<Vec<Item>, PageError> {
    let mut conn = state.db.read().await?;
    Ok(outbox::latest(&mut conn, 200)
        .await?
        .into_iter()
        .map(|m| Item {
            channel: m.message.channel.code(),
            to: m.message.recipient,
            subject: m.message.subject,
            body: m.message.body,
            created_at: m.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        })
        .collect())
}

#[derive(Template, WebTemplate)]
#[template(path = "pages/dev_outbox.html")]
pub struct DevOutbox {
    pub layout: Layout,
    pub items: Vec<Item>,
}

pub async fn page(State(state): State<WebState>, visitor: Visitor) -> Result<DevOutbox, PageError> {
    Ok(DevOutbox {
        layout: Layout::for_visitor(&state, &visitor, "Messages envoyés (démonstration)"),
        items: items(&state).await?,
    })
}

pub async fn json(State(state): State<WebState>) -> Result<Json<Vec<Item>>, PageError> {
    Ok(Json(items(&state).await?))
}
