//! The demo's cases, parties, events and documents, dated from today.
//!
//! The guide's case: the hearing "Mises en état" is "Dans 1 mois et 26 jours"
//! (4 June 2019 in the guide); every other date of that case keeps its
//! distance to it. Other cases are dated from today.

use crate::import::Record;
use bytes::Bytes;
use chrono::{DateTime, Days, Months, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use portalis_api::documents::Metadata;
use portalis_core::case::CaseStatus;
use portalis_core::document::DocumentKind;
use portalis_core::event::{EventKind, EventStatus, EventTime};
use portalis_core::french;
use portalis_core::party::{PartyKind, Role};
use portalis_core::portalis_number::PortalisNumber;
use portalis_documents::pdf::{self, Line};
use portalis_storage::cases::CaseInput;
use portalis_storage::events::EventInput;
use portalis_storage::parties::PartyInput;

const REUNION: Tz = chrono_tz::Indian::Reunion;
const PARIS: Tz = chrono_tz::Europe::Paris;

/// Today in La Réunion, where the guide's case is heard.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&REUNION).date_naive()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid demo date")
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + chrono::Duration::days(days)
}

fn at(d: NaiveDate, h: u32, m: u32) -> EventTime {
    EventTime::DateTime(d.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("a valid demo time")))
}

#[allow(clippy::too_many_arguments)]
fn case(
    case_ref: &str,
    portalis: &str,
    rg: &str,
    nac: &str,
    label: &str,
    status: CaseStatus,
    filed: NaiveDate,
    chamber: &str,
) -> Record {
    Record::Case {
        case_ref: case_ref.into(),
        input: CaseInput {
            portalis_number: PortalisNumber::parse(portalis).expect("the demo's numbers are valid"),
            rg_number: Some(rg.into()),
            nature_code: nac.into(),
            nature_label: label.into(),
            status,
            filed_on: filed,
            chamber: Some(chamber.into()),
        },
    }
}

struct Person<'a> {
    given: &'a str,
    family: &'a str,
    email: &'a str,
    mobile: &'a str,
}

const MARIE: Person =
    Person { given: "Marie", family: "DELESTABLE", email: "marie.delestable@example.org", mobile: "+262692000042" };
const NICOLAS: Person =
    Person { given: "Nicolas", family: "LARRET", email: "nicolas.larret@example.org", mobile: "+33611223317" };
const SOPHIE: Person =
    Person { given: "Sophie", family: "MARTIN", email: "sophie.martin@example.org", mobile: "+33622334455" };

fn person(case_ref: &str, party_ref: &str, p: &Person<'_>, role: Role, lawyer: Option<&str>) -> Record {
    Record::Party {
        case_ref: case_ref.into(),
        party_ref: party_ref.into(),
        input: PartyInput {
            kind: PartyKind::Person,
            given_names: Some(p.given.into()),
            family_name: Some(p.family.into()),
            organisation_name: None,
            role,
            email: Some(p.email.into()),
            mobile: Some(p.mobile.into()),
            lawyer: lawyer.map(Into::into),
        },
        consent_on: None,
    }
}

fn organisation(case_ref: &str, party_ref: &str, name: &str, role: Role, lawyer: Option<&str>) -> Record {
    Record::Party {
        case_ref: case_ref.into(),
        party_ref: party_ref.into(),
        input: PartyInput {
            kind: PartyKind::Organisation,
            given_names: None,
            family_name: None,
            organisation_name: Some(name.into()),
            role,
            email: None,
            mobile: None,
            lawyer: lawyer.map(Into::into),
        },
        consent_on: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn event(
    tz: Tz,
    case_ref: &str,
    event_ref: &str,
    kind: EventKind,
    starts_at: EventTime,
    label: Option<&str>,
    room: Option<&str>,
    status: EventStatus,
    approved_on: Option<NaiveDate>,
) -> Record {
    Record::Event {
        case_ref: case_ref.into(),
        event_ref: event_ref.into(),
        input: EventInput {
            kind,
            starts_at,
            starts_at_utc: starts_at.to_utc(tz).expect("demo times exist"),
            label: label.map(Into::into),
            room: room.map(Into::into),
            status,
            approved_on,
        },
    }
}

struct Doc<'a> {
    case_ref: &'a str,
    document_ref: &'a str,
    title: &'a str,
    kind: DocumentKind,
    issued_on: NaiveDate,
    event_ref: Option<&'a str>,
    addressees: &'a [&'a str],
}

fn document(d: Doc<'_>, body: &[Line<'_>]) -> Record {
    Record::Document {
        case_ref: d.case_ref.into(),
        document_ref: d.document_ref.into(),
        meta: Metadata {
            title: d.title.into(),
            kind: d.kind,
            issued_on: d.issued_on,
            event_ref: d.event_ref.map(Into::into),
            addressees: d.addressees.iter().map(|s| (*s).into()).collect(),
        },
        file: Bytes::from(pdf::document(d.title, body)),
    }
}

/// The text of a convocation to a hearing.
#[allow(clippy::too_many_arguments)]
fn convocation_pdf(
    court: &str,
    case_number: &str,
    to: &str,
    hearing: NaiveDate,
    time: &str,
    room: &str,
    label: &str,
    issued: NaiveDate,
) -> Vec<String> {
    vec![
        court.to_uppercase(),
        "Convocation à l'audience".into(),
        format!("N° de dossier : {case_number}"),
        format!("Destinataire : {to}"),
        format!("Vous êtes convoqué(e) à l'audience du {} à {time},", french::long_date(hearing)),
        format!("salle {room} ({label})."),
        format!("Établi le {}.", french::date(issued)),
        "Document de démonstration : personnes et affaire fictives.".into(),
    ]
}

fn lines(texts: &[String]) -> Vec<Line<'_>> {
    texts.iter().enumerate().map(|(i, t)| Line { bold: i < 2, size: if i == 0 { 14 } else { 11 }, text: t }).collect()
}

/// Every demo record, grouped by court code.
pub fn records(today: NaiveDate) -> Vec<(&'static str, Vec<Record>)> {
    vec![
        ("tj-saint-denis-reunion", saint_denis(today)),
        ("tj-paris", paris(today)),
        ("cph-lyon", lyon(today)),
        ("tj-bordeaux", bordeaux(today)),
    ]
}

/// The guide's case, and a case where Marie is défendeur.
fn saint_denis(today: NaiveDate) -> Vec<Record> {
    const COURT: &str = "Tribunal judiciaire de Saint-Denis-de-La-Réunion";
    let hearing = today
        .checked_add_months(Months::new(1))
        .and_then(|d| d.checked_add_days(Days::new(26)))
        .expect("a date within range");
    let shift = (hearing - ymd(2019, 6, 4)).num_days();
    let g = |y, m, d| plus(ymd(y, m, d), shift);
    // The guide's approval (11 April 2019) precedes its "today": keep it past.
    let approved = g(2019, 4, 11).min(plus(today, -2));
    let k = "2018-01234";
    let number = "DB3Z-W-B7C-DFW5";
    let tz = REUNION;
    let mut r = vec![
        case(
            k,
            number,
            "18/01234",
            "60A",
            "Demande en réparation des dommages causés par des véhicules terrestres à moteur",
            CaseStatus::EnCours,
            g(2018, 5, 17),
            "1re chambre civile",
        ),
        person(k, "marie-delestable", &MARIE, Role::Demandeur, None),
        person(k, "nicolas-larret", &NICOLAS, Role::Defendeur, Some("Maître Jeanne FONTAINE")),
        event(
            tz,
            k,
            "saisine",
            EventKind::Saisine,
            EventTime::Date(g(2018, 5, 17)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "audience-1",
            EventKind::Audience,
            EventTime::Date(g(2018, 6, 14)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "expertise",
            EventKind::Expertise,
            EventTime::Date(g(2018, 7, 9)),
            Some("Expertise"),
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "audience-2",
            EventKind::Audience,
            EventTime::Date(g(2018, 11, 19)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "mise-en-etat",
            EventKind::Audience,
            at(hearing, 14, 0),
            Some("Mises en état"),
            Some("9"),
            EventStatus::Prevu,
            Some(approved),
        ),
    ];
    let group = [
        ("convocation-demandeur", "Convocation du demandeur", "Marie DELESTABLE"),
        ("convocation-defendeur", "Convocation du défendeur", "Nicolas LARRET"),
        ("convocation-avocat", "Avis à avocat", "Maître Jeanne FONTAINE"),
    ];
    for (doc_ref, title, to) in group {
        let text = convocation_pdf(COURT, number, to, hearing, "14:00", "9", "Mises en état", g(2018, 11, 21));
        r.push(document(
            Doc {
                case_ref: k,
                document_ref: doc_ref,
                title,
                kind: DocumentKind::Convocation,
                issued_on: g(2018, 11, 21),
                event_ref: Some("mise-en-etat"),
                addressees: &[],
            },
            &lines(&text),
        ));
    }
    for (doc_ref, issued) in [("convocation-marie-1", g(2018, 11, 22)), ("convocation-marie-2", g(2018, 11, 28))] {
        let text =
            convocation_pdf(COURT, number, "Madame Marie DELESTABLE", hearing, "14:00", "9", "Mises en état", issued);
        r.push(document(
            Doc {
                case_ref: k,
                document_ref: doc_ref,
                title: "Convocation Marie Delestable",
                kind: DocumentKind::Convocation,
                issued_on: issued,
                event_ref: Some("mise-en-etat"),
                addressees: &["marie-delestable"],
            },
            &lines(&text),
        ));
    }

    let k = "2026-00871";
    let number = "DB3Z-W-B7K-F2M4";
    let orientation = plus(today, 20);
    r.extend([
        case(
            k,
            number,
            "26/00871",
            "72A",
            "Demande en paiement des charges ou des contributions (copropriété)",
            CaseStatus::EnCours,
            plus(today, -45),
            "Chambre de proximité",
        ),
        organisation(
            k,
            "syndicat-flamboyants",
            "Syndicat des copropriétaires de la résidence Les Flamboyants",
            Role::Demandeur,
            Some("Maître Paul HOARAU"),
        ),
        person(k, "marie-delestable", &MARIE, Role::Defendeur, None),
        event(
            tz,
            k,
            "saisine",
            EventKind::Saisine,
            EventTime::Date(plus(today, -45)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "orientation",
            EventKind::Audience,
            at(orientation, 9, 30),
            Some("Audience d'orientation"),
            Some("3"),
            EventStatus::Prevu,
            None,
        ),
    ]);
    let text = convocation_pdf(
        COURT,
        number,
        "Madame Marie DELESTABLE",
        orientation,
        "09:30",
        "3",
        "Audience d'orientation",
        plus(today, -30),
    );
    r.push(document(
        Doc {
            case_ref: k,
            document_ref: "avis-audience",
            title: "Avis de fixation d'audience",
            kind: DocumentKind::Avis,
            issued_on: plus(today, -30),
            event_ref: Some("orientation"),
            addressees: &[],
        },
        &lines(&text),
    ));
    r
}

/// A closed case of Marie's, in metropolitan France.
fn paris(today: NaiveDate) -> Vec<Record> {
    let k = "2025-04410";
    let tz = PARIS;
    let decided = plus(today, -250);
    let judgment = vec![
        "TRIBUNAL JUDICIAIRE DE PARIS".to_owned(),
        "Jugement".to_owned(),
        "N° de dossier : DBPA-W-B7F-C81Q".to_owned(),
        format!("Rendu le {}.", french::long_date(decided)),
        "Le tribunal ordonne la restitution du dépôt de garantie.".to_owned(),
        "Document de démonstration : personnes et affaire fictives.".to_owned(),
    ];
    vec![
        case(
            k,
            "DBPA-W-B7F-C81Q",
            "25/04410",
            "51H",
            "Restitution du dépôt de garantie",
            CaseStatus::Cloture,
            plus(today, -400),
            "Pôle civil de proximité",
        ),
        person(k, "marie-delestable", &MARIE, Role::Demandeur, None),
        organisation(k, "sci-tilleuls", "SCI Les Tilleuls", Role::Defendeur, None),
        event(
            tz,
            k,
            "saisine",
            EventKind::Saisine,
            EventTime::Date(plus(today, -400)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "plaidoirie",
            EventKind::Audience,
            at(plus(today, -300), 10, 0),
            Some("Audience de plaidoirie"),
            Some("2.04"),
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "jugement",
            EventKind::Decision,
            EventTime::Date(decided),
            Some("Jugement"),
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "cloture",
            EventKind::Cloture,
            EventTime::Date(plus(decided, 1)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        document(
            Doc {
                case_ref: k,
                document_ref: "jugement",
                title: "Jugement",
                kind: DocumentKind::Decision,
                issued_on: decided,
                event_ref: Some("jugement"),
                addressees: &[],
            },
            &lines(&judgment),
        ),
    ]
}

/// Nicolas's case before the conseil de prud'hommes.
fn lyon(today: NaiveDate) -> Vec<Record> {
    let k = "F-26-00139";
    let tz = PARIS;
    vec![
        case(
            k,
            "DBLY-W-B7K-A3C9",
            "F 26/00139",
            "80C",
            "Demande d'indemnités ou de salaires",
            CaseStatus::EnCours,
            plus(today, -60),
            "Section commerce",
        ),
        person(k, "nicolas-larret", &NICOLAS, Role::Demandeur, None),
        organisation(
            k,
            "transports-rhone-alpes",
            "SAS Transports Rhône-Alpes",
            Role::Defendeur,
            Some("Maître Claire DUVAL"),
        ),
        event(
            tz,
            k,
            "saisine",
            EventKind::Saisine,
            EventTime::Date(plus(today, -60)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "conciliation",
            EventKind::Audience,
            at(plus(today, 35), 10, 0),
            Some("Bureau de conciliation et d'orientation"),
            Some("B"),
            EventStatus::Prevu,
            None,
        ),
    ]
}

/// Sophie's family case.
fn bordeaux(today: NaiveDate) -> Vec<Record> {
    let k = "2026-02117";
    let tz = PARIS;
    vec![
        case(
            k,
            "DBBX-W-B7K-D7T2",
            "26/02117",
            "22A",
            "Demande de modification de l'exercice de l'autorité parentale ou de la résidence habituelle des enfants mineurs (après divorce ou séparation de corps)",
            CaseStatus::EnCours,
            plus(today, -20),
            "Juge aux affaires familiales",
        ),
        person(k, "sophie-martin", &SOPHIE, Role::Requerant, None),
        person(
            k,
            "thomas-martin",
            &Person { given: "Thomas", family: "MARTIN", email: "thomas.martin@example.org", mobile: "+33633445566" },
            Role::Defendeur,
            None,
        ),
        event(
            tz,
            k,
            "saisine",
            EventKind::Saisine,
            EventTime::Date(plus(today, -20)),
            None,
            None,
            EventStatus::Tenu,
            None,
        ),
        event(
            tz,
            k,
            "audience-jaf",
            EventKind::Audience,
            at(plus(today, 12), 14, 30),
            Some("Audience du juge aux affaires familiales"),
            Some("JAF 2"),
            EventStatus::Prevu,
            None,
        ),
    ]
}

/// A notice published while the demo runs (its reference carries the
/// minute, so a later run publishes a new one).
pub fn later_document(today: NaiveDate, now: DateTime<Utc>) -> Record {
    let text = vec![
        "TRIBUNAL JUDICIAIRE DE SAINT-DENIS-DE-LA-RÉUNION".to_owned(),
        "Avis au demandeur".to_owned(),
        "N° de dossier : DB3Z-W-B7C-DFW5".to_owned(),
        "Destinataire : Madame Marie DELESTABLE".to_owned(),
        "Le rapport d'expertise a été déposé au greffe.".to_owned(),
        format!("Établi le {}.", french::date(today)),
        "Document de démonstration : personnes et affaire fictives.".to_owned(),
    ];
    let reference = format!("avis-expertise-{}", now.format("%Y%m%d%H%M"));
    document(
        Doc {
            case_ref: "2018-01234",
            document_ref: &reference,
            title: "Avis de dépôt du rapport d'expertise",
            kind: DocumentKind::Avis,
            issued_on: today,
            event_ref: Some("expertise"),
            addressees: &["marie-delestable"],
        },
        &lines(&text),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn hearing(records: &[Record]) -> EventTime {
        records
            .iter()
            .find_map(|r| match r {
                Record::Event { event_ref, input, .. } if event_ref == "mise-en-etat" => Some(input.starts_at),
                _ => None,
            })
            .unwrap()
    }

    #[test]
    fn the_guides_hearing_is_one_month_and_twenty_six_days_ahead_at_two_pm() {
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 8, 0, 0).unwrap();
        let today = today(now);
        let r = saint_denis(today);
        assert_eq!(hearing(&r).to_api_string(), "2027-01-21T14:00");
    }

    #[test]
    fn every_demo_date_of_the_guides_case_keeps_its_distance_to_the_hearing() {
        let r = saint_denis(ymd(2019, 4, 9));
        assert_eq!(hearing(&r).to_api_string(), "2019-06-04T14:00");
        let filed = r.iter().find_map(|r| match r {
            Record::Case { input, .. } => Some(input.filed_on),
            _ => None,
        });
        assert_eq!(filed, Some(ymd(2018, 5, 17)));
    }
}
