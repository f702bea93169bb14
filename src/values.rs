//! Value mapping: typed value / value-type maps ⇄ DynamoDB `AttributeValue`s, and items
//! back to plain (or DynamoDB-typed) JSON. Lossless: numbers travel as their decimal text
//! (never through `f64`), binaries as base64, sets keep every member.

use crate::error::{Error, Result};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Number, Value};
use std::collections::{HashMap, HashSet};

/// The DynamoDB type codes a value-type map may use.
pub const TYPE_CODES: [&str; 10] = ["S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"];

/// Most significant digits a DynamoDB number may have.
const MAX_DIGITS: usize = 38;
/// Decimal exponent range of DynamoDB numbers (1E-130 to 9.99…E+125).
const MIN_EXPONENT: i64 = -130;
const MAX_EXPONENT: i64 = 125;

/// A number's canonical form: sign, significant digits (no leading or trailing zeros)
/// and the exponent of the first digit. Zero is `(false, "", 0)`. Two spellings of the
/// same number (`1E+2`, `100`, `100.0`) have the same canonical form.
pub fn canonical_number(text: &str) -> Option<(bool, String, i64)> {
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let digits = format!("{int}{frac}");
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits.trim_matches('0').to_string();
    if significant.is_empty() {
        return Some((false, String::new(), 0));
    }
    // Value = 0.<digits> × 10^(len(int) + exponent); first significant digit's exponent:
    let first = int.len() as i64 + exponent - leading as i64 - 1;
    Some((negative, significant, first))
}

/// Compare two DynamoDB numbers given as text exactly, digit by digit (no `f64`); text
/// that is not a number sorts before every number.
pub fn compare_numbers(a: &str, b: &str) -> std::cmp::Ordering {
    let (Some(a), Some(b)) = (canonical_number(a), canonical_number(b)) else {
        return canonical_number(a)
            .is_some()
            .cmp(&canonical_number(b).is_some());
    };
    // -1 for negatives, 0 for zero, 1 for positives.
    let sign = |(negative, digits, _): &(bool, String, i64)| match (digits.is_empty(), negative) {
        (true, _) => 0,
        (false, true) => -1,
        (false, false) => 1,
    };
    let (sa, sb) = (sign(&a), sign(&b));
    if sa != sb || sa == 0 {
        return sa.cmp(&sb);
    }
    let magnitude = a.2.cmp(&b.2).then_with(|| a.1.cmp(&b.1));
    if sa < 0 {
        magnitude.reverse()
    } else {
        magnitude
    }
}

/// Check a DynamoDB number given as text; returns the text unchanged (every digit kept).
pub fn number(field: &str, text: &str) -> Result<String> {
    let text = text.trim();
    let (_, digits, exponent) = canonical_number(text)
        .ok_or_else(|| Error::invalid(field, format!("{text:?} is not a number")))?;
    if digits.len() > MAX_DIGITS {
        return Err(Error::invalid(
            field,
            format!(
                "{text} has {} significant digits; DynamoDB keeps at most {MAX_DIGITS}",
                digits.len()
            ),
        ));
    }
    if !digits.is_empty() && !(MIN_EXPONENT..=MAX_EXPONENT).contains(&exponent) {
        return Err(Error::invalid(
            field,
            format!("{text} is outside DynamoDB's range (1E-130 to 9.9999999999999999999999999999999999999E+125)"),
        ));
    }
    Ok(text.to_string())
}

fn number_of(field: &str, value: &Value) -> Result<String> {
    match value {
        Value::Number(n) => number(field, &n.to_string()),
        Value::String(s) => number(field, s),
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
    STANDARD
        .decode(text.trim())
        .map(Blob::new)
        .map_err(|e| Error::invalid(field, format!("is not valid base64 ({e})")))
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
    let mut seen = HashSet::new();
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let m = member(&format!("{field}[{i}]"), item)?;
            if !seen.insert(key(&m)) {
                return Err(Error::invalid(
                    format!("{field}[{i}]"),
                    format!("duplicates another member of the set ({item})"),
                ));
            }
            Ok(m)
        })
        .collect()
}

/// Convert `value` to the DynamoDB type `code`; `field` names it in errors.
pub fn typed(field: &str, value: &Value, code: &str) -> Result<AttributeValue> {
    Ok(match code.trim().to_ascii_uppercase().as_str() {
        "S" => AttributeValue::S(text_of(field, value)?),
        "N" => AttributeValue::N(number_of(field, value)?),
        "B" => AttributeValue::B(binary_of(field, value)?),
        "BOOL" => AttributeValue::Bool(match value {
            Value::Bool(b) => *b,
            Value::String(s) if s.eq_ignore_ascii_case("true") => true,
            Value::String(s) if s.eq_ignore_ascii_case("false") => false,
            _ => return Err(Error::invalid(field, "must be true or false")),
        }),
        "NULL" => match value {
            Value::Null => AttributeValue::Null(true),
            _ => return Err(Error::invalid(field, "must be null for type NULL")),
        },
        code @ ("M" | "L") => {
            let inner = container(field, value)?;
            match (code, &inner) {
                ("M", Value::Object(_)) | ("L", Value::Array(_)) => natural(field, &inner)?,
                ("M", _) => return Err(Error::invalid(field, "must be a JSON object for type M")),
                _ => return Err(Error::invalid(field, "must be a JSON array for type L")),
            }
        }
        "SS" => AttributeValue::Ss(set_of(field, value, text_of, String::clone)?),
        "NS" => AttributeValue::Ns(set_of(field, value, number_of, |n| canonical_number(n))?),
        "BS" => AttributeValue::Bs(set_of(field, value, binary_of, |b| b.as_ref().to_vec())?),
        other => {
            return Err(Error::invalid(
                field,
                format!(
                    "{other:?} is not a DynamoDB type code (one of {})",
                    TYPE_CODES.join(" ")
                ),
            ))
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

/// A JSON value in its natural DynamoDB type: string → S, number → N (every digit kept),
/// boolean → BOOL, null → NULL, array → L, object → M.
pub fn natural(field: &str, value: &Value) -> Result<AttributeValue> {
    Ok(match value {
        Value::String(s) => AttributeValue::S(s.clone()),
        Value::Number(n) => AttributeValue::N(number(field, &n.to_string())?),
        Value::Bool(b) => AttributeValue::Bool(*b),
        Value::Null => AttributeValue::Null(true),
        Value::Array(items) => AttributeValue::L(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| natural(&format!("{field}[{i}]"), v))
                .collect::<Result<_>>()?,
        ),
        Value::Object(members) => AttributeValue::M(
            members
                .iter()
                .map(|(k, v)| Ok((k.clone(), natural(&format!("{field}.{k}"), v)?)))
                .collect::<Result<_>>()?,
        ),
    })
}

/// A value map and its value-type map (`value` / `value-types`, or
/// `expression-attribute-values` / `expression-attribute-value-types`) as DynamoDB
/// attributes. Every key needs both a value and a type.
pub fn typed_map(
    values_field: &str,
    values: &Value,
    types_field: &str,
    types: &Value,
) -> Result<HashMap<String, AttributeValue>> {
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
            Ok((
                key.clone(),
                typed(&format!("{values_field}.{key}"), value, code)?,
            ))
        })
        .collect()
}

/// The type code of an attribute (`S N B BOOL NULL M L SS NS BS`).
pub fn type_code(value: &AttributeValue) -> &'static str {
    match value {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        _ => "NULL",
    }
}

/// The most bytes a DynamoDB item may have.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// The size of an item as DynamoDB counts it: attribute names and values in UTF-8 (or raw
/// bytes), numbers at about one byte per two significant digits plus one, one byte for a
/// boolean or null, and three bytes plus one per member for lists and maps.
pub fn item_size(item: &HashMap<String, AttributeValue>) -> usize {
    item.iter()
        .map(|(name, value)| name.len() + value_size(value))
        .sum()
}

fn value_size(value: &AttributeValue) -> usize {
    let number = |n: &String| {
        let digits = n.bytes().filter(u8::is_ascii_digit).count();
        digits.div_ceil(2) + 1
    };
    match value {
        AttributeValue::S(s) => s.len(),
        AttributeValue::N(n) => number(n),
        AttributeValue::B(b) => b.as_ref().len(),
        AttributeValue::Ss(items) => items.iter().map(String::len).sum(),
        AttributeValue::Ns(items) => items.iter().map(number).sum(),
        AttributeValue::Bs(items) => items.iter().map(|b| b.as_ref().len()).sum(),
        AttributeValue::L(items) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        AttributeValue::M(members) => {
            3 + members
                .iter()
                .map(|(k, v)| 1 + k.len() + value_size(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// `item` when it fits DynamoDB's item size; otherwise `invalid-input` naming `field`.
pub fn within_item_size(
    field: &str,
    item: HashMap<String, AttributeValue>,
) -> Result<HashMap<String, AttributeValue>> {
    let size = item_size(&item);
    if size > MAX_ITEM_BYTES {
        return Err(Error::invalid(
            field,
            format!("the item is about {size} bytes; DynamoDB items are at most 400 KB"),
        ));
    }
    Ok(item)
}

/// A stored number as a JSON number with exactly its digits (a string if it cannot be one).
pub fn json_number(text: &str) -> Value {
    let candidate = text.trim().trim_start_matches('+');
    let candidate = match candidate.strip_prefix('.') {
        Some(rest) => format!("0.{rest}"),
        None => candidate
            .replace("-.", "-0.")
            .replace(".e", ".0e")
            .replace(".E", ".0E"),
    };
    let candidate = candidate
        .strip_suffix('.')
        .map(str::to_string)
        .unwrap_or(candidate);
    match serde_json::from_str::<Number>(&candidate) {
        Ok(n) => Value::Number(n),
        Err(_) => Value::String(text.to_string()),
    }
}

/// An attribute as plain JSON: S → string, N → number with the stored digits, B → base64,
/// BOOL → boolean, NULL → null, M → object, L → array, SS/NS/BS → arrays.
pub fn plain(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => json_number(n),
        AttributeValue::B(b) => Value::String(STANDARD.encode(b.as_ref())),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::Null(_) => Value::Null,
        AttributeValue::M(m) => plain_item(m),
        AttributeValue::L(l) => Value::Array(l.iter().map(plain).collect()),
        AttributeValue::Ss(s) => Value::Array(s.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(n) => Value::Array(n.iter().map(|x| json_number(x)).collect()),
        AttributeValue::Bs(b) => Value::Array(
            b.iter()
                .map(|x| Value::String(STANDARD.encode(x.as_ref())))
                .collect(),
        ),
        _ => Value::Null,
    }
}

/// An attribute as DynamoDB-typed JSON (`{"N": "1"}`, `{"SS": ["a"]}`, ...).
pub fn typed_json(value: &AttributeValue) -> Value {
    let (code, inner) = match value {
        AttributeValue::S(s) => ("S", Value::String(s.clone())),
        AttributeValue::N(n) => ("N", Value::String(n.clone())),
        AttributeValue::B(b) => ("B", Value::String(STANDARD.encode(b.as_ref()))),
        AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
        AttributeValue::Null(_) => ("NULL", Value::Bool(true)),
        AttributeValue::M(m) => ("M", typed_item(m)),
        AttributeValue::L(l) => ("L", Value::Array(l.iter().map(typed_json).collect())),
        AttributeValue::Ss(s) => ("SS", Value::from(s.clone())),
        AttributeValue::Ns(n) => ("NS", Value::from(n.clone())),
        AttributeValue::Bs(b) => (
            "BS",
            Value::Array(
                b.iter()
                    .map(|x| Value::String(STANDARD.encode(x.as_ref())))
                    .collect(),
            ),
        ),
        _ => return Value::Null,
    };
    let mut obj = Map::new();
    obj.insert(code.to_string(), inner);
    Value::Object(obj)
}

fn sorted(item: &HashMap<String, AttributeValue>) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = item.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// An item (attribute map) as plain JSON, attributes in name order.
pub fn plain_item(item: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(
        sorted(item)
            .into_iter()
            .map(|(k, v)| (k.clone(), plain(v)))
            .collect(),
    )
}

/// An item as DynamoDB-typed JSON, attributes in name order.
pub fn typed_item(item: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(
        sorted(item)
            .into_iter()
            .map(|(k, v)| (k.clone(), typed_json(v)))
            .collect(),
    )
}

/// How items are rendered in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ItemFormat {
    /// Plain JSON (the default).
    #[default]
    Plain,
    /// DynamoDB-typed JSON, which tells sets from lists.
    Typed,
}

impl ItemFormat {
    pub fn item(self, item: &HashMap<String, AttributeValue>) -> Value {
        match self {
            ItemFormat::Plain => plain_item(item),
            ItemFormat::Typed => typed_item(item),
        }
    }

    pub fn opt_item(self, item: Option<&HashMap<String, AttributeValue>>) -> Value {
        item.map_or(Value::Null, |i| self.item(i))
    }

    pub fn items(self, items: &[HashMap<String, AttributeValue>]) -> Value {
        Value::Array(items.iter().map(|i| self.item(i)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_size_counts_names_and_values() {
        let item = typed_map(
            "value",
            &json!({"id": 12345, "name": "Rose", "tags": ["a", "bc"], "m": {"k": true}}),
            "value-types",
            &json!({"id": "N", "name": "S", "tags": "SS", "m": "M"}),
        )
        .unwrap();
        // id: 2 + 4 (5 digits); name: 4 + 4; tags: 4 + 3; m: 1 + 3 + (1 + 1 + 1).
        assert_eq!(item_size(&item), 6 + 8 + 7 + 7);
        let big = HashMap::from([(
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
        let v = typed("value.x", &n(big), "N").unwrap();
        assert_eq!(v, AttributeValue::N(big.to_string()));
        assert_eq!(plain(&v).to_string(), big);
        let small =
            "-0.00000000000000000000000000000000000000000012345678901234567890123456789012345678";
        assert_eq!(
            plain(&typed("x", &json!(small), "N").unwrap()).to_string(),
            small
        );
    }

    #[test]
    fn number_limits() {
        assert!(
            number("x", "123456789012345678901234567890123456789").is_err(),
            "39 digits"
        );
        assert!(
            number("x", "1234567890123456789012345678901234567800000").is_ok(),
            "trailing zeros are not significant"
        );
        assert!(number("x", "9.9999999999999999999999999999999999999E+125").is_ok());
        assert!(number("x", "1E+126").is_err());
        assert!(number("x", "1E-130").is_ok());
        assert!(number("x", "1E-131").is_err());
        assert!(number("x", "0").is_ok());
        assert!(number("x", "0.000E-999").is_ok(), "zero has no magnitude");
        for bad in [
            "", "-", "1.2.3", "abc", "1e", "NaN", "Infinity", "0x10", "1 2",
        ] {
            assert!(number("x", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_type_code() {
        assert_eq!(
            typed("f", &json!("a"), "S").unwrap(),
            AttributeValue::S("a".into())
        );
        assert_eq!(
            typed("f", &json!(7), "S").unwrap(),
            AttributeValue::S("7".into())
        );
        assert_eq!(
            typed("f", &json!("AP8="), "B").unwrap(),
            AttributeValue::B(Blob::new(vec![0, 255]))
        );
        assert_eq!(
            typed("f", &json!("true"), "BOOL").unwrap(),
            AttributeValue::Bool(true)
        );
        assert_eq!(
            typed("f", &Value::Null, "NULL").unwrap(),
            AttributeValue::Null(true)
        );
        assert_eq!(
            typed("f", &json!({"a": [1, "x"]}), "M").unwrap(),
            AttributeValue::M(HashMap::from([(
                "a".into(),
                AttributeValue::L(vec![
                    AttributeValue::N("1".into()),
                    AttributeValue::S("x".into())
                ])
            )]))
        );
        assert_eq!(
            typed("f", &json!("[true]"), "L").unwrap(),
            AttributeValue::L(vec![AttributeValue::Bool(true)])
        );
        assert_eq!(
            typed("f", &json!(["a", "b"]), "SS").unwrap(),
            AttributeValue::Ss(vec!["a".into(), "b".into()])
        );
        assert_eq!(
            typed("f", &json!([1, "2.5"]), "NS").unwrap(),
            AttributeValue::Ns(vec!["1".into(), "2.5".into()])
        );
        assert_eq!(
            typed("f", &json!(["AA==", "AQ=="]), "bs").unwrap(),
            AttributeValue::Bs(vec![Blob::new(vec![0]), Blob::new(vec![1])])
        );
    }

    #[test]
    fn sets_must_be_non_empty_and_distinct() {
        assert!(typed("f", &json!([]), "SS").is_err());
        assert_eq!(
            typed("f", &json!(["a", "a"]), "SS")
                .unwrap_err()
                .field
                .as_deref(),
            Some("f[1]")
        );
        assert!(
            typed("f", &json!([1, "1.0"]), "NS").is_err(),
            "1 and 1.0 are the same number"
        );
        assert!(typed("f", &json!(["AA==", "AA=="]), "BS").is_err());
    }

    #[test]
    fn typed_map_names_the_key_at_fault() {
        let err = typed_map(
            "value",
            &json!({"a": 1, "b": 2}),
            "value-types",
            &json!({"a": "N"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value-types.b"));
        let err = typed_map(
            "value",
            &json!({"a": 1}),
            "value-types",
            &json!({"a": "N", "c": "S"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value-types.c"));
        let err = typed_map(
            "value",
            &json!({"a": 1}),
            "value-types",
            &json!({"a": "INT"}),
        )
        .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("value.a"));
        let err = typed_map(
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
        let item = HashMap::from([
            ("s".to_string(), AttributeValue::Ss(vec!["a".into()])),
            (
                "l".to_string(),
                AttributeValue::L(vec![AttributeValue::S("a".into())]),
            ),
        ]);
        assert_eq!(
            typed_item(&item),
            json!({"l": {"L": [{"S": "a"}]}, "s": {"SS": ["a"]}})
        );
        assert_eq!(plain_item(&item), json!({"l": ["a"], "s": ["a"]}));
    }

    #[test]
    fn stored_numbers_in_any_spelling_become_json_numbers() {
        assert_eq!(json_number("1E+2").to_string(), "1e+2");
        assert_eq!(json_number(".5").to_string(), "0.5");
        assert_eq!(json_number("+5.").to_string(), "5");
    }
}
