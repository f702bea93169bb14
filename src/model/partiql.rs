//! What the `PartiQL` actions share (`raw-request`, `batch-execute-statement`,
//! `execute-transaction`): a statement's parameters, whether it reads or writes, and the
//! checked list of statements.

use crate::error::{Error, Result};
use crate::model::input::Params;
use crate::model::values;
use crate::model::Access;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValuesOnConditionCheckFailure};
use serde_json::Value;

/// The parameters of a statement: a JSON array, each value in its natural type; `None`
/// when absent or empty.
pub fn parameters(field: &str, value: Option<&Value>) -> Result<Option<Vec<AttributeValue>>> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| values::from_json_natural(&format!("{field}[{i}]"), v))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(Error::invalid(field, "must be a JSON array")),
    }
}

/// Whether a statement reads (`SELECT`) or writes (anything else).
pub fn access(statement: &str) -> Access {
    let word = statement.trim_start().get(..6);
    if word.is_some_and(|w| w.eq_ignore_ascii_case("select")) {
        Access::Read
    } else {
        Access::Write
    }
}

/// One checked statement of a list.
pub struct Statement {
    /// The PartiQL statement.
    pub text: String,
    /// Its `?` parameters, typed.
    pub parameters: Option<Vec<AttributeValue>>,
    /// Whether a read is strongly consistent.
    pub consistent_read: Option<bool>,
    /// Whether a failed condition returns the item.
    pub on_condition_failure: Option<ReturnValuesOnConditionCheckFailure>,
}

/// The members a statement of a list may have.
const MEMBERS: [&str; 4] = [
    "statement",
    "parameters",
    "consistent-read",
    "return-values-on-condition-failure",
];

/// A JSON array input of 1 to `max` statements, all reads or all writes (`DynamoDB` refuses
/// a mix), and which they are.
pub fn statements(field: &str, text: &str, max: usize) -> Result<(Vec<Statement>, Access)> {
    let entries = Params::entries(field, text, max, &MEMBERS)?;
    let statements = entries.iter().map(statement).collect::<Result<Vec<_>>>()?;
    let access = access(&statements[0].text);
    if let Some(i) = statements
        .iter()
        .position(|s| self::access(&s.text) != access)
    {
        let (is, first) = match access {
            Access::Read => ("a write", "a read (SELECT)"),
            Access::Write => ("a read (SELECT)", "a write"),
        };
        return Err(Error::invalid(
            entries[i].at("statement"),
            format!("is {is} but the first statement is {first}: they must all read or all write"),
        ));
    }
    Ok((statements, access))
}

fn statement(entry: &Params) -> Result<Statement> {
    Ok(Statement {
        text: entry.required("statement")?,
        parameters: parameters(&entry.at("parameters"), entry.value("parameters"))?,
        consistent_read: entry.bool("consistent-read")?,
        on_condition_failure: entry.on_condition_failure()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_must_all_read_or_all_write() {
        let reads = r#"[{"statement": " select * from t"}, {"statement": "SELECT 1 FROM t"}]"#;
        let (list, access) = statements("statements", reads, 25).unwrap();
        assert_eq!((list.len(), access), (2, Access::Read));
        let mixed = r#"[{"statement": "SELECT * FROM t"}, {"statement": "DELETE FROM t"}]"#;
        let err = statements("statements", mixed, 25).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("statements[1].statement"));
    }

    #[test]
    fn parameters_take_their_natural_types() {
        let value = serde_json::from_str(r#"["a", 12345678901234567890123456789012345678, null]"#);
        let value: Value = value.unwrap();
        let list = parameters("p", Some(&value)).unwrap().unwrap();
        assert_eq!(
            list[1],
            AttributeValue::N("12345678901234567890123456789012345678".into())
        );
        assert_eq!(list[2], AttributeValue::Null(true));
        assert_eq!(parameters("p", Some(&serde_json::json!([]))).unwrap(), None);
        let err = parameters("p", Some(&serde_json::json!({"a": 1}))).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("p"));
    }
}
