//! Checks shared by every action's inputs: JSON-valued inputs, names and regions.

use crate::error::{Error, Result};
use aws_sdk_dynamodb::types::{KeyType, ReturnValuesOnConditionCheckFailure, ScalarAttributeType};
use serde_json::Value;

mod params;

pub use params::Params;

/// A required index name: 3 to 255 letters, digits, `_`, `-` or `.` (DynamoDB's rule).
pub fn index_name<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    let name = required(field, text)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if (3..=255).contains(&name.len()) && name.chars().all(allowed) {
        Ok(name)
    } else {
        Err(Error::invalid(
            field,
            "must be 3 to 255 letters, digits, _, - or . (DynamoDB's index names)",
        ))
    }
}

/// Parse a JSON-valued input. It may hold JSON text, or JSON text wrapped in a JSON string
/// (values handed on from an earlier workflow step often arrive that way).
pub fn json(field: &str, text: &str) -> Result<Value> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Error::invalid(field, format!("is not valid JSON ({e})")))?;
    match value {
        Value::String(inner) => serde_json::from_str(&inner)
            .map_err(|e| Error::invalid(field, format!("is not valid JSON ({e})"))),
        other => Ok(other),
    }
}

/// A JSON-valued input that stands for one value (a key, a cursor value): JSON text, or any
/// other text as the string it is (`orders` is `"orders"`); empty counts as absent.
pub fn value_or_text(field: &str, text: Option<&str>) -> Result<Option<Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => match serde_json::from_str::<Value>(text) {
            Ok(value) => json_value(field, &value).or(Ok(value)).map(Some),
            Err(_) => Ok(Some(Value::from(text))),
        },
    }
}

/// A JSON value that may itself be a string holding JSON text.
pub fn json_value(field: &str, value: &Value) -> Result<Value> {
    match value {
        Value::String(text) => json(field, text),
        other => Ok(other.clone()),
    }
}

/// Parse an optional JSON-valued input; empty text counts as absent.
pub fn opt_json(field: &str, text: Option<&str>) -> Result<Option<Value>> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => json(field, text).map(|v| (!v.is_null()).then_some(v)),
    }
}

/// A required, non-empty text input.
pub fn required<'a>(field: &str, text: &'a str) -> Result<&'a str> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(Error::invalid(field, "is required"))
    } else {
        Ok(trimmed)
    }
}

/// An optional text input; empty text counts as absent.
pub fn optional(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// An optional text input as an owned value for a request builder; empty counts as absent.
pub fn text(value: &Option<String>) -> Option<String> {
    optional(value.as_deref()).map(str::to_string)
}

/// An AWS region name such as `us-east-1` or `us-gov-west-1`: a partition prefix of
/// letters, one or more words of letters and digits, and a final number, joined by dashes;
/// checked before anything is sent, so that a typo (`us-east1`) is named as such rather
/// than ending as whatever the endpoint it makes answers.
pub fn region(text: &str) -> Result<&str> {
    let region = required("region", text)?;
    let parts: Vec<&str> = region.split('-').collect();
    let word = |p: &&str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    };
    let well_formed = parts.len() >= 3
        && parts[0].len() >= 2
        && parts[0].chars().all(|c| c.is_ascii_lowercase())
        && parts.iter().all(word)
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit());
    if well_formed {
        return Ok(region);
    }
    // The value itself is not repeated (docs/errors.md): only the region it most likely
    // meant, which is a region name.
    let hint = region_hint(region).map_or_else(String::new, |h| format!("; did you mean {h}?"));
    Err(Error::invalid(
        "region",
        format!(
            "is not an AWS region name, which reads like us-east-1 or eu-central-2 \
             (letters, words and a final number joined by dashes){hint}"
        ),
    ))
}

/// The region a malformed one most likely meant: upper case lowered, spaces and
/// underscores as dashes, a dash before the final number (`us-east1` is `us-east-1`).
fn region_hint(given: &str) -> Option<String> {
    let mut fixed: String = given
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '_' { '-' } else { c })
        .collect();
    let digits = fixed.len() - fixed.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits < fixed.len() && !fixed[..fixed.len() - digits].ends_with('-') {
        fixed.insert(fixed.len() - digits, '-');
    }
    (fixed != given && region(&fixed).is_ok()).then_some(fixed)
}

/// `max-items`: at least 1 when given.
pub fn max_items(max: Option<u32>) -> Result<Option<usize>> {
    match max {
        Some(0) => Err(Error::invalid("max-items", "must be at least 1")),
        other => Ok(other.map(|n| n as usize)),
    }
}

/// A member an attribute record may have besides `AttributeName`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeMember {
    /// `KeyType`: `HASH` or `RANGE`.
    KeyType,
    /// `AttributeType`: `S`, `N` or `B`.
    AttributeType,
}

impl AttributeMember {
    fn name(self) -> &'static str {
        match self {
            AttributeMember::KeyType => "KeyType",
            AttributeMember::AttributeType => "AttributeType",
        }
    }

    fn allowed(self) -> &'static [&'static str] {
        match self {
            AttributeMember::KeyType => &["HASH", "RANGE"],
            AttributeMember::AttributeType => &["S", "N", "B"],
        }
    }
}

/// One record of a key schema or attribute definitions input, in the AWS shape
/// `{"AttributeName", "KeyType"?, "AttributeType"?}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeRecord {
    /// `AttributeName`.
    pub name: String,
    /// `KeyType`, when the input has it.
    pub key_type: Option<KeyType>,
    /// `AttributeType`, when the input has it.
    pub attribute_type: Option<ScalarAttributeType>,
}

/// Parse a JSON array of attribute records, e.g. `[{"AttributeName": "id", "KeyType":
/// "HASH"}]`: each object must have exactly `AttributeName` and the `members`, each a
/// non-empty string of its allowed values.
pub fn attribute_records(
    field: &str,
    text: &str,
    members: &[AttributeMember],
) -> Result<Vec<AttributeRecord>> {
    let Value::Array(items) = json(field, text)? else {
        return Err(Error::invalid(field, "must be a JSON array"));
    };
    if items.is_empty() {
        return Err(Error::invalid(field, "must not be empty"));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| attribute_record(&format!("{field}[{i}]"), item, members))
        .collect()
}

/// One record of [`attribute_records`], at `at`.
fn attribute_record(
    at: &str,
    item: &Value,
    members: &[AttributeMember],
) -> Result<AttributeRecord> {
    let Value::Object(obj) = item else {
        return Err(Error::invalid(at, "must be a JSON object"));
    };
    let known = |k: &str| k == "AttributeName" || members.iter().any(|m| m.name() == k);
    if let Some(extra) = obj.keys().find(|k| !known(k)) {
        return Err(Error::invalid(
            format!("{at}.{extra}"),
            "is not a known field",
        ));
    }
    let text = |name: &str, allowed: Option<&[&str]>| match obj.get(name) {
        Some(Value::String(s)) if !s.is_empty() => match allowed {
            Some(allowed) if !allowed.contains(&s.as_str()) => Err(Error::invalid(
                format!("{at}.{name}"),
                format!("must be one of {}", allowed.join(", ")),
            )),
            _ => Ok(s.as_str()),
        },
        _ => Err(Error::invalid(
            format!("{at}.{name}"),
            "must be a non-empty string",
        )),
    };
    let mut record = AttributeRecord {
        name: text("AttributeName", None)?.to_string(),
        key_type: None,
        attribute_type: None,
    };
    for &member in members {
        let value = text(member.name(), Some(member.allowed()))?;
        match member {
            AttributeMember::KeyType => record.key_type = Some(KeyType::from(value)),
            AttributeMember::AttributeType => {
                record.attribute_type = Some(ScalarAttributeType::from(value));
            }
        }
    }
    Ok(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_accepts_text_and_wrapped_text() {
        assert_eq!(
            json("v", r#"{"a":1}"#).unwrap(),
            serde_json::json!({"a": 1})
        );
        assert_eq!(
            json("v", r#""{\"a\":1}""#).unwrap(),
            serde_json::json!({"a": 1})
        );
    }

    #[test]
    fn json_errors_name_the_field() {
        let err = json("key-schema", "[{").unwrap_err();
        assert_eq!(err.field.as_deref(), Some("key-schema"));
    }

    #[test]
    fn attribute_records_check_every_field() {
        let members = &[AttributeMember::KeyType];
        let ok = attribute_records(
            "key-schema",
            r#"[{"KeyType":"HASH","AttributeName":"id"}]"#,
            members,
        );
        let expected = AttributeRecord {
            name: "id".into(),
            key_type: Some(KeyType::Hash),
            attribute_type: None,
        };
        assert_eq!(ok.unwrap(), vec![expected]);
        let bad = attribute_records(
            "key-schema",
            r#"[{"KeyType":"SORT","AttributeName":"id"}]"#,
            members,
        );
        assert_eq!(
            bad.unwrap_err().field.as_deref(),
            Some("key-schema[0].KeyType")
        );
        let extra = attribute_records(
            "key-schema",
            r#"[{"KeyType":"HASH","AttributeName":"id","X":1}]"#,
            members,
        );
        assert_eq!(extra.unwrap_err().field.as_deref(), Some("key-schema[0].X"));
        let missing = attribute_records("key-schema", r#"[{"AttributeName":"id"}]"#, members);
        assert_eq!(
            missing.unwrap_err().field.as_deref(),
            Some("key-schema[0].KeyType")
        );
        assert!(attribute_records("key-schema", "[]", members).is_err());
    }

    #[test]
    fn params_are_checked_by_name_and_type() {
        let p = Params::parse(
            "query-parameters",
            Some(r#"{"Limit": 2, "ScanIndexForward": false}"#),
            &["Limit", "ScanIndexForward"],
        )
        .unwrap();
        assert_eq!(p.positive("Limit").unwrap(), Some(2));
        assert_eq!(p.bool("ScanIndexForward").unwrap(), Some(false));
        let unknown = Params::parse("query-parameters", Some(r#"{"Limt": 2}"#), &["Limit"])
            .err()
            .unwrap();
        assert_eq!(unknown.field.as_deref(), Some("query-parameters.Limt"));
        let p = Params::parse("query-parameters", Some(r#"{"Limit": "2"}"#), &["Limit"]).unwrap();
        assert_eq!(
            p.positive("Limit").unwrap_err().field.as_deref(),
            Some("query-parameters.Limit")
        );
    }

    #[test]
    fn entries_are_counted_and_named_by_index() {
        let known = ["statement", "parameters"];
        let ok = Params::entries("statements", r#"[{"statement": "x"}]"#, 25, &known).unwrap();
        assert_eq!(ok[0].required("statement").unwrap(), "x");
        assert_eq!(ok[0].at("parameters"), "statements[0].parameters");
        let missing = ok[0].required("parameters").unwrap_err();
        assert_eq!(missing.field.as_deref(), Some("statements[0].parameters"));
        let unknown = Params::entries("statements", r#"[{}, {"stmt": "x"}]"#, 25, &known);
        assert_eq!(
            unknown.err().unwrap().field.as_deref(),
            Some("statements[1].stmt")
        );
        let many = format!("[{}]", vec!["{}"; 26].join(","));
        assert!(Params::entries("statements", &many, 25, &known).is_err());
        assert!(Params::entries("statements", "[]", 25, &known).is_err());
        assert!(Params::entries("statements", "[1]", 25, &known).is_err());
    }

    #[test]
    fn region_is_checked() {
        assert_eq!(region(" eu-west-1 ").unwrap(), "eu-west-1");
        assert!(region("").is_err());
        assert!(region("eu west").is_err());
        for good in [
            "us-gov-west-1",
            "eu-isoe-west-1",
            "eusc-de-east-1",
            "ap-southeast-5",
        ] {
            assert_eq!(region(good).unwrap(), good);
        }
        let typo = region("us-east1").unwrap_err().to_string();
        assert!(typo.contains("did you mean us-east-1?"), "{typo}");
        let upper = region("EU_WEST_1").unwrap_err().to_string();
        assert!(upper.contains("did you mean eu-west-1?"), "{upper}");
        for bad in ["local", "x", "us-east-", "-us-east-1", "us--east-1"] {
            assert!(region(bad).is_err(), "{bad}");
        }
    }
}
