//! The tools as an agent reads them: lean input schemas (without the inputs the operator
//! pinned, the expression inputs whose plain-JSON form the tool offers, form-only
//! keywords and all but each description's first sentence), a description that says how
//! to call the tool, and an output schema trimmed to the output's top-level members — so
//! that `tools/list` of the default tools stays within a small share of an agent's context.

use crate::manifest::Action;
use serde_json::{json, Map, Value};

/// Keywords a form reads and an agent does not (examples too: the tool's description
/// shows the forms that matter).
const FORM_ONLY: [&str; 8] = [
    "examples",
    "order",
    "airbyte_secret",
    "x-options",
    "x-widget",
    "title",
    "$schema",
    "$id",
];

/// `schema` (an action's input schema) as the tool's: without the pinned inputs and those
/// the manifest keeps from MCP (`mcp = false`), form-only keywords, unused definitions,
/// and with each description cut to its first sentence.
pub(super) fn input(
    mut schema: Value,
    action: Option<&Action>,
    pinned: &Map<String, Value>,
) -> Value {
    let hidden: Vec<&str> = action
        .map(|a| {
            a.inputs
                .iter()
                .filter(|i| !i.mcp)
                .map(|i| i.key.as_str())
                .collect()
        })
        .unwrap_or_default();
    let left_out = |key: &str| pinned.contains_key(key) || hidden.contains(&key);
    if let Some(Value::Object(properties)) = schema.get_mut("properties") {
        properties.retain(|key, _| !left_out(key));
    }
    if let Some(Value::Array(required)) = schema.get_mut("required") {
        required.retain(|key| !key.as_str().is_some_and(left_out));
    }
    prune_definitions(&mut schema);
    trimmed(&mut schema);
    // The root's description is the tool's own.
    schema.as_object_mut().map(|m| m.remove("description"));
    schema
}

/// `output` (an action's output schema) trimmed to its top-level members and their types.
pub(super) fn output(output: &Value) -> Value {
    let name = output["$ref"]
        .as_str()
        .and_then(|r| r.strip_prefix("#/$defs/"));
    let shape = name.map_or(&Value::Null, |n| &output["$defs"][n]);
    let mut members = Map::new();
    if let Some(Value::Object(properties)) = shape.get("properties") {
        for (key, member) in properties {
            let mut kept = Map::new();
            if let Some(kind) = member.get("type") {
                kept.insert("type".into(), kind.clone());
            }
            members.insert(key.clone(), Value::Object(kept));
        }
    }
    json!({"type": "object", "properties": members})
}

/// The tool's description: the action's, then its guide.
pub(super) fn description(schema: &Value, action: Option<&Action>) -> String {
    let own = schema["description"].as_str().unwrap_or_default();
    match action.and_then(|a| a.guide.as_deref()) {
        Some(guide) => format!("{own}\n\n{guide}"),
        None => own.to_string(),
    }
}

/// `text` up to the end of its first sentence of some length (a stop followed by a space
/// and a capital, so that "e.g. x" does not end it, nor does a one-word "Optional.").
fn first_sentence(text: &str) -> &str {
    const SHORTEST: usize = 20;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let next = bytes.get(i + 2).copied().unwrap_or(b'A');
        if c == '.' && i >= SHORTEST && bytes.get(i + 1) == Some(&b' ') && next.is_ascii_uppercase()
        {
            return &text[..=i];
        }
    }
    text
}

/// `schema` without form-only keywords and the bound every whole number has anyway
/// (`maximum` 2³²−1), its descriptions cut to their first sentence.
fn trimmed(schema: &mut Value) {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(members) => {
                for keyword in FORM_ONLY {
                    // A title is a keyword when it is text (an input named title would be a schema).
                    if members
                        .get(keyword)
                        .is_some_and(|v| keyword != "title" || v.is_string())
                    {
                        members.remove(keyword);
                    }
                }
                if members.get("maximum") == Some(&Value::from(u32::MAX)) {
                    members.remove("maximum");
                }
                if let Some(Value::String(text)) = members.get_mut("description") {
                    *text = first_sentence(text).to_string();
                }
                members.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(schema);
}

/// `schema` without the definitions nothing in it refers to any more.
fn prune_definitions(schema: &mut Value) {
    let Some(Value::Object(defs)) = schema.get("$defs").cloned() else {
        return;
    };
    let mut used: Vec<String> = Vec::new();
    let mut pending = references(&schema["properties"]);
    while let Some(name) = pending.pop() {
        if !used.contains(&name) {
            pending.extend(defs.get(&name).map(references).unwrap_or_default());
            used.push(name);
        }
    }
    let kept: Map<String, Value> = defs.into_iter().filter(|(n, _)| used.contains(n)).collect();
    if kept.is_empty() {
        schema.as_object_mut().map(|m| m.remove("$defs"));
    } else {
        schema["$defs"] = Value::Object(kept);
    }
}

/// The definitions `value` refers to.
fn references(value: &Value) -> Vec<String> {
    match value {
        Value::Object(members) => members
            .iter()
            .flat_map(|(key, member)| match (key.as_str(), member) {
                ("$ref", Value::String(r)) => r
                    .strip_prefix("#/$defs/")
                    .map(str::to_string)
                    .into_iter()
                    .collect(),
                _ => references(member),
            })
            .collect(),
        Value::Array(items) => items.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn a_description_is_cut_after_its_first_sentence_but_not_after_an_abbreviation() {
        assert_eq!(
            first_sentence("The first sentence, long enough. The second."),
            "The first sentence, long enough."
        );
        assert_eq!(
            first_sentence("Optional. The key schema. More."),
            "Optional. The key schema."
        );
        assert_eq!(
            first_sentence("Like e.g. this one here. Then"),
            "Like e.g. this one here."
        );
        assert_eq!(first_sentence("No stop"), "No stop");
    }
}
