//! A sent filing's answers as the court reads them through the API: one
//! JSON object per step (an array of objects for a repeated step), each
//! field under its declared name with its canonical value; and the JSON
//! Schema of that object, drawn from the same declaration, which the
//! OpenAPI document publishes per procedure.

use super::answers::{Answers, StepAnswers, field_id, option_id};
use super::form::{Need, ProcedureForm, Step};
use super::values::{DateBound, Kind};
use serde_json::{Map, Value, json};

/// The answers of `form`'s steps, as the court reads them. A field not
/// answered (optional, or not asked) is left out.
pub fn answers_json(form: &ProcedureForm, answers: &Answers) -> Value {
    let mut out = Map::new();
    for step in form.steps {
        let Some(kept) = answers.step(step.slug) else { continue };
        let value = match step.repeat {
            Some(_) => Value::Array((1..=kept.items).map(|n| Value::Object(item(step, kept, Some(n)))).collect()),
            None => Value::Object(item(step, kept, None)),
        };
        out.insert(step.slug.to_owned(), value);
    }
    Value::Object(out)
}

fn item(step: &Step, kept: &StepAnswers, n: Option<usize>) -> Map<String, Value> {
    let mut out = Map::new();
    for f in step.fields {
        let id = field_id(f, n);
        let value = match f.kind {
            Kind::Choices(opts) => {
                let ticked: Vec<Value> = opts
                    .iter()
                    .filter(|o| kept.values.contains_key(&option_id(&id, o.code)))
                    .map(|o| Value::String(o.code.to_owned()))
                    .collect();
                (!ticked.is_empty()).then_some(Value::Array(ticked))
            }
            Kind::Tick => kept.values.contains_key(&id).then_some(Value::Bool(true)),
            _ => kept.values.get(&id).map(|v| Value::String(v.clone())),
        };
        if let Some(v) = value {
            out.insert(f.name.to_owned(), v);
        }
    }
    out
}

/// The JSON Schema of [`answers_json`] for `form`.
pub fn answers_schema(form: &ProcedureForm) -> Value {
    let mut properties = Map::new();
    for step in form.steps {
        let object = item_schema(step);
        let schema = match step.repeat {
            Some(r) => json!({
                "type": "array", "description": format!("{} (one per item: {})", step.title, r.item),
                "minItems": r.min, "maxItems": r.max, "items": object,
            }),
            None => {
                let mut o = object;
                o["description"] = Value::String(step.title.to_owned());
                o
            }
        };
        properties.insert(step.slug.to_owned(), schema);
    }
    // Every step of a sent filing is answered: the steps are required, and
    // nothing else may appear, so that each procedure's answers match its
    // schema only.
    json!({
        "type": "object",
        "description": format!("The answers of « {} », by step.", form.procedure.label()),
        "properties": properties,
        "required": form.steps.iter().map(|s| s.slug).collect::<Vec<_>>(),
        "additionalProperties": false,
    })
}

fn item_schema(step: &Step) -> Value {
    let mut properties = Map::new();
    for f in step.fields {
        let mut schema = match f.kind {
            Kind::Line(max) | Kind::Text(max) => json!({"type": "string", "maxLength": max}),
            Kind::Date(bound) => {
                let when = match bound {
                    DateBound::Past => " (not after the day it was typed)",
                    DateBound::Future => " (not before the day it was typed)",
                };
                json!({"type": "string", "format": "date", "description": when})
            }
            Kind::Time => json!({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$"}),
            Kind::Email => json!({"type": "string", "format": "email"}),
            Kind::Mobile => json!({"type": "string", "pattern": "^\\+[0-9]{8,15}$"}),
            Kind::PostCode => json!({"type": "string", "pattern": "^[0-9]{5}$"}),
            Kind::Euros => json!({"type": "string", "pattern": "^[0-9]+\\.[0-9]{2}$", "description": " (euros)"}),
            Kind::Choice(opts) => json!({"type": "string", "enum": opts.iter().map(|o| o.code).collect::<Vec<_>>()}),
            Kind::Choices(opts) => json!({
                "type": "array", "uniqueItems": true,
                "items": {"type": "string", "enum": opts.iter().map(|o| o.code).collect::<Vec<_>>()},
            }),
            Kind::Tick => json!({"type": "boolean", "enum": [true]}),
            Kind::Court => json!({"type": "string", "description": " (the court's code)"}),
        };
        let extra = schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
        let options: String = f.kind.options().iter().map(|o| format!("\n- `{}`: {}", o.code, o.label)).collect();
        schema["description"] = Value::String(format!("{}{extra}{options}", f.label));
        properties.insert(f.name.to_owned(), schema);
    }
    // A field always asked is always answered in a sent filing; but for
    // the court, which is kept only when the filer chose another than the
    // one proposed (the filing's court is in `FilingView::court`).
    let required: Vec<&str> = step
        .fields
        .iter()
        .filter(|f| matches!(f.need, Need::Required) && f.kind != Kind::Court)
        .map(|f| f.name)
        .collect();
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

#[cfg(test)]
mod tests {
    use super::super::procedures;
    use super::*;

    #[test]
    fn the_answers_follow_the_declaration_and_its_schema() {
        let form = procedures::form(super::super::Procedure::JugeAuxAffairesFamiliales);
        let mut answers = Answers::default();
        let children = StepAnswers {
            values: [("prenoms_1", "Léa"), ("prenoms_2", "Tom")]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            items: 2,
            done: true,
        };
        answers.steps.insert("enfants".to_owned(), children);
        let json = answers_json(form, &answers);
        let items = json["enfants"].as_array().expect("one object per child");
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["prenoms"], "Tom");
        assert!(json.get("vous").is_none(), "a step not answered is left out");
        let schema = answers_schema(form);
        for step in form.steps {
            let s = &schema["properties"][step.slug];
            let fields = if step.repeat.is_some() { &s["items"]["properties"] } else { &s["properties"] };
            for f in step.fields {
                assert!(fields[f.name]["description"].as_str().is_some_and(|d| d.starts_with(f.label)), "{}", f.name);
            }
        }
    }
}
