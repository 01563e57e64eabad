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
        for needle in [
            "PJTK5SY2ZZPJ",
            "DB3Z-W-B7C-DFW5",
            "Saint-Denis-de-La-Réunion",
            "Ajouter un dossier",
            "https://www.justice.fr",
            "SAUJ",
        ] {
            assert!(body.contains(needle), "{needle}");
        }
        assert!(e.subject().contains("numéro d'identification"));
    }
}

/// The avis de mise à disposition (CPC art. 748-8): that a document is
/// available, when (the court's local date and time), where — and nothing
/// of the document or the case but the court and the case number.
pub struct Avis<'a> {
    pub court_name: &'a str,
    pub case_number: &'a str,
    /// "jeudi 21 janvier 2027 à 14:00"
    pub made_available: &'a str,
    pub portal_url: &'a str,
}

impl Avis<'_> {
    pub fn subject(&self) -> String {
        format!("Avis de mise à disposition d'un document — {}", self.court_name)
    }

    pub fn body(&self) -> String {
        format!(
            "Bonjour,\n\n\
             Un document vous concernant a été mis à disposition sur le portail du justiciable le {when} \
             (heure de la juridiction).\n\n\
             Juridiction : {court}\n\
             N° de dossier : {case}\n\n\
             Pour le consulter, connectez-vous à votre espace personnel : {url}\n\n\
             Cet avis vous est adressé en application de l'article 748-8 du code de procédure civile.\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            when = self.made_available,
            court = self.court_name,
            case = self.case_number,
            url = self.portal_url,
        )
    }
}

/// The avis électronique de réception of an online filing (arrêté of 21
/// October 2021, art. 1): the date of filing, its number and the court. It
/// stands for the clerk's stamp.
pub struct FilingReceived<'a> {
    pub procedure: &'a str,
    /// `DMJ4-K7QP-2XRT`
    pub filing_number: &'a str,
    pub court_name: &'a str,
    /// "jeudi 21 janvier 2027 à 14:00", the court's local time.
    pub sent_at: &'a str,
    /// The filing's page.
    pub url: &'a str,
    /// What the avis stands for, under which text
    /// (`portalis_core::filing::Procedure::receipt_basis`).
    pub basis: &'a str,
}

impl FilingReceived<'_> {
    pub fn subject(&self) -> String {
        format!("Avis de réception de votre demande n° {}", self.filing_number)
    }

    pub fn body(&self) -> String {
        format!(
            "Bonjour,\n\n\
             Votre demande a bien été reçue.\n\n\
             Démarche : {procedure}\n\
             N° de la demande : {number}\n\
             Juridiction : {court}\n\
             Date de la saisine : {when} (heure de la juridiction)\n\n\
             {basis} La juridiction vous informera de la suite donnée à votre demande.\n\n\
             Pour suivre votre demande, connectez-vous à votre espace personnel : {url}\n\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            procedure = self.procedure,
            basis = self.basis,
            number = self.filing_number,
            court = self.court_name,
            when = self.sent_at,
            url = self.url,
        )
    }
}

/// How the filer of a registered filing follows the case the court opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowedBy {
    /// Attached to its party now: the case is in his space.
    Attached,
    /// Attached when the court publishes the party.
    WhenPublished,
    /// Not by the portal (the party is someone else's to follow, or does
    /// not bear his name): with the identification number the court sends.
    IdentificationNumber,
}

/// The court registered an online filing: the case it opened, and how the
/// filer follows it in his space.
pub struct FilingRegistered<'a> {
    pub procedure: &'a str,
    pub filing_number: &'a str,
    pub court_name: &'a str,
    /// The case's N° RG, when the court published it already.
    pub rg_number: Option<&'a str>,
    pub followed_by: FollowedBy,
    /// « Mes dossiers ».
    pub url: &'a str,
}

impl FilingRegistered<'_> {
    pub fn subject(&self) -> String {
        format!("Votre demande n° {} a été enregistrée", self.filing_number)
    }

    pub fn body(&self) -> String {
        let rg = self.rg_number.map(|n| format!(" sous le numéro RG {n}")).unwrap_or_default();
        let follow = match self.followed_by {
            FollowedBy::Attached => {
                "Le dossier ouvert par la juridiction apparaît dans votre espace personnel, où vous pourrez suivre \
                 ses audiences et ses documents"
            }
            FollowedBy::WhenPublished => {
                "Le dossier ouvert par la juridiction apparaîtra dans votre espace personnel dès qu'elle l'aura \
                 publié ; vous pourrez y suivre ses audiences et ses documents"
            }
            FollowedBy::IdentificationNumber => {
                "Pour suivre le dossier ouvert par la juridiction, ajoutez-le à votre espace personnel avec le \
                 numéro d'identification qu'elle vous adresse"
            }
        };
        format!(
            "Bonjour,\n\n\
             La juridiction a enregistré votre demande{rg}.\n\n\
             Démarche : {procedure}\n\
             N° de la demande : {number}\n\
             Juridiction : {court}\n\n\
             {follow} : {url}\n\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            procedure = self.procedure,
            number = self.filing_number,
            court = self.court_name,
            url = self.url,
        )
    }
}

/// The court published the party a filing was registered under, but the
/// portal could not attach the filer to it (it does not bear his name, or
/// someone follows it already): he attaches with the identification
/// number, as any party.
pub struct FilingCaseToAttach<'a> {
    pub procedure: &'a str,
    pub filing_number: &'a str,
    pub court_name: &'a str,
    /// « Ajouter un dossier ».
    pub url: &'a str,
}

impl FilingCaseToAttach<'_> {
    pub fn subject(&self) -> String {
        format!("Le dossier ouvert pour votre demande n° {}", self.filing_number)
    }

    pub fn body(&self) -> String {
        format!(
            "Bonjour,\n\n\
             La juridiction a publié le dossier ouvert pour votre demande.\n\n\
             Démarche : {procedure}\n\
             N° de la demande : {number}\n\
             Juridiction : {court}\n\n\
             Pour le suivre, ajoutez-le à votre espace personnel avec le numéro d'identification que la \
             juridiction vous adresse : {url}\n\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            procedure = self.procedure,
            number = self.filing_number,
            court = self.court_name,
            url = self.url,
        )
    }
}

/// The court did not register an online filing, and says why.
pub struct FilingRefused<'a> {
    pub procedure: &'a str,
    pub filing_number: &'a str,
    pub court_name: &'a str,
    pub reason: &'a str,
    /// The filing's page.
    pub url: &'a str,
}

impl FilingRefused<'_> {
    pub fn subject(&self) -> String {
        format!("Votre demande n° {} n'a pas été enregistrée", self.filing_number)
    }

    pub fn body(&self) -> String {
        format!(
            "Bonjour,\n\n\
             La juridiction n'a pas enregistré votre demande.\n\n\
             Démarche : {procedure}\n\
             N° de la demande : {number}\n\
             Juridiction : {court}\n\
             Motif indiqué par la juridiction : {reason}\n\n\
             Vous pouvez consulter votre demande dans votre espace personnel : {url}\n\
             Pour toute question, adressez-vous au service d'accueil unique du justiciable (SAUJ) de la juridiction.\n\n\
             Ce message est envoyé automatiquement ; merci de ne pas y répondre.\n\
             Le portail du justiciable\n",
            procedure = self.procedure,
            number = self.filing_number,
            court = self.court_name,
            reason = self.reason,
            url = self.url,
        )
    }
}

/// An e-mail gathering the changes of a case made within a few minutes.
pub struct CaseUpdate<'a> {
    pub court_name: &'a str,
    pub case_number: &'a str,
    pub lines: &'a [String],
    pub portal_url: &'a str,
}

impl CaseUpdate<'_> {
    pub fn subject(&self) -> String {
        format!("Votre dossier {} a été mis à jour", self.case_number)
    }

    pub fn body(&self) -> String {
        let changes: String = self.lines.iter().map(|l| format!("- {l}\n")).collect();
        format!(
            "Bonjour,\n\n\
             Votre dossier a été mis à jour par la juridiction.\n\n\
             Juridiction : {court}\n\
             N° de dossier : {case}\n\n\
             {changes}\n\
             Pour le détail, connectez-vous à votre espace personnel : {url}\n\
             Vous pouvez ne plus recevoir ces messages dans « Mes préférences ».\n\
             Le portail du justiciable\n",
            court = self.court_name,
            case = self.case_number,
            url = self.portal_url,
        )
    }
}

/// The SMS a few days before a hearing.
pub fn hearing_reminder_sms(when: &str, place: &str) -> String {
    format!("Portail du justiciable : rappel, audience le {when}, {place}.")
}

#[cfg(test)]
mod snapshot {
    //! Every message rendered with sample data, compared to
    //! `tests/snapshots/messages.txt` (`UPDATE_SNAPSHOTS=1` rewrites it).
    use super::*;

    fn render_all() -> String {
        let id = IdentificationEmail {
            party_name: "Marie DELESTABLE",
            court_name: "Tribunal judiciaire de Saint-Denis-de-La-Réunion",
            case_number: "DB3Z-W-B7C-DFW5",
            identification_number: "PJTK5SY2ZZPJ",
            portal_url: "https://www.justice.fr",
            reissued: false,
        };
        let avis = Avis {
            court_name: "Tribunal judiciaire de Saint-Denis-de-La-Réunion",
            case_number: "DB3Z-W-B7C-DFW5",
            made_available: "jeudi 21 janvier 2027 à 14:00",
            portal_url: "https://www.justice.fr",
        };
        let lines = vec![
            "Audience fixée au jeudi 21 janvier 2027 à 14:00".to_owned(),
            "Audience annulée : mardi 12 janvier 2027".to_owned(),
        ];
        let update = CaseUpdate {
            court_name: "Tribunal judiciaire de Paris",
            case_number: "DBPA-W-B7F-C81Q",
            lines: &lines,
            portal_url: "https://www.justice.fr",
        };
        [
            format!("== identification_number\n{}\n{}", id.subject(), id.body()),
            format!("== avis\n{}\n{}", avis.subject(), avis.body()),
            format!("== case_update\n{}\n{}", update.subject(), update.body()),
            format!("== attach_code (sms)\n{}\n", attach_code_sms("2340978")),
            format!(
                "== hearing_reminder (sms)\n{}\n",
                hearing_reminder_sms(
                    "jeudi 21 janvier 2027 à 14:00",
                    "Tribunal judiciaire de Saint-Denis-de-La-Réunion, salle 9"
                )
            ),
        ]
        .join("\n")
    }

    #[test]
    fn every_message_matches_its_snapshot() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/messages.txt");
        let rendered = render_all();
        if std::env::var("UPDATE_SNAPSHOTS").is_ok() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &rendered).unwrap();
        }
        let snapshot = std::fs::read_to_string(&path).expect("snapshot exists (UPDATE_SNAPSHOTS=1 creates it)");
        assert_eq!(rendered, snapshot, "a message changed: review it, then UPDATE_SNAPSHOTS=1");
    }

    #[test]
    fn the_reminder_fits_in_one_sms_for_the_guides_hearing() {
        let sms = hearing_reminder_sms(
            "jeudi 21 janvier 2027 à 14:00",
            "Tribunal judiciaire de Saint-Denis-de-La-Réunion, salle 9",
        );
        assert!(sms.chars().count() <= 160, "{}", sms.chars().count());
    }
}
