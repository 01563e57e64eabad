//! Cases (affaires) and their status.

use crate::enums::french_enum;

french_enum! {
    /// Where a case stands.
    CaseStatus, "case status", "Le statut du dossier" {
        EnCours => ("en_cours", "Dossier en cours"),
        Cloture => ("cloture", "Dossier clôturé"),
        Radie => ("radie", "Dossier radié"),
    }
}

impl CaseStatus {
    /// Open cases come first in a litigant's list.
    pub fn is_open(self) -> bool {
        self == CaseStatus::EnCours
    }
}
