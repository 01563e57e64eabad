//! "Données personnelles": what the portal processes and why.
super::static_page!(
    Privacy,
    "pages/privacy.html",
    "Données personnelles",
    "Données personnelles traitées par le portail du justiciable, durées de conservation et exercice de vos droits."
);
