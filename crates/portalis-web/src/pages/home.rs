//! The home page: « MON ESPACE PERSONNEL ».
super::static_page!(
    Home,
    "pages/home.html",
    "Accueil",
    "Suivez en ligne vos affaires devant les juridictions : audiences à venir, convocations et documents, avec FranceConnect."
);
