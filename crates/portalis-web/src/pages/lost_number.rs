//! "Vous avez perdu votre numéro d'identification ?"
super::static_page!(LostNumber, "pages/lost_number.html", "Numéro d'identification perdu");
