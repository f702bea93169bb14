//! Updates as plain JSON: `{"set": {PATH: VALUE}, "remove": [PATH], "add": {PATH: N or
//! SET}, "delete": {PATH: SET}, "append": {PATH: LIST}, "prepend": {PATH: LIST},
//! "if-not-exists": {PATH: VALUE}, "increment": {PATH: N}}` with an optional `"types":
//! {PATH: CODE}`; see docs/expressions.md.

use super::path::Path;
use super::{code_at, Builder, Operand};
use crate::error::{Error, Result};
use crate::model::values::{self, TypeCode};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;

/// The clauses of an update, in the order they are rendered within `SET`.
pub const CLAUSES: [&str; 8] = [
    "set",
    "remove",
    "add",
    "delete",
    "append",
    "prepend",
    "if-not-exists",
    "increment",
];

/// An update: its actions in input order.
#[derive(Debug, Clone, PartialEq)]
pub struct Update(pub Vec<Action>);

/// One action of an update on one path.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// Where it stood, e.g. `update.set.total`.
    pub at: String,
    /// The path it writes.
    pub path: Path,
    /// What it does.
    pub kind: Kind,
}

/// What an update action does.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `SET path = operand`.
    Set(Operand),
    /// `REMOVE path`.
    Remove,
    /// `ADD path value`: a number added, or set members added.
    Add(AttributeValue),
    /// `DELETE path set`: set members removed.
    Delete(AttributeValue),
    /// `SET path = list_append(if_not_exists(path, []), list)`.
    Append(AttributeValue),
    /// `SET path = list_append(list, if_not_exists(path, []))`.
    Prepend(AttributeValue),
    /// `SET path = if_not_exists(path, operand)`.
    IfNotExists(Operand),
    /// `SET path = if_not_exists(path, 0) + number`.
    Increment(AttributeValue),
}

impl Update {
    /// Parse the update at `at`.
    pub fn parse(at: &str, value: &Value) -> Result<Update> {
        let Value::Object(members) = value else {
            return Err(Error::invalid(
                at,
                "must be a JSON object of clauses: set, remove, add, delete, append, prepend, if-not-exists, increment",
            ));
        };
        if let Some(unknown) = members
            .keys()
            .find(|k| *k != "types" && !CLAUSES.contains(&k.as_str()))
        {
            return Err(Error::invalid(
                format!("{at}.{unknown}"),
                format!(
                    "is not a clause (one of: {}, and types)",
                    CLAUSES.join(", ")
                ),
            ));
        }
        let types = types(at, members.get("types"))?;
        let mut actions = Vec::new();
        let mut typed_paths = Vec::new();
        for (clause, entries) in members.iter().filter(|(k, _)| *k != "types") {
            let field = format!("{at}.{clause}");
            if clause == "remove" {
                actions.extend(removals(&field, entries)?);
                continue;
            }
            let Value::Object(entries) = entries else {
                return Err(Error::invalid(
                    field,
                    "must be a JSON object of PATH: VALUE",
                ));
            };
            for (text, value) in entries {
                let at = format!("{field}.{text}");
                let path = Path::parse(&at, text)?;
                let code = types.iter().find(|(p, _)| p == text).map(|(_, c)| *c);
                typed_paths.extend(code.map(|_| text.as_str()));
                let kind = kind(&at, clause, value, code)?;
                actions.push(Action { at, path, kind });
            }
        }
        if let Some((unused, _)) = types
            .iter()
            .find(|(p, _)| !typed_paths.contains(&p.as_str()))
        {
            return Err(Error::invalid(
                format!("{at}.types.{unused}"),
                "names no path given a value in this update",
            ));
        }
        if actions.is_empty() {
            return Err(Error::invalid(at, "must change at least one attribute"));
        }
        no_overlaps(&actions)?;
        Ok(Update(actions))
    }

    /// The update expression, its names and values joining `builder`'s.
    pub fn render(&self, builder: &mut Builder) -> String {
        let mut clauses: [(&str, Vec<String>); 4] = [
            ("SET", Vec::new()),
            ("REMOVE", Vec::new()),
            ("ADD", Vec::new()),
            ("DELETE", Vec::new()),
        ];
        for action in &self.0 {
            let path = builder.path(&action.path);
            builder.operation();
            let (clause, text) = action.kind.render(&path, builder);
            clauses[clause].1.push(text);
        }
        clauses
            .iter()
            .filter(|(_, parts)| !parts.is_empty())
            .map(|(name, parts)| format!("{name} {}", parts.join(", ")))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl Kind {
    /// Which clause (`SET`, `REMOVE`, `ADD`, `DELETE` as 0 to 3) and the text of the action.
    fn render(&self, path: &str, builder: &mut Builder) -> (usize, String) {
        match self {
            Kind::Set(operand) => (0, format!("{path} = {}", builder.operand(operand))),
            Kind::Remove => (1, path.to_string()),
            Kind::Add(value) => (2, format!("{path} {}", builder.value(value.clone()))),
            Kind::Delete(value) => (3, format!("{path} {}", builder.value(value.clone()))),
            Kind::Append(list) | Kind::Prepend(list) => {
                builder.operation();
                builder.operation();
                let empty = builder.value(AttributeValue::L(Vec::new()));
                let existing = format!("if_not_exists({path}, {empty})");
                let list = builder.value(list.clone());
                let (first, second) = match self {
                    Kind::Append(_) => (existing, list),
                    _ => (list, existing),
                };
                (0, format!("{path} = list_append({first}, {second})"))
            }
            Kind::IfNotExists(operand) => {
                builder.operation();
                let operand = builder.operand(operand);
                (0, format!("{path} = if_not_exists({path}, {operand})"))
            }
            Kind::Increment(number) => {
                builder.operation();
                builder.operation();
                let zero = builder.value(AttributeValue::N("0".into()));
                let number = builder.value(number.clone());
                (
                    0,
                    format!("{path} = if_not_exists({path}, {zero}) + {number}"),
                )
            }
        }
    }
}

/// `types`: each path as written with its type code.
fn types(at: &str, value: Option<&Value>) -> Result<Vec<(String, TypeCode)>> {
    let members = match value {
        None => return Ok(Vec::new()),
        Some(Value::Object(members)) => members,
        Some(_) => {
            return Err(Error::invalid(
                format!("{at}.types"),
                "must be a JSON object of PATH: type code",
            ))
        }
    };
    members
        .iter()
        .map(|(path, code)| Ok((path.clone(), code_at(&format!("{at}.types.{path}"), code)?)))
        .collect()
}

/// The paths of `remove`.
fn removals(field: &str, value: &Value) -> Result<Vec<Action>> {
    let Value::Array(paths) = value else {
        return Err(Error::invalid(field, "must be a JSON array of paths"));
    };
    paths
        .iter()
        .enumerate()
        .map(|(i, path)| {
            let at = format!("{field}[{i}]");
            let path = super::path_at(&at, path)?;
            Ok(Action {
                at,
                path,
                kind: Kind::Remove,
            })
        })
        .collect()
}

/// What `clause` does with `value` at `at`, typed by `code` when given.
fn kind(at: &str, clause: &str, value: &Value, code: Option<TypeCode>) -> Result<Kind> {
    let typed = |code| values::from_json_typed(at, value, code);
    Ok(match clause {
        "set" => Kind::Set(Operand::parse(at, value, code)?),
        "if-not-exists" => Kind::IfNotExists(Operand::parse(at, value, code)?),
        "add" => Kind::Add(match (code, value) {
            (Some(c @ (TypeCode::N | TypeCode::Ss | TypeCode::Ns | TypeCode::Bs)), _) => typed(c)?,
            (None, Value::Number(_)) => typed(TypeCode::N)?,
            (None, Value::Array(_)) => set(at, value)?,
            _ => return Err(Error::invalid(at, "add takes a number or a set")),
        }),
        "delete" => Kind::Delete(match (code, value) {
            (Some(c @ (TypeCode::Ss | TypeCode::Ns | TypeCode::Bs)), _) => typed(c)?,
            (None, Value::Array(_)) => set(at, value)?,
            _ => {
                return Err(Error::invalid(
                    at,
                    "delete takes a set of the members to remove",
                ))
            }
        }),
        "append" | "prepend" => Kind::Append(match (code, value) {
            (Some(TypeCode::L) | None, Value::Array(_) | Value::String(_)) => typed(TypeCode::L)?,
            _ => return Err(Error::invalid(at, format!("{clause} takes a list"))),
        }),
        _ => Kind::Increment(match code {
            None | Some(TypeCode::N) => typed(TypeCode::N)?,
            Some(_) => return Err(Error::invalid(at, "increment takes a number")),
        }),
    })
    .map(|kind| match (clause, kind) {
        ("prepend", Kind::Append(list)) => Kind::Prepend(list),
        (_, kind) => kind,
    })
}

/// An untyped JSON array as a set: strings make a string set, numbers a number set.
fn set(at: &str, value: &Value) -> Result<AttributeValue> {
    let Value::Array(members) = value else {
        return Err(Error::invalid(at, "must be a JSON array"));
    };
    let code = if members.iter().all(Value::is_string) {
        TypeCode::Ss
    } else if members.iter().all(Value::is_number) {
        TypeCode::Ns
    } else {
        return Err(Error::invalid(
            at,
            "must be a set: all strings or all numbers (binary sets are typed BS in types)",
        ));
    };
    if members.is_empty() {
        return Err(Error::invalid(at, "a set must have at least one member"));
    }
    values::from_json_typed(at, value, code)
}

/// `invalid-input` naming the second of two actions on the same path, or on a path inside
/// another's (`DynamoDB` refuses overlapping paths in one update).
fn no_overlaps(actions: &[Action]) -> Result<()> {
    for (i, later) in actions.iter().enumerate() {
        if let Some(earlier) = actions[..i].iter().find(|a| a.path.overlaps(&later.path)) {
            return Err(Error::invalid(
                &later.at,
                format!("overlaps {} (one update writes a path once)", earlier.at),
            ));
        }
    }
    Ok(())
}
