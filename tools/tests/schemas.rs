//! The generated JSON Schemas: valid 2020-12 documents, and every step input of the
//! examples valid against its action's schema (a validator from the registries, resolving
//! the shared shapes from `schemas/shapes.json`).

use jsonschema::{Retrieve, Uri};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(path: &str) -> Value {
    let text = std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Resolves the documents' `$id`s to the files under `schemas/`.
struct Files;

impl Retrieve for Files {
    fn retrieve(
        &self,
        uri: &Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str().trim_start_matches('/');
        Ok(read(path))
    }
}

fn validator(path: &str) -> jsonschema::Validator {
    jsonschema::options()
        .with_retriever(Files)
        .build(&read(path))
        .unwrap_or_else(|e| panic!("{path} does not compile: {e}"))
}

#[test]
fn every_schema_is_a_valid_2020_12_document() {
    let mut files: Vec<String> = [
        "shapes.json",
        "outputs.json",
        "error.json",
        "connection.json",
    ]
    .map(|f| format!("schemas/{f}"))
    .into();
    for dir in ["schemas/connections", "schemas/actions"] {
        for entry in std::fs::read_dir(root().join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            files.push(format!("{dir}/{name}"));
        }
    }
    assert!(files.len() > 30, "{files:?}");
    for file in &files {
        let schema = read(file);
        if let Err(error) = jsonschema::meta::validate(&schema) {
            panic!("{file}: {error}");
        }
        validator(file);
    }
}

#[test]
fn every_example_step_input_is_valid_against_its_action_schema() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for flow in [
        "demo-flow.json",
        "bulk-flow.json",
        "catalog-flow.json",
        "changes-flow.json",
    ] {
        let flow = read(&format!("examples/{flow}"));
        let connection = &flow["connection"];
        let kind = connection["type"].as_str().unwrap();
        let check = validator(&format!("schemas/connections/{kind}.json"));
        assert!(check.is_valid(connection), "{connection}");
        for step in flow["steps"].as_array().unwrap() {
            let action = step["action"].as_str().unwrap();
            let check = validator(&format!("schemas/actions/{action}.input.json"));
            let errors: Vec<String> = check
                .iter_errors(&step["input"])
                .map(|e| e.to_string())
                .collect();
            if !errors.is_empty() {
                wrong.push(format!("{action}: {errors:?}"));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked > 30, "{checked}");
}

/// Every action's input schema, by file name.
fn input_schemas() -> Vec<(String, Value)> {
    let mut schemas = Vec::new();
    for entry in std::fs::read_dir(root().join("schemas/actions")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".input.json") {
            let schema = read(&format!("schemas/actions/{name}"));
            schemas.push((name, schema));
        }
    }
    schemas
}

#[test]
fn every_example_and_default_is_valid_against_its_input() {
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, schema) in input_schemas() {
        let properties = schema["properties"].as_object().unwrap();
        for (key, property) in properties {
            let samples = property["examples"].as_array().cloned().unwrap_or_default();
            for sample in samples.iter().chain(property.get("default")) {
                let mut input = serde_json::Map::new();
                input.insert(key.clone(), sample.clone());
                let mut one = schema.clone();
                one["required"] = serde_json::json!([]);
                let check = jsonschema::validator_for(&one).unwrap();
                let errors: Vec<String> = check
                    .iter_errors(&Value::Object(input))
                    .map(|e| e.to_string())
                    .collect();
                if !errors.is_empty() {
                    wrong.push(format!("{name} {key}: {errors:?}"));
                }
                checked += 1;
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(checked > 100, "{checked}");
}

#[test]
fn generated_schemas_are_fresh() {
    let text = std::fs::read_to_string(root().join("connector.toml")).unwrap();
    let manifest = connector_manifest::Manifest::parse(&text).unwrap();
    let shapes = connector_tools::schema::Shapes::new(
        &read("schemas/shapes.json"),
        &read("schemas/outputs.json"),
    )
    .unwrap();
    let stale: Vec<String> = connector_tools::schema::render(&manifest, &shapes)
        .into_iter()
        .filter(|(path, text)| {
            std::fs::read_to_string(root().join("schemas").join(path))
                .ok()
                .as_ref()
                != Some(text)
        })
        .map(|(path, _)| path)
        .collect();
    assert!(
        stale.is_empty(),
        "stale schemas {stale:?}: run `cargo run -p connector-tools --bin connector-docs`"
    );
}

/// Every place a form draws a title from: definitions, array items (unless a reference
/// whose definition has one) and the branches of a choice.
fn untitled(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            let items = members.get("items").filter(|i| i.is_object());
            if let Some(items) = items {
                if items.get("title").is_none() && items.get("$ref").is_none() {
                    out.push(format!("{at}/items"));
                }
            }
            for choice in ["anyOf", "oneOf"] {
                for (i, branch) in members
                    .get(choice)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    if branch.get("title").is_none() && branch.get("$ref").is_none() {
                        out.push(format!("{at}/{choice}/{i}"));
                    }
                }
            }
            for (key, member) in members {
                untitled(member, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                untitled(item, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_input_definition_array_item_and_choice_has_a_title_and_plain_text() {
    let mut wrong = Vec::new();
    for (name, schema) in input_schemas() {
        for (def, body) in schema["$defs"].as_object().into_iter().flatten() {
            if body.get("title").is_none() {
                wrong.push(format!("{name} $defs/{def}"));
            }
        }
        untitled(&schema, &name, &mut wrong);
        let text = schema.to_string();
        for mark in ["](http", "<strong>", "`"] {
            if text.contains(mark) {
                wrong.push(format!("{name}: a description holds {mark}"));
            }
        }
    }
    wrong.dedup();
    assert!(wrong.is_empty(), "{wrong:#?}");
}
