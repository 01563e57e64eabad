//! "Vous avez perdu votre numéro d'identification ?"
super::static_page!(
    LostNumber,
    "pages/lost_number.html",
    "Numéro d'identification perdu",
    "Vous avez perdu le numéro d'identification de votre dossier ? Comment en obtenir un nouveau auprès de votre juridiction."
);
