//! The hand-written shapes the generated documents draw on: `schemas/shapes.json` (the
//! JSON-valued inputs) and `schemas/outputs.json` (every output and the error), as one
//! namespace of definitions, each titled, each `$ref` made local.

use crate::schema::{BASE, DIALECT};
use serde_json::{json, Map, Value};

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
                let mut def = localized(def.clone());
                if let Value::Object(members) = &mut def {
                    members
                        .entry("title")
                        .or_insert_with(|| Value::from(title_of(name)));
                }
                if defs.insert(name.clone(), def).is_some() {
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

    /// Whether `root` holds, directly or through others, a definition marked
    /// `x-widget: json` (a value of any type: a form draws a JSON editor for it).
    pub(crate) fn open(&self, root: &Value) -> bool {
        let needed = self.closure(root);
        needed.values().any(|def| def["x-widget"] == "json")
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
    pub(crate) fn document(&self, id: &str, root: Value) -> Value {
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

/// The title of a definition without one: its name as words, `key-schema` as "Key schema".
fn title_of(name: &str) -> String {
    let words = name.replace('-', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
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
