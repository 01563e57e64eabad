//! "Gestion des cookies": only the cookies the service needs, so no consent
//! banner. A test lists the cookies the portal sets, so this page stays true.
super::static_page!(
    Cookies,
    "pages/cookies.html",
    "Gestion des cookies",
    "Les cookies du portail du justiciable : uniquement ceux nécessaires à la connexion et à la sécurité, sans mesure d'audience."
);
