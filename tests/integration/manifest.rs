//! `connector.toml` checked against the component's WIT (read from the built component),
//! and the generated docs checked for staleness.

use crate::harness::*;
use connector_host::manifest::{Input, Manifest};
use serde_json::Value;
use std::collections::BTreeSet;

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(workspace().join("connector.toml")).expect("connector.toml");
    Manifest::parse(&text).expect("connector.toml parses")
}

fn normalize(option: &str) -> String {
    option.to_ascii_lowercase().replace('_', "-")
}

/// Check one manifest input against its WIT type; returns the problems found.
fn check_input(at: &str, input: &Input, ty: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let (optional, inner) = match ty.get("option") {
        Some(inner) => (true, inner),
        None => (false, ty),
    };
    if input.required == optional {
        problems.push(format!(
            "{at}: manifest says required={}, WIT says optional={optional}",
            input.required
        ));
    }
    let fits = match (input.kind.as_str(), inner) {
        ("string" | "json", Value::String(t)) => t == "string",
        ("boolean", Value::String(t)) => t == "bool",
        ("integer", Value::String(t)) => t == "u32" || t == "u64",
        ("enum", Value::Object(o)) if o.contains_key("enum") => {
            let cases: BTreeSet<String> = o["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            let options: BTreeSet<String> = input.options.iter().map(|o| normalize(o)).collect();
            if !options.is_subset(&cases) || options.is_empty() {
                problems.push(format!(
                    "{at}: options {:?} are not WIT cases {cases:?}",
                    input.options
                ));
            }
            true
        }
        ("connection", Value::Object(o)) => o.contains_key("variant"),
        _ => false,
    };
    if !fits {
        problems.push(format!(
            "{at}: manifest type {} does not fit WIT type {inner}",
            input.kind
        ));
    }
    problems
}

/// Compare manifest inputs with a WIT record's fields.
fn check_record(at: &str, inputs: &[&Input], record: &Value) -> Vec<String> {
    let fields = record["record"].as_object().expect("a record");
    let mut problems = Vec::new();
    for input in inputs {
        match fields.get(&input.key) {
            Some(ty) => problems.extend(check_input(&format!("{at}.{}", input.key), input, ty)),
            None => problems.push(format!(
                "{at}.{}: in the manifest, not in the WIT",
                input.key
            )),
        }
    }
    for field in fields.keys() {
        if !inputs.iter().any(|i| &i.key == field) {
            problems.push(format!("{at}.{field}: in the WIT, not in the manifest"));
        }
    }
    problems
}

#[test]
fn manifest_and_wit_agree() {
    let manifest = manifest();
    let signatures = host().signatures();
    let wit_actions: BTreeSet<&str> = signatures
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let manifest_actions: BTreeSet<&str> =
        manifest.actions.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(
        manifest_actions, wit_actions,
        "the same actions on both sides"
    );

    let mut problems = Vec::new();
    for action in &manifest.actions {
        let signature = &signatures[&action.key];
        let (connection, inputs): (Vec<&Input>, Vec<&Input>) =
            action.inputs.iter().partition(|i| i.kind == "connection");
        assert_eq!(connection.len(), 1, "{}: one connection input", action.key);
        problems.extend(check_input(
            &format!("{}.connection", action.key),
            connection[0],
            &signature["connection"],
        ));
        problems.extend(check_record(&action.key, &inputs, &signature["input"]));
    }
    let variant = signatures["list-tables"]["connection"]["variant"]
        .as_object()
        .unwrap();
    let cases: BTreeSet<&str> = variant.keys().map(String::as_str).collect();
    let connections: BTreeSet<&str> = manifest
        .connections
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(connections, cases, "the same connections on both sides");
    for connection in &manifest.connections {
        let inputs: Vec<&Input> = connection.inputs.iter().collect();
        problems.extend(check_record(
            &format!("connection {}", connection.key),
            &inputs,
            &variant[&connection.key],
        ));
    }
    assert!(
        problems.is_empty(),
        "manifest and WIT disagree:\n{}",
        problems.join("\n")
    );
}

#[test]
fn secrets_are_marked_and_icons_exist() {
    let manifest = manifest();
    for connection in &manifest.connections {
        for input in &connection.inputs {
            let should = input.key == "secret-access-key" || input.key == "session-token";
            assert_eq!(
                input.secret, should,
                "{}.{} secret flag",
                connection.key, input.key
            );
        }
    }
    for icon in [&manifest.icon, &manifest.icon_svg] {
        assert!(workspace().join(icon).is_file(), "{icon} exists");
    }
}

#[test]
fn generated_docs_are_fresh() {
    let examples: Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("examples/demo-output.json"))
            .expect("recorded demo"),
    )
    .unwrap();
    let mut stale = Vec::new();
    for (path, text) in connector_host::docs::render(&manifest(), &examples) {
        if std::fs::read_to_string(workspace().join("docs").join(&path)).ok() != Some(text) {
            stale.push(path);
        }
    }
    assert!(
        stale.is_empty(),
        "stale docs {stale:?}: run `scripts/demo.sh --record` (or `cargo run -p connector-host --bin connector-docs`)"
    );
    let recorded: BTreeSet<&str> = examples
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["action"].as_str())
        .collect();
    for action in manifest().actions {
        assert!(
            recorded.contains(action.key.as_str()),
            "the demo shows {}",
            action.key
        );
    }
}
