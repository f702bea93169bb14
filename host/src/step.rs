//! A step document, read once into a [`Step`] the rest of the host reads: which action,
//! which connection (and its type), which input; and the action's parameters converted to
//! the component's types.

use crate::{convert, StepError};
use serde_json::{Map, Value};
use std::sync::LazyLock;
use wasmtime::component::{Type, Val};

/// The fields a step document may have.
const STEP_FIELDS: [&str; 4] = ["connection", "action", "input", "name"];

/// A checked step document `{"connection": {...}, "action": "...", "input": {...}}`.
pub(crate) struct Step<'a> {
    /// The whole document (connection templates are filled from its paths).
    pub(crate) document: &'a Value,
    /// The action it names (empty when it names none).
    pub(crate) action: &'a str,
    /// Its connection (`null` when absent).
    pub(crate) connection: &'a Value,
    /// The connection's `type` (empty when it has none).
    pub(crate) connection_type: &'a str,
    /// Its input (`{}` when absent).
    pub(crate) input: &'a Value,
}

/// The input of a step that gives none.
static EMPTY_INPUT: LazyLock<Value> = LazyLock::new(|| Value::Object(Map::new()));

impl<'a> Step<'a> {
    /// The step of `document`, a JSON object with only step fields; in a flow whose
    /// connection is `shared`, the step's own connection when it has one, else the flow's
    /// (read in place, never copied).
    pub(crate) fn parse(
        document: &'a Value,
        shared: Option<&'a Value>,
    ) -> Result<Step<'a>, StepError> {
        let Value::Object(fields) = document else {
            return Err(StepError::invalid("step", "must be a JSON object"));
        };
        if let Some(extra) = fields.keys().find(|k| !STEP_FIELDS.contains(&k.as_str())) {
            return Err(StepError::invalid(
                extra,
                format!(
                    "is not a step field{} ({})",
                    crate::suggest::did_you_mean(extra, STEP_FIELDS),
                    STEP_FIELDS.join(", ")
                ),
            ));
        }
        let connection = fields.get("connection").or(shared).unwrap_or(&Value::Null);
        Ok(Step {
            document,
            action: fields.get("action").and_then(Value::as_str).unwrap_or(""),
            connection,
            connection_type: connection["type"].as_str().unwrap_or(""),
            input: fields.get("input").unwrap_or(&*EMPTY_INPUT),
        })
    }

    /// The value at a dotted `path` of the step (`input.region`, `connection.type`).
    pub(crate) fn get(&self, path: &str) -> Option<&'a Value> {
        let mut keys = path.split('.');
        let first = match keys.next()? {
            "connection" => self.connection,
            "input" => self.input,
            other => self.document.get(other)?,
        };
        keys.try_fold(first, |v, key| v.get(key))
    }

    /// The connection's fields, sorted by name.
    pub(crate) fn connection_fields(&self) -> Vec<(&'a String, &'a Value)> {
        let mut fields: Vec<_> = self
            .connection
            .as_object()
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        fields.sort_by_key(|(k, _)| *k);
        fields
    }

    /// The action's parameters from the step's `connection` and `input`, converted to the
    /// component's types. Field paths name the input key (`fetch-all`), or the connection
    /// field after `connection.` (docs/errors.md).
    ///
    /// `time_limit` is the manifest's time-limit input and the host's step deadline in
    /// seconds: an input record with that field gets it set to the deadline, or kept when
    /// the step gives less.
    pub(crate) fn params(
        &self,
        params: &[(String, Type)],
        time_limit: Option<(&str, u64)>,
    ) -> Result<Vec<Val>, StepError> {
        params
            .iter()
            .map(|(name, ty)| {
                let (value, path) = match name.as_str() {
                    "input" => (self.input, ""),
                    "connection" => (self.connection, "connection"),
                    other => (self.document.get(other).unwrap_or(&Value::Null), other),
                };
                let mut val = convert::to_val(path, value, ty);
                if let (Ok(val), "input", Some(limit)) = (&mut val, name.as_str(), time_limit) {
                    limit_time(self.input, val, ty, limit);
                }
                val.map_err(|m| {
                    let field = if m.path.is_empty() { name } else { &m.path };
                    StepError::invalid(field, m.message)
                })
            })
            .collect()
    }
}

/// Lower the converted input `val`'s `field` to `seconds` (set it when absent), when `ty`
/// is a record with that field and `input` gives no smaller whole number. In place: the
/// input is never copied.
fn limit_time(input: &Value, val: &mut Val, ty: &Type, (field, seconds): (&str, u64)) {
    let (Type::Record(record), Val::Record(fields)) = (ty, val) else {
        return;
    };
    let given = input.get(field).filter(|v| !v.is_null());
    if given.is_some_and(|v| v.as_u64().is_none_or(|g| g <= seconds)) {
        return;
    }
    let Some(field_type) = record.fields().find(|f| f.name == field).map(|f| f.ty) else {
        return;
    };
    let slot = fields.iter_mut().find(|(name, _)| name == field);
    if let (Some((_, slot)), Ok(limited)) = (
        slot,
        convert::to_val(field, &Value::from(seconds), &field_type),
    ) {
        *slot = limited;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_step_is_an_object_of_step_fields() {
        let err = Step::parse(&json!([1]), None).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("step"));
        let err = Step::parse(&json!({"action": "x", "inputs": {}}), None)
            .err()
            .unwrap();
        assert_eq!(err.field.as_deref(), Some("inputs"));
        let document = json!({"action": "get-item", "connection": {"type": "access-key"}});
        let step = Step::parse(&document, None).unwrap();
        assert_eq!(
            (step.action, step.connection_type),
            ("get-item", "access-key")
        );
        assert_eq!(step.input, &json!({}));
    }
}
