//! "Mentions légales".
super::static_page!(
    Legal,
    "pages/legal.html",
    "Mentions légales",
    "Mentions légales du portail du justiciable : éditeur, hébergement et conditions d'utilisation."
);
