//! The shape of the generated world, without I/O: courts across France's
//! time zones, and for each case number its parties, events and documents,
//! drawn from a random stream seeded by the case number so that any slice of
//! the world is the same whatever the slices around it.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use portalis_core::case::CaseStatus;
use portalis_core::court::CourtKind;
use portalis_core::document::DocumentKind;
use portalis_core::event::{EventKind, EventStatus, EventTime};
use portalis_core::party::{PartyKind, Role};

/// How many courts the world has.
pub const COURTS: usize = 170;

/// A small fast random stream (SplitMix64): the generator's only source, so
/// that a seed gives the same world.
pub struct Stream(u64);

impl Stream {
    pub fn new(seed: u64, salt: u64) -> Self {
        let mut s = Stream(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        s.next_u64();
        s
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A whole number in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next_u64() % items.len() as u64) as usize]
    }
}

/// A generated court.
#[derive(Debug, Clone)]
pub struct Court {
    pub code: String,
    pub name: String,
    pub kind: CourtKind,
    pub city: String,
    pub postcode: String,
    pub department: String,
    pub time_zone: Tz,
    /// The 4 characters that open its N° Portalis.
    pub portalis_prefix: String,
}

/// Where courts sit, with how many of the 170 each place gets: most in
/// metropolitan France, the others overseas.
const PLACES: &[(&str, &str, &str, Tz, usize)] = &[
    ("Métropole", "75", "75001", chrono_tz::Europe::Paris, 150),
    ("La Réunion", "974", "97400", chrono_tz::Indian::Reunion, 4),
    ("Guadeloupe", "971", "97100", chrono_tz::America::Guadeloupe, 3),
    ("Martinique", "972", "97200", chrono_tz::America::Martinique, 3),
    ("Guyane", "973", "97300", chrono_tz::America::Cayenne, 2),
    ("Mayotte", "976", "97600", chrono_tz::Indian::Mayotte, 2),
    ("Nouvelle-Calédonie", "988", "98800", chrono_tz::Pacific::Noumea, 2),
    ("Polynésie française", "987", "98714", chrono_tz::Pacific::Tahiti, 2),
    ("Saint-Pierre-et-Miquelon", "975", "97500", chrono_tz::America::Miquelon, 1),
    ("Wallis-et-Futuna", "986", "98600", chrono_tz::Pacific::Wallis, 1),
];

/// The 170 courts: mostly tribunaux judiciaires, some cours d'appel and
/// conseils de prud'hommes.
pub fn courts() -> Vec<Court> {
    let mut out = Vec::with_capacity(COURTS);
    for (place, department, postcode, tz, count) in PLACES {
        for n in 1..=*count {
            let i = out.len();
            let (kind, code_kind, name_kind) = match i % 10 {
                7 => (CourtKind::CourDAppel, "ca", "Cour d'appel"),
                8 => (CourtKind::ConseilDePrudhommes, "cph", "Conseil de prud'hommes"),
                _ => (CourtKind::TribunalJudiciaire, "tj", "Tribunal judiciaire"),
            };
            out.push(Court {
                code: format!("essai-{code_kind}-{:03}", i + 1),
                name: format!("{name_kind} d'essai n° {} ({place})", i + 1),
                kind,
                city: format!("Ville d'essai {n}"),
                postcode: (*postcode).to_owned(),
                department: format!("{department} - {place}"),
                time_zone: *tz,
                portalis_prefix: format!("E{:03}", i + 1),
            });
        }
    }
    debug_assert_eq!(out.len(), COURTS);
    out
}

/// A generated case with everything it holds; ids are given by the writer.
#[derive(Debug, Clone)]
pub struct Case {
    pub court: usize,
    pub case_ref: String,
    pub portalis_number: String,
    pub rg_number: String,
    pub nature_code: &'static str,
    pub nature_label: &'static str,
    pub status: CaseStatus,
    pub filed_on: NaiveDate,
    pub chamber: &'static str,
    pub parties: Vec<Party>,
    pub events: Vec<Event>,
    pub documents: Vec<Document>,
}

#[derive(Debug, Clone)]
pub struct Party {
    pub kind: PartyKind,
    pub given_names: Option<String>,
    pub family_name: Option<String>,
    pub organisation_name: Option<String>,
    pub role: Role,
    pub has_email: bool,
    pub has_mobile: bool,
    pub lawyer: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub struct Event {
    pub kind: EventKind,
    pub starts_at: EventTime,
    pub starts_at_utc: DateTime<Utc>,
    pub label: Option<&'static str>,
    pub room: Option<&'static str>,
    pub status: EventStatus,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub title: &'static str,
    pub kind: DocumentKind,
    pub issued_on: NaiveDate,
    /// The event it belongs to, by position in the case's events.
    pub event: Option<usize>,
    /// Which of the shared files it is (0: 50 KB, 1: 150 KB, 2: 300 KB).
    pub file: usize,
    /// None: every party; Some(i): the case's i-th party only.
    pub addressee: Option<usize>,
}

const NATURES: &[(&str, &str)] = &[
    ("50A", "Demande en paiement du prix ou des frais de la vente"),
    ("51H", "Restitution du dépôt de garantie"),
    ("53B", "Prêt - Demande en remboursement du prêt"),
    ("60A", "Demande en réparation des dommages causés par des véhicules terrestres à moteur"),
    ("64B", "Demande en réparation des dommages causés par l'activité médicale"),
    ("72A", "Demande en paiement des charges ou des contributions (copropriété)"),
    ("80C", "Demande d'indemnités ou de salaires"),
    ("20J", "Divorce par consentement mutuel"),
    ("22A", "Demande relative à la fixation de la résidence habituelle des enfants"),
    ("28A", "Demande en partage, ou contestations relatives au partage"),
];

const CHAMBERS: &[&str] = &[
    "1re chambre civile",
    "2e chambre civile",
    "Chambre sociale",
    "Juge aux affaires familiales",
    "Pôle de proximité",
];
const GIVEN: &[&str] =
    &["Camille", "Dominique", "Claude", "Léa", "Hugo", "Inès", "Jérôme", "Zoé", "Noël", "Gaëlle", "Élodie", "François"];
const FAMILY: &[&str] = &[
    "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU", "LEFÈVRE",
    "FONTAINE",
];
const ORGANISATIONS: &[&str] = &[
    "SA Assurances d'essai",
    "SCI Les Tilleuls",
    "Syndicat des copropriétaires Le Parc",
    "SARL Transports d'essai",
    "Banque d'essai",
];
const LAWYERS: &[&str] = &["Maître DUPONT", "Maître GARNIER", "Maître N'DIAYE", "Maître CHEVALIER"];
const ROOMS: &[&str] = &["Salle 1", "Salle 2", "Salle des audiences civiles", "Salle B - 2e étage"];
const HEARING_LABELS: &[&str] = &[
    "Mise en état",
    "Audience de plaidoiries",
    "Audience d'orientation",
    "Audience de conciliation",
    "Audience de jugement",
];

/// The court (index) of case `i` when it is not a full case: the first draw
/// of its stream, as [`case`] makes it.
pub fn court_of(seed: u64, i: u64, courts: usize) -> usize {
    (Stream::new(seed, i).next_u64() % courts as u64) as usize
}

/// Generates case number `i` of the world, filed before `today`. A full case
/// (for the benchmark's pages) has 4 parties, 30 events and 6 documents.
pub fn case(seed: u64, i: u64, today: NaiveDate, courts: &[Court], full: bool) -> Case {
    let mut r = Stream::new(seed, i);
    let drawn = (r.next_u64() % courts.len() as u64) as usize;
    let court = if full { 0 } else { drawn };
    let c = &courts[court];
    let open = full || r.chance(70);
    let status = if open {
        CaseStatus::EnCours
    } else if r.chance(80) {
        CaseStatus::Cloture
    } else {
        CaseStatus::Radie
    };
    let filed_on = today - Days::new(r.between(60, 1100));
    let (nature_code, nature_label) = *r.pick(NATURES);
    let year = filed_on.format("%y").to_string();

    let party_count = if full { 4 } else { r.between(2, 4) as usize };
    let parties = (0..party_count).map(|p| party(&mut r, p)).collect();

    let event_count = if full { 30 } else { event_count(&mut r) };
    let events = events(&mut r, event_count, filed_on, today, open, c.time_zone);

    let document_count = if full { 6 } else { document_count(&mut r) };
    let documents = documents(&mut r, document_count, &events, filed_on, today, party_count, full);

    Case {
        court,
        case_ref: format!("essai-{i:08}"),
        portalis_number: format!("{}-W-B{year}-{}", c.portalis_prefix, base36(i, 5)),
        rg_number: format!("{year}/{:06}", i % 1_000_000),
        nature_code,
        nature_label,
        status,
        filed_on,
        chamber: CHAMBERS[(r.next_u64() % CHAMBERS.len() as u64) as usize],
        parties,
        events,
        documents,
    }
}

/// 3 to 30, most cases near the low end (mean about 9).
fn event_count(r: &mut Stream) -> usize {
    let u = (r.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    3 + ((-(1.0 - u).ln() * 6.0) as usize).min(27)
}

/// 0 to 6, mean about 2.
fn document_count(r: &mut Stream) -> usize {
    let weights = [20, 25, 20, 15, 10, 6, 4];
    let mut x = r.next_u64() % 100;
    for (n, w) in weights.iter().enumerate() {
        if x < *w {
            return n;
        }
        x -= w;
    }
    6
}

fn party(r: &mut Stream, position: usize) -> Party {
    let role = match position {
        0 => Role::Demandeur,
        1 => Role::Defendeur,
        _ => Role::Intervenant,
    };
    let organisation = position > 0 && r.chance(30);
    Party {
        kind: if organisation { PartyKind::Organisation } else { PartyKind::Person },
        given_names: (!organisation).then(|| (*r.pick(GIVEN)).to_owned()),
        family_name: (!organisation).then(|| (*r.pick(FAMILY)).to_owned()),
        organisation_name: organisation.then(|| (*r.pick(ORGANISATIONS)).to_owned()),
        role,
        has_email: position == 0 || r.chance(85),
        has_mobile: position == 0 || r.chance(70),
        lawyer: r.chance(40).then(|| *r.pick(LAWYERS)),
    }
}

/// The life of a case: a saisine on the filing day, then hearings,
/// convocations, an expertise now and then, a decision for closed cases.
/// Open cases keep their last hearings in the weeks to come.
fn events(r: &mut Stream, count: usize, filed_on: NaiveDate, today: NaiveDate, open: bool, tz: Tz) -> Vec<Event> {
    let span_end = if open { today + Days::new(r.between(7, 120)) } else { today - Days::new(r.between(1, 50)) };
    let span = (span_end - filed_on).num_days().max(count as i64);
    let mut out = Vec::with_capacity(count);
    for j in 0..count {
        let day = filed_on + Days::new((span * j as i64 / count.max(1) as i64) as u64);
        let last = j + 1 == count;
        let kind = if j == 0 {
            EventKind::Saisine
        } else if last && !open {
            EventKind::Decision
        } else if last {
            EventKind::Audience
        } else {
            match r.next_u64() % 10 {
                0..=4 => EventKind::Audience,
                5 | 6 => EventKind::Convocation,
                7 => EventKind::Renvoi,
                8 => EventKind::Expertise,
                _ => EventKind::Audience,
            }
        };
        let starts_at = match kind {
            EventKind::Audience | EventKind::Expertise => {
                let minutes = 8 * 60 + 30 + 15 * r.between(0, 30) as u32;
                EventTime::DateTime(
                    day.and_time(NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0).expect("a time of day")),
                )
            }
            _ => EventTime::Date(day),
        };
        let past = day < today;
        let status = if r.chance(4) {
            EventStatus::Annule
        } else if past {
            EventStatus::Tenu
        } else {
            EventStatus::Prevu
        };
        let hearing = matches!(kind, EventKind::Audience | EventKind::Expertise);
        out.push(Event {
            kind,
            starts_at,
            // 08:30 to 16:00 exist on every day in every zone here.
            starts_at_utc: starts_at.to_utc(tz).unwrap_or_else(|_| day.and_time(NaiveTime::MIN).and_utc()),
            label: hearing.then(|| *r.pick(HEARING_LABELS)),
            room: hearing.then(|| *r.pick(ROOMS)),
            status,
        });
    }
    out
}

fn documents(
    r: &mut Stream,
    count: usize,
    events: &[Event],
    filed_on: NaiveDate,
    today: NaiveDate,
    parties: usize,
    full: bool,
) -> Vec<Document> {
    const TITLES: &[(&str, DocumentKind)] = &[
        ("Convocation à l'audience", DocumentKind::Convocation),
        ("Avis de fixation", DocumentKind::Avis),
        ("Récépissé de dépôt", DocumentKind::Recepisse),
        ("Ordonnance", DocumentKind::Decision),
        ("Avis de renvoi", DocumentKind::Avis),
        ("Pièce communiquée", DocumentKind::Autre),
    ];
    let hearings: Vec<usize> =
        events.iter().enumerate().filter(|(_, e)| e.kind == EventKind::Audience).map(|(i, _)| i).collect();
    (0..count)
        .map(|d| {
            let (title, kind) = if full { TITLES[d] } else { *r.pick(TITLES) };
            let event = (kind == DocumentKind::Convocation && !hearings.is_empty()).then(|| *r.pick(&hearings));
            let issued_on = match event {
                Some(e) => events[e].starts_at.date() - Days::new(30),
                None => filed_on + Days::new(r.between(0, 60)),
            }
            .max(filed_on)
            .min(today);
            // A full case's first document is the 150 KB one the benchmark
            // downloads; others mostly the small file.
            let file = if full && d == 0 {
                1
            } else {
                match r.next_u64() % 10 {
                    0..=5 => 0,
                    6..=8 => 1,
                    _ => 2,
                }
            };
            let addressee = (!full && r.chance(10)).then(|| (r.next_u64() % parties as u64) as usize);
            Document { title, kind, issued_on, event, file, addressee }
        })
        .collect()
}

/// `n` in base 36, upper case, left-padded with zeros to `width`.
fn base36(mut n: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(n % 36) as usize];
        n /= 36;
    }
    String::from_utf8(out).expect("ASCII")
}

/// The identification number of the party with this id: a bijection of the
/// id onto 59 bits written in the numbers' alphabet, so that numbers are
/// unique without a lookup. Predictable, so for benchmark data only.
pub fn identification_number(party_id: i64) -> String {
    use portalis_core::identification_number::{ALPHABET, LENGTH};
    const MASK: u64 = (1 << 59) - 1;
    let mut x = (party_id as u64).wrapping_mul(0x5851_F42D_4C95_7F2D) & MASK;
    let mut out = [b'2'; LENGTH];
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(x % 31) as usize];
        x /= 31;
    }
    String::from_utf8(out.to_vec()).expect("ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;
    use portalis_core::identification_number::IdentificationNumber;
    use portalis_core::portalis_number::PortalisNumber;
    use portalis_core::rg_number::RgNumber;
    use std::collections::HashSet;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
    }

    #[test]
    fn there_are_170_courts_in_ten_time_zones_with_distinct_codes() {
        let courts = courts();
        assert_eq!(courts.len(), 170);
        assert_eq!(courts.iter().map(|c| c.time_zone).collect::<HashSet<_>>().len(), 10);
        assert_eq!(courts.iter().map(|c| &c.code).collect::<HashSet<_>>().len(), 170);
        for c in &courts {
            portalis_core::court::CourtCode::parse(&c.code).unwrap();
        }
    }

    #[test]
    fn a_case_is_the_same_for_the_same_seed_and_number() {
        let courts = courts();
        let a = case(7, 12345, today(), &courts, false);
        let b = case(7, 12345, today(), &courts, false);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{:?}", case(7, 12346, today(), &courts, false)));
    }

    #[test]
    fn generated_cases_stay_within_the_promised_shape_and_parse_as_the_api_would() {
        let courts = courts();
        let (mut events, mut documents) = (0, 0);
        for i in 0..2000 {
            let c = case(1, i, today(), &courts, false);
            assert!((2..=4).contains(&c.parties.len()));
            assert!((3..=30).contains(&c.events.len()));
            assert!(c.documents.len() <= 6);
            PortalisNumber::parse(&c.portalis_number).unwrap();
            RgNumber::parse(&c.rg_number).unwrap();
            assert!(c.events.windows(2).all(|w| w[0].starts_at.date() <= w[1].starts_at.date()));
            events += c.events.len();
            documents += c.documents.len();
        }
        let (events, documents) = (events as f64 / 2000.0, documents as f64 / 2000.0);
        assert!((7.0..11.0).contains(&events), "mean events {events}");
        assert!((1.5..2.5).contains(&documents), "mean documents {documents}");
    }

    #[test]
    fn court_of_tells_the_court_a_case_is_drawn_in() {
        let courts = courts();
        for i in 0..500 {
            assert_eq!(court_of(9, i, courts.len()), case(9, i, today(), &courts, false).court);
        }
    }

    #[test]
    fn a_full_case_has_4_parties_30_events_6_documents_and_a_hearing_to_come() {
        let c = case(1, 3, today(), &courts(), true);
        assert_eq!((c.parties.len(), c.events.len(), c.documents.len()), (4, 30, 6));
        assert_eq!(c.documents[0].file, 1);
        assert!(c.events.iter().any(|e| e.kind == EventKind::Audience && e.starts_at.date() > today()));
    }

    #[test]
    fn identification_numbers_are_valid_and_distinct() {
        let numbers: HashSet<String> = (1..50_000).map(identification_number).collect();
        assert_eq!(numbers.len(), 49_999);
        for n in numbers.iter().take(100) {
            IdentificationNumber::parse(n).unwrap();
        }
    }
}
