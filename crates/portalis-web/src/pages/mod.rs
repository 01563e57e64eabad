//! One module a page; each renders `templates/pages/<name>.html`.

pub mod accessibility;
pub mod attach;
pub mod case;
pub mod cookies;
pub mod dev_outbox;
pub mod directory;
pub mod download;
pub mod exports;
pub mod filings;
pub mod help;
pub mod home;
pub mod legal;
pub mod login;
pub mod lost_number;
pub mod not_found;
pub mod preferences;
pub mod privacy;
pub mod site_map;
pub mod space;

/// Declares a page that shows fixed content inside the shell, with its
/// title and its description for search engines.
macro_rules! static_page {
    ($name:ident, $template:literal, $title:literal, $description:literal) => {
        #[derive(askama::Template, askama_web::WebTemplate)]
        #[template(path = $template)]
        pub struct $name {
            pub layout: crate::layout::Layout,
        }

        pub async fn show(
            axum::extract::State(state): axum::extract::State<crate::WebState>,
            visitor: crate::session::Visitor,
        ) -> $name {
            $name { layout: crate::layout::Layout::for_visitor(&state, &visitor, $title).described($description) }
        }
    };
}
pub(crate) use static_page;
