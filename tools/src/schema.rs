//! JSON Schema 2020-12 documents of the connections and of every action's input and output,
//! generated from `connector.toml`: each input's type, title, description, default, enum
//! values and form order from the manifest, secrets `writeOnly` with `format: password`,
//! table names with dynamic options from `list-tables`, and the structure of every
//! JSON-valued input referenced from the shapes written once in `schemas/shapes.json`. Each
//! action's output (and the error object) is its shape written once in
//! `schemas/outputs.json`, under the action's own `$id`.

pub use crate::shapes::{walk_refs, Shapes};
use connector_manifest::{Action, ConnectionType, Input, Manifest};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The dialect of every document.
pub(crate) const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where the documents say they live (their `$id`s are relative to it).
pub(crate) const BASE: &str = "https://dynamodb-connector.local/schemas/";

/// The shape (a `$defs` entry of `shapes.json`) of a JSON-valued input: the manifest's
/// `shape`, `plain-value` when it names none.
pub fn shape(input: &Input) -> &str {
    input.shape.as_deref().unwrap_or("plain-value")
}

/// The schema of an input of `kind` as a form draws it: one type per input (the host takes
/// more: text also as a number or boolean, booleans and whole numbers also as text, enum
/// cases in any case with `_` for `-`, null for an absent input, and a JSON-valued input
/// also as JSON text; docs/step-format.md), enum cases as the manifest spells them, and a
/// JSON-valued input as its structure, marked `x-widget: json` when that structure holds
/// values of any type (a definition of `schemas/shapes.json` marked so), where a form
/// draws a JSON editor.
fn accepted(input: &Input, shapes: &Shapes) -> Value {
    match input.kind.as_str() {
        "boolean" => json!({"type": "boolean"}),
        "integer" => json!({"type": "integer", "minimum": input.minimum.unwrap_or(0),
            "maximum": input.maximum.unwrap_or(u32::MAX.into())}),
        "enum" => json!({"type": "string", "enum": input.options}),
        "json" => {
            let reference = json!({"$ref": format!("#/$defs/{}", shape(input))});
            if shapes.open(&reference) {
                json!({"$ref": reference["$ref"], "x-widget": "json"})
            } else {
                reference
            }
        }
        _ => json!({"type": "string"}),
    }
}

/// `text` as plain text: Markdown links as `text (address)`, without code marks or HTML
/// tags, for form renderers that show descriptions as they are.
pub fn plain_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let link = after.find("](").and_then(|mid| {
            let close = after[mid..].find(')')? + mid;
            Some((&after[1..mid], &after[mid + 2..close], close))
        });
        match link {
            Some((label, address, close)) if !label.contains('[') => {
                out.push_str(label);
                out.push_str(" (");
                out.push_str(address);
                out.push(')');
                rest = &after[close + 1..];
            }
            _ => {
                out.push('[');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    let mut plain = String::with_capacity(out.len());
    let mut in_tag = false;
    for c in out.chars() {
        match c {
            '<' if !in_tag => in_tag = true,
            '>' if in_tag => in_tag = false,
            '`' => {}
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// The schema of one input as a form draws it: its type ([`accepted`]), the manifest's
/// title, plain-text description, form order (`order`, as Airbyte's specifications have
/// it), default (only a real one: samples are `examples`), bounds and secrecy
/// (`writeOnly`, `format: password` and Airbyte's `airbyte_secret`). Optional inputs are
/// those not in the object's `required`.
fn property(action: &str, input: &Input, order: usize, shapes: &Shapes) -> Value {
    let mut schema = accepted(input, shapes);
    let members = schema.as_object_mut().expect("an object schema");
    members.insert("title".into(), input.label.clone().into());
    members.insert("description".into(), plain_text(&input.comments).into());
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
fn object(
    action: &str,
    label: &str,
    description: &str,
    inputs: &[Input],
    shapes: &Shapes,
) -> Value {
    let inputs: Vec<&Input> = inputs.iter().filter(|i| i.kind != "connection").collect();
    let properties: Map<String, Value> = inputs
        .iter()
        .enumerate()
        .map(|(order, i)| (i.key.clone(), property(action, i, order, shapes)))
        .collect();
    let required: Vec<&str> = inputs
        .iter()
        .filter(|i| i.required)
        .map(|i| i.key.as_str())
        .collect();
    json!({"title": label,
        "description": plain_text(description), "type": "object", "properties": properties,
        "required": required, "additionalProperties": false})
}

/// The input schema of `action` (its object, without the document frame).
pub fn input(action: &Action, shapes: &Shapes) -> Value {
    object(
        &action.key,
        &action.label,
        &action.description,
        &action.inputs,
        shapes,
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
pub fn connection(connection: &ConnectionType, shapes: &Shapes) -> Value {
    let c = connection;
    let mut schema = object("", &c.label, &c.description, &c.inputs, shapes);
    let required = schema["required"].as_array_mut().expect("required");
    required.insert(0, "type".into());
    schema["properties"]
        .as_object_mut()
        .expect("properties")
        .insert(
            "type".into(),
            json!({"type": "string", "const": connection.key, "default": connection.key,
                "title": "Connection type"}),
        );
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
        add(
            format!("connections/{}.json", group.key),
            connection(group, shapes),
        );
        kinds.insert(
            format!("connection-{}", group.key),
            connection(group, shapes),
        );
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
        add(
            format!("actions/{}.input.json", action.key),
            input(action, shapes),
        );
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

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn descriptions_lose_markdown_links_code_marks_and_tags_but_keep_their_words() {
        assert_eq!(
            plain_text("See [key schemas](https://x.example/a#b) and `id`."),
            "See key schemas (https://x.example/a#b) and id."
        );
        assert_eq!(
            plain_text("<strong>Required</strong> if ranged; [a] stays."),
            "Required if ranged; [a] stays."
        );
    }
}
