//! Parsing a JSON object into domain types, field by field, collecting every
//! invalid field so that the client learns all its mistakes at once.
//!
//! Each field is read with a [`Rule`] (`rules.rs`): its parser and how the
//! document states it, together. The same parser, run on
//! [`Fields::describing`] instead of a body, reads nothing and records each
//! field it asks for — its name, whether it is required, its rule's schema —
//! so the OpenAPI document's request bodies ([`describe`]) are the parsers'
//! own account of what they accept, never a second description of it.

use crate::problem::{ApiError, FieldError};
use crate::rules::{self, Rule};
use axum::http::{HeaderMap, header};
use serde_json::{Map, Value, json};
use std::sync::{Arc, Mutex};

pub struct Fields {
    prefix: String,
    object: Map<String, Value>,
    seen: Vec<String>,
    errors: Vec<FieldError>,
    /// The errors of the fields of one alternative ([`Fields::variants`]),
    /// named after the others': first what is wrong whatever the kind.
    deferred: Vec<FieldError>,
    /// Describing rather than parsing: what the parser asked for.
    shape: Option<Box<Shape>>,
}

/// What a parser asks of an object, recorded by [`Fields::describing`].
#[derive(Default)]
struct Shape {
    properties: Vec<(String, Value)>,
    required: Vec<String>,
    /// Fields that depend on a discriminant (`kind`): one alternative each.
    variants: Option<Variants>,
    /// Where this object sits in its parent's.
    nesting: Nesting,
    /// Where the top object's schema goes when the parser finishes.
    sink: Option<Arc<Mutex<Option<Value>>>>,
}

struct Variants {
    field: String,
    description: String,
    alternatives: Vec<(&'static str, Shape)>,
}

#[derive(Default)]
enum Nesting {
    #[default]
    Top,
    Object(String),
    Items {
        field: String,
        max: usize,
        description: String,
    },
}

impl Shape {
    fn add(&mut self, field: &str, schema: Value, required: bool) {
        self.properties.push((field.to_owned(), schema));
        if required {
            self.required.push(field.to_owned());
        }
    }

    /// The object's JSON Schema: closed, its required fields listed; one
    /// alternative per value of its discriminant, if it has one.
    fn schema(self) -> Value {
        let object = |properties: &[(String, Value)], required: &[String]| {
            let properties: Map<String, Value> = properties.iter().cloned().collect();
            json!({"type": "object", "required": required, "properties": properties, "additionalProperties": false})
        };
        let Some(v) = self.variants else { return object(&self.properties, &self.required) };
        let alternatives: Vec<Value> = v
            .alternatives
            .into_iter()
            .map(|(code, branch)| {
                let mut properties = Vec::new();
                for (name, schema) in &self.properties {
                    if *name == v.field {
                        properties.push((name.clone(), json!({"type": "string", "enum": [code]})));
                        properties.extend(branch.properties.iter().cloned());
                    } else {
                        properties.push((name.clone(), schema.clone()));
                    }
                }
                let mut required = self.required.clone();
                required.extend(branch.required.iter().cloned());
                object(&properties, &required)
            })
            .collect();
        json!({"description": v.description, "oneOf": alternatives})
    }
}

const REQUIRED: &str = "is required";
const ABSENT: &str = "must be absent";

/// The JSON Schema of the bodies `parse` accepts: the parser run on
/// [`Fields::describing`].
pub fn describe(parse: impl FnOnce(Fields)) -> Value {
    let sink = Arc::new(Mutex::new(None));
    parse(Fields::describing(Some(sink.clone()), Nesting::Top));
    let schema = sink.lock().expect("the description").take();
    schema.expect("the parser finishes its fields")
}

/// Checks that the body is declared as JSON.
///
/// # Errors
/// 415 when it is declared as something else.
pub fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json")) {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType("the body must be application/json".into()))
    }
}

impl Fields {
    /// # Errors
    /// 400 when the bytes are not a JSON object.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, ApiError> {
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(object)) => Ok(Self::new(String::new(), object)),
            Ok(_) => Err(ApiError::BadRequest("the body must be a JSON object".into())),
            Err(e) => Err(ApiError::BadRequest(format!("the body is not valid JSON: {e}"))),
        }
    }

    /// The fields of an object already read (an NDJSON record's).
    pub fn of(object: Map<String, Value>) -> Self {
        Self::new(String::new(), object)
    }

    fn new(prefix: String, object: Map<String, Value>) -> Self {
        Self { prefix, object, seen: Vec::new(), errors: Vec::new(), deferred: Vec::new(), shape: None }
    }

    /// Fields that read nothing and record what the parser asks for.
    fn describing(sink: Option<Arc<Mutex<Option<Value>>>>, nesting: Nesting) -> Self {
        let mut f = Self::new(String::new(), Map::new());
        f.shape = Some(Box::new(Shape { sink, nesting, ..Shape::default() }));
        f
    }

    fn name(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn error(&mut self, field: &str, message: impl Into<String>) {
        let name = self.name(field);
        self.errors.push(FieldError::new(name, message));
    }

    fn take(&mut self, field: &str) -> Option<Value> {
        self.seen.push(field.to_owned());
        self.object.get(field).cloned().filter(|v| !v.is_null())
    }

    /// A string field that must be present, read by `rule`.
    pub fn required<T>(&mut self, field: &str, rule: Rule<T>) -> Option<T> {
        if let Some(shape) = &mut self.shape {
            shape.add(field, rule.into_schema(), true);
            return None;
        }
        match self.take(field) {
            None => {
                self.error(field, REQUIRED);
                None
            }
            Some(v) => self.parse_value(field, v, &rule),
        }
    }

    /// A string field that may be absent or null (`None`); an empty string
    /// counts as absent.
    pub fn optional<T>(&mut self, field: &str, rule: Rule<T>) -> Option<Option<T>> {
        if let Some(shape) = &mut self.shape {
            shape.add(field, rules::optional(rule.into_schema()), false);
            return None;
        }
        match self.take(field) {
            None => Some(None),
            Some(Value::String(s)) if s.trim().is_empty() => Some(None),
            Some(v) => self.parse_value(field, v, &rule).map(Some),
        }
    }

    /// A field that must hold nothing (absent or null; a blank string is
    /// nothing): one of another alternative's ([`Fields::variants`]).
    pub fn absent(&mut self, field: &str) {
        if let Some(shape) = &mut self.shape {
            shape.add(field, rules::nothing(), false);
            return;
        }
        match self.take(field) {
            None => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(_) => self.error(field, ABSENT),
        }
    }

    /// Fields that depend on the value of `field` already read (`read`):
    /// `branch` reads them for that value; each of `all` is a value, its
    /// code, and what it is called in a message ("is required for a
    /// person"). Described, each is an alternative of the document
    /// (`oneOf`). When `field` is invalid, the values sent for the first
    /// alternative's fields are still checked, but whether they are
    /// required or must be absent is not judged.
    pub fn variants<K: Copy + PartialEq, T>(
        &mut self,
        field: &str,
        read: Option<K>,
        all: &[(K, &'static str, &'static str)],
        description: &str,
        branch: impl Fn(&mut Fields, K) -> T,
    ) -> Option<T> {
        debug_assert!(!all.is_empty(), "a discriminant has values");
        if self.shape.is_some() {
            debug_assert!(
                self.shape.as_ref().is_some_and(|s| s.properties.iter().any(|(name, _)| name == field)),
                "the discriminant {field} is read before its alternatives"
            );
            let alternatives = all
                .iter()
                .map(|(k, code, _)| {
                    let mut f = Fields::describing(None, Nesting::Top);
                    branch(&mut f, *k);
                    (*code, *f.shape.expect("describing"))
                })
                .collect();
            if let Some(shape) = &mut self.shape {
                shape.variants =
                    Some(Variants { field: field.to_owned(), description: description.to_owned(), alternatives });
            }
            return None;
        }
        match read {
            Some(k) => {
                let before = self.errors.len();
                let read = branch(self, k);
                let called = all.iter().find(|(value, _, _)| *value == k).map_or("", |(_, _, c)| *c);
                for mut e in self.errors.split_off(before) {
                    if e.message == REQUIRED || e.message == ABSENT {
                        e.message = format!("{} for {called}", e.message);
                    }
                    self.deferred.push(e);
                }
                Some(read)
            }
            None => {
                let before = self.errors.len();
                let _ = branch(self, all[0].0);
                let mut errors = self.errors.split_off(before);
                errors.retain(|e| e.message != REQUIRED && e.message != ABSENT);
                self.deferred.extend(errors);
                None
            }
        }
    }

    fn parse_value<T>(&mut self, field: &str, value: Value, rule: &Rule<T>) -> Option<T> {
        match value {
            Value::String(s) => match rule.parse(&s) {
                Ok(t) => Some(t),
                Err(e) => {
                    self.error(field, e.en);
                    None
                }
            },
            _ => {
                self.error(field, "must be a string");
                None
            }
        }
    }

    /// A list of strings each read by `rule` (absent or null is an empty
    /// list); an invalid item is named `field[i]`.
    pub fn list<T>(&mut self, field: &str, rule: Rule<T>, description: &str) -> Option<Vec<T>> {
        if let Some(shape) = &mut self.shape {
            let items = rule.into_schema();
            let schema =
                json!({"anyOf": [{"type": "array", "items": items}, {"type": "null"}], "description": description});
            shape.add(field, schema, false);
            return None;
        }
        match self.take(field) {
            None => Some(Vec::new()),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.into_iter().enumerate() {
                    match self.parse_value(&format!("{field}[{i}]"), item, &rule) {
                        Some(t) => out.push(t),
                        None => ok = false,
                    }
                }
                ok.then_some(out)
            }
            Some(_) => {
                self.error(field, "must be a list of strings");
                None
            }
        }
    }

    /// A nested object that must be present; its fields are named
    /// `field.sub`. Call [`Fields::finish_nested`] on it afterwards.
    pub fn object(&mut self, field: &str) -> Option<Fields> {
        if self.shape.is_some() {
            return Some(Fields::describing(None, Nesting::Object(field.to_owned())));
        }
        match self.take(field) {
            Some(Value::Object(o)) => Some(Fields::new(format!("{}.", self.name(field)), o)),
            Some(_) => {
                self.error(field, "must be an object");
                None
            }
            None => {
                self.error(field, "is required");
                None
            }
        }
    }

    /// A list of 1 to `max` objects that must be present; the fields of
    /// the item at index `i` are named `field[i].sub`. Call
    /// [`Fields::finish_nested`] on each item afterwards.
    pub fn objects(&mut self, field: &str, max: usize, description: &str) -> Option<Vec<Fields>> {
        if self.shape.is_some() {
            let nesting = Nesting::Items { field: field.to_owned(), max, description: description.to_owned() };
            return Some(vec![Fields::describing(None, nesting)]);
        }
        let items = match self.take(field) {
            Some(Value::Array(items)) => items,
            Some(_) => {
                self.error(field, "must be a list of objects");
                return None;
            }
            None => {
                self.error(field, "is required");
                return None;
            }
        };
        if items.is_empty() || items.len() > max {
            self.error(field, format!("must hold 1 to {max} items"));
            return None;
        }
        let count = items.len();
        let mut objects = Vec::with_capacity(count);
        for (i, item) in items.into_iter().enumerate() {
            match item {
                Value::Object(o) => objects.push(Fields::new(format!("{}[{i}].", self.name(field)), o)),
                _ => self.error(&format!("{field}[{i}]"), "must be an object"),
            }
        }
        if objects.len() == count { Some(objects) } else { None }
    }

    /// Folds a nested object's errors (and unknown fields) into this one.
    pub fn finish_nested(&mut self, nested: Fields) {
        if let Some(shape) = &mut self.shape {
            if let Some(inner) = nested.shape {
                let mut inner = *inner;
                let nesting = std::mem::take(&mut inner.nesting);
                let schema = inner.schema();
                match nesting {
                    Nesting::Object(field) => shape.add(&field, schema, true),
                    Nesting::Items { field, max, description } => {
                        let list = json!({"type": "array", "minItems": 1, "maxItems": max, "items": schema,
                            "description": description});
                        shape.add(&field, list, true);
                    }
                    Nesting::Top => {}
                }
            }
            return;
        }
        let errors = nested.into_errors();
        self.errors.extend(errors);
    }

    /// Records a failure found after parsing (a reference to nothing, say).
    pub fn reject(&mut self, field: &str, message: impl Into<String>) {
        if self.shape.is_none() {
            self.error(field, message);
        }
    }

    fn into_errors(mut self) -> Vec<FieldError> {
        let deferred = std::mem::take(&mut self.deferred);
        self.errors.extend(deferred);
        let unknown: Vec<String> = self.object.keys().filter(|k| !self.seen.contains(k)).cloned().collect();
        for k in unknown {
            self.error(&k, "is not a known field");
        }
        self.errors
    }

    /// # Errors
    /// 422 naming every invalid, missing or unknown field.
    pub fn finish(self) -> Result<(), ApiError> {
        if let Some(mut shape) = self.shape {
            if let Some(sink) = shape.sink.take() {
                *sink.lock().expect("the description") = Some(shape.schema());
            }
            return Ok(());
        }
        let errors = self.into_errors();
        if errors.is_empty() { Ok(()) } else { Err(ApiError::Invalid(errors)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portalis_core::Invalid;

    fn any_text() -> Rule<String> {
        Rule::new(|s: &str| Ok::<_, Invalid>(s.to_owned()), || json!({"type": "string"}))
    }

    #[test]
    fn every_invalid_missing_and_unknown_field_is_named() {
        let mut f = Fields::from_slice(br#"{"status": "ouvert", "filed_on": 3, "extra": 1}"#).unwrap();
        let _ = f.required("status", rules::case_status());
        let _ = f.required("filed_on", rules::date("Filed."));
        let _ = f.required("portalis_number", any_text());
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["status", "filed_on", "portalis_number", "extra"]);
    }

    #[test]
    fn nested_fields_are_dotted() {
        let mut f = Fields::from_slice(br#"{"nature": {"code": "6"}}"#).unwrap();
        let mut nature = f.object("nature").unwrap();
        let _ = nature.required("code", rules::nac_code());
        let _ = nature.required("label", rules::nac_label());
        f.finish_nested(nature);
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["nature.code", "nature.label"]);
    }

    #[test]
    fn the_items_of_a_list_are_named_by_their_index() {
        let mut f = Fields::from_slice(br#"{"events": [{"kind": "x"}, 3, {"kind": "y", "other": 1}]}"#).unwrap();
        assert!(f.objects("events", 10, "Events.").is_none(), "an item that is not an object spoils the list");
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        assert_eq!(errors, [FieldError::new("events[1]", "must be an object")]);

        let mut f = Fields::from_slice(br#"{"events": [{"kind": "x"}, {"kind": "y", "other": 1}]}"#).unwrap();
        for mut item in f.objects("events", 10, "Events.").unwrap() {
            let _ = item.required("kind", any_text());
            let _ = item.required("status", any_text());
            f.finish_nested(item);
        }
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["events[0].status", "events[1].status", "events[1].other"]);
    }

    #[test]
    fn a_list_is_neither_empty_nor_longer_than_allowed() {
        for body in [&br#"{"events": []}"#[..], br#"{"events": [{}, {}, {}]}"#, br#"{"events": {}}"#, b"{}"] {
            let mut f = Fields::from_slice(body).unwrap();
            assert!(f.objects("events", 2, "Events.").is_none());
            let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
            assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["events"]);
        }
    }

    /// A body whose fields depend on a discriminant: parsed, only the
    /// alternative of the value read applies; described, each alternative
    /// is one of the document's.
    fn parse_pet(mut f: Fields) -> Result<(), ApiError> {
        let kind = f.required(
            "kind",
            Rule::new(
                |s: &str| match s {
                    "cat" | "dog" => Ok(s == "cat"),
                    _ => Err(Invalid::new("cat or dog", "chat ou chien")),
                },
                || json!({"type": "string"}),
            ),
        );
        f.variants("kind", kind, &[(true, "cat", "a cat"), (false, "dog", "a dog")], "A pet.", |f, cat| {
            if cat {
                let _ = f.required("whiskers", any_text());
                f.absent("bark");
            } else {
                let _ = f.optional("bark", any_text());
            }
        });
        let _ = f.required("name", any_text());
        f.finish()
    }

    #[test]
    fn fields_that_depend_on_a_discriminant_are_judged_by_its_value_and_described_as_alternatives() {
        let errors = |body: &str| match parse_pet(Fields::from_slice(body.as_bytes()).unwrap()) {
            Ok(()) => vec![],
            Err(ApiError::Invalid(e)) => e.into_iter().map(|e| format!("{} {}", e.field, e.message)).collect(),
            Err(e) => panic!("{e:?}"),
        };
        assert!(errors(r#"{"kind": "cat", "whiskers": "w", "name": "Tom"}"#).is_empty());
        assert_eq!(
            errors(r#"{"kind": "cat", "bark": "woof"}"#),
            ["name is required", "whiskers is required for a cat", "bark must be absent for a cat"],
            "the alternative's after the common fields'"
        );
        assert!(errors(r#"{"kind": "dog", "bark": "", "name": "Rex"}"#).is_empty());
        assert_eq!(errors(r#"{"kind": "dog", "whiskers": "w", "name": "Rex"}"#), ["whiskers is not a known field"]);
        // An unknown kind: its alternatives' fields are not called
        // required, absent or unknown, but a value sent is still checked.
        assert_eq!(errors(r#"{"kind": "cow", "whiskers": "w", "name": "Daisy"}"#), ["kind cat or dog"]);
        assert_eq!(errors(r#"{"kind": "cow", "name": "Daisy"}"#), ["kind cat or dog"]);
        assert_eq!(
            errors(r#"{"kind": "cow", "whiskers": 3, "name": "Daisy"}"#),
            ["kind cat or dog", "whiskers must be a string"]
        );

        let schema = describe(|f| {
            let _ = parse_pet(f);
        });
        assert_eq!(schema["description"], "A pet.");
        let cat = &schema["oneOf"][0];
        assert_eq!(cat["properties"]["kind"]["enum"], json!(["cat"]));
        assert_eq!(cat["required"], json!(["kind", "name", "whiskers"]));
        assert_eq!(cat["additionalProperties"], json!(false));
        assert_eq!(cat["properties"]["bark"], rules::nothing(), "nothing, not an optional value");
        let dog = &schema["oneOf"][1];
        assert_eq!(dog["required"], json!(["kind", "name"]));
        assert!(dog["properties"].get("whiskers").is_none());
    }

    #[test]
    fn a_body_that_is_not_an_object_is_a_bad_request() {
        assert!(matches!(Fields::from_slice(b"[1]"), Err(ApiError::BadRequest(_))));
        assert!(matches!(Fields::from_slice(b"{"), Err(ApiError::BadRequest(_))));
    }
}
