//! "Mentions légales".
super::static_page!(Legal, "pages/legal.html", "Mentions légales");
