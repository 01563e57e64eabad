//! "Plan du site": every page of the portal, the second way to find one
//! besides the header and footer links (RGAA 12.1).
super::static_page!(
    SiteMap,
    "pages/site_map.html",
    "Plan du site",
    "Plan du portail du justiciable : toutes les pages, de la connexion au suivi de vos dossiers, de l'aide à l'annuaire des juridictions."
);
