//! `portalis bench-data`: fills an empty database with a generated world for
//! load benchmarks — 170 courts, the cases asked for, their parties, events
//! and documents (metadata; the files are three real PDFs of 50, 150 and
//! 300 KB that every document shares), and accounts attached to 1 to 8
//! cases each, whose people the FranceConnect simulator signs in
//! (`PORTALIS_FC_SIM_POPULATION`).
//!
//! The first accounts are the benchmark's: 5 cases each, every one "full"
//! (4 parties, 30 events, 6 documents). A manifest names them for the
//! benchmark script. Identification numbers are predictable: the data is
//! for benchmarks only, and the command refuses a database that holds
//! cases already.

pub mod world;

use crate::app::Services;
use anyhow::{Context, bail};
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use portalis_core::court::CourtCode;
use portalis_documents::pdf::{self, Line};
use portalis_storage::bulk::{self, Rows};
use portalis_storage::courts::{self, CourtInput};
use portalis_storage::time::{date, instant, time_of_day};
use serde::Serialize;
use std::time::Instant;
use world::Stream;

/// Cases written per transaction.
const CHUNK: u64 = 2_000;

/// What the benchmark needs to know of the world.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub cases: u64,
    pub users: u64,
    /// `PORTALIS_FC_SIM_POPULATION` must be at least this.
    pub population: u64,
    pub seed: u64,
    /// The NIRs of the benchmark's accounts (5 full cases each).
    pub bench_nirs: Vec<String>,
    /// The court of the full cases, for the API benchmark, and refs of its
    /// other cases (at most 1,000), which the API benchmark writes into: the
    /// benchmark accounts' cases stay as generated, whatever was written
    /// before.
    pub api_court: String,
    pub api_case_refs: Vec<String>,
    pub seconds: f64,
}

/// The three shared files: (storage key, sha256, size).
struct Files([(String, String, i64); 3]);

/// Fills the database. The accounts belong to the configured FranceConnect
/// issuer and client (`PORTALIS_FC_ISSUER`, `PORTALIS_FC_CLIENT_ID`), the ones
/// the portal will use with the simulator, so that they are the accounts its
/// people sign in to.
pub async fn run(services: &Services, cases: u64, seed: u64) -> anyhow::Result<Manifest> {
    let started = Instant::now();
    if cases < 5 {
        bail!("--cases must be at least 5");
    }
    let issuer = services.config.franceconnect.issuer.clone().context(
        "set PORTALIS_FC_ISSUER to the simulator's issuer (http://HOST:PORT/api/v2): the generated accounts belong to it",
    )?;
    let client_id = services.config.franceconnect.client_id.clone();
    let now = services.clock.now();
    let today = now.date_naive();
    {
        let mut conn = services.db.read().await?;
        if bulk::max_id(&mut conn, "cases").await? > 0 {
            bail!("the database holds cases already: bench-data fills an empty database only");
        }
    }

    let court_list = world::courts();
    let court_ids = put_courts(services, &court_list, now).await?;
    let files = put_files(services).await?;

    let bench_users = (cases / 50).clamp(1, 1_000);
    let full_cases = bench_users * 5;
    // On PostgreSQL the server's work on the rows is the load's bottleneck
    // (one backend at 95 % of a core, the generator at 15 %): chunks are
    // written by two connections at once, each chunk in its own
    // transaction. A chunk refers to its own rows, but for an account
    // opened in the chunk before (whose cases straddle the two), which a
    // foreign key check of the other transaction would not see before it
    // commits: each chunk's accounts are written and committed first, one
    // chunk after the other, and the rest in the background. SQLite has
    // one writer.
    let writers = match services.db.backend() {
        portalis_storage::Backend::Postgres => 2,
        portalis_storage::Backend::Sqlite => 1,
    };
    let mut conn = bulk::load_connection(&services.db).await?;
    let mut next = Ids {
        case: bulk::max_id(&mut conn, "cases").await? + 1,
        party: bulk::max_id(&mut conn, "parties").await? + 1,
        event: bulk::max_id(&mut conn, "events").await? + 1,
        document: bulk::max_id(&mut conn, "documents").await? + 1,
        attachment: bulk::max_id(&mut conn, "attachments").await? + 1,
    };
    let accounts = Accounts {
        issuer: &issuer,
        client_id: &client_id,
        now: instant(now),
        first_id: bulk::max_id(&mut conn, "users").await? + 1,
    };
    let mut users = UserStream::new(seed, bench_users);
    let mut idle = vec![conn];
    for _ in 1..writers {
        idle.push(bulk::load_connection(&services.db).await?);
    }
    let mut writing = tokio::task::JoinSet::new();
    let mut start = 0;
    while start < cases {
        let end = (start + CHUNK).min(cases);
        let mut rows = Batch::new();
        for i in start..end {
            let case = world::case(seed, i, today, &court_list, i < full_cases);
            let owner = users.owner_of(i);
            rows.add(&case, court_ids[case.court], &files, &mut next, owner, &accounts, now);
        }
        rows.add_users(&mut users, &accounts, &mut next);
        let mut conn = match idle.pop() {
            Some(conn) => conn,
            None => writing.join_next().await.expect("a chunk being written")??,
        };
        let mut tx = bulk::begin(&mut conn).await?;
        rows.write_accounts(&mut tx).await?;
        bulk::commit(tx).await?;
        writing.spawn(async move {
            let mut tx = bulk::begin(&mut conn).await?;
            rows.write(&mut tx).await?;
            bulk::commit(tx).await?;
            Ok::<_, anyhow::Error>(conn)
        });
        start = end;
        if start % 100_000 == 0 || start == cases {
            println!("{start} cases generated ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    while let Some(written) = writing.join_next().await {
        written??;
    }
    drop(idle);
    // The bulk rows recorded no change one by one: a portal already running
    // on this database forgets what its page cache holds, and its reminders'
    // sweep reads every hearing again.
    let mut tx = services.db.begin().await?;
    portalis_storage::changes::everything_changed(&mut tx).await?;
    portalis_storage::reminder_sweeps::recheck_every_case(&mut tx).await?;
    portalis_storage::commit(tx).await?;
    bulk::finish(&services.db, &["courts", "cases", "parties", "events", "documents", "users", "attachments"]).await?;
    bulk::analyze(&services.db, &["party_words", "party_word_pairs"]).await?;

    let api_court = court_list[0].code.clone();
    Ok(Manifest {
        cases,
        users: users.created,
        population: users.created,
        seed,
        bench_nirs: (0..bench_users as usize).map(portalis_fc_sim::population_nir).collect(),
        api_court,
        api_case_refs: (full_cases..cases)
            .filter(|i| world::court_of(seed, *i, court_list.len()) == 0)
            .take(1_000)
            .map(|i| format!("essai-{i:08}"))
            .collect(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

async fn put_courts(services: &Services, list: &[world::Court], now: DateTime<Utc>) -> anyhow::Result<Vec<i64>> {
    let mut tx = services.db.begin().await?;
    let mut ids = Vec::with_capacity(list.len());
    for c in list {
        let input = CourtInput {
            code: CourtCode::parse(&c.code).map_err(|e| anyhow::anyhow!("{e}"))?,
            name: c.name.clone(),
            kind: c.kind,
            address: "Adresse d'essai".into(),
            postcode: c.postcode.clone(),
            city: c.city.clone(),
            department: c.department.clone(),
            phone: Some("01 00 00 00 00 (numéro d'essai)".into()),
            email: Some(format!("sauj.{}@essai.example.org", c.code)),
            sauj_hours: Some("Du lundi au vendredi, de 9 h 00 à 12 h 00 (horaires d'essai)".into()),
            time_zone: c.time_zone,
        };
        ids.push(courts::put(&mut tx, &input, now).await?.0.id);
    }
    portalis_storage::commit(tx).await?;
    Ok(ids)
}

/// Three real PDFs, padded to 50, 150 and 300 KB.
async fn put_files(services: &Services) -> anyhow::Result<Files> {
    let mut out = Vec::new();
    for (title, kb) in
        [("Document d'essai (50 Ko)", 50), ("Convocation d'essai (150 Ko)", 150), ("Décision d'essai (300 Ko)", 300)]
    {
        let lines = [
            Line { bold: true, size: 16, text: title },
            Line { bold: false, size: 11, text: "Document généré pour les mesures de performance du portail." },
        ];
        let bytes = pdf::padded(title, &lines, kb * 1024);
        let size = bytes.len() as i64;
        let stored = services.documents.put(Bytes::from(bytes)).await?;
        out.push((stored.key, stored.sha256, size));
    }
    let [a, b, c]: [(String, String, i64); 3] = out.try_into().map_err(|_| anyhow::anyhow!("three files"))?;
    Ok(Files([a, b, c]))
}

struct Ids {
    case: i64,
    party: i64,
    event: i64,
    document: i64,
    attachment: i64,
}

struct Accounts<'a> {
    issuer: &'a str,
    client_id: &'a str,
    now: String,
    /// Accounts are numbered in the order they are handed out: an account's
    /// id is this plus its population index.
    first_id: i64,
}

/// Who owns which case: the benchmark's accounts take the full cases five
/// by five; then six cases in ten go, in order, to accounts that each want
/// 1 to 8.
struct UserStream {
    bench_users: u64,
    stream: Stream,
    current: u64,
    wanted: u64,
    taken: u64,
    /// Accounts handed out so far (their rows are written with the batch).
    created: u64,
    /// Accounts handed out in this batch, not written yet.
    pending: Vec<u64>,
}

impl UserStream {
    fn new(seed: u64, bench_users: u64) -> Self {
        Self {
            bench_users,
            stream: Stream::new(seed, u64::MAX),
            current: 0,
            wanted: 0,
            taken: 0,
            created: 0,
            pending: Vec::new(),
        }
    }

    /// The account (population index) the case's first party is attached
    /// to, if any.
    fn owner_of(&mut self, case: u64) -> Option<u64> {
        let k = if case < self.bench_users * 5 {
            case / 5
        } else {
            if !self.stream.chance(60) {
                return None;
            }
            if self.taken == self.wanted || self.current < self.bench_users {
                self.current = self.created.max(self.bench_users);
                self.wanted = self.stream.between(1, 8);
                self.taken = 0;
            }
            self.taken += 1;
            self.current
        };
        if k == self.created {
            self.pending.push(k);
            self.created += 1;
        }
        Some(k)
    }
}

/// The rows of one transaction.
struct Batch {
    cases: Rows,
    parties: Rows,
    /// What the staff's search finds each party by: its words, and the
    /// pairs of its words.
    party_words: Rows,
    party_word_pairs: Rows,
    events: Rows,
    documents: Rows,
    addressees: Rows,
    users: Rows,
    attachments: Rows,
    /// (population index, party id) waiting for the account's id.
    owned: Vec<(u64, i64)>,
}

impl Batch {
    fn new() -> Self {
        Self {
            cases: Rows::new(
                "cases",
                &[
                    "id",
                    "court_id",
                    "case_ref",
                    "portalis_number",
                    "rg_number",
                    "nature_code",
                    "nature_label",
                    "status",
                    "filed_on",
                    "chamber",
                    "created_at",
                    "updated_at",
                ],
            ),
            parties: Rows::new(
                "parties",
                &[
                    "id",
                    "case_id",
                    "party_ref",
                    "kind",
                    "given_names",
                    "family_name",
                    "organisation_name",
                    "role",
                    "email",
                    "mobile",
                    "lawyer",
                    "identification_number",
                    "number_issued_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            party_words: Rows::new("party_words", &["word", "party_id"]),
            party_word_pairs: Rows::new("party_word_pairs", &["pair", "party_id"]),
            events: Rows::new(
                "events",
                &[
                    "id",
                    "case_id",
                    "event_ref",
                    "kind",
                    "starts_on",
                    "starts_time",
                    "starts_at_utc",
                    "label",
                    "room",
                    "status",
                    "created_at",
                    "updated_at",
                ],
            ),
            documents: Rows::new(
                "documents",
                &[
                    "id",
                    "case_id",
                    "document_ref",
                    "title",
                    "kind",
                    "issued_on",
                    "event_id",
                    "content_type",
                    "size_bytes",
                    "sha256",
                    "storage_key",
                    "all_parties",
                    "published_at",
                    "created_at",
                    "updated_at",
                ],
            ),
            addressees: Rows::new("document_addressees", &["document_id", "party_id"]),
            users: Rows::new(
                "users",
                &[
                    "id",
                    "issuer",
                    "subject",
                    "given_name",
                    "family_name",
                    "birthdate",
                    "email",
                    "created_at",
                    "last_login_at",
                ],
            ),
            attachments: Rows::new("attachments", &["id", "user_id", "party_id", "attached_at"]),
            owned: Vec::new(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        c: &world::Case,
        court_id: i64,
        files: &Files,
        next: &mut Ids,
        owner: Option<u64>,
        accounts: &Accounts<'_>,
        now: DateTime<Utc>,
    ) {
        let case_id = next.case;
        next.case += 1;
        let now_text = &accounts.now;
        let filed = instant(c.filed_on.and_time(NaiveTime::from_hms_opt(9, 0, 0).expect("9:00")).and_utc());
        self.cases.push(vec![
            case_id.into(),
            court_id.into(),
            c.case_ref.as_str().into(),
            c.portalis_number.as_str().into(),
            c.rg_number.as_str().into(),
            c.nature_code.into(),
            c.nature_label.into(),
            c.status.code().into(),
            date(c.filed_on).into(),
            c.chamber.into(),
            now_text.as_str().into(),
            now_text.as_str().into(),
        ]);
        let first_party = next.party;
        for (p, party) in c.parties.iter().enumerate() {
            let id = next.party;
            next.party += 1;
            let names =
                (party.family_name.as_deref(), party.given_names.as_deref(), party.organisation_name.as_deref());
            let words = portalis_core::search::party_words(names.0, names.1, names.2);
            for pair in portalis_core::search::party_pair_keys(&words) {
                self.party_word_pairs.push(vec![pair.into(), id.into()]);
            }
            for word in words {
                self.party_words.push(vec![word.into(), id.into()]);
            }
            self.parties.push(vec![
                id.into(),
                case_id.into(),
                format!("p{}", p + 1).into(),
                party.kind.code().into(),
                party.given_names.clone().into(),
                party.family_name.clone().into(),
                party.organisation_name.clone().into(),
                party.role.code().into(),
                party.has_email.then(|| format!("partie{id}@essai.example.org")).into(),
                party.has_mobile.then(|| format!("+336{:08}", id % 100_000_000)).into(),
                party.lawyer.into(),
                world::identification_number(id).into(),
                filed.as_str().into(),
                now_text.as_str().into(),
                now_text.as_str().into(),
            ]);
        }
        if let Some(k) = owner {
            self.owned.push((k, first_party));
        }
        let first_event = next.event;
        for (j, e) in c.events.iter().enumerate() {
            self.events.push(vec![
                next.event.into(),
                case_id.into(),
                format!("e{}", j + 1).into(),
                e.kind.code().into(),
                date(e.starts_at.date()).into(),
                e.starts_at.time().map(time_of_day).into(),
                instant(e.starts_at_utc).into(),
                e.label.into(),
                e.room.into(),
                e.status.code().into(),
                now_text.as_str().into(),
                now_text.as_str().into(),
            ]);
            next.event += 1;
        }
        for (d, doc) in c.documents.iter().enumerate() {
            let id = next.document;
            next.document += 1;
            let (key, sha, size) = &files.0[doc.file];
            let published = published_at(doc.issued_on, now);
            self.documents.push(vec![
                id.into(),
                case_id.into(),
                format!("d{}", d + 1).into(),
                doc.title.into(),
                doc.kind.code().into(),
                date(doc.issued_on).into(),
                doc.event.map(|e| first_event + e as i64).into(),
                "application/pdf".into(),
                (*size).into(),
                sha.as_str().into(),
                key.as_str().into(),
                i64::from(doc.addressee.is_none()).into(),
                published.into(),
                now_text.as_str().into(),
                now_text.as_str().into(),
            ]);
            if let Some(a) = doc.addressee {
                self.addressees.push(vec![id.into(), (first_party + a as i64).into()]);
            }
        }
    }

    /// The accounts handed out in this batch, then the attachments (which
    /// need the accounts' ids).
    fn add_users(&mut self, users: &mut UserStream, accounts: &Accounts<'_>, next: &mut Ids) {
        for k in users.pending.drain(..) {
            let nir = portalis_fc_sim::population_nir(k as usize);
            self.users.push(vec![
                (accounts.first_id + k as i64).into(),
                accounts.issuer.into(),
                portalis_fc_sim::subject(accounts.client_id, &nir).into(),
                "Camille".into(),
                format!("ESSAI-{k}").into(),
                "1990-01-01".into(),
                format!("usager{k}@essai.example.org").into(),
                accounts.now.as_str().into(),
                accounts.now.as_str().into(),
            ]);
        }
        for (k, party_id) in self.owned.drain(..) {
            self.attachments.push(vec![
                next.attachment.into(),
                (accounts.first_id + k as i64).into(),
                party_id.into(),
                accounts.now.as_str().into(),
            ]);
            next.attachment += 1;
        }
    }

    /// Writes the accounts opened in this chunk (then left out of
    /// [`Batch::write`]).
    async fn write_accounts(&mut self, conn: &mut portalis_storage::Conn) -> anyhow::Result<()> {
        self.users.flush(conn).await?;
        Ok(())
    }

    async fn write(&mut self, conn: &mut portalis_storage::Conn) -> anyhow::Result<()> {
        self.cases.flush(conn).await?;
        self.parties.flush(conn).await?;
        self.party_words.flush(conn).await?;
        self.party_word_pairs.flush(conn).await?;
        self.events.flush(conn).await?;
        self.documents.flush(conn).await?;
        self.addressees.flush(conn).await?;
        self.users.flush(conn).await?;
        self.attachments.flush(conn).await?;
        Ok(())
    }
}

/// Documents are published the morning they are issued, never in the
/// future.
fn published_at(issued_on: NaiveDate, now: DateTime<Utc>) -> String {
    let t = issued_on.and_time(NaiveTime::from_hms_opt(8, 0, 0).expect("8:00")).and_utc();
    instant(t.min(now))
}
