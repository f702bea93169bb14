//! Value mapping between JSON and `DynamoDB` `AttributeValue`s, named by direction:
//! `from_json_typed` (a value in a given [`TypeCode`]), `from_json_natural` (a value in its
//! natural type) and `from_json_map` (a value map with its value-type map) read JSON into
//! attributes; `to_json_plain` / `to_json_typed` and `item_to_json_plain` /
//! `item_to_json_typed` write attributes and items back as plain or DynamoDB-typed JSON.
//! Lossless: numbers travel as their decimal text (never through `f64`), binaries as
//! base64, sets keep every member.

use crate::error::{Error, Result};
use crate::model::{number, Item};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::Value;
use std::collections::HashMap;

mod render;
mod size;

pub use render::*;
pub use size::*;

/// A `DynamoDB` attribute type, as its code (`S N B BOOL NULL M L SS NS BS`) names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeCode {
    /// `S`: a string.
    S,
    /// `N`: a number.
    N,
    /// `B`: a binary (base64 in JSON).
    B,
    /// `BOOL`: a boolean.
    Bool,
    /// `NULL`: null.
    Null,
    /// `M`: a map.
    M,
    /// `L`: a list.
    L,
    /// `SS`: a string set.
    Ss,
    /// `NS`: a number set.
    Ns,
    /// `BS`: a binary set.
    Bs,
}

impl TypeCode {
    /// Every type code, in the order the docs list them.
    pub const ALL: [TypeCode; 10] = [
        TypeCode::S,
        TypeCode::N,
        TypeCode::B,
        TypeCode::Bool,
        TypeCode::Null,
        TypeCode::M,
        TypeCode::L,
        TypeCode::Ss,
        TypeCode::Ns,
        TypeCode::Bs,
    ];

    /// The code as `DynamoDB` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            TypeCode::S => "S",
            TypeCode::N => "N",
            TypeCode::B => "B",
            TypeCode::Bool => "BOOL",
            TypeCode::Null => "NULL",
            TypeCode::M => "M",
            TypeCode::L => "L",
            TypeCode::Ss => "SS",
            TypeCode::Ns => "NS",
            TypeCode::Bs => "BS",
        }
    }

    /// The type a code names, in any case and with surrounding blanks.
    pub fn parse(code: &str) -> Option<TypeCode> {
        let code = code.trim();
        TypeCode::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(code))
    }

    /// The type a code given at `field` names; `invalid-input` naming `field` otherwise.
    pub fn named(field: &str, code: &str) -> Result<TypeCode> {
        TypeCode::parse(code).ok_or_else(|| {
            let codes: Vec<&str> = TypeCode::ALL.iter().map(|t| t.as_str()).collect();
            Error::invalid(
                field,
                format!("must be a DynamoDB type code: one of {}", codes.join(" ")),
            )
        })
    }

    /// The type of an attribute.
    pub fn of(value: &AttributeValue) -> TypeCode {
        match value {
            AttributeValue::S(_) => TypeCode::S,
            AttributeValue::N(_) => TypeCode::N,
            AttributeValue::B(_) => TypeCode::B,
            AttributeValue::Bool(_) => TypeCode::Bool,
            AttributeValue::M(_) => TypeCode::M,
            AttributeValue::L(_) => TypeCode::L,
            AttributeValue::Ss(_) => TypeCode::Ss,
            AttributeValue::Ns(_) => TypeCode::Ns,
            AttributeValue::Bs(_) => TypeCode::Bs,
            _ => TypeCode::Null,
        }
    }
}

impl std::fmt::Display for TypeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn number_of(field: &str, value: &Value) -> Result<String> {
    match value {
        Value::Number(n) => number::checked(field, &n.to_string()),
        Value::String(s) => number::checked(field, s),
        _ => Err(Error::invalid(
            field,
            "must be a number or a string holding one",
        )),
    }
}

fn binary_of(field: &str, value: &Value) -> Result<Blob> {
    let text = value
        .as_str()
        .ok_or_else(|| Error::invalid(field, "must be a base64 string"))?;
    STANDARD.decode(text.trim()).map(Blob::new).map_err(|_| {
        Error::invalid(
            field,
            "is not valid base64 (the standard alphabet, = padded)",
        )
    })
}

fn text_of(field: &str, value: &Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Error::invalid(field, "must be a string")),
    }
}

/// The members of a set value: a non-empty JSON array (or a string holding one) without
/// duplicates, duplicates judged by `key`.
fn set_of<T, K: Eq + std::hash::Hash>(
    field: &str,
    value: &Value,
    member: impl Fn(&str, &Value) -> Result<T>,
    key: impl Fn(&T) -> K,
) -> Result<Vec<T>> {
    let parsed;
    let items = match value {
        Value::Array(items) => items,
        Value::String(s) => match serde_json::from_str(s) {
            Ok(Value::Array(items)) => {
                parsed = items;
                &parsed
            }
            _ => return Err(Error::invalid(field, "must be a JSON array")),
        },
        _ => return Err(Error::invalid(field, "must be a JSON array")),
    };
    if items.is_empty() {
        return Err(Error::invalid(field, "a set must have at least one member"));
    }
    // Members by their key, to name the first of two equal ones (never the value: item
    // data stays out of error messages).
    let mut seen = HashMap::new();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let m = member(&format!("{field}[{i}]"), item)?;
            if let Some(first) = seen.insert(key(&m), i) {
                return Err(Error::invalid(
                    format!("{field}[{i}]"),
                    format!("duplicates {field}[{first}]: a set's members are distinct"),
                ));
            }
            Ok(m)
        })
        .collect()
}

/// JSON `value` as an attribute of type `code`; `field` names it in errors.
pub fn from_json_typed(field: &str, value: &Value, code: TypeCode) -> Result<AttributeValue> {
    Ok(match code {
        TypeCode::S => AttributeValue::S(text_of(field, value)?),
        TypeCode::N => AttributeValue::N(number_of(field, value)?),
        TypeCode::B => AttributeValue::B(binary_of(field, value)?),
        TypeCode::Bool => AttributeValue::Bool(match value {
            Value::Bool(b) => *b,
            Value::String(s) if s.eq_ignore_ascii_case("true") => true,
            Value::String(s) if s.eq_ignore_ascii_case("false") => false,
            _ => return Err(Error::invalid(field, "must be true or false")),
        }),
        TypeCode::Null => match value {
            Value::Null => AttributeValue::Null(true),
            _ => return Err(Error::invalid(field, "must be null for type NULL")),
        },
        TypeCode::M => match container(field, value)? {
            inner @ Value::Object(_) => from_json_natural(field, &inner)?,
            _ => return Err(Error::invalid(field, "must be a JSON object for type M")),
        },
        TypeCode::L => match container(field, value)? {
            inner @ Value::Array(_) => from_json_natural(field, &inner)?,
            _ => return Err(Error::invalid(field, "must be a JSON array for type L")),
        },
        TypeCode::Ss => AttributeValue::Ss(set_of(field, value, text_of, String::clone)?),
        TypeCode::Ns => {
            AttributeValue::Ns(set_of(field, value, number_of, |n| number::canonical(n))?)
        }
        TypeCode::Bs => {
            AttributeValue::Bs(set_of(field, value, binary_of, |b| b.as_ref().to_vec())?)
        }
    })
}

/// An M or L value may arrive as a JSON string holding the object or array.
fn container(field: &str, value: &Value) -> Result<Value> {
    match value {
        Value::String(s) => serde_json::from_str(s)
            .map_err(|e| Error::invalid(field, format!("is not valid JSON ({e})"))),
        other => Ok(other.clone()),
    }
}

/// A JSON value in its natural `DynamoDB` type: string → S, number → N (every digit kept),
/// boolean → BOOL, null → NULL, array → L, object → M.
pub fn from_json_natural(field: &str, value: &Value) -> Result<AttributeValue> {
    // The paths of nested values are only needed to name one that fails: a value that
    // converts is converted without them (a bulk step's items have thousands).
    natural(value).map_or_else(|| natural_at(field, value), Ok)
}

/// [`from_json_natural`] without naming the field: `None` where it would fail.
fn natural(value: &Value) -> Option<AttributeValue> {
    Some(match value {
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Number(n) => AttributeValue::N(number::checked("", n.as_str()).ok()?),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(items) => AttributeValue::L(items.iter().map(natural).collect::<Option<_>>()?),
        Value::Object(members) => AttributeValue::M(
            members
                .iter()
                .map(|(k, v)| Some((k.clone(), natural(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

/// [`from_json_natural`], naming the field of each nested value it converts.
fn natural_at(field: &str, value: &Value) -> Result<AttributeValue> {
    Ok(match value {
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Number(n) => AttributeValue::N(number::checked(field, &n.to_string())?),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(items) => AttributeValue::L(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| natural_at(&format!("{field}[{i}]"), v))
                .collect::<Result<_>>()?,
        ),
        Value::Object(members) => AttributeValue::M(
            members
                .iter()
                .map(|(k, v)| Ok((k.clone(), natural_at(&format!("{field}.{k}"), v)?)))
                .collect::<Result<_>>()?,
        ),
    })
}

/// A value map and its value-type map (`value` / `value-types`, or
/// `expression-attribute-values` / `expression-attribute-value-types`) as `DynamoDB`
/// attributes. Every key needs both a value and a type.
pub fn from_json_map(
    values_field: &str,
    values: &Value,
    types_field: &str,
    types: &Value,
) -> Result<Item> {
    let Value::Object(values) = values else {
        return Err(Error::invalid(values_field, "must be a JSON object"));
    };
    let Value::Object(types) = types else {
        return Err(Error::invalid(types_field, "must be a JSON object"));
    };
    if let Some(key) = types.keys().find(|k| !values.contains_key(*k)) {
        return Err(Error::invalid(
            format!("{types_field}.{key}"),
            format!("has a type but {values_field} has no value for {key:?}"),
        ));
    }
    values
        .iter()
        .map(|(key, value)| {
            let code = match types.get(key) {
                Some(Value::String(code)) => code,
                Some(_) => {
                    return Err(Error::invalid(
                        format!("{types_field}.{key}"),
                        "must be a type code string",
                    ))
                }
                None => {
                    return Err(Error::invalid(
                        format!("{types_field}.{key}"),
                        format!(
                            "is missing: {values_field} has {key:?} but no type is given for it"
                        ),
                    ))
                }
            };
            let field = format!("{values_field}.{key}");
            let code = TypeCode::named(&field, code)?;
            Ok((key.clone(), from_json_typed(&field, value, code)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nested_number_dynamodb_cannot_keep_is_named_by_its_path() {
        let digits = "1".repeat(39);
        let value: Value =
            serde_json::from_str(&format!(r#"{{"a": [1, {{"b": {digits}}}]}}"#)).expect("JSON");
        let error = from_json_natural("value", &value).expect_err("39 digits");
        assert_eq!(error.field.as_deref(), Some("value.a[1].b"), "{error:?}");
        assert!(error.message.contains("significant digits"), "{error:?}");
        let fine: Value = serde_json::from_str(r#"{"a": [1, {"b": 2.50}]}"#).expect("JSON");
        let converted = from_json_natural("value", &fine).expect("converts");
        let AttributeValue::M(top) = converted else {
            panic!("a map: {converted:?}")
        };
        let AttributeValue::L(list) = &top["a"] else {
            panic!("a list: {top:?}")
        };
        let AttributeValue::M(inner) = &list[1] else {
            panic!("a map: {list:?}")
        };
        assert_eq!(inner["b"], AttributeValue::N("2.50".into()));
    }

    #[test]
    fn a_duplicate_set_member_is_named_by_position_never_by_value() {
        let set = json!(["alice@example.com", "bob", "alice@example.com"]);
        let err = from_json_typed("tags", &set, TypeCode::Ss).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("tags[2]"));
        assert!(err.message.contains("tags[0]"), "{}", err.message);
        assert!(!err.message.contains("alice"), "{}", err.message);
    }

    #[test]
    fn item_size_counts_names_and_values() {
        let item = from_json_map(
            "value",
            &json!({"id": 12345, "name": "Rose", "tags": ["a", "bc"], "m": {"k": true}}),
            "value-types",
            &json!({"id": "N", "name": "S", "tags": "SS", "m": "M"}),
        )
        .unwrap();
        // id: 2 + 4 (5 digits); name: 4 + 4; tags: 4 + 3; m: 1 + 3 + (1 + 1 + 1).
        assert_eq!(item_size(&item), 6 + 8 + 7 + 7);
        let big = Item::from([(
            "v".to_string(),
            AttributeValue::S("x".repeat(MAX_ITEM_BYTES)),
        )]);
        let error = within_item_size("value", big).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("value"));
    }
    use serde_json::json;

    fn n(text: &str) -> Value {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn numbers_keep_every_digit() {
        let big = "12345678901234567890123456789012345678";
        let v = from_json_typed("value.x", &n(big), TypeCode::N).unwrap();
        assert_eq!(v, AttributeValue::N(big.to_string()));
        assert_eq!(to_json_plain(&v).to_string(), big);
        let small =
            "-0.00000000000000000000000000000000000000000012345678901234567890123456789012345678";
        assert_eq!(
            to_json_plain(&from_json_typed("x", &json!(small), TypeCode::N).unwrap()).to_string(),
            small
        );
    }

    #[test]
    fn every_type_code() {
        assert_eq!(
            from_json_typed("f", &json!("a"), TypeCode::S).unwrap(),
            AttributeValue::S("a".into())
        );
        assert_eq!(
            from_json_typed("f", &json!(7), TypeCode::S).unwrap(),
            AttributeValue::S("7".into())
        );
        assert_eq!(
            from_json_typed("f", &json!("AP8="), TypeCode::B).unwrap(),
            AttributeValue::B(Blob::new(vec![0, 255]))
        );
        assert_eq!(
            from_json_typed("f", &json!("true"), TypeCode::Bool).unwrap(),
            AttributeValue::Bool(true)
        );
        assert_eq!(
            from_json_typed("f", &Value::Null, TypeCode::Null).unwrap(),
            AttributeValue::Null(true)
        );
        assert_eq!(
            from_json_typed("f", &json!({"a": [1, "x"]}), TypeCode::M).unwrap(),
            AttributeValue::M(Item::from([(
                "a".into(),
                AttributeValue::L(vec![
                    AttributeValue::N("1".into()),
                    AttributeValue::S("x".into())
                ])
            )]))
        );
        assert_eq!(
            from_json_typed("f", &json!("[true]"), TypeCode::L).unwrap(),
            AttributeValue::L(vec![AttributeValue::Bool(true)])
        );
        assert_eq!(
            from_json_typed("f", &json!(["a", "b"]), TypeCode::Ss).unwrap(),
            AttributeValue::Ss(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            from_json_typed("f", &json!([1, "2.5"]), TypeCode::Ns).unwrap(),
            AttributeValue::Ns(vec!["1".into(), "2.5".into()])
        );
        assert_eq!(
            from_json_typed(
                "f",
                &json!(["AA==", "AQ=="]),
                TypeCode::parse("bs").unwrap()
            )
            .unwrap(),
            AttributeValue::Bs(vec![Blob::new(vec![0]), Blob::new(vec![1])])
        );
    }

    #[test]
    fn sets_must_be_non_empty_and_distinct() {
        assert!(from_json_typed("f", &json!([]), TypeCode::Ss).is_err());
        assert_eq!(
            from_json_typed("f", &json!(["a", "a"]), TypeCode::Ss)
                .unwrap_err()
                .field
                .as_deref(),
            Some("f[1]")
        );
        assert!(
            from_json_typed("f", &json!([1, "1.0"]), TypeCode::Ns).is_err(),
            "1 and 1.0 are the same number"
        );
        assert!(from_json_typed("f", &json!(["AA==", "AA=="]), TypeCode::Bs).is_err());
    }

    #[test]
    fn typed_map_names_the_key_at_fault() {
        let err = from_json_map(
            "value",
            &json!({"a": 1, "b": 2}),
            "value-types",
            &json!({"a": "N"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value-types.b"));
        let err = from_json_map(
            "value",
            &json!({"a": 1}),
            "value-types",
            &json!({"a": "N", "c": "S"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value-types.c"));
        let err = from_json_map(
            "value",
            &json!({"a": 1}),
            "value-types",
            &json!({"a": "INT"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value.a"));
        let err = from_json_map(
            "value",
            &json!({"a": "x"}),
            "value-types",
            &json!({"a": "N"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value.a"));
        assert_eq!(err.kind, crate::error::Kind::InvalidInput);
    }

    #[test]
    fn typed_json_tells_sets_from_lists() {
        let item = Item::from([
            ("s".to_string(), AttributeValue::Ss(vec!["a".into()])),
            (
                "l".to_string(),
                AttributeValue::L(vec![AttributeValue::S("a".into())]),
            ),
        ]);
        assert_eq!(
            item_to_json_typed(&item),
            json!({"l": {"L": [{"S": "a"}]}, "s": {"SS": ["a"]}})
        );
        assert_eq!(item_to_json_plain(&item), json!({"l": ["a"], "s": ["a"]}));
    }
}
