//! Conditions, filters, key conditions and updates as plain JSON (docs/expressions.md):
//! parsed strictly ([`path`], [`condition`], [`update`]) and rendered into `DynamoDB`
//! expressions in which every attribute name is a generated `#n` placeholder and every
//! value a typed `:v` placeholder, so reserved words, dots, dashes and non-ASCII names
//! always work and no empty map is ever sent.

pub mod condition;
pub mod key_condition;
pub mod path;
pub mod update;

#[cfg(test)]
mod tests;

use crate::error::{Error, Result};
use crate::model::expressions::Expressions;
use crate::model::values::{self, TypeCode};
use crate::model::{shape::Obj, Item};
use aws_sdk_dynamodb::types::AttributeValue;
use path::{Path, Segment};
use serde_json::Value;
use std::collections::HashMap;

/// The longest expression `DynamoDB` takes, in bytes.
pub const MAX_EXPRESSION_BYTES: usize = 4096;

/// The most operators and functions one expression may have.
pub const MAX_OPERATIONS: usize = 300;

/// What a comparison, a function or an update compares with or writes: another
/// attribute, or a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `{"attr": "path"}`: the value of another attribute of the item.
    Attr(Path),
    /// A value, typed.
    Value(AttributeValue),
}

impl Operand {
    /// `value` at `field`: `{"attr": PATH}` names an attribute, anything else is a value in
    /// its natural type, or in type `code` when given (`{"attr": ...}` typed `M` is a map).
    pub fn parse(field: &str, value: &Value, code: Option<TypeCode>) -> Result<Operand> {
        if let Some(code) = code {
            return values::from_json_typed(field, value, code).map(Operand::Value);
        }
        match value {
            Value::Object(members) if members.len() == 1 && members.contains_key("attr") => Ok(
                Operand::Attr(path_at(&format!("{field}.attr"), &members["attr"])?),
            ),
            Value::Object(members) if members.contains_key("attr") => Err(Error::invalid(
                field,
                "an attribute is {\"attr\": PATH} alone; a map value holding \"attr\" is typed M with as",
            )),
            other => values::from_json_natural(field, other).map(Operand::Value),
        }
    }
}

/// A path given as a JSON string at `field`.
pub fn path_at(field: &str, value: &Value) -> Result<Path> {
    match value {
        Value::String(text) => Path::parse(field, text),
        _ => Err(Error::invalid(field, "must be a document path string")),
    }
}

/// An optional type code member (`as`) at `field`.
pub fn type_at(field: &str, value: Option<&Value>) -> Result<Option<TypeCode>> {
    value.map(|v| code_at(field, v)).transpose()
}

/// A type code (`S N B BOOL NULL M L SS NS BS`) at `field`.
pub fn code_at(field: &str, value: &Value) -> Result<TypeCode> {
    match value {
        Value::String(code) => TypeCode::named(field, code),
        _ => Err(Error::invalid(field, "must be a type code string")),
    }
}

/// Placeholders of one request's expressions while they are rendered: the names and
/// values already in it (given by the caller, or generated for another of its expressions)
/// and the operations counted so far in the expression being rendered.
pub struct Builder {
    names: HashMap<String, String>,
    values: Item,
    operations: usize,
}

impl Builder {
    /// The placeholder of attribute `name`: the one already standing for it, else a new
    /// `#nK` that no other placeholder uses.
    pub fn name(&mut self, name: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, n)| *n == name) {
            return placeholder.clone();
        }
        let placeholder = fresh('#', 'n', self.names.len(), |p| self.names.contains_key(p));
        self.names.insert(placeholder.clone(), name.to_string());
        placeholder
    }

    /// A new `:vK` placeholder holding `value`.
    pub fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = fresh(':', 'v', self.values.len(), |p| self.values.contains_key(p));
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// `path` with every name a placeholder: `#n0.#n1[3]`.
    pub fn path(&mut self, path: &Path) -> String {
        let mut out = String::new();
        for segment in &path.0 {
            match segment {
                Segment::Name(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&self.name(name));
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// An operand: its path, or a new value placeholder.
    pub fn operand(&mut self, operand: &Operand) -> String {
        match operand {
            Operand::Attr(path) => self.path(path),
            Operand::Value(value) => self.value(value.clone()),
        }
    }

    /// Count one operator or function of the expression being rendered.
    pub fn operation(&mut self) {
        self.operations += 1;
    }
}

/// `{prefix}{letter}{k}` for the first `k` from `start` (the number of placeholders
/// taken) that `taken` does not refuse: one of the `start + 1` candidates is free.
fn fresh(prefix: char, letter: char, start: usize, taken: impl Fn(&str) -> bool) -> String {
    (start..=2 * start)
        .map(|k| format!("{prefix}{letter}{k}"))
        .find(|p| !taken(p))
        .unwrap_or_default()
}

impl Expressions {
    /// Render one expression of the request (`slot`, e.g. `ConditionExpression`) from the
    /// plain input at `field`, its placeholders joining the request's names and values;
    /// refused when it is longer than `DynamoDB` takes or has too many operations.
    pub fn generate(
        &mut self,
        slot: &'static str,
        field: &str,
        render: impl FnOnce(&mut Builder) -> String,
    ) -> Result<String> {
        let mut builder = Builder {
            names: self.names.take().unwrap_or_default(),
            values: self.values.take().unwrap_or_default(),
            operations: 0,
        };
        let text = render(&mut builder);
        self.names = Some(builder.names).filter(|n| !n.is_empty());
        self.values = Some(builder.values).filter(|v| !v.is_empty());
        if text.len() > MAX_EXPRESSION_BYTES {
            return Err(Error::invalid(
                field,
                format!(
                    "renders to a {slot} of {} bytes; DynamoDB takes at most {MAX_EXPRESSION_BYTES}",
                    text.len()
                ),
            ));
        }
        if builder.operations > MAX_OPERATIONS {
            return Err(Error::invalid(
                field,
                format!(
                    "has {} operators and functions; DynamoDB takes at most {MAX_OPERATIONS}",
                    builder.operations
                ),
            ));
        }
        self.generated.push((slot, text.clone()));
        Ok(text)
    }

    /// What was sent, when any expression was generated: `{"ConditionExpression": ...,
    /// "ExpressionAttributeNames": {...}, "ExpressionAttributeValues": {DynamoDB JSON}}`.
    pub fn sent(&self) -> Option<Value> {
        if self.generated.is_empty() {
            return None;
        }
        let mut out = Obj::new();
        for (slot, text) in &self.generated {
            out = out.set(slot, text.as_str());
        }
        let names = self.names.as_ref().map(|names| {
            let mut sorted: Vec<_> = names.iter().collect();
            sorted.sort();
            sorted
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect::<serde_json::Map<_, _>>()
        });
        Some(
            out.opt("ExpressionAttributeNames", names.map(Value::Object))
                .opt(
                    "ExpressionAttributeValues",
                    self.values.as_ref().map(values::item_to_json_typed),
                )
                .build(),
        )
    }
}

/// The plain input `plain` (at `plain_at`; JSON text in a string is read as JSON) when
/// given; `invalid-input` when the expression input it stands in for (at `expression_at`)
/// is given too.
pub fn either(
    expression_at: &str,
    expression_given: bool,
    plain_at: &str,
    plain: Option<&Value>,
) -> Result<Option<Value>> {
    match (expression_given, plain.filter(|v| !v.is_null())) {
        (true, Some(_)) => Err(Error::invalid(
            plain_at,
            format!("cannot be given with {expression_at}: write one or the other"),
        )),
        (_, Some(value)) => crate::model::input::json_value(plain_at, value).map(Some),
        (_, None) => Ok(None),
    }
}

/// [`either`] for two top-level inputs given as text.
pub fn either_input(
    expression: (&str, Option<&str>),
    plain: (&str, Option<&str>),
) -> Result<Option<Value>> {
    let value = crate::model::input::opt_json(plain.0, plain.1)?;
    let given = crate::model::input::optional(expression.1).is_some();
    either(expression.0, given, plain.0, value.as_ref())
}
