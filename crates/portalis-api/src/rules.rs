//! Every rule a request's body and path obey, each a [`Rule`]: the parser
//! of a value (`portalis_core`) and how the OpenAPI document states it,
//! from the parser's own pattern (each pattern tested against its parser).
//! A body's parser reads each of its fields with a rule (`fields.rs`), so
//! the document's request bodies are the parsers described
//! ([`crate::fields::describe`]): a court's developer who generates a
//! client from the document meets at run time no rule the document did not
//! state, but those no schema can say (a record the body names must exist;
//! an event appears once in a batch; a local time must exist in the court's
//! time zone), which the descriptions state.

use portalis_core::Invalid;
use portalis_core::calendar::date_pattern;
use portalis_core::case::CaseStatus;
use portalis_core::document::{DocumentKind, TITLE_MAX};
use portalis_core::email::Email;
use portalis_core::event::{EventKind, EventStatus, EventTime};
use portalis_core::mobile::MobileNumber;
use portalis_core::nac::{LABEL_MAX, NacCode};
use portalis_core::party::{PartyKind, Role};
use portalis_core::portalis_number::PortalisNumber;
use portalis_core::rg_number::RgNumber;
use portalis_core::text::{blank_pattern, free_text_pattern, reference_pattern, single_line_pattern};
use serde_json::{Value, json};
use utoipa::openapi::{RefOr, Schema};

/// A value's parser.
type Parser<T> = Box<dyn Fn(&str) -> Result<T, Invalid> + Send + Sync>;
/// How the document states it: built only when the body is described, not
/// for each request the rule reads.
type Statement = Box<dyn FnOnce() -> Value + Send + Sync>;

/// How a field's string is read, and how the document states it.
pub struct Rule<T> {
    parse: Parser<T>,
    schema: Statement,
}

impl<T> Rule<T> {
    pub fn new(
        parse: impl Fn(&str) -> Result<T, Invalid> + Send + Sync + 'static,
        schema: impl FnOnce() -> Value + Send + Sync + 'static,
    ) -> Self {
        Self { parse: Box::new(parse), schema: Box::new(schema) }
    }

    /// # Errors
    /// The value's refusal, in both languages.
    pub fn parse(&self, s: &str) -> Result<T, Invalid> {
        (self.parse)(s)
    }

    pub fn into_schema(self) -> Value {
        (self.schema)()
    }

    /// The same rule, described for one field.
    pub fn described(self, description: &'static str, example: Option<&'static str>) -> Self {
        let schema = self.schema;
        Self { parse: self.parse, schema: Box::new(move || described(schema(), description, example)) }
    }
}

/// A string matching `pattern`.
fn pattern(pattern: String) -> Value {
    json!({"type": "string", "pattern": pattern})
}

fn described(mut schema: Value, description: &str, example: Option<&str>) -> Value {
    schema["description"] = json!(description);
    if let Some(e) = example {
        schema["example"] = json!(e);
    }
    schema
}

/// What an optional field may hold: its value, or nothing (absent,
/// `null`, or a blank string).
pub fn optional(schema: Value) -> Value {
    let description = schema.get("description").cloned();
    let mut any = json!({"anyOf": [schema, {"type": "string", "pattern": blank_pattern()}, {"type": "null"}]});
    if let Some(d) = description {
        any["description"] = d;
    }
    any
}

/// Nothing: absent, `null` or blank.
pub fn nothing() -> Value {
    json!({"anyOf": [{"type": "string", "pattern": blank_pattern()}, {"type": "null"}]})
}

fn one_of(codes: Vec<&str>, description: &str) -> Value {
    json!({"type": "string", "enum": codes, "description": description})
}

/// How free text of 1 to `max` characters is stated.
fn text_schema(max: usize, description: &str) -> Value {
    let description = format!(
        "{description} Free text: 1 to {max} characters once trimmed, no control character but line feeds, no bidirectional control."
    );
    described(pattern(free_text_pattern(max)), &description, None)
}

/// Free text of 1 to `max` characters once trimmed.
pub fn text(max: usize, description: &'static str) -> Rule<String> {
    Rule::new(portalis_core::text::free_text(max), move || text_schema(max, description))
}

/// A calendar date.
pub fn date(description: &'static str) -> Rule<chrono::NaiveDate> {
    Rule::new(portalis_core::calendar::parse_date, move || {
        let description = format!("{description} A date `YYYY-MM-DD`, from 1900 to 2999.");
        described(pattern(date_pattern()), &description, Some("2026-11-26"))
    })
}

/// The schema of a court's own reference of a record (also in paths).
pub fn reference_schema() -> Value {
    json!({"type": "string", "pattern": reference_pattern(), "description": "A court system's own reference: 1 to 100 characters, none of them whitespace or a control character."})
}

/// A court's own reference of a record.
pub fn reference() -> Rule<String> {
    Rule::new(portalis_core::text::reference, reference_schema)
}

pub fn portalis_number() -> Rule<PortalisNumber> {
    Rule::new(PortalisNumber::parse, || pattern(PortalisNumber::pattern())).described(
        "The N° Portalis: 4 letters or digits, a letter, 7 or 8 letters or digits; spaces, tabs, dashes and dots may separate them; any case.",
        Some("DB3Z-W-B7C-DFW5"),
    )
}

pub fn rg_number() -> Rule<RgNumber> {
    Rule::new(RgNumber::parse, || pattern(RgNumber::pattern())).described(
        "The N° RG: `YY/NNNNN` (4 to 6 digits), after one letter and a space at some courts.",
        Some("18/01234"),
    )
}

pub fn nac_code() -> Rule<NacCode> {
    Rule::new(NacCode::parse, || pattern(NacCode::pattern())).described(
        "A code of the Nomenclature des affaires civiles: a digit, a digit or a letter, a letter.",
        Some("60A"),
    )
}

pub fn nac_label() -> Rule<String> {
    Rule::new(portalis_core::nac::parse_label, || text_schema(LABEL_MAX, "Its label."))
}

pub fn case_status() -> Rule<CaseStatus> {
    Rule::new(CaseStatus::parse, || one_of(CaseStatus::codes(), "Where the case stands."))
}

pub fn party_kind() -> Rule<PartyKind> {
    Rule::new(PartyKind::parse, || one_of(PartyKind::codes(), "A person or an organisation."))
}

pub fn role() -> Rule<Role> {
    Rule::new(Role::parse, || one_of(Role::codes(), "The party's role."))
}

pub fn email() -> Rule<Email> {
    Rule::new(Email::parse, || json!({"type": "string", "pattern": Email::pattern(), "maxLength": Email::MAX})).described(
        "The e-mail address the party declared to the court, where its identification number is sent: nothing around it, an ASCII domain.",
        Some("marie.delestable@example.fr"),
    )
}

pub fn mobile() -> Rule<MobileNumber> {
    Rule::new(MobileNumber::parse, || pattern(MobileNumber::pattern())).described(
        "The mobile number the party declared to the court: French (`06 12 34 56 78`, overseas included) or international (`+…`, 8 to 15 digits); spaces, dots, dashes and brackets may stand anywhere.",
        Some("0692 12 34 56"),
    )
}

pub fn event_kind() -> Rule<EventKind> {
    Rule::new(EventKind::parse, || one_of(EventKind::codes(), "What kind of event."))
}

/// A local date or date-time in the court's time zone `tz`, with the
/// instant it stands for.
pub fn event_time(tz: chrono_tz::Tz) -> Rule<(EventTime, chrono::DateTime<chrono::Utc>)> {
    Rule::new(
        move |s| {
            let t = EventTime::parse(s)?;
            Ok((t, t.to_utc(tz)?))
        },
        || pattern(EventTime::pattern()),
    )
    .described(
        "A local date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM` (from 1900 to 2999), in the court's time zone; a time skipped by a daylight-saving change there is refused.",
        Some("2027-01-21T14:00"),
    )
}

pub fn event_status() -> Rule<EventStatus> {
    Rule::new(EventStatus::parse, || one_of(EventStatus::codes(), "Whether the event is still to be held."))
}

pub fn document_title() -> Rule<String> {
    Rule::new(portalis_core::document::parse_title, || {
        described(
            pattern(single_line_pattern(TITLE_MAX)),
            &format!(
                "The document's title: one line of 1 to {TITLE_MAX} characters once trimmed, no control character."
            ),
            Some("Convocation Marie Delestable"),
        )
    })
}

pub fn document_kind() -> Rule<DocumentKind> {
    Rule::new(DocumentKind::parse, || one_of(DocumentKind::codes(), "What the document is."))
}

/// The multipart body of `PUT …/documents/{document_ref}`: its metadata
/// part is described from its parser.
pub fn document_upload() -> Value {
    json!({
        "type": "object",
        "additionalProperties": false,
        "required": ["metadata", "file"],
        "properties": {
            "metadata": {"$ref": "#/components/schemas/DocumentMetadata"},
            "file": {"type": "string", "format": "binary", "contentMediaType": "application/pdf",
                "description": "The PDF (by its content, `%PDF-` in its first kilobyte), 1 byte to 20 MB."},
        },
    })
}

/// A schema written as JSON, as the document's types hold it.
fn from_json(value: Value) -> RefOr<Schema> {
    serde_json::from_value(value).expect("the rules are a valid schema")
}

macro_rules! body {
    ($(#[$meta:meta])* $name:ident => $schema:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl utoipa::PartialSchema for $name {
            fn schema() -> RefOr<Schema> {
                from_json($schema)
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

use crate::fields::describe;

/// The time zone a body is described in (its rules do not depend on it).
const ANY_ZONE: chrono_tz::Tz = chrono_tz::UTC;

body!(
    /// The body of `PUT /cases/{case_ref}`.
    CaseBody => describe(|f| { let _ = crate::cases::parse_case(f); })
);
body!(
    /// The body of `PUT …/parties/{party_ref}`.
    PartyBody => describe(|f| { let _ = crate::parties::parse_party(f); })
);
body!(
    /// The body of `PUT …/events/{event_ref}`.
    EventBody => describe(|f| { let _ = crate::events::parse_event(f, ANY_ZONE); })
);
body!(
    /// The body of `POST /api/v1/events/batch`.
    BatchBody => describe(|f| { let _ = crate::event_batch::parse_batch(f, ANY_ZONE); })
);
body!(
    /// The `metadata` part of `PUT …/documents/{document_ref}`.
    DocumentMetadata => describe(|f| { let _ = crate::documents::parse_metadata(f); })
);
body!(
    /// The multipart body of `PUT …/documents/{document_ref}`.
    DocumentUpload => document_upload()
);
body!(
    /// The body of `POST /api/v1/filings/{filing_number}/registration`.
    RegistrationBody => describe(|f| { let _ = crate::filings::parse_registration(f); })
);
body!(
    /// The body of `POST /api/v1/filings/{filing_number}/refusal`.
    RefusalBody => describe(|f| { let _ = crate::filings::parse_refusal(f); })
);
body!(
    /// The answers of a requête au juge aux affaires familiales, by step.
    JafAnswers => answers_of(portalis_core::filing::Procedure::JugeAuxAffairesFamiliales)
);
body!(
    /// The answers of a constitution de partie civile, by step.
    PartieCivileAnswers => answers_of(portalis_core::filing::Procedure::PartieCivile)
);
body!(
    /// The answers of a requête dans une mesure de protection d'un majeur, by step.
    ProtectionMajeurAnswers => answers_of(portalis_core::filing::Procedure::ProtectionMajeur)
);

/// The schema of a procedure's answers, drawn from its declaration.
fn answers_of(procedure: portalis_core::filing::Procedure) -> Value {
    portalis_core::filing::export::answers_schema(portalis_core::filing::procedures::form(procedure))
}
