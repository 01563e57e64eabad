//! "Aide": questions and answers, each with its own anchor.
super::static_page!(Help, "pages/help.html", "Aide");
