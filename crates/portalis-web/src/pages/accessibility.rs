//! The déclaration d'accessibilité (RGAA 4.1).
super::static_page!(Accessibility, "pages/accessibility.html", "Déclaration d'accessibilité");
