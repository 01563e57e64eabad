//! What the page shell (`templates/base.html`) needs on every page.

use crate::session::Visitor;
use crate::{Branding, WebState};

pub struct Layout {
    /// The page's own title; the shell adds " — Portail du justiciable".
    pub title: String,
    pub demo: bool,
    /// `PORTALIS_BRANDING=neutre`: no State brand block, no Marianne.
    pub neutral: bool,
    /// The signed-in user's name, shown in the header with "Se déconnecter".
    pub user_name: Option<String>,
    /// The token of the logout form (signed in only).
    pub csrf: String,
    /// A court agent's page: his name leads to the console, and the logout
    /// form is the console's.
    pub console: bool,
    /// Who publishes the portal, and how to reach them (legal pages).
    pub operator: String,
    pub contact_email: String,
    /// The `<meta name="description">` of a public page (none when empty).
    pub description: String,
    /// The stylesheet, the preloaded font and the icons to link to.
    pub assets: std::sync::Arc<crate::assets::Assets>,
}

impl Layout {
    pub fn anonymous(state: &WebState, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            demo: state.settings.demo,
            neutral: state.settings.branding == Branding::Neutre,
            user_name: None,
            csrf: String::new(),
            console: false,
            operator: state.settings.operator_name.clone(),
            contact_email: state.settings.contact_email.clone(),
            description: String::new(),
            assets: state.assets.clone(),
        }
    }

    /// The same shell with a description for search engines.
    pub fn described(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The shell for `visitor`: with his name and the logout form's token
    /// when signed in.
    pub fn for_visitor(state: &WebState, visitor: &Visitor, title: &str) -> Self {
        let mut layout = Self::anonymous(state, title);
        layout.console = visitor.realm() == portalis_core::realm::Realm::Staff;
        if visitor.session.is_some() {
            layout.user_name = visitor.user_name();
            layout.csrf = visitor.csrf(state).0;
        }
        layout
    }
}
