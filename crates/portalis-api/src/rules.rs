//! Every rule a request's body and path obey, stated in the OpenAPI
//! document from the parsers' own patterns (`portalis_core`, each tested
//! against its parser): a court's developer who generates a client from
//! the document meets at run time no rule the document did not state, but
//! those no schema can say (a record the body names must exist; an event
//! appears once in a batch; a local time must exist in the court's time
//! zone), which the descriptions state.
//!
//! A body's type here is a name in the document; its schema is written as
//! JSON Schema, the language of the document.

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
fn optional(schema: Value) -> Value {
    let description = schema.get("description").cloned();
    let mut any = json!({"anyOf": [schema, {"type": "string", "pattern": blank_pattern()}, {"type": "null"}]});
    if let Some(d) = description {
        any["description"] = d;
    }
    any
}

/// Nothing: absent, `null` or blank.
fn nothing() -> Value {
    json!({"anyOf": [{"type": "string", "pattern": blank_pattern()}, {"type": "null"}]})
}

fn one_of(codes: Vec<&str>, description: &str) -> Value {
    json!({"type": "string", "enum": codes, "description": description})
}

fn text(max: usize, description: &str) -> Value {
    described(
        pattern(free_text_pattern(max)),
        &format!(
            "{description} Free text: 1 to {max} characters once trimmed, no control character but line feeds, no bidirectional control."
        ),
        None,
    )
}

fn date(description: &str) -> Value {
    described(
        pattern(date_pattern()),
        &format!("{description} A date `YYYY-MM-DD`, from 1900 to 2999."),
        Some("2026-11-26"),
    )
}

/// A court's own reference of a record.
pub fn reference() -> Value {
    json!({"type": "string", "pattern": reference_pattern(), "description": "A court system's own reference: 1 to 100 characters, none of them whitespace or a control character."})
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false})
}

/// The body of `PUT /cases/{case_ref}`.
pub fn case_body() -> Value {
    object(
        &["portalis_number", "nature", "status", "filed_on"],
        json!({
            "portalis_number": described(pattern(PortalisNumber::pattern()), "The N° Portalis: 4 letters or digits, a letter, 7 or 8 letters or digits; spaces, tabs, dashes and dots may separate them; any case.", Some("DB3Z-W-B7C-DFW5")),
            "rg_number": optional(described(pattern(RgNumber::pattern()), "The N° RG: `YY/NNNNN` (4 to 6 digits), after one letter and a space at some courts.", Some("18/01234"))),
            "nature": object(&["code", "label"], json!({
                "code": described(pattern(NacCode::pattern()), "A code of the Nomenclature des affaires civiles: a digit, a digit or a letter, a letter.", Some("60A")),
                "label": text(LABEL_MAX, "Its label."),
            })),
            "status": one_of(CaseStatus::codes(), "Where the case stands."),
            "filed_on": date("Date de saisine."),
            "chamber": optional(text(100, "The chamber.")),
        }),
    )
}

/// The properties of a party, with those that depend on its kind.
fn party(kind: &str, names: Value) -> Value {
    let mut properties = json!({
        "kind": {"type": "string", "enum": [kind]},
        "role": one_of(Role::codes(), "The party's role."),
        "email": optional(described(json!({"type": "string", "pattern": Email::pattern(), "maxLength": Email::MAX}), "The e-mail address the party declared to the court, where its identification number is sent: nothing around it, an ASCII domain.", Some("marie.delestable@example.fr"))),
        "mobile": optional(described(pattern(MobileNumber::pattern()), "The mobile number the party declared to the court: French (`06 12 34 56 78`, overseas included) or international (`+…`, 8 to 15 digits); spaces, dots, dashes and brackets may stand anywhere.", Some("0692 12 34 56"))),
        "lawyer": optional(text(300, "The party's lawyer.")),
        "consent_on": optional(date("The date the party consented to electronic communication, if the court knows it (CPC art. 748-8).")),
    });
    for (k, v) in names.as_object().into_iter().flatten() {
        properties[k] = v.clone();
    }
    properties
}

/// The body of `PUT …/parties/{party_ref}`: a person, or an organisation.
pub fn party_body() -> Value {
    let person = object(
        &["kind", "role", "family_name"],
        party(
            PartyKind::Person.code(),
            json!({
                "given_names": optional(text(200, "A person's given names.")),
                "family_name": text(200, "A person's family name (stored in capitals)."),
                "organisation_name": nothing(),
            }),
        ),
    );
    let organisation = object(
        &["kind", "role", "organisation_name"],
        party(
            PartyKind::Organisation.code(),
            json!({
                "given_names": nothing(),
                "family_name": optional(text(200, "A family name, if the organisation is known by one.")),
                "organisation_name": text(300, "The organisation's name."),
            }),
        ),
    );
    json!({"description": "A party: a person (`kind: person`, with a family name) or an organisation (`kind: organisation`, with its name).", "oneOf": [person, organisation]})
}

/// The fields of an event, alone or in a batch.
fn event_properties() -> Value {
    json!({
        "kind": one_of(EventKind::codes(), "What kind of event."),
        "starts_at": described(pattern(EventTime::pattern()), "A local date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM` (from 1900 to 2999), in the court's time zone; a time skipped by a daylight-saving change there is refused.", Some("2027-01-21T14:00")),
        "label": optional(text(200, "What the event is, as the court calls it.")),
        "room": optional(text(100, "The room.")),
        "status": one_of(EventStatus::codes(), "Whether the event is still to be held."),
        "approved_on": optional(date("When the court approved it.")),
    })
}

/// The body of `PUT …/events/{event_ref}`.
pub fn event_body() -> Value {
    object(&["kind", "starts_at", "status"], event_properties())
}

/// The body of `POST /api/v1/events/batch`.
pub fn batch_body(max: usize) -> Value {
    let mut item = event_properties();
    item["case_ref"] = described(
        reference(),
        "A case of the court (another court's, or none, is refused as this item's `case_ref`).",
        Some("2018-01234"),
    );
    item["event_ref"] =
        described(reference(), "The event's reference; an event appears once in a batch.", Some("mise-en-etat-2"));
    object(
        &["events"],
        json!({"events": {"type": "array", "minItems": 1, "maxItems": max, "items": object(&["case_ref", "event_ref", "kind", "starts_at", "status"], item),
            "description": format!("1 to {max} events, of one or several cases of the court.")}}),
    )
}

/// The `metadata` part of a document's upload.
pub fn document_metadata() -> Value {
    object(
        &["title", "kind", "issued_on"],
        json!({
            "title": described(pattern(single_line_pattern(TITLE_MAX)), &format!("The document's title: one line of 1 to {TITLE_MAX} characters once trimmed, no control character."), Some("Convocation Marie Delestable")),
            "kind": one_of(DocumentKind::codes(), "What the document is."),
            "issued_on": date("When the court issued it."),
            "event_ref": optional(described(reference(), "The event it belongs to, an event of the case.", None)),
            "addressees": {"anyOf": [{"type": "array", "items": reference()}, {"type": "null"}],
                "description": "The parties it is addressed to, parties of the case; empty (or absent) means all parties."},
        }),
    )
}

/// The multipart body of `PUT …/documents/{document_ref}`.
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

body!(
    /// The body of `PUT /cases/{case_ref}`.
    CaseBody => case_body()
);
body!(
    /// The body of `PUT …/parties/{party_ref}`.
    PartyBody => party_body()
);
body!(
    /// The body of `PUT …/events/{event_ref}`.
    EventBody => event_body()
);
body!(
    /// The body of `POST /api/v1/events/batch`.
    BatchBody => batch_body(crate::event_batch::MAX_BATCH_EVENTS)
);
body!(
    /// The `metadata` part of `PUT …/documents/{document_ref}`.
    DocumentMetadata => document_metadata()
);
body!(
    /// The multipart body of `PUT …/documents/{document_ref}`.
    DocumentUpload => document_upload()
);
