//! JSON Schema 2020-12 documents of the connections and of every action's input, generated
//! from `connector.toml`: each input's type, title, description, default, enum values and
//! form order from the manifest, secrets `writeOnly` with `format: password`, table names
//! with dynamic options from `list-tables`, and the structure of every JSON-valued input
//! referenced from the shapes written once in `schemas/shapes.json`.

use crate::manifest::{Group, Input, Manifest};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The dialect of every document.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where the documents say they live (their `$id`s are relative to it).
const BASE: &str = "https://dynamodb-connector.local/schemas/";

/// The shape (a `$defs` entry of `shapes.json`) of the JSON-valued input `key` of `action`.
fn shape(action: &str, key: &str) -> &'static str {
    match (action, key) {
        ("query-items", "query-parameters") => "query-parameters",
        ("raw-request", "query-parameters") => "statement-parameters",
        ("raw-request", "parameters") => "parameter-list",
        ("upsert-item", "value") | (_, "exclusive-start-key") => "value-map",
        (_, "key-schema") => "key-schema",
        (_, "attribute-definitions") => "attribute-definitions",
        (_, "condition" | "filter" | "key-condition") => "condition",
        (_, "update") => "update",
        (_, "expression-attribute-values") => "placeholder-values",
        (_, "expression-attribute-value-types") => "placeholder-value-types",
        (_, "expression-attribute-names") => "placeholder-names",
        (_, "value-types") => "value-types",
        (_, "actions") => "transaction-actions",
        (_, "gets") => "transaction-gets",
        (_, "statements") => "statements",
        (_, "keys") => "batch-keys",
        (_, "requests") => "batch-requests",
        (_, "global-secondary-index-updates") => "index-updates",
        (_, "event-names") => "event-names",
        _ => "plain-value",
    }
}

/// What the host takes for an input of `kind` (`host/src/convert.rs`): text also as a
/// number or boolean (taken as its text), booleans also as `"true"`/`"false"` in any case,
/// whole numbers also as digits in a string, enum cases in any case with `_` for `-`, and a
/// JSON-valued input as JSON or as JSON text.
fn accepted(action: &str, input: &Input) -> Vec<Value> {
    match input.kind.as_str() {
        "boolean" => vec![
            json!({"type": "boolean"}),
            json!({"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"}),
        ],
        "integer" => vec![
            json!({"type": "integer", "minimum": 0, "maximum": u32::MAX}),
            json!({"type": "string", "pattern": "^\\s*[0-9]+\\s*$"}),
        ],
        "enum" => {
            let mut names: Vec<String> = Vec::new();
            for option in &input.options {
                let dashed = option.to_ascii_lowercase().replace('_', "-");
                let upper = dashed.to_ascii_uppercase().replace('-', "_");
                for name in [option.clone(), dashed, upper] {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            vec![json!({"enum": names})]
        }
        "json" => {
            let shape = format!("../shapes.json#/$defs/{}", shape(action, &input.key));
            let text = json!({"type": "string", "contentMediaType": "application/json"});
            vec![json!({"$ref": shape}), text]
        }
        _ => vec![json!({"type": ["string", "number", "boolean"]})],
    }
}

/// The schema of one input: what it accepts (and `null` when it is optional), with the
/// manifest's title, description, form order, default and secrecy.
fn property(action: &str, input: &Input, order: usize) -> Value {
    let mut accepted = accepted(action, input);
    if !input.required {
        accepted.push(json!({"type": "null"}));
    }
    let mut schema = match <[Value; 1]>::try_from(accepted) {
        Ok([one]) => one,
        Err(many) => json!({"anyOf": many}),
    };
    let members = schema.as_object_mut().expect("an object schema");
    members.insert("title".into(), input.label.clone().into());
    members.insert("description".into(), input.comments.clone().into());
    members.insert("x-order".into(), order.into());
    if let Some(default) = &input.default {
        members.insert("default".into(), default_value(input, default));
    }
    if input.secret {
        members.insert("writeOnly".into(), true.into());
        members.insert("format".into(), "password".into());
    }
    if input.key == "table-name" && action != "create-table" {
        let options = json!({"action": "list-tables", "input": {"fetch-all": true},
            "values": "TableNames"});
        members.insert("x-options".into(), options);
    }
    schema
}

/// A manifest default as the JSON the input takes (a JSON-valued input's default is text).
fn default_value(input: &Input, default: &toml::Value) -> Value {
    let text = match default {
        toml::Value::String(s) if input.kind == "json" => {
            return serde_json::from_str(s).unwrap_or_else(|_| Value::from(s.as_str()))
        }
        toml::Value::String(s) => return Value::from(s.as_str()),
        other => other.to_string(),
    };
    serde_json::from_str(&text).unwrap_or(Value::String(text))
}

/// The object schema of `group`'s inputs (the connection input left out: a step carries
/// its connection beside the input).
fn object(id: &str, action: &str, group: &Group) -> Value {
    let inputs: Vec<&Input> = group
        .inputs
        .iter()
        .filter(|i| i.kind != "connection")
        .collect();
    let properties: Map<String, Value> = inputs
        .iter()
        .enumerate()
        .map(|(order, i)| (i.key.clone(), property(action, i, order)))
        .collect();
    let required: Vec<&str> = inputs
        .iter()
        .filter(|i| i.required)
        .map(|i| i.key.as_str())
        .collect();
    json!({"$schema": DIALECT, "$id": format!("{BASE}{id}"), "title": group.label,
        "description": group.description, "type": "object", "properties": properties,
        "required": required, "additionalProperties": false})
}

/// Every generated document by its path under `schemas/`.
pub fn render(manifest: &Manifest) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for connection in &manifest.connections {
        let id = format!("connections/{}.json", connection.key);
        let mut schema = object(&id, "", connection);
        let required = schema["required"].as_array_mut().expect("required");
        required.insert(0, "type".into());
        schema["properties"]
            .as_object_mut()
            .expect("properties")
            .insert("type".into(), json!({"const": connection.key}));
        out.insert(id, pretty(&schema));
    }
    for action in &manifest.actions {
        let id = format!("actions/{}.input.json", action.key);
        out.insert(id.clone(), pretty(&object(&id, &action.key, action)));
    }
    out
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
