//! The home page.

use crate::WebState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;

#[derive(Template, WebTemplate)]
#[template(path = "pages/home.html")]
pub struct Home {
    pub demo: bool,
}

pub async fn show(State(state): State<WebState>) -> Home {
    Home { demo: state.demo }
}
