//! Bulk loads: a court's records from NDJSON (the API's shapes, one record a
//! line), and the court directory from CSV. Both validate everything before
//! writing anything, then write in one transaction: a file with one bad line
//! loads nothing.

use crate::app::Services;
use anyhow::{Context, bail};
use bytes::Bytes;
use chrono_tz::Tz;
use portalis_api::fields::Fields;
use portalis_api::problem::ApiError;
use portalis_core::court::{CourtCode, CourtKind, parse_time_zone};
use portalis_core::document::check_pdf;
use portalis_core::postcode::{PostCode, parse_territory};
use portalis_storage::cases::Case;
use portalis_storage::cases::CaseInput;
use portalis_storage::courts::{Court, CourtInput};
use portalis_storage::events::EventInput;
use portalis_storage::parties::PartyInput;
use portalis_storage::{Conn, Outcome, Tx, audit, cases, courts};
use portalis_usecases::Origin;
use portalis_usecases::publish::Publisher;
use serde_json::{Map, Value};
use std::path::Path;

/// One record of an NDJSON import, parsed.
#[derive(Debug, Clone)]
pub enum Record {
    Case { case_ref: String, input: CaseInput },
    Party { case_ref: String, party_ref: String, input: PartyInput, consent_on: Option<chrono::NaiveDate> },
    Event { case_ref: String, event_ref: String, input: EventInput },
    Document { case_ref: String, document_ref: String, meta: portalis_api::documents::Metadata, file: Bytes },
}

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Summary {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Unchanged => self.unchanged += 1,
        }
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} created, {} updated, {} unchanged", self.created, self.updated, self.unchanged)
    }
}

fn describe(e: ApiError) -> String {
    match e {
        ApiError::Invalid(errors) => {
            errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
        }
        ApiError::BadRequest(d) | ApiError::TooLarge(d) | ApiError::UnsupportedMediaType(d) | ApiError::Internal(d) => {
            d
        }
        ApiError::NotFound(what) => format!("no such {what}"),
        other => format!("{other:?}"),
    }
}

fn take_ref(o: &mut Map<String, Value>, name: &str) -> Result<String, String> {
    match o.remove(name) {
        Some(Value::String(s)) if !s.is_empty() && s.len() <= 100 && !s.chars().any(char::is_whitespace) => Ok(s),
        Some(_) => Err(format!("{name}: a reference has 1 to 100 printable characters and no spaces")),
        None => Err(format!("{name}: is required")),
    }
}

/// Parses one NDJSON line. `base` is the directory that documents' `file`
/// paths are relative to.
pub fn parse_line(line: &str, tz: Tz, base: &Path) -> Result<Record, String> {
    let mut o = match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(o)) => o,
        Ok(_) => return Err("a record is a JSON object".into()),
        Err(e) => return Err(format!("not valid JSON: {e}")),
    };
    let kind = match o.remove("type") {
        Some(Value::String(t)) => t,
        _ => return Err("type: is required (case, party, event or document)".into()),
    };
    let case_ref = take_ref(&mut o, "case_ref")?;
    let rest = Fields::of;
    match kind.as_str() {
        "case" => {
            let input = portalis_api::cases::parse_case(rest(o)).map_err(describe)?;
            Ok(Record::Case { case_ref, input })
        }
        "party" => {
            let party_ref = take_ref(&mut o, "party_ref")?;
            let (input, consent_on) = portalis_api::parties::parse_party(rest(o)).map_err(describe)?;
            Ok(Record::Party { case_ref, party_ref, input, consent_on })
        }
        "event" => {
            let event_ref = take_ref(&mut o, "event_ref")?;
            let input = portalis_api::events::parse_event(rest(o), tz).map_err(describe)?;
            Ok(Record::Event { case_ref, event_ref, input })
        }
        "document" => {
            let document_ref = take_ref(&mut o, "document_ref")?;
            let file = match o.remove("file") {
                Some(Value::String(p)) => base.join(p),
                _ => return Err("file: is required (a path relative to the NDJSON file)".into()),
            };
            let meta = o.remove("metadata").ok_or("metadata: is required")?;
            if let Some(k) = o.keys().next() {
                return Err(format!("{k}: is not a known field"));
            }
            let Value::Object(meta) = meta else { return Err("metadata: must be a JSON object".into()) };
            let meta = portalis_api::documents::parse_metadata(Fields::of(meta)).map_err(describe)?;
            let bytes = std::fs::read(&file).map_err(|e| format!("file: cannot read {}: {e}", file.display()))?;
            check_pdf(&bytes).map_err(|e| format!("file: {} is refused ({e:?})", file.display()))?;
            Ok(Record::Document { case_ref, document_ref, meta, file: Bytes::from(bytes) })
        }
        other => Err(format!("type: {other:?} is not case, party, event or document")),
    }
}

/// The cases an import has found or written so far, by reference: a file
/// of many records about a few cases looks each up once.
pub type KnownCases = std::collections::HashMap<String, Case>;

async fn known_case<'k>(
    conn: &mut Conn,
    court: &Court,
    case_ref: &str,
    known: &'k mut KnownCases,
) -> Result<&'k Case, String> {
    if !known.contains_key(case_ref) {
        match cases::find(conn, court.id, case_ref).await.map_err(|e| e.to_string())? {
            Some(c) => {
                known.insert(case_ref.to_owned(), c);
            }
            None => return Err(format!("case_ref: no case {case_ref:?} in this court (publish the case first)")),
        }
    }
    Ok(&known[case_ref])
}

/// Writes one record by the use case the API calls, in the caller's
/// transaction, as an import (`Origin::Import`): parties get their
/// identification numbers and new documents their avis, but changed events
/// and case statuses queue no update e-mail, and the import is audited once
/// by its caller.
pub async fn apply(
    tx: &mut Tx,
    services: &Services,
    court: &Court,
    record: &Record,
    known: &mut KnownCases,
) -> Result<Outcome, String> {
    let url = crate::app::public_url(&services.config, "");
    let ctx =
        portalis_usecases::Context { now: services.clock.now(), random: services.random.as_ref(), portal_url: &url };
    let publisher = Publisher { ctx, origin: Origin::Import, court };
    let outcome = match record {
        Record::Case { case_ref, input } => publisher.case(tx, case_ref, input).await.map(|(case, outcome)| {
            known.insert(case_ref.clone(), case);
            outcome
        }),
        Record::Party { case_ref, party_ref, input, consent_on } => {
            let case = known_case(tx, court, case_ref, known).await?;
            publisher.party(tx, case, party_ref, input, *consent_on).await.map(|(_, o)| o)
        }
        Record::Event { case_ref, event_ref, input } => {
            let case = known_case(tx, court, case_ref, known).await?;
            publisher.event(tx, case, event_ref, input).await.map(|w| w.outcome)
        }
        Record::Document { case_ref, document_ref, meta, file } => {
            let case = known_case(tx, court, case_ref, known).await?;
            let stored = services.documents.put(file.clone()).await.map_err(|e| e.to_string())?;
            let input = portalis_api::documents::document_input(tx, case.id, meta, stored).await.map_err(describe)?;
            publisher.document(tx, case, document_ref, &input).await.map(|p| p.outcome)
        }
    };
    outcome.map_err(|e| e.to_string())
}

/// From how many records an import is a load (see [`apply_all`]).
pub const LOAD_RECORDS: usize = 100;

/// Applies records in one transaction, audited as one import.
///
/// A large import is a load: the change triggers are paused for it, and
/// every portal forgets what its page cache holds when it commits
/// (`changes::pause_for_load`). A small one (a court's daily delta) records
/// what it changes, row by row, like the API.
pub async fn apply_all(services: &Services, court: &Court, records: &[Record], actor: &str) -> anyhow::Result<Summary> {
    let mut tx = services.db.begin().await?;
    if records.len() > LOAD_RECORDS {
        portalis_storage::changes::pause_for_load(&mut tx).await?;
    }
    let mut summary = Summary::default();
    let mut known = KnownCases::new();
    for (i, record) in records.iter().enumerate() {
        let outcome = apply(&mut tx, services, court, record, &mut known)
            .await
            .map_err(|e| anyhow::anyhow!("record {}: {e}", i + 1))?;
        summary.add(outcome);
    }
    let detail = summary.to_string();
    audit::record(
        &mut tx,
        &audit::Entry {
            actor,
            action: "import",
            target: Some(&format!("court:{}", court.details.code)),
            outcome: "ok",
            detail: Some(&detail),
            request_id: None,
        },
        services.clock.now(),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// `portalis import --court CODE FILE.ndjson`.
pub async fn import_ndjson(services: &Services, court_code: &str, path: &Path) -> anyhow::Result<Summary> {
    let court = {
        let mut conn = services.db.reader().acquire().await?;
        courts::by_code(&mut conn, court_code).await?.with_context(|| format!("no court with code {court_code:?}"))?
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let mut records = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line, court.details.time_zone, base) {
            Ok(r) => records.push(r),
            Err(e) if errors.len() < 50 => errors.push(format!("line {}: {e}", n + 1)),
            Err(_) => {}
        }
    }
    if !errors.is_empty() {
        bail!("nothing was imported; fix these lines:\n{}", errors.join("\n"));
    }
    apply_all(services, &court, &records, "cli").await
}

/// The columns of a court directory CSV, in order.
pub const COURT_COLUMNS: &[&str] =
    &["code", "name", "kind", "address", "postcode", "city", "department", "phone", "email", "sauj_hours", "time_zone"];

/// The optional last column: the court's territory, its postal codes.
pub const TERRITORY_COLUMN: &str = "territory";

/// A line of the court directory: the court, and its territory when the
/// file has the column (empty: none).
#[derive(Debug, Clone)]
pub struct CourtRow {
    pub court: CourtInput,
    pub territory: Option<Vec<PostCode>>,
}

/// Parses a court directory CSV (header row with [`COURT_COLUMNS`], and
/// perhaps [`TERRITORY_COLUMN`] last).
pub fn parse_courts_csv(text: &str) -> Result<Vec<CourtRow>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(e) => return Err(vec![format!("header: {e}")]),
    };
    let with_territory =
        headers.len() == COURT_COLUMNS.len() + 1 && headers.last().is_some_and(|h| h == TERRITORY_COLUMN);
    if headers[..headers.len().min(COURT_COLUMNS.len())] != *COURT_COLUMNS
        || !(headers.len() == COURT_COLUMNS.len() || with_territory)
    {
        return Err(vec![format!(
            "header: expected the columns {} (and perhaps {TERRITORY_COLUMN} last)",
            COURT_COLUMNS.join(",")
        )]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let get = |k: usize| row.get(k).unwrap_or("").to_owned();
        let opt = |k: usize| Some(get(k)).filter(|v| !v.is_empty());
        let mut line_errors = Vec::new();
        let code = CourtCode::parse(&get(0)).map_err(|e| line_errors.push(format!("code: {}", e.en))).ok();
        let kind = CourtKind::parse(&get(2)).map_err(|e| line_errors.push(format!("kind: {}", e.en))).ok();
        let tz = parse_time_zone(&get(10)).map_err(|e| line_errors.push(format!("time_zone: {}", e.en))).ok();
        if get(1).is_empty() {
            line_errors.push("name: is required".into());
        }
        if let Some(email) = opt(8)
            && portalis_core::email::Email::parse(&email).is_err()
        {
            line_errors.push("email: is not an e-mail address".into());
        }
        let territory = if with_territory {
            parse_territory(&get(11)).map_err(|e| line_errors.push(format!("territory: {}", e.en))).ok()
        } else {
            None
        };
        match (code, kind, tz) {
            (Some(code), Some(kind), Some(time_zone)) if line_errors.is_empty() => out.push(CourtRow {
                court: CourtInput {
                    code,
                    name: get(1),
                    kind,
                    address: get(3),
                    postcode: get(4),
                    city: get(5),
                    department: get(6),
                    phone: opt(7),
                    email: opt(8),
                    sauj_hours: opt(9),
                    time_zone,
                },
                territory,
            }),
            _ => errors.push(format!("line {line}: {}", line_errors.join("; "))),
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

/// Creates or updates courts, and their territories when the file gives
/// them, in one transaction.
pub async fn put_courts(services: &Services, rows: &[CourtRow], actor: &str) -> anyhow::Result<Summary> {
    let mut tx = services.db.begin().await?;
    let mut summary = Summary::default();
    let now = services.clock.now();
    for row in rows {
        let (court, mut outcome) = courts::put(&mut tx, &row.court, now).await?;
        if let Some(territory) = &row.territory
            && courts::set_territory(&mut tx, court.id, territory).await?
            && outcome == Outcome::Unchanged
        {
            outcome = Outcome::Updated;
        }
        summary.add(outcome);
    }
    if summary.created + summary.updated > 0 {
        let detail = summary.to_string();
        audit::record(
            &mut tx,
            &audit::Entry {
                actor,
                action: "courts.import",
                target: None,
                outcome: "ok",
                detail: Some(&detail),
                request_id: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::{Record, parse_line};
    use std::path::Path;

    fn parse(line: &str) -> Result<Record, String> {
        parse_line(line, chrono_tz::Indian::Reunion, Path::new("."))
    }

    #[test]
    fn a_record_is_read_from_its_line_and_a_bad_field_is_named() {
        let case = r#"{"type": "case", "case_ref": "2018-01234", "portalis_number": "db3z-w-b7c-dfw5",
            "nature": {"code": "60A", "label": "Demande"}, "status": "en_cours", "filed_on": "2018-05-17"}"#;
        let Ok(Record::Case { case_ref, input }) = parse(&case.replace('\n', " ")) else { panic!("a case") };
        assert_eq!((case_ref.as_str(), input.portalis_number.as_str()), ("2018-01234", "DB3Z-W-B7C-DFW5"));

        let err =
            parse(r#"{"type": "event", "case_ref": "2018-01234", "event_ref": "x", "kind": "fete"}"#).unwrap_err();
        assert!(err.contains("kind"), "{err}");
        let document =
            r#"{"type": "document", "case_ref": "2018-01234", "document_ref": "c", "file": "c.pdf", "metadata": 3}"#;
        assert_eq!(parse(document).unwrap_err(), "metadata: must be a JSON object");
    }
}
