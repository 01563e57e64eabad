//! The déclaration d'accessibilité (RGAA 4.1).
super::static_page!(
    Accessibility,
    "pages/accessibility.html",
    "Déclaration d'accessibilité",
    "Déclaration d'accessibilité du portail du justiciable : état de conformité au RGAA 4.1, contenus non accessibles et voies de recours."
);
