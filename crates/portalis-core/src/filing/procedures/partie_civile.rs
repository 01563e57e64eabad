//! Constitution de partie civile (CPP art. 420-1): a victim told of the
//! hearing by an avis à victime asks the criminal court for damages
//! without coming to the hearing. It must reach the court at least 24
//! hours before the hearing (`super::super::partie_civile_in_time`).

use super::common::{ADDRESS, EMAIL, FAMILY_NAME, GIVEN_NAMES, MOBILE, POSTCODE, REASONS_MAX, TOWN};
use crate::Invalid;
use crate::court::CourtKind;
use crate::event::EventTime;
use crate::filing::Procedure;
use crate::filing::answers::Answers;
use crate::filing::form::{CourtRule, Field, ProcedureForm, Step};
use crate::filing::values::{DateBound, Kind, Opt, parse_date, parse_time};
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

const fn opt(code: &'static str, label: &'static str) -> Opt {
    Opt { code, label }
}

const CASE: Step = Step::new(
    "affaire",
    "L'affaire",
    &[
        Field::required("juridiction", "Tribunal qui juge l'affaire", Kind::Court),
        Field::required("numero_parquet", "Numéro de parquet", Kind::Line(30))
            .hint("Il figure sur l'avis à victime que vous avez reçu, par exemple 23123000045."),
        Field::required("date_audience", "Date de l'audience", Kind::Date(DateBound::Future))
            .hint("Format attendu : JJ/MM/AAAA"),
        Field::required("heure_audience", "Heure de l'audience", Kind::Time).hint("Format attendu : 14:30"),
    ],
)
.intro(
    "Votre constitution de partie civile doit parvenir au tribunal au moins 24 heures avant l'audience. Passé ce \
     délai, présentez-vous à l'audience.",
);

const CAPACITY: &[Opt] = &[
    opt("victime", "Je suis la victime"),
    opt("parent", "Je suis le parent d'une victime mineure"),
    opt("tuteur", "Je suis le tuteur ou le curateur de la victime"),
];

const YOU: Step = Step::new(
    "vous",
    "Vous",
    &[
        Field::required("qualite", "Vous agissez", Kind::Choice(CAPACITY)),
        FAMILY_NAME.when("qualite", &["parent", "tuteur"]),
        GIVEN_NAMES.when("qualite", &["parent", "tuteur"]),
        ADDRESS.hint(
            "Une adresse dans le ressort du tribunal. Si vous n'y habitez pas, indiquez celle où vous élisez domicile \
         (par exemple celle de votre avocat).",
        ),
        POSTCODE,
        TOWN,
        EMAIL,
        MOBILE,
    ],
)
.with_identity()
.intro(
    "Votre identité vient de FranceConnect. Si vous agissez pour une autre personne, indiquez son nom de naissance \
     et ses prénoms.",
);

/// The heads of harm a victim may claim.
pub const HARMS: &[Opt] = &[
    opt("corporel", "Préjudice corporel (blessures, soins, incapacité)"),
    opt("materiel", "Préjudice matériel (biens détruits, volés ou abîmés, frais)"),
    opt("moral", "Préjudice moral"),
    opt("autre", "Autre préjudice"),
];

const HARM: Step = Step::new(
    "prejudice",
    "Votre préjudice",
    &[
        Field::required("chefs", "Les préjudices que vous avez subis", Kind::Choices(HARMS)),
        Field::required("montant_corporel", "Montant demandé pour le préjudice corporel", Kind::Euros)
            .hint("En euros, par exemple 1500")
            .when("chefs", &["corporel"]),
        Field::required("montant_materiel", "Montant demandé pour le préjudice matériel", Kind::Euros)
            .when("chefs", &["materiel"]),
        Field::required("montant_moral", "Montant demandé pour le préjudice moral", Kind::Euros)
            .when("chefs", &["moral"]),
        Field::required("autre_nature", "Nature de l'autre préjudice", Kind::Line(200)).when("chefs", &["autre"]),
        Field::required("montant_autre", "Montant demandé pour l'autre préjudice", Kind::Euros)
            .when("chefs", &["autre"]),
        Field::optional("explications", "Explications (facultatif)", Kind::Text(REASONS_MAX))
            .hint("Décrivez ce que vous avez subi et comment vous avez calculé les montants."),
    ],
);

const RETURN: &[Opt] = &[
    opt("non", "Je ne demande la restitution d'aucun objet"),
    opt("oui", "Je demande la restitution d'objets saisis ou retrouvés"),
];

const PROPERTY: Step = Step::new(
    "restitution",
    "Les objets à restituer",
    &[
        Field::required("restitution", "La restitution d'objets", Kind::Choice(RETURN)),
        Field::required("objets", "Les objets dont vous demandez la restitution", Kind::Text(2000))
            .when("restitution", &["oui"]),
    ],
);

pub const FORM: ProcedureForm = ProcedureForm {
    procedure: Procedure::PartieCivile,
    who_for: "Victimes d'une infraction convoquées par un avis à victime, qui demandent réparation au tribunal sans \
              venir à l'audience. La demande doit parvenir au tribunal au moins 24 heures avant l'audience.",
    prepare: &[
        "l'avis à victime (numéro de parquet, date et heure de l'audience)",
        "les justificatifs de votre préjudice : certificats médicaux, factures, devis, photos",
        "le montant que vous demandez pour chaque préjudice",
    ],
    steps: &[CASE, YOU, HARM, PROPERTY],
    court: ("affaire", "juridiction"),
    court_rule: CourtRule::Chosen,
    court_kinds: &[CourtKind::TribunalJudiciaire],
    pieces: &[
        opt("avis_victime", "Avis à victime"),
        opt("justificatif_prejudice", "Justificatif du préjudice (certificat médical, facture, devis…)"),
        opt("autre", "Autre pièce"),
    ],
};

/// The slug of the first step, about the case.
pub const CASE_STEP: &str = "affaire";

/// The first step as a case the filer follows in his space prefills it:
/// its court, the date and time of its next hearing (in the court's time
/// zone), as he would type them. Not the parquet number, which the portal
/// does not know (a case's N° RG is another number): he types it from his
/// avis à victime. Not checked yet: he reads it and presses « Continuer ».
pub fn prefill(court_code: &str, hearing: (NaiveDate, NaiveTime)) -> crate::filing::answers::StepAnswers {
    let mut values = std::collections::BTreeMap::new();
    values.insert("juridiction".to_owned(), court_code.to_owned());
    values.insert(HEARING_DATE.to_owned(), hearing.0.format("%d/%m/%Y").to_string());
    values.insert(HEARING_TIME.to_owned(), hearing.1.format("%H:%M").to_string());
    crate::filing::answers::StepAnswers { values, items: 0, done: false }
}

/// The field of the hearing's date: where the 24 hours' refusal is shown.
pub const HEARING_DATE: &str = "date_audience";
/// The field of the hearing's time.
pub const HEARING_TIME: &str = "heure_audience";

/// The hearing's local date and time, as answered (the court's time zone
/// makes it an instant).
pub fn hearing(answers: &Answers) -> Option<(NaiveDate, NaiveTime)> {
    let date = parse_date(answers.value(CASE.slug, HEARING_DATE)?).ok()?;
    let time = parse_time(answers.value(CASE.slug, HEARING_TIME)?).ok()?;
    Some((date, time))
}

/// Whether the filing, sent at `now`, reaches the court in time for the
/// hearing its answers name, read in the court's time zone `tz` (no
/// hearing answered yet: nothing to check).
///
/// # Errors
/// [`super::super::TOO_LATE_FOR_THE_HEARING`], or a local time the
/// daylight-saving change skips.
pub fn in_time(answers: &Answers, tz: Tz, now: DateTime<Utc>) -> Result<(), Invalid> {
    let Some((date, time)) = hearing(answers) else { return Ok(()) };
    let at = EventTime::DateTime(date.and_time(time)).to_utc(tz)?;
    super::super::partie_civile_in_time(now, at)
}
