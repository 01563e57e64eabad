//! What the portal writes to litigants by e-mail and SMS, in French.

/// The e-mail that carries a party's identification number: the number's
/// only channel.
pub struct IdentificationEmail<'a> {
    pub party_name: &'a str,
    pub court_name: &'a str,
    pub case_number: &'a str,
    pub identification_number: &'a str,
    /// The portal's address, e.g. `https://www.justice.fr`.
    pub portal_url: &'a str,
    /// A new number replacing an earlier one.
    pub reissued: bool,
}

impl IdentificationEmail<'_> {
    pub fn subject(&self) -> String {
        format!("Votre numéro d'identification pour suivre votre affaire — {}", self.court_name)
    }

    pub fn body(&self) -> String {
        let intro = if self.reissued {
            "Un nouveau numéro d'identification vous a été attribué ; l'ancien ne fonctionne plus."
        } else {
            "Vous êtes partie à une affaire que vous pouvez suivre en ligne sur le portail du justiciable."
        };
        format!(
            "Bonjour {name},\n\n\
             {intro}\n\n\
             Juridiction : {court}\n\
             N° de dossier : {case}\n\
             Votre numéro d'identification : {number}\n\n\
             Pour suivre votre affaire :\n\
             1. rendez-vous sur {url} et cliquez sur « MON ESPACE PERSONNEL » ;\n\
             2. connectez-vous avec FranceConnect ;\n\
             3. cliquez sur « Ajouter un dossier », saisissez ce numéro, puis le code que vous recevrez par SMS \
             au numéro de mobile que vous avez déclaré au tribunal.\n\n\
             Ce numéro vous est personnel : ne le communiquez à personne. Si vous le perdez, ou si votre adresse \
             électronique ou votre numéro de mobile changent, adressez-vous au service d'accueil unique du \
             justiciable (SAUJ) de la juridiction.\n\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            name = self.party_name,
            court = self.court_name,
            case = self.case_number,
            number = self.identification_number,
            url = self.portal_url,
        )
    }
}

/// The SMS: the code, its validity and the service name, nothing else.
pub fn attach_code_sms(code: &str) -> String {
    format!("Portail du justiciable : votre code est {code}. Il est valable 10 minutes. Ne le communiquez à personne.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sms_says_the_code_its_validity_and_the_service_only() {
        let sms = attach_code_sms("2340978");
        assert!(sms.contains("2340978"));
        assert!(sms.contains("10 minutes"));
        assert!(sms.starts_with("Portail du justiciable"));
        assert!(sms.chars().count() <= 160, "one SMS");
    }

    #[test]
    fn the_email_gives_the_number_the_court_the_case_and_the_way() {
        let e = IdentificationEmail {
            party_name: "Marie DELESTABLE",
            court_name: "Tribunal judiciaire de Saint-Denis-de-La-Réunion",
            case_number: "DB3Z-W-B7C-DFW5",
            identification_number: "PJTK5SY2ZZPJ",
            portal_url: "https://www.justice.fr",
            reissued: false,
        };
        let body = e.body();
        for needle in ["PJTK5SY2ZZPJ", "DB3Z-W-B7C-DFW5", "Saint-Denis-de-La-Réunion", "Ajouter un dossier", "https://www.justice.fr", "SAUJ"] {
            assert!(body.contains(needle), "{needle}");
        }
        assert!(e.subject().contains("numéro d'identification"));
    }
}
