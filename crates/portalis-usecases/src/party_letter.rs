//! The letter the SAUJ prints for a litigant at its counter, or one without
//! e-mail: his identification number, the case it opens, and the guide's
//! steps to follow it on the portal. It holds the number: printing it is an
//! audited action of the party's own court.

use portalis_core::french;
use portalis_documents::pdf::Composer;
use portalis_storage::cases::Case;
use portalis_storage::courts::Court;
use portalis_storage::parties::Party;

/// The letter's PDF, dated `today` (in the court's time zone).
pub fn letter_pdf(court: &Court, case: &Case, party: &Party, portal_url: &str, today: chrono::NaiveDate) -> Vec<u8> {
    let mut page = Composer::default();
    page.title(court.details.name.as_str());
    let address = [court.details.address.trim(), &format!("{} {}", court.details.postcode, court.details.city)]
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    page.text(address);
    if let Some(phone) = &court.details.phone {
        page.text(format!("Téléphone : {phone}"));
    }
    page.text(format!("Le {}", french::long_date(today)));
    page.heading(party.display_name());
    page.heading("Objet : votre numéro d'identification sur le portail du justiciable");
    page.text(format!("Affaire : {}", case.details.nature_label));
    page.text(format!("N° Portalis : {}", case.details.portalis_number.as_str()));
    if let Some(rg) = &case.details.rg_number {
        page.text(format!("N° RG : {}", rg.as_str()));
    }
    page.text(format!("Votre qualité : {}", party.details.role.label()));
    page.heading(format!("Votre numéro d'identification : {}", grouped(&party.identification_number)));
    page.text(
        "Ce numéro est personnel : ne le communiquez à personne. Il vous permet de suivre cette affaire en ligne.",
    );
    page.heading("Pour suivre votre affaire en ligne");
    page.text(format!("1. Rendez-vous sur {portal_url}"));
    page.text("2. Cliquez sur « S'identifier avec FranceConnect » et connectez-vous avec l'un de vos comptes (impots.gouv.fr, ameli.fr, L'Identité Numérique La Poste, MSA, France Identité).");
    page.text("3. Dans votre espace personnel, cliquez sur « Ajouter un dossier ».");
    page.text("4. Saisissez le numéro d'identification ci-dessus, puis cliquez sur « Obtenir le code par SMS ».");
    match &party.details.mobile {
        Some(_) => page.text(
            "5. Saisissez le code reçu par SMS au numéro de téléphone mobile que vous avez déclaré au tribunal, puis cliquez sur « Ajouter le dossier ».",
        ),
        None => page.text(
            "5. Le code est envoyé par SMS au numéro de téléphone mobile déclaré au tribunal. Aucun numéro n'est enregistré : communiquez-en un au service d'accueil du tribunal.",
        ),
    }
    page.heading("Besoin d'aide ?");
    let hours = court.details.sauj_hours.as_deref().map(|h| format!(" ({h})")).unwrap_or_default();
    page.text(format!("Le service d'accueil unique du justiciable (SAUJ) du tribunal vous renseigne{hours}."));
    page.pdf(&format!("Numéro d'identification — {}", case.details.portalis_number.as_str()))
}

/// The number in groups of four, as a person copies it.
fn grouped(number: &str) -> String {
    let chars: Vec<char> = number.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_number_is_printed_in_groups_of_four() {
        assert_eq!(super::grouped("PJTK5SY2ZZPJ"), "PJTK 5SY2 ZZPJ");
    }
}
