//! "Aide": questions and answers, each with its own anchor.
super::static_page!(
    Help,
    "pages/help.html",
    "Aide",
    "Aide du portail du justiciable : se connecter avec FranceConnect, ajouter un dossier, suivre ses audiences et télécharger ses convocations."
);
