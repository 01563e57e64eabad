//! Requête au juge aux affaires familiales, for separated parents: the
//! exercise of parental authority, the children's residence, visiting and
//! staying rights, the child maintenance (paper form: Cerfa 11530). The
//! court is the tribunal judiciaire of where the children live.

use super::common::{
    ADDRESS, BIRTH_DATE, EMAIL, FAMILY_NAME, GIVEN_NAMES, MOBILE, NAME_MAX, POSTCODE, REASONS_MAX, TOWN,
};
use crate::court::CourtKind;
use crate::filing::Procedure;
use crate::filing::form::{CourtRule, Field, ProcedureForm, Repeat, Step};
use crate::filing::values::{DateBound, Kind, Opt};

const fn opt(code: &'static str, label: &'static str) -> Opt {
    Opt { code, label }
}

const YOU: Step = Step::new("vous", "Vous", &[
    ADDRESS,
    POSTCODE,
    TOWN,
    EMAIL,
    MOBILE,
    Field::optional("adresse_confidentielle", "Je souhaite que mon adresse reste confidentielle", Kind::Tick).hint(
        "Elle ne figurera pas dans ce que l'autre parent recevra : le tribunal vous écrira à l'adresse indiquée.",
    ),
])
.with_identity()
.intro("Votre identité vient de FranceConnect et ne peut pas être modifiée ici. Indiquez où le tribunal peut vous joindre.");

/// The filer's address fields, kept out of what the other parent receives
/// (the request as a PDF) when he asks that it stay confidential; the
/// court reads them through its intake.
pub const CONFIDENTIAL_ADDRESS: (&str, &[&str]) = ("vous", &["adresse", "code_postal", "commune"]);

/// Whether the filer asked that his address stay confidential.
pub fn address_is_confidential(answers: &crate::filing::answers::Answers) -> bool {
    answers.value(CONFIDENTIAL_ADDRESS.0, "adresse_confidentielle").is_some()
}

const KNOWN: &[Opt] = &[opt("oui", "Je connais son adresse"), opt("non", "Son adresse est inconnue")];

const OTHER_PARENT: Step = Step::new(
    "autre_parent",
    "L'autre parent",
    &[
        FAMILY_NAME,
        GIVEN_NAMES,
        Field::optional("naissance", "Date de naissance (facultatif)", Kind::Date(DateBound::Past))
            .hint("Format attendu : JJ/MM/AAAA"),
        Field::required("adresse_connue", "Son adresse", Kind::Choice(KNOWN)),
        ADDRESS.when("adresse_connue", &["oui"]),
        POSTCODE.when("adresse_connue", &["oui"]),
        TOWN.when("adresse_connue", &["oui"]),
    ],
);

const LIVES: &[Opt] = &[
    opt("chez_vous", "Chez vous"),
    opt("chez_autre_parent", "Chez l'autre parent"),
    opt("alternee", "En résidence alternée"),
    opt("ailleurs", "Ailleurs (famille, établissement…)"),
];

const CHILDREN: Step = Step::new(
    "enfants",
    "Les enfants",
    &[FAMILY_NAME, GIVEN_NAMES, BIRTH_DATE, Field::required("vit", "Où vit-il aujourd'hui ?", Kind::Choice(LIVES))],
)
.repeated(Repeat { item: "Enfant", min: 1, max: 10, add: "Ajouter un enfant" })
.intro("Indiquez chaque enfant concerné par votre demande.");

const DECIDED: &[Opt] =
    &[opt("non", "Aucun juge n'a encore statué sur ces questions"), opt("oui", "Un juge a déjà rendu une décision")];

/// What a parent may ask the juge aux affaires familiales.
pub const DEMANDS: &[Opt] = &[
    opt("autorite_parentale", "L'exercice de l'autorité parentale"),
    opt("residence", "La résidence des enfants"),
    opt("droit_de_visite", "Un droit de visite et d'hébergement"),
    opt("pension", "Une pension alimentaire (contribution à l'entretien et à l'éducation des enfants)"),
];

const MEANS: Step = Step::new(
    "ressources",
    "Vos ressources et vos charges",
    &[
        Field::required("revenus", "Vos revenus nets par mois", Kind::Euros)
            .hint("Salaires, pensions, allocations, en euros"),
        Field::optional("logement", "Loyer ou remboursement de prêt immobilier par mois (facultatif)", Kind::Euros),
        Field::optional("autres_charges", "Autres charges par mois (facultatif)", Kind::Euros)
            .hint("Crédits, pensions versées, frais de garde…"),
        Field::optional("precisions", "Précisions (facultatif)", Kind::Text(2000)),
    ],
);

const MEDIATED: &[Opt] = &[
    opt("tentee", "Une médiation familiale a été tentée"),
    opt("dispense", "Une dispense de médiation s'applique à ma situation"),
    opt("non_tentee", "Aucune médiation n'a été tentée"),
];

const EXEMPTIONS: &[Opt] = &[
    opt("violences", "Des violences ont été commises par l'autre parent sur moi ou sur les enfants"),
    opt("accord", "Nous demandons ensemble au juge d'homologuer notre accord"),
    opt("motif_legitime", "Un motif légitime (urgence, éloignement, indisponibilité des médiateurs…)"),
];

const AID: &[Opt] = &[
    opt("non_demandee", "Je ne l'ai pas demandée"),
    opt("demandee", "Je l'ai demandée et j'attends la réponse"),
    opt("accordee", "Elle m'a été accordée"),
];

const COURT: Step = Step::new(
    "juridiction",
    "Le tribunal",
    &[
        Field::required("code_postal_enfants", "Code postal du lieu où vivent les enfants", Kind::PostCode)
            .hint("Le juge compétent est celui du lieu où vivent les enfants. Format attendu : 5 chiffres"),
        Field::optional("juridiction", "Tribunal judiciaire", Kind::Court)
            .hint("Le tribunal est proposé d'après le code postal. Vous pouvez en choisir un autre."),
        Field::required("existe", "Une décision a-t-elle déjà été rendue ?", Kind::Choice(DECIDED)),
        Field::required("date", "Date de la décision", Kind::Date(DateBound::Past))
            .hint("Format attendu : JJ/MM/AAAA")
            .when("existe", &["oui"]),
        Field::required("tribunal", "Tribunal qui l'a rendue", Kind::Line(NAME_MAX)).when("existe", &["oui"]),
    ],
);

const ASKED: Step = Step::new(
    "demandes",
    "Ce que vous demandez",
    &[
        Field::required("demandes", "Vous demandez au juge de fixer", Kind::Choices(DEMANDS)),
        Field::required("montant_pension", "Montant demandé par enfant et par mois", Kind::Euros)
            .hint("En euros, par exemple 150")
            .when("demandes", &["pension"]),
        Field::required("precisions", "Vos demandes en détail", Kind::Text(REASONS_MAX)).hint(
            "Par exemple : la résidence chez vous, un droit de visite un week-end sur deux et la moitié des vacances.",
        ),
        Field::required("motifs", "Pourquoi demandez-vous cela ?", Kind::Text(REASONS_MAX))
            .hint("Expliquez la situation simplement. Le juge lira ce texte."),
    ],
);

const MEDIATION_AND_AID: Step = Step::new("mediation", "La médiation et l'aide juridictionnelle", &[
    Field::required("mediation", "Avant de saisir le juge", Kind::Choice(MEDIATED)).hint(
        "Dans certains tribunaux, une tentative de médiation familiale est obligatoire avant de demander à modifier \
         une décision.",
    ),
    Field::required("date", "Date de la médiation", Kind::Date(DateBound::Past))
        .hint("Format attendu : JJ/MM/AAAA")
        .when("mediation", &["tentee"]),
    Field::required("motif", "Le motif de la dispense", Kind::Choice(EXEMPTIONS)).when("mediation", &["dispense"]),
    Field::required("aide", "L'aide juridictionnelle", Kind::Choice(AID))
        .hint("Elle prend en charge tout ou partie de vos frais de justice si vos ressources sont modestes."),
    Field::required("date_demande", "Date de votre demande d'aide juridictionnelle", Kind::Date(DateBound::Past))
        .hint("Format attendu : JJ/MM/AAAA")
        .when("aide", &["demandee"]),
    Field::required("numero_decision", "Numéro de la décision d'aide juridictionnelle", Kind::Line(50))
        .when("aide", &["accordee"]),
]);

pub const FORM: ProcedureForm = ProcedureForm {
    procedure: Procedure::JugeAuxAffairesFamiliales,
    who_for: "Parents séparés, mariés ou non, qui demandent au juge de fixer ou de modifier l'exercice de l'autorité \
              parentale, la résidence des enfants, le droit de visite et d'hébergement ou la pension alimentaire.",
    prepare: &[
        "l'adresse de l'autre parent, si vous la connaissez",
        "l'acte de naissance de chaque enfant, de moins de 3 mois",
        "votre livret de famille",
        "un justificatif de vos revenus (bulletin de salaire, avis d'imposition)",
        "la décision déjà rendue, s'il y en a une",
    ],
    steps: &[YOU, OTHER_PARENT, CHILDREN, COURT, ASKED, MEANS, MEDIATION_AND_AID],
    court: ("juridiction", "juridiction"),
    court_rule: CourtRule::FromPostCode { step: "juridiction", field: "code_postal_enfants" },
    court_kinds: &[CourtKind::TribunalJudiciaire],
    pieces: &[
        opt("acte_naissance", "Acte de naissance d'un enfant (de moins de 3 mois)"),
        opt("livret_famille", "Livret de famille"),
        opt("revenus", "Justificatif de revenus"),
        opt("decision_anterieure", "Décision déjà rendue"),
        opt("autre", "Autre pièce"),
    ],
};
