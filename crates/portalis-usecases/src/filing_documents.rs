//! A sent filing's documents, as PDFs: the request (« requête numérique »:
//! what the court reads — the filer's identity, every answer by step, the
//! files with their size and SHA-256) and the avis électronique de
//! réception (what the filer keeps). Both are drawn from what is stored of
//! the filing, so that every download gives the same document.

use chrono::NaiveDate;
use portalis_core::document::human_size;
use portalis_core::filing::Procedure;
use portalis_core::filing::answers::{Answers, rows};
use portalis_core::filing::procedures::{self, jaf};
use portalis_core::french;
use portalis_documents::pdf::Composer;
use portalis_storage::StorageError;
use portalis_storage::courts::Court;
use portalis_storage::filing_attachments::FilingAttachment;
use portalis_storage::filings::Filing;
use portalis_storage::read::Reads;

/// What a filing's documents are drawn from.
pub struct Sources<'a> {
    pub filing: &'a Filing,
    pub court: &'a Court,
    pub files: &'a [FilingAttachment],
}

impl Sources<'_> {
    fn number(&self) -> String {
        self.filing.filing_number.as_ref().map(|n| n.grouped()).unwrap_or_default()
    }

    /// « jeudi 26 novembre 2026 à 12:00 », in the court's time zone.
    fn sent_at(&self) -> String {
        self.filing.sent_at.map(|t| french::instant_in(t, self.court.details.time_zone)).unwrap_or_default()
    }

    fn filer_name(&self) -> String {
        let given = self.filing.filer.given_name.as_deref().unwrap_or_default();
        let family = self.filing.filer.family_name.as_deref().unwrap_or_default().to_uppercase();
        format!("{given} {family}").trim().to_owned()
    }

    fn birthdate(&self) -> Option<String> {
        let d = self.filing.filer.birthdate.as_deref()?;
        NaiveDate::parse_from_str(d, "%Y-%m-%d").ok().map(french::date)
    }
}

/// What a filing's documents need besides the filing, read together.
pub struct Gathered {
    pub court: Court,
    pub files: Vec<FilingAttachment>,
}

impl Gathered {
    /// The court and the files of a sent filing
    /// (`None` for a filing without court: a draft).
    ///
    /// # Errors
    /// Database errors.
    pub async fn of(conn: &mut impl Reads, filing: &Filing) -> Result<Option<Self>, StorageError> {
        let Some(court_id) = filing.court_id else { return Ok(None) };
        let Some(court) = portalis_storage::courts::by_id(conn, court_id).await? else { return Ok(None) };
        let files = portalis_storage::filing_attachments::of_filing(conn, filing.id).await?;
        Ok(Some(Self { court, files }))
    }

    pub fn sources<'a>(&'a self, filing: &'a Filing) -> Sources<'a> {
        Sources { filing, court: &self.court, files: &self.files }
    }
}

/// Owned lines, borrowed by the writer.
/// The request as the court reads it.
pub fn request_pdf(s: &Sources<'_>) -> Vec<u8> {
    let procedure = s.filing.procedure.label();
    let mut page = Composer::default();
    page.title(procedure);
    page.text(format!("Demande n° {}, envoyée en ligne le {} (heure de la juridiction)", s.number(), s.sent_at()));
    page.text(format!("Juridiction : {}", s.court.details.name));

    page.heading("Le demandeur (identité certifiée par FranceConnect)");
    page.text(format!("Nom : {}", s.filing.filer.family_name.as_deref().unwrap_or_default().to_uppercase()));
    if let Some(usage) = s.filing.filer.preferred_username.as_deref().filter(|u| !u.trim().is_empty()) {
        page.text(format!("Nom d'usage : {}", usage.to_uppercase()));
    }
    page.text(format!("Prénoms : {}", s.filing.filer.given_name.as_deref().unwrap_or_default()));
    if let Some(born) = s.birthdate() {
        page.text(format!("Date de naissance : {born}"));
    }

    let form = procedures::form(s.filing.procedure);
    let answers = Answers::from_json(&s.filing.answers);
    // An address the filer asked to keep confidential is not in the
    // request (which the other parent may receive): the court has it.
    let confidential =
        s.filing.procedure == Procedure::JugeAuxAffairesFamiliales && jaf::address_is_confidential(&answers);
    for step in form.steps {
        page.heading(step.title);
        let hidden: Vec<&str> = match (confidential, step.slug == jaf::CONFIDENTIAL_ADDRESS.0) {
            (true, true) => {
                page.text("Adresse : confidentielle, à la demande du demandeur (connue du tribunal seulement)");
                jaf::CONFIDENTIAL_ADDRESS.1.iter().filter_map(|f| step.field(f)).map(|f| f.label).collect()
            }
            _ => Vec::new(),
        };
        for (heading, lines) in rows(step, answers.step(step.slug)) {
            if let Some(h) = heading {
                page.subheading(h);
            }
            for row in lines.iter().filter(|r| !hidden.contains(&r.label.as_str())) {
                // « Pourquoi demandez-vous cela ? Léa vit avec moi… »
                let sep = if row.label.ends_with('?') { " " } else { " : " };
                page.text(format!("{}{sep}{}", row.label, row.value));
            }
        }
    }

    page.heading(match s.files.len() {
        0 => "Pièces jointes : aucune".to_owned(),
        1 => "Pièce jointe (1)".to_owned(),
        n => format!("Pièces jointes ({n})"),
    });
    for f in s.files {
        let kind = form.piece_label(&f.piece).unwrap_or("Autre pièce");
        page.text(format!(
            "{}. {} — {kind}, {}, {} ({} octets)",
            f.position,
            f.name,
            f.content_type,
            human_size(f.size),
            f.size
        ));
        page.text(format!("    SHA-256 : {}", f.sha256));
    }

    page.heading("Déclaration");
    page.text("Le demandeur a certifié sur l'honneur l'exactitude des renseignements fournis.");
    page.text(format!(
        "Document établi par le portail du justiciable à partir des réponses du demandeur, à la date de l'envoi. {}",
        s.filing.procedure.receipt_basis()
    ));
    page.pdf(&format!("{procedure} — demande n° {}", s.number()))
}

/// The avis électronique de réception, as the filer keeps it.
pub fn receipt_pdf(s: &Sources<'_>) -> Vec<u8> {
    let mut page = Composer::default();
    page.title("Avis électronique de réception");
    page.text(s.filing.procedure.label());
    page.heading("Votre demande a bien été reçue");
    page.text(format!("N° de la demande : {}", s.number()));
    page.text(format!("Juridiction : {}", s.court.details.name));
    page.text(format!("Date de la saisine : {} (heure de la juridiction)", s.sent_at()));
    page.text(format!("Demandeur : {}", s.filer_name()));
    page.text(match s.files.len() {
        0 => "Pièces jointes : aucune".to_owned(),
        1 => "Pièce jointe : 1".to_owned(),
        n => format!("Pièces jointes : {n}"),
    });
    page.heading("Valeur de cet avis");
    page.text(s.filing.procedure.receipt_basis());
    page.text("Conservez le numéro de votre demande : il vous sera demandé si vous contactez le tribunal.");
    page.pdf(&format!("Avis de réception — demande n° {}", s.number()))
}
