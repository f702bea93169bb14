//! JSON Schema 2020-12 documents of the connections and of every action's input and output,
//! generated from `connector.toml`: each input's type, title, description, default, enum
//! values and form order from the manifest, secrets `writeOnly` with `format: password`,
//! table names with dynamic options from `list-tables`, and the structure of every
//! JSON-valued input referenced from the shapes written once in `schemas/shapes.json`. Each
//! action's output (and the error object) is its shape written once in
//! `schemas/outputs.json`, under the action's own `$id`.

use connector_manifest::{Action, ConnectionType, Input, Manifest};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The dialect of every document.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where the documents say they live (their `$id`s are relative to it).
const BASE: &str = "https://dynamodb-connector.local/schemas/";

/// The shape (a `$defs` entry of `shapes.json`) of a JSON-valued input: the manifest's
/// `shape`, `plain-value` when it names none.
pub fn shape(input: &Input) -> &str {
    input.shape.as_deref().unwrap_or("plain-value")
}

/// What the host takes for an input of `kind` (`host/src/convert.rs`): text also as a
/// number or boolean (taken as its text), booleans also as `"true"`/`"false"` in any case,
/// whole numbers also as digits in a string, enum cases in any case with `_` for `-`, and a
/// JSON-valued input as JSON or as JSON text.
fn accepted(input: &Input) -> Vec<Value> {
    match input.kind.as_str() {
        "boolean" => vec![
            json!({"type": "boolean"}),
            json!({"type": "string", "pattern": "^([Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$"}),
        ],
        "integer" => vec![
            json!({"type": "integer", "minimum": input.minimum.unwrap_or(0),
                "maximum": input.maximum.unwrap_or(u32::MAX.into())}),
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
            let shape = format!("#/$defs/{}", shape(input));
            let text = json!({"type": "string", "contentMediaType": "application/json"});
            vec![json!({"$ref": shape}), text]
        }
        _ => vec![json!({"type": ["string", "number", "boolean"]})],
    }
}

/// The schema of one input: what it accepts (and `null` when it is optional), with the
/// manifest's title, description, form order (`order`, as Airbyte's specifications have it),
/// default, example, bounds and secrecy (`writeOnly`, `format: password` and Airbyte's
/// `airbyte_secret`).
fn property(action: &str, input: &Input, order: usize) -> Value {
    let mut accepted = accepted(input);
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
    members.insert("order".into(), order.into());
    if let Some(default) = &input.default {
        members.insert("default".into(), default_value(input, default));
    }
    if let Some(example) = &input.example {
        members.insert("examples".into(), json!([example_value(input, example)]));
    }
    if input.secret {
        members.insert("writeOnly".into(), true.into());
        members.insert("format".into(), "password".into());
        members.insert("airbyte_secret".into(), true.into());
    }
    if input.key == "table-name" && action != "create-table" {
        let options = json!({"action": "list-tables", "input": {"fetch-all": true},
            "values": "TableNames"});
        members.insert("x-options".into(), options);
    }
    schema
}

/// A manifest example as the JSON the input takes: a JSON input's text parsed, a number or
/// boolean input's text read as one, any other text as it is.
fn example_value(input: &Input, example: &str) -> Value {
    match input.kind.as_str() {
        "json" | "integer" | "boolean" => {
            serde_json::from_str(example).unwrap_or_else(|_| Value::from(example))
        }
        _ => Value::from(example),
    }
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

/// The object schema titled `label` of `inputs` (the connection input left out: a step
/// carries its connection beside the input) for `action` ("" for a connection).
fn object(action: &str, label: &str, description: &str, inputs: &[Input]) -> Value {
    let inputs: Vec<&Input> = inputs.iter().filter(|i| i.kind != "connection").collect();
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
    json!({"title": label,
        "description": description, "type": "object", "properties": properties,
        "required": required, "additionalProperties": false})
}

/// The hand-written shapes the documents draw on — `schemas/shapes.json` (the JSON-valued
/// inputs) and `schemas/outputs.json` (every action's output and the error) — as one
/// namespace of definitions, each `$ref` made local (`#/$defs/NAME`).
pub struct Shapes {
    defs: Map<String, Value>,
}

impl Shapes {
    /// The shapes of the two source documents; their definitions' names must not overlap.
    pub fn new(shapes: &Value, outputs: &Value) -> Result<Shapes, String> {
        let mut defs = Map::new();
        for (file, doc) in [("shapes.json", shapes), ("outputs.json", outputs)] {
            let Some(Value::Object(own)) = doc.get("$defs") else {
                return Err(format!("schemas/{file} has no $defs"));
            };
            for (name, def) in own {
                if defs.insert(name.clone(), localized(def.clone())).is_some() {
                    return Err(format!("schemas/{file}: {name} is defined twice"));
                }
            }
        }
        Ok(Shapes { defs })
    }

    /// Every definition, by name.
    pub fn defs(&self) -> &Map<String, Value> {
        &self.defs
    }

    /// The definitions `root` needs, directly or through others.
    fn closure(&self, root: &Value) -> Map<String, Value> {
        let mut needed = Map::new();
        let mut pending = refs(root);
        while let Some(name) = pending.pop() {
            if needed.contains_key(&name) {
                continue;
            }
            if let Some(def) = self.defs.get(&name) {
                pending.extend(refs(def));
                needed.insert(name, def.clone());
            }
        }
        needed.sort_keys();
        needed
    }

    /// `root` as a self-contained document `schemas/ID`: the dialect, its `$id`, and the
    /// definitions it needs.
    fn document(&self, id: &str, root: Value) -> Value {
        let defs = self.closure(&root);
        let mut doc = json!({"$schema": DIALECT, "$id": format!("{BASE}{id}")});
        let members = doc.as_object_mut().expect("an object");
        if let Value::Object(root) = root {
            members.extend(root);
        }
        if !defs.is_empty() {
            members.insert("$defs".into(), Value::Object(defs));
        }
        doc
    }
}

/// `value` with every `$ref` to a definition (`FILE#/$defs/NAME`) made local.
fn localized(mut value: Value) -> Value {
    walk_refs(&mut value, &mut |r| {
        if let Some((_, name)) = r.split_once("#/$defs/") {
            *r = format!("#/$defs/{name}");
        }
    });
    value
}

/// Call `f` on every `$ref` string within `value`.
pub fn walk_refs(value: &mut Value, f: &mut impl FnMut(&mut String)) {
    match value {
        Value::Object(members) => {
            for (key, member) in members.iter_mut() {
                match member {
                    Value::String(r) if key == "$ref" => f(r),
                    other => walk_refs(other, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| walk_refs(i, f)),
        _ => {}
    }
}

/// The definitions `value` refers to.
fn refs(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk_refs(&mut value.clone(), &mut |r| {
        if let Some(name) = r.strip_prefix("#/$defs/") {
            found.push(name.to_string());
        }
    });
    found
}

/// The input schema of `action` (its object, without the document frame).
pub fn input(action: &Action) -> Value {
    object(
        &action.key,
        &action.label,
        &action.description,
        &action.inputs,
    )
}

/// The title and reference of `action`'s output shape (`output-ACTION` of
/// `schemas/outputs.json`); every output is an object, which the root says for clients
/// that read only the root (MCP's `outputSchema` must be of type object).
pub fn output(action: &Action) -> Value {
    json!({"title": format!("{} output", action.label), "type": "object",
        "$ref": format!("#/$defs/output-{}", action.key)})
}

/// The object schema of `connection`'s fields, with its `type` discriminator.
pub fn connection(connection: &ConnectionType) -> Value {
    let c = connection;
    let mut schema = object("", &c.label, &c.description, &c.inputs);
    let required = schema["required"].as_array_mut().expect("required");
    required.insert(0, "type".into());
    schema["properties"]
        .as_object_mut()
        .expect("properties")
        .insert("type".into(), json!({"const": connection.key}));
    schema
}

/// Every generated document by its path under `schemas/`: self-contained (each carries
/// the shapes it needs), so a form renderer or an MCP client reads one file.
pub fn render(manifest: &Manifest, shapes: &Shapes) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut add = |id: String, root: Value| {
        let doc = shapes.document(&id, root);
        out.insert(id, pretty(&doc));
    };
    let mut kinds = Map::new();
    for group in &manifest.connections {
        add(format!("connections/{}.json", group.key), connection(group));
        kinds.insert(format!("connection-{}", group.key), connection(group));
    }
    let choices: Vec<Value> = kinds
        .keys()
        .map(|k| json!({"$ref": format!("#/$defs/{k}")}))
        .collect();
    let any = json!({"title": "A connection", "description":
        "One of the connection types, told apart by its type (a const discriminator).",
        "oneOf": choices, "$defs": kinds});
    add("connection.json".into(), any);
    for action in &manifest.actions {
        add(format!("actions/{}.input.json", action.key), input(action));
        add(
            format!("actions/{}.output.json", action.key),
            output(action),
        );
    }
    add(
        "error.json".into(),
        json!({"title": "A failed step", "type": "object", "$ref": "#/$defs/error"}),
    );
    out
}

/// A document as the checked-in files have it: pretty JSON and a final newline.
pub fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default() + "\n"
}
