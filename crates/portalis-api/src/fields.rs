//! Parsing a JSON object into domain types, field by field, collecting every
//! invalid field so that the client learns all its mistakes at once.

use crate::problem::{ApiError, FieldError};
use axum::http::{HeaderMap, header};
use portalis_core::Invalid;
use serde_json::{Map, Value};

pub struct Fields {
    prefix: String,
    object: Map<String, Value>,
    seen: Vec<String>,
    errors: Vec<FieldError>,
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
        Self { prefix, object, seen: Vec::new(), errors: Vec::new() }
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

    /// A string field that must be present, parsed by `parse`.
    pub fn required<T>(&mut self, field: &str, parse: impl FnOnce(&str) -> Result<T, Invalid>) -> Option<T> {
        match self.take(field) {
            None => {
                self.error(field, "is required");
                None
            }
            Some(v) => self.parse_value(field, v, parse),
        }
    }

    /// A string field that may be absent or null (`None`); an empty string
    /// counts as absent.
    pub fn optional<T>(&mut self, field: &str, parse: impl FnOnce(&str) -> Result<T, Invalid>) -> Option<Option<T>> {
        match self.take(field) {
            None => Some(None),
            Some(Value::String(s)) if s.trim().is_empty() => Some(None),
            Some(v) => self.parse_value(field, v, parse).map(Some),
        }
    }

    fn parse_value<T>(
        &mut self,
        field: &str,
        value: Value,
        parse: impl FnOnce(&str) -> Result<T, Invalid>,
    ) -> Option<T> {
        match value {
            Value::String(s) => match parse(&s) {
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

    /// A list of strings each parsed by `parse` (absent or null is an
    /// empty list); an invalid item is named `field[i]`.
    pub fn list<T>(&mut self, field: &str, parse: impl Fn(&str) -> Result<T, Invalid>) -> Option<Vec<T>> {
        match self.take(field) {
            None => Some(Vec::new()),
            Some(Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                let mut ok = true;
                for (i, item) in items.into_iter().enumerate() {
                    match self.parse_value(&format!("{field}[{i}]"), item, &parse) {
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
    pub fn objects(&mut self, field: &str, max: usize) -> Option<Vec<Fields>> {
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
        let errors = nested.into_errors();
        self.errors.extend(errors);
    }

    /// Records a failure found after parsing (a reference to nothing, say).
    pub fn reject(&mut self, field: &str, message: impl Into<String>) {
        self.error(field, message);
    }

    fn into_errors(mut self) -> Vec<FieldError> {
        let unknown: Vec<String> = self.object.keys().filter(|k| !self.seen.contains(k)).cloned().collect();
        for k in unknown {
            self.error(&k, "is not a known field");
        }
        self.errors
    }

    /// # Errors
    /// 422 naming every invalid, missing or unknown field.
    pub fn finish(self) -> Result<(), ApiError> {
        let errors = self.into_errors();
        if errors.is_empty() { Ok(()) } else { Err(ApiError::Invalid(errors)) }
    }
}

/// Free text (`portalis_core::text::free_text`).
pub use portalis_core::text::free_text as text;

/// A calendar date `YYYY-MM-DD` (`portalis_core::calendar::parse_date`).
pub use portalis_core::calendar::parse_date as date;

#[cfg(test)]
mod tests {
    use super::*;
    use portalis_core::case::CaseStatus;

    #[test]
    fn every_invalid_missing_and_unknown_field_is_named() {
        let mut f = Fields::from_slice(br#"{"status": "ouvert", "filed_on": 3, "extra": 1}"#).unwrap();
        let _ = f.required("status", CaseStatus::parse);
        let _ = f.required("filed_on", date);
        let _ = f.required("portalis_number", |s| Ok::<_, Invalid>(s.to_owned()));
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["status", "filed_on", "portalis_number", "extra"]);
    }

    #[test]
    fn nested_fields_are_dotted() {
        let mut f = Fields::from_slice(br#"{"nature": {"code": "6"}}"#).unwrap();
        let mut nature = f.object("nature").unwrap();
        let _ = nature.required("code", portalis_core::nac::NacCode::parse);
        let _ = nature.required("label", text(300));
        f.finish_nested(nature);
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(names, ["nature.code", "nature.label"]);
    }

    #[test]
    fn the_items_of_a_list_are_named_by_their_index() {
        let mut f = Fields::from_slice(br#"{"events": [{"kind": "x"}, 3, {"kind": "y", "other": 1}]}"#).unwrap();
        assert!(f.objects("events", 10).is_none(), "an item that is not an object spoils the list");
        let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
        assert_eq!(errors, [FieldError::new("events[1]", "must be an object")]);

        let mut f = Fields::from_slice(br#"{"events": [{"kind": "x"}, {"kind": "y", "other": 1}]}"#).unwrap();
        for mut item in f.objects("events", 10).unwrap() {
            let _ = item.required("kind", |s| Ok::<_, Invalid>(s.to_owned()));
            let _ = item.required("status", |s| Ok::<_, Invalid>(s.to_owned()));
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
            assert!(f.objects("events", 2).is_none());
            let Err(ApiError::Invalid(errors)) = f.finish() else { panic!("expected 422") };
            assert_eq!(errors.iter().map(|e| e.field.as_str()).collect::<Vec<_>>(), ["events"]);
        }
    }

    #[test]
    fn a_body_that_is_not_an_object_is_a_bad_request() {
        assert!(matches!(Fields::from_slice(b"[1]"), Err(ApiError::BadRequest(_))));
        assert!(matches!(Fields::from_slice(b"{"), Err(ApiError::BadRequest(_))));
    }
}
