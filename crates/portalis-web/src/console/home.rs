//! `GET /juridiction`: the console's first page — who is signed in, and his
//! roles by court.

use super::staff::Staff;
use crate::WebState;
use crate::layout::Layout;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use portalis_storage::staff::Grant;

#[derive(Template, WebTemplate)]
#[template(path = "console/home.html")]
pub struct Home {
    pub layout: Layout,
    pub nav: super::Nav,
    pub name: String,
    pub roles: Vec<Grant>,
}

pub async fn show(State(state): State<WebState>, staff: Staff) -> Home {
    let signed_in = &staff.signed_in;
    Home {
        layout: Layout::for_visitor(&state, &signed_in.visitor, "Espace juridiction"),
        nav: super::Nav::of(&staff, super::Section::Home),
        name: signed_in.session.user.display_name(),
        roles: staff.roles,
    }
}
