//! A small reference evaluator of plain conditions and updates over items in DynamoDB JSON:
//! which items a filter keeps, and what an update leaves. It follows the service's rules
//! (as dynalite implements them): a comparison with a missing attribute or a value of
//! another type is false, `ne` is its negation, sizes are of strings, sets, lists and maps.

use serde_json::{json, Map, Value};
use std::cmp::Ordering;

/// One step of a path.
enum Step {
    Name(String),
    Index(usize),
}

/// The test's paths: `"quoted.name"`, `a.b`, `a[0]`.
fn steps(path: &str) -> Vec<Step> {
    if let Some(quoted) = path.strip_prefix('"') {
        return vec![Step::Name(quoted.trim_end_matches('"').to_string())];
    }
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, index) = part.split_once('[').unwrap_or((part, ""));
        steps.push(Step::Name(name.to_string()));
        if let Some(i) = index.strip_suffix(']') {
            steps.push(Step::Index(i.parse().expect("an index")));
        }
    }
    steps
}

/// The value at `path` of `item` (a map of typed values), if there is one.
pub(super) fn resolve<'a>(item: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = &item["M"];
    let mut current = None;
    for step in steps(path) {
        let next = match step {
            Step::Name(name) => at.get(name)?,
            Step::Index(i) => at.get(i)?,
        };
        current = Some(next);
        at = next
            .get("M")
            .or_else(|| next.get("L"))
            .unwrap_or(&Value::Null);
    }
    current
}

fn kind(value: &Value) -> &str {
    value
        .as_object()
        .and_then(|m| m.keys().next())
        .map_or("", String::as_str)
}

fn number(value: &Value) -> f64 {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a number")
}

/// How two typed values of the same type order (numbers by value, strings by bytes).
fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (kind(a), kind(b)) {
        ("N", "N") => number(&a["N"]).partial_cmp(&number(&b["N"])),
        ("S", "S") => Some(a["S"].as_str()?.cmp(b["S"].as_str()?)),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (kind(a), kind(b)) {
        ("N", "N") | ("S", "S") => order(a, b) == Some(Ordering::Equal),
        (x, y) if x == y => normalise(a) == normalise(b),
        _ => false,
    }
}

/// A typed value as it compares: numbers canonical, sets sorted.
pub(super) fn normalise(value: &Value) -> Value {
    match kind(value) {
        "N" => json!({"N": canonical(&value["N"])}),
        "NS" => {
            let mut members: Vec<String> = value["NS"]
                .as_array()
                .unwrap()
                .iter()
                .map(canonical)
                .collect();
            members.sort();
            json!({"NS": members})
        }
        "SS" => {
            let mut members = value["SS"].as_array().unwrap().clone();
            members.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
            json!({"SS": members})
        }
        "L" => {
            json!({"L": value["L"].as_array().unwrap().iter().map(normalise).collect::<Vec<_>>()})
        }
        "M" => {
            let members: Map<String, Value> = value["M"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect();
            json!({"M": members})
        }
        _ => value.clone(),
    }
}

fn canonical(n: &Value) -> String {
    let n = number(n);
    format!("{n}")
}

/// The operand a leaf compares with: `{"attr": PATH}` or a typed value given by the test.
fn operand<'a>(item: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("attr") {
        Some(path) => resolve(item, path.as_str()?),
        None => Some(value),
    }
}

fn size(value: &Value) -> Option<Value> {
    let n = match kind(value) {
        "S" => value["S"].as_str()?.chars().count(),
        "SS" | "NS" | "L" => value[kind(value)].as_array()?.len(),
        "M" => value["M"].as_object()?.len(),
        _ => return None,
    };
    Some(json!({"N": n.to_string()}))
}

/// A plain value in its natural type, as the connector types it (`{"attr": ...}` stays a
/// reference; arrays are the value lists of `between` and `in`).
fn typed(value: &Value) -> Value {
    match value {
        Value::String(s) => json!({"S": s}),
        Value::Number(n) => json!({"N": n.to_string()}),
        Value::Bool(b) => json!({"BOOL": b}),
        Value::Array(list) => Value::Array(list.iter().map(typed).collect()),
        other => other.clone(),
    }
}

/// Whether the plain `condition` holds for `item`.
pub(super) fn holds(condition: &Value, item: &Value) -> bool {
    if let Some(all) = condition.get("and") {
        return all.as_array().unwrap().iter().all(|c| holds(c, item));
    }
    if let Some(any) = condition.get("or") {
        return any.as_array().unwrap().iter().any(|c| holds(c, item));
    }
    if let Some(inner) = condition.get("not") {
        return !holds(inner, item);
    }
    let path = condition["attr"].as_str().unwrap();
    let subject = resolve(item, path).cloned();
    let members = condition.as_object().unwrap();
    let (operator, argument) = members.iter().find(|(k, _)| *k != "attr").unwrap();
    if operator == "size" {
        let (operator, argument) = argument.as_object().unwrap().iter().next().unwrap();
        let measured = subject.as_ref().and_then(size);
        return test(operator, measured.as_ref(), &typed(argument), item);
    }
    test(operator, subject.as_ref(), &typed(argument), item)
}

fn test(operator: &str, subject: Option<&Value>, argument: &Value, item: &Value) -> bool {
    let compare = |wanted: &[Ordering]| {
        let other = operand(item, argument);
        match (subject, other) {
            (Some(a), Some(b)) => order(a, b).is_some_and(|o| wanted.contains(&o)),
            _ => false,
        }
    };
    let equals = |other: &Value| match (subject, operand(item, other)) {
        (Some(a), Some(b)) => equal(a, b),
        _ => false,
    };
    match operator {
        "eq" => equals(argument),
        "ne" => !equals(argument),
        "lt" => compare(&[Ordering::Less]),
        "lte" => compare(&[Ordering::Less, Ordering::Equal]),
        "gt" => compare(&[Ordering::Greater]),
        "gte" => compare(&[Ordering::Greater, Ordering::Equal]),
        "between" => {
            let (low, high) = (&argument[0], &argument[1]);
            subject.is_some_and(|s| {
                matches!(order(s, low), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(order(s, high), Some(Ordering::Less | Ordering::Equal))
            })
        }
        "in" => argument.as_array().unwrap().iter().any(equals),
        "begins-with" => match (subject, argument.get("S")) {
            (Some(s), Some(prefix)) => s
                .get("S")
                .and_then(Value::as_str)
                .is_some_and(|s| s.starts_with(prefix.as_str().unwrap())),
            _ => false,
        },
        "contains" => subject.is_some_and(|s| contains(s, argument)),
        "exists" => subject.is_some() == argument["BOOL"].as_bool().unwrap(),
        "not-exists" => subject.is_none() == argument["BOOL"].as_bool().unwrap(),
        "type" => subject.is_some_and(|s| kind(s) == argument["S"].as_str().unwrap()),
        other => panic!("the generator made an unknown operator {other}"),
    }
}

fn contains(subject: &Value, member: &Value) -> bool {
    match (kind(subject), kind(member)) {
        ("S", "S") => subject["S"]
            .as_str()
            .unwrap()
            .contains(member["S"].as_str().unwrap()),
        ("SS", "S") => subject["SS"].as_array().unwrap().contains(&member["S"]),
        ("NS", "N") => subject["NS"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| canonical(n) == canonical(&member["N"])),
        ("L", _) => subject["L"]
            .as_array()
            .unwrap()
            .iter()
            .any(|v| equal(v, member)),
        _ => false,
    }
}

/// `item` after the test's update actions `(clause, path, typed value)`.
pub(super) fn apply(item: &Value, actions: &[(String, String, Value)]) -> Value {
    let mut item = item.clone();
    for (clause, path, value) in actions {
        let existing = resolve(&item, path).cloned();
        let new = match clause.as_str() {
            "set" => Some(value.clone()),
            "remove" => None,
            "if-not-exists" => Some(existing.unwrap_or_else(|| value.clone())),
            "increment" | "add" if kind(value) == "N" => {
                let base = existing.map_or(0.0, |e| number(&e["N"]));
                Some(json!({"N": format!("{}", base + number(&value["N"]))}))
            }
            "add" => {
                let mut members =
                    existing.map_or_else(Vec::new, |e| e["SS"].as_array().unwrap().clone());
                for m in value["SS"].as_array().unwrap() {
                    if !members.contains(m) {
                        members.push(m.clone());
                    }
                }
                Some(json!({"SS": members}))
            }
            "delete" => {
                let members: Vec<Value> =
                    existing.map_or_else(Vec::new, |e| e["SS"].as_array().unwrap().clone());
                let kept: Vec<Value> = members
                    .into_iter()
                    .filter(|m| !value["SS"].as_array().unwrap().contains(m))
                    .collect();
                (!kept.is_empty()).then(|| json!({"SS": kept}))
            }
            "append" | "prepend" => {
                let mut list =
                    existing.map_or_else(Vec::new, |e| e["L"].as_array().unwrap().clone());
                let given = value["L"].as_array().unwrap().clone();
                if clause == "append" {
                    list.extend(given);
                } else {
                    list.splice(0..0, given);
                }
                Some(json!({"L": list}))
            }
            other => panic!("the generator made an unknown clause {other}"),
        };
        write(&mut item, path, new);
    }
    item
}

/// Put `value` at `path` of `item` (or remove what is there when `None`).
fn write(item: &mut Value, path: &str, value: Option<Value>) {
    let steps = steps(path);
    let mut at = &mut item["M"];
    for (i, step) in steps.iter().enumerate() {
        let last = i == steps.len() - 1;
        match step {
            Step::Name(name) => {
                let map = at.as_object_mut().expect("a map on the path");
                if last {
                    match value {
                        Some(v) => {
                            map.insert(name.clone(), v);
                        }
                        None => {
                            map.remove(name);
                        }
                    }
                    return;
                }
                let next = map.get_mut(name).expect("the path's parent exists");
                at = if next.get("M").is_some() {
                    &mut next["M"]
                } else {
                    &mut next["L"]
                };
            }
            Step::Index(index) => {
                let list = at.as_array_mut().expect("a list on the path");
                if last {
                    match value {
                        Some(v) => list[*index] = v,
                        None => {
                            list.remove(*index);
                        }
                    }
                    return;
                }
                at = &mut list[*index]["M"];
            }
        }
    }
}
