//! `connector.toml` checked against the component's WIT, as the host reads it from the
//! built component (`connector_host::Host::signatures`, passed in as JSON): the same actions and
//! connections, every input a field of the right type, required exactly when not optional.

use connector_manifest::{Input, Manifest};
use serde_json::Value;
use std::collections::BTreeSet;

fn normalize(option: &str) -> String {
    option.to_ascii_lowercase().replace('_', "-")
}

/// The cases of a WIT enum type, when `ty` is one.
fn enum_cases(ty: &Value) -> Option<BTreeSet<String>> {
    let cases = ty.get("enum")?.as_array()?;
    Some(
        cases
            .iter()
            .filter_map(|c| c.as_str().map(str::to_string))
            .collect(),
    )
}

/// Problems of one manifest input against its WIT type.
fn check_input(at: &str, input: &Input, ty: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    match (input.kind.as_str(), &input.shape) {
        ("json", None) => problems.push(format!("{at}: a json input names no shape")),
        ("json", Some(_)) | (_, None) => {}
        (kind, Some(_)) => problems.push(format!("{at}: a {kind} input has a shape")),
    }
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
        ("connection", Value::Object(o)) => o.contains_key("variant"),
        ("enum", _) => match enum_cases(inner) {
            Some(cases) => {
                let options: BTreeSet<String> =
                    input.options.iter().map(|o| normalize(o)).collect();
                if options.is_empty() || !options.is_subset(&cases) {
                    problems.push(format!(
                        "{at}: options {:?} are not WIT cases {cases:?}",
                        input.options
                    ));
                }
                true
            }
            None => false,
        },
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

/// Problems of manifest inputs against a WIT record's fields.
fn check_record(at: &str, inputs: &[&Input], record: &Value) -> Vec<String> {
    let Some(fields) = record.get("record").and_then(Value::as_object) else {
        return vec![format!("{at}: the WIT type is not a record")];
    };
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

/// Problems of one action: one connection input, and the other inputs as its input record.
fn check_action(key: &str, inputs: &[Input], signature: &Value) -> Vec<String> {
    let (connection, inputs): (Vec<&Input>, Vec<&Input>) =
        inputs.iter().partition(|i| i.kind == "connection");
    let mut problems = match connection.as_slice() {
        [one] => check_input(&format!("{key}.connection"), one, &signature["connection"]),
        _ => vec![format!("{key}: needs exactly one connection input")],
    };
    problems.extend(check_record(key, &inputs, &signature["input"]));
    problems
}

/// Every disagreement between `manifest` and the component's `signatures`; empty when
/// they agree.
pub fn problems(manifest: &Manifest, signatures: &Value) -> Vec<String> {
    let wit_actions: BTreeSet<&str> = signatures
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let manifest_actions: BTreeSet<&str> =
        manifest.actions.iter().map(|a| a.key.as_str()).collect();
    let mut problems: Vec<String> = manifest_actions
        .symmetric_difference(&wit_actions)
        .map(|a| format!("action {a}: on one side only (manifest or WIT)"))
        .collect();
    for action in &manifest.actions {
        if action.effect.is_none() {
            problems.push(format!(
                "action {}: says no effect (read, add or change)",
                action.key
            ));
        }
        if action.label.is_empty() || action.description.is_empty() {
            problems.push(format!(
                "action {}: has no label or description",
                action.key
            ));
        }
        if !manifest.groups.iter().any(|g| g.key == action.group) {
            problems.push(format!(
                "action {}: group {:?} is not one of [[groups]]",
                action.key, action.group
            ));
        }
    }
    for action in manifest
        .actions
        .iter()
        .filter(|a| wit_actions.contains(a.key.as_str()))
    {
        problems.extend(check_action(
            &action.key,
            &action.inputs,
            &signatures[&action.key],
        ));
    }
    let Some(first) = wit_actions.first() else {
        return problems;
    };
    let variant = &signatures[first]["connection"]["variant"];
    let cases: BTreeSet<&str> = variant
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for connection in &manifest.connections {
        if !cases.contains(connection.key.as_str()) {
            problems.push(format!("connection {}: not a WIT case", connection.key));
            continue;
        }
        let inputs: Vec<&Input> = connection.inputs.iter().collect();
        problems.extend(check_record(
            &format!("connection {}", connection.key),
            &inputs,
            &variant[&connection.key],
        ));
    }
    let declared: BTreeSet<&str> = manifest
        .connections
        .iter()
        .map(|c| c.key.as_str())
        .collect();
    problems.extend(
        cases
            .difference(&declared)
            .map(|c| format!("connection {c}: in the WIT, not in the manifest")),
    );
    problems
}

/// Every disagreement between the manifest's `[[errors]]` and `cases`, the component's
/// error variant; empty when they agree.
pub fn error_problems(manifest: &Manifest, cases: &[String]) -> Vec<String> {
    let declared: BTreeSet<&str> = manifest.errors.iter().map(|e| e.kind.as_str()).collect();
    let cases: BTreeSet<&str> = cases.iter().map(String::as_str).collect();
    declared
        .symmetric_difference(&cases)
        .map(|k| format!("error kind {k}: on one side only (manifest [[errors]] or WIT)"))
        .collect()
}
