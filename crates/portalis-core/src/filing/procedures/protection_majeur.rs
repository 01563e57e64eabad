//! Requête dans une mesure de protection d'un majeur (tutelle, curatelle,
//! habilitation familiale): the person protected or the one who protects
//! him asks the juge des contentieux de la protection to authorise an act.

use super::common::{ADDRESS, BIRTH_DATE, EMAIL, FAMILY_NAME, GIVEN_NAMES, MOBILE, POSTCODE, REASONS_MAX, TOWN};
use crate::court::CourtKind;
use crate::filing::Procedure;
use crate::filing::form::{CourtRule, Field, ProcedureForm, Step};
use crate::filing::values::{Kind, Opt};

const fn opt(code: &'static str, label: &'static str) -> Opt {
    Opt { code, label }
}

const ROLES: &[Opt] = &[
    opt("tuteur", "Tuteur"),
    opt("curateur", "Curateur"),
    opt("personne_protegee", "La personne protégée elle-même"),
    opt("famille", "Un membre de sa famille (habilitation familiale)"),
];

const YOU: Step = Step::new(
    "vous",
    "Vous",
    &[Field::required("role", "Vous êtes", Kind::Choice(ROLES)), ADDRESS, POSTCODE, TOWN, EMAIL, MOBILE],
)
.with_identity()
.intro("Votre identité vient de FranceConnect et ne peut pas être modifiée ici.");

const MEASURES: &[Opt] = &[
    opt("tutelle", "Tutelle"),
    opt("curatelle", "Curatelle"),
    opt("curatelle_renforcee", "Curatelle renforcée"),
    opt("habilitation_familiale", "Habilitation familiale"),
];

const PROTECTED: Step = Step::new(
    "personne_protegee",
    "La personne protégée et la mesure",
    &[
        FAMILY_NAME,
        GIVEN_NAMES,
        BIRTH_DATE,
        Field::required("mesure", "La mesure de protection", Kind::Choice(MEASURES)),
        Field::required("reference", "Référence de la mesure", Kind::Line(50))
            .hint("Le numéro du dossier au tribunal, sur le jugement qui a ouvert la mesure."),
        Field::required("juridiction", "Tribunal qui suit la mesure", Kind::Court),
    ],
);

/// The acts a judge authorises within a measure.
pub const ACTS: &[Opt] = &[
    opt("vente", "Vendre un bien (logement, terrain…)"),
    opt("compte_bancaire", "Ouvrir ou fermer un compte bancaire"),
    opt("epargne", "Retirer des fonds d'une épargne"),
    opt("assurance_vie", "Souscrire, modifier ou racheter une assurance vie"),
    opt("emprunt", "Emprunter"),
    opt("succession", "Renoncer à une succession"),
    opt("autre", "Un autre acte"),
];

const ACT: Step = Step::new(
    "acte",
    "L'acte demandé",
    &[
        Field::required("acte", "Vous demandez l'autorisation de", Kind::Choice(ACTS)),
        Field::required("autre_acte", "L'acte demandé", Kind::Line(200)).when("acte", &["autre"]),
        Field::optional("montant", "Montant concerné (facultatif)", Kind::Euros).hint("En euros, par exemple 180000"),
        Field::required(
            "motifs",
            "Pourquoi cet acte est-il dans l'intérêt de la personne protégée ?",
            Kind::Text(REASONS_MAX),
        ),
    ],
);

pub const FORM: ProcedureForm = ProcedureForm {
    procedure: Procedure::ProtectionMajeur,
    who_for: "Tuteurs, curateurs, personnes habilitées et personnes protégées qui demandent au juge l'autorisation \
              d'un acte : vendre un bien, ouvrir ou fermer un compte, retirer des fonds, renoncer à une succession…",
    prepare: &[
        "la référence de la mesure (sur le jugement qui l'a ouverte)",
        "pour une vente, deux estimations du bien",
        "les relevés des comptes concernés",
    ],
    steps: &[YOU, PROTECTED, ACT],
    court: ("personne_protegee", "juridiction"),
    court_rule: CourtRule::Chosen,
    court_kinds: &[CourtKind::TribunalJudiciaire, CourtKind::ChambreDeProximite],
    pieces: &[
        opt("estimation", "Estimation du bien (deux pour une vente)"),
        opt("releve", "Relevé de compte"),
        opt("jugement", "Jugement ouvrant la mesure"),
        opt("autre", "Autre pièce"),
    ],
};
