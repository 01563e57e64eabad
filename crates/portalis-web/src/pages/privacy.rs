//! "Données personnelles": what the portal processes and why.
super::static_page!(Privacy, "pages/privacy.html", "Données personnelles");
