//! The home page: « MON ESPACE PERSONNEL ».
super::static_page!(Home, "pages/home.html", "Accueil");
