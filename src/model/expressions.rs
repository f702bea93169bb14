//! The expression inputs shared by item actions: attribute values with their value types,
//! and attribute names (placeholders for reserved words).

use crate::error::{Error, Result};
use crate::model::Item;
use crate::{model::input, model::values};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::HashMap;

/// Parsed `expression-attribute-values` (+ types) and `expression-attribute-names`.
#[derive(Debug, Default)]
pub struct Expressions {
    /// `ExpressionAttributeValues`, typed.
    pub values: Option<Item>,
    /// `ExpressionAttributeNames`.
    pub names: Option<HashMap<String, String>>,
    /// The expressions generated from plain inputs, by request field
    /// (`ConditionExpression`, ...), in the order they were rendered.
    pub generated: Vec<(&'static str, String)>,
}

/// Parse the expression inputs; every value needs a type, every placeholder its prefix.
pub fn parse(
    values: Option<&str>,
    types: Option<&str>,
    names: Option<&str>,
) -> Result<Expressions> {
    const VALUES: &str = "expression-attribute-values";
    const TYPES: &str = "expression-attribute-value-types";
    let values = match (
        input::opt_json(VALUES, values)?,
        input::opt_json(TYPES, types)?,
    ) {
        (None, None) => None,
        (v, t) => {
            let empty = || Value::Object(serde_json::Map::default());
            let map = values::from_json_map(
                VALUES,
                &v.unwrap_or_else(empty),
                TYPES,
                &t.unwrap_or_else(empty),
            )?;
            placeholders(VALUES, map)?
        }
    };
    Ok(Expressions {
        values,
        names: attribute_names("expression-attribute-names", names)?,
        generated: Vec::new(),
    })
}

/// The expression members of one entry of a JSON array input (a transaction's action):
/// `expression-attribute-values` in their natural types unless typed by
/// `expression-attribute-value-types`, and `expression-attribute-names`.
pub fn of_entry(entry: &input::Params) -> Result<Expressions> {
    let (values_at, types_at) = (
        entry.at("expression-attribute-values"),
        entry.at("expression-attribute-value-types"),
    );
    let values = match (
        entry.value("expression-attribute-values"),
        entry.value("expression-attribute-value-types"),
    ) {
        (None, None) => None,
        (Some(v), Some(t)) => placeholders(
            &values_at,
            values::from_json_map(&values_at, v, &types_at, t)?,
        )?,
        (Some(v), None) => match values::from_json_natural(&values_at, v)? {
            AttributeValue::M(map) => placeholders(&values_at, map)?,
            _ => return Err(Error::invalid(values_at, "must be a JSON object")),
        },
        (None, Some(_)) => {
            return Err(Error::invalid(
                types_at,
                "types values, but expression-attribute-values is absent",
            ))
        }
    };
    let names_at = entry.at("expression-attribute-names");
    let names = entry.value("expression-attribute-names");
    Ok(Expressions {
        values,
        names: names.map(|n| names_of(&names_at, n)).transpose()?,
        generated: Vec::new(),
    })
}

/// `map` when every placeholder begins with ':' (`None` when empty).
fn placeholders(field: &str, map: Item) -> Result<Option<Item>> {
    if let Some(bad) = map.keys().find(|k| !k.starts_with(':')) {
        return Err(Error::invalid(
            format!("{field}.{bad}"),
            "placeholders must begin with ':'",
        ));
    }
    Ok((!map.is_empty()).then_some(map))
}

/// Parse an `expression-attribute-names` object of `#placeholder` → attribute name.
pub fn attribute_names(field: &str, text: Option<&str>) -> Result<Option<HashMap<String, String>>> {
    let Some(value) = input::opt_json(field, text)? else {
        return Ok(None);
    };
    names_of(field, &value).map(Some)
}

/// An object of `#placeholder` → attribute name.
pub fn names_of(field: &str, value: &Value) -> Result<HashMap<String, String>> {
    let Value::Object(members) = value else {
        return Err(Error::invalid(
            field,
            "must be a JSON object of \"#placeholder\": \"attributeName\"",
        ));
    };
    members
        .iter()
        .map(|(k, v)| match (k.starts_with('#'), v) {
            (true, Value::String(name)) => Ok((k.clone(), name.clone())),
            (false, _) => Err(Error::invalid(
                format!("{field}.{k}"),
                "placeholders must begin with '#'",
            )),
            _ => Err(Error::invalid(
                format!("{field}.{k}"),
                "must be an attribute name string",
            )),
        })
        .collect()
}

/// The top-level attributes a projection expression names (`a.b, #n[0]` → `a` and what
/// `#n` stands for in `names`).
pub fn projected_attributes<S: std::hash::BuildHasher>(
    projection: &str,
    names: Option<&HashMap<String, String, S>>,
) -> Vec<String> {
    projection
        .split(',')
        .map(|path| {
            let path = path.trim();
            let first = path.split(['.', '[']).next().unwrap_or(path).trim();
            names
                .and_then(|names| names.get(first))
                .map_or_else(|| first.to_string(), Clone::clone)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_need_types_and_colons() {
        let ok = parse(
            Some(r#"{":a": 1}"#),
            Some(r#"{":a": "N"}"#),
            Some(r##"{"#n": "name"}"##),
        )
        .unwrap();
        assert_eq!(ok.values.unwrap()[":a"], AttributeValue::N("1".into()));
        assert_eq!(ok.names.unwrap()["#n"], "name");
        let untyped = parse(Some(r#"{":a": 1}"#), None, None).unwrap_err();
        assert_eq!(
            untyped.field.as_deref(),
            Some("expression-attribute-value-types.:a")
        );
        let colonless = parse(Some(r#"{"a": 1}"#), Some(r#"{"a": "N"}"#), None).unwrap_err();
        assert_eq!(
            colonless.field.as_deref(),
            Some("expression-attribute-values.a")
        );
        let hashless = parse(None, None, Some(r#"{"n": "name"}"#)).unwrap_err();
        assert_eq!(
            hashless.field.as_deref(),
            Some("expression-attribute-names.n")
        );
    }

    #[test]
    fn projected_attributes_are_the_top_level_names_with_placeholders_resolved() {
        let names = HashMap::from([("#k".to_string(), "id".to_string())]);
        let projected = projected_attributes("a.b, #k[0] ,c", Some(&names));
        assert_eq!(projected, ["a", "id", "c"]);
    }
}
