//! Item keys: the key schema learnt from the table, and key values given as text turned
//! into attributes of the key's type.

use crate::error::{Error, Result};
use crate::model::values::{self, TypeCode};
use crate::model::{Item, Key};
use aws_sdk_dynamodb::types::{AttributeValue, KeyType, ScalarAttributeType, TableDescription};
use serde_json::Value;
use std::collections::HashMap;

/// A table's primary key and the types of all its key attributes (table and indexes).
#[derive(Debug, Clone, PartialEq)]
pub struct KeySchema {
    /// The hash (partition) key attribute.
    pub hash: String,
    /// The range (sort) key attribute, if the table has one.
    pub range: Option<String>,
    /// The scalar type of every key attribute of the table and its indexes.
    pub types: HashMap<String, ScalarAttributeType>,
}

impl KeySchema {
    /// The key schema of a described table.
    pub fn of(table: &TableDescription) -> Result<KeySchema> {
        let name_of = |kind: KeyType| {
            table
                .key_schema()
                .iter()
                .find(|k| *k.key_type() == kind)
                .map(|k| k.attribute_name().to_string())
        };
        let hash = name_of(KeyType::Hash).ok_or_else(|| {
            Error::new(
                crate::error::Kind::Service,
                "the table description has no hash key",
            )
        })?;
        let types = table
            .attribute_definitions()
            .iter()
            .map(|d| (d.attribute_name().to_string(), d.attribute_type().clone()))
            .collect();
        Ok(KeySchema {
            hash,
            range: name_of(KeyType::Range),
            types,
        })
    }

    /// A key schema given as input: `[{"AttributeName", "KeyType", "AttributeType"}]`.
    pub fn given(field: &str, text: &str) -> Result<KeySchema> {
        use crate::model::input::{attribute_records, AttributeMember};
        let members = [AttributeMember::KeyType, AttributeMember::AttributeType];
        let records = attribute_records(field, text, &members)?;
        let named = |kind: KeyType| {
            records
                .iter()
                .filter(|r| r.key_type.as_ref() == Some(&kind))
                .map(|r| r.name.clone())
                .collect::<Vec<_>>()
        };
        let (mut hashes, mut ranges) = (named(KeyType::Hash), named(KeyType::Range));
        if hashes.len() != 1 || ranges.len() > 1 {
            return Err(Error::invalid(
                field,
                "needs exactly one HASH and at most one RANGE key",
            ));
        }
        let types = records
            .into_iter()
            .filter_map(|r| Some((r.name, r.attribute_type?)));
        Ok(KeySchema {
            hash: hashes.remove(0),
            range: ranges.pop(),
            types: types.collect(),
        })
    }

    fn attribute(&self, field: &str, name: &str, text: &str) -> Result<AttributeValue> {
        match self.types.get(name) {
            Some(ScalarAttributeType::N) => {
                values::from_json_typed(field, &Value::String(text.trim().to_string()), TypeCode::N)
            }
            Some(ScalarAttributeType::B) => {
                values::from_json_typed(field, &Value::String(text.to_string()), TypeCode::B)
            }
            _ => Ok(AttributeValue::S(text.to_string())),
        }
    }

    /// `hash-key-value` is given (whatever the key's type, it cannot be empty).
    pub fn required_hash(hash: &str) -> Result<()> {
        if hash.is_empty() {
            Err(Error::invalid("hash-key-value", "is required"))
        } else {
            Ok(())
        }
    }

    /// The key of one item from `hash-key-value` and `range-key-value` given as text.
    pub fn key(&self, hash: &str, range: Option<&str>) -> Result<Item> {
        let mut key = HashMap::new();
        KeySchema::required_hash(hash)?;
        key.insert(
            self.hash.clone(),
            self.attribute("hash-key-value", &self.hash, hash)?,
        );
        match (&self.range, range) {
            (Some(name), Some(value)) => {
                key.insert(
                    name.clone(),
                    self.attribute("range-key-value", name, value)?,
                );
            }
            (Some(name), None) => {
                return Err(Error::invalid(
                    "range-key-value",
                    format!("is required: the table's range (sort) key is {name:?}"),
                ))
            }
            (None, Some(_)) => {
                return Err(Error::invalid(
                    "range-key-value",
                    "must be empty: the table has no range (sort) key",
                ))
            }
            (None, None) => {}
        }
        Ok(key)
    }

    /// The key attributes of `item`; `invalid-input` naming `field` when one is missing,
    /// and naming the attribute (`field.NAME`) when a key attribute of the table or of one
    /// of its indexes has another type than the table defines, so a write the service
    /// would refuse is refused before anything is sent.
    pub fn key_of(&self, field: &str, item: &Item) -> Result<Item> {
        for (name, defined) in &self.types {
            let Some(value) = item.get(name) else {
                continue;
            };
            let given = TypeCode::of(value).as_str();
            if given != defined.as_str() {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    format!(
                        "is of type {given}, but {name} is a key attribute of type {} \
                         (of the table or an index)",
                        defined.as_str()
                    ),
                ));
            }
        }
        std::iter::once(&self.hash)
            .chain(self.range.as_ref())
            .map(|name| match item.get(name) {
                Some(value) => Ok((name.clone(), value.clone())),
                None => Err(Error::invalid(
                    field,
                    format!("lacks the key attribute {name:?}"),
                )),
            })
            .collect()
    }

    /// A key given as plain JSON (as `LastEvaluatedKey` is returned), each attribute in
    /// its key type; attributes the table does not define take their natural type.
    pub fn plain_key(&self, field: &str, key: &Value) -> Result<Item> {
        let Value::Object(members) = key else {
            return Err(Error::invalid(field, "must be a JSON object"));
        };
        members
            .iter()
            .map(|(name, value)| {
                let at = format!("{field}.{name}");
                let attribute = match (self.types.get(name), value) {
                    (Some(ScalarAttributeType::N), _) => {
                        values::from_json_typed(&at, value, TypeCode::N)?
                    }
                    (Some(ScalarAttributeType::B), _) => {
                        values::from_json_typed(&at, value, TypeCode::B)?
                    }
                    (Some(_), _) => values::from_json_typed(&at, value, TypeCode::S)?,
                    (None, _) => values::from_json_natural(&at, value)?,
                };
                Ok((name.clone(), attribute))
            })
            .collect()
    }
}

impl KeySchema {
    /// A key given as plain JSON that must hold exactly the table's key attributes (an
    /// item's key, as `batch-get-items` and the transactions take it).
    pub fn exact_key(&self, field: &str, key: &Value) -> Result<Item> {
        let typed = self.plain_key(field, key)?;
        let key = self.key_of(field, &typed)?;
        match typed.keys().find(|name| !key.contains_key(*name)) {
            Some(extra) => Err(Error::invalid(
                format!("{field}.{extra}"),
                "is not a key attribute of the table",
            )),
            None => Ok(key),
        }
    }
}

/// The attributes a `LastEvaluatedKey` of the described table (or of its `index`) holds:
/// the table's key and the index's key, sorted.
pub fn cursor_attributes(description: &TableDescription, index: Option<&str>) -> Vec<String> {
    let mut names: Vec<String> = description
        .key_schema()
        .iter()
        .map(|k| k.attribute_name().to_string())
        .collect();
    let global = description
        .global_secondary_indexes()
        .iter()
        .map(|i| (i.index_name(), i.key_schema()));
    let local = description
        .local_secondary_indexes()
        .iter()
        .map(|i| (i.index_name(), i.key_schema()));
    if let Some((_, keys)) = global.chain(local).find(|(name, _)| *name == index) {
        names.extend(keys.iter().map(|k| k.attribute_name().to_string()));
    }
    names.sort();
    names.dedup();
    names
}

/// The cursor that resumes after `last`: its attributes `names`; `invalid-input` when the
/// projection left one out.
pub fn cursor_of(names: &[String], last: &Item) -> Result<Key> {
    names
        .iter()
        .map(|name| match last.get(name) {
            Some(value) => Ok((name.clone(), value.clone())),
            None => Err(Error::invalid(
                "projection-expression",
                format!(
                    "must include the key attribute {name:?} when max-items ends within a page"
                ),
            )),
        })
        .collect()
}

/// A key's identity: equal for equal keys, whatever the order of their attributes. Each
/// attribute (by name) is its name, its type and its value, each length-prefixed, so no
/// two keys share one; a key's scalars (S, N, B) are copied as they are, anything else as
/// its debug text.
pub fn identity(key: &Item) -> Vec<u8> {
    let mut names: Vec<&String> = key.keys().collect();
    names.sort_unstable();
    let mut out = Vec::with_capacity(64);
    let mut field = |bytes: &[u8]| {
        out.extend_from_slice(&bytes.len().to_le_bytes());
        out.extend_from_slice(bytes);
    };
    for name in names {
        field(name.as_bytes());
        match &key[name] {
            AttributeValue::S(s) => (field(b"S"), field(s.as_bytes())),
            AttributeValue::N(n) => (field(b"N"), field(n.as_bytes())),
            AttributeValue::B(b) => (field(b"B"), field(b.as_ref())),
            other => (field(b"?"), field(format!("{other:?}").as_bytes())),
        };
    }
    out
}

/// `invalid-input` naming the second of two entries of one batch (or transaction) that
/// address the same key of the same table (`DynamoDB` refuses such a request); entries are
/// `(table, field, key)`, `within` names the request in the message.
pub fn no_duplicate_keys<'a>(
    entries: impl IntoIterator<Item = (&'a str, &'a str, &'a Item)>,
    within: &str,
) -> Result<()> {
    let mut seen: HashMap<(&str, Vec<u8>), &str> = HashMap::new();
    for (table, field, key) in entries {
        if let Some(first) = seen.insert((table, identity(key)), field) {
            return Err(Error::invalid(
                field,
                format!("has the same key as {first} within {within}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::primitives::Blob;
    use serde_json::json;

    fn schema(range: bool) -> KeySchema {
        KeySchema {
            hash: "id".into(),
            range: range.then(|| "sk".into()),
            types: HashMap::from([
                ("id".into(), ScalarAttributeType::N),
                ("sk".into(), ScalarAttributeType::B),
            ]),
        }
    }

    #[test]
    fn an_item_whose_key_attribute_has_another_type_is_refused_naming_it() {
        let schema = schema(true);
        let item = Item::from([
            ("id".to_string(), AttributeValue::S("42".into())),
            ("sk".to_string(), AttributeValue::B(Blob::new(vec![1]))),
        ]);
        let error = schema.key_of("requests.t[3].put", &item).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("requests.t[3].put.id"));
        assert!(!error.message.contains("42"), "no value: {}", error.message);
        let good = Item::from([
            ("id".to_string(), AttributeValue::N("42".into())),
            ("sk".to_string(), AttributeValue::B(Blob::new(vec![1]))),
        ]);
        assert_eq!(schema.key_of("p", &good).unwrap().len(), 2);
    }

    #[test]
    fn keys_take_the_table_types() {
        let key = schema(true).key("42", Some("AQI=")).unwrap();
        assert_eq!(key["id"], AttributeValue::N("42".into()));
        assert_eq!(key["sk"], AttributeValue::B(Blob::new(vec![1, 2])));
    }

    #[test]
    fn exact_keys_hold_the_key_attributes_and_nothing_else() {
        let schema = schema(true);
        let key = schema
            .exact_key("k", &json!({"id": 7, "sk": "AQI="}))
            .unwrap();
        assert_eq!(key["id"], AttributeValue::N("7".into()));
        let extra = schema.exact_key("k", &json!({"id": 7, "sk": "AQI=", "x": 1}));
        assert_eq!(extra.unwrap_err().field.as_deref(), Some("k.x"));
        let short = schema.exact_key("k", &json!({"id": 7}));
        assert_eq!(short.unwrap_err().field.as_deref(), Some("k"));
    }

    #[test]
    fn given_key_schemas_are_checked() {
        let given = KeySchema::given(
            "key-schema",
            r#"[{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"},
                {"AttributeName": "sk", "KeyType": "RANGE", "AttributeType": "B"}]"#,
        )
        .unwrap();
        assert_eq!(given, schema(true));
        let two_hashes = KeySchema::given(
            "key-schema",
            r#"[{"AttributeName": "a", "KeyType": "HASH", "AttributeType": "N"},
                {"AttributeName": "b", "KeyType": "HASH", "AttributeType": "N"}]"#,
        );
        assert_eq!(two_hashes.unwrap_err().field.as_deref(), Some("key-schema"));
    }

    #[test]
    fn range_key_must_match_the_table() {
        let missing = schema(true).key("1", None).unwrap_err();
        assert_eq!(missing.field.as_deref(), Some("range-key-value"));
        let extra = schema(false).key("1", Some("x")).unwrap_err();
        assert_eq!(extra.field.as_deref(), Some("range-key-value"));
        let bad_number = schema(false).key("one", None).unwrap_err();
        assert_eq!(bad_number.field.as_deref(), Some("hash-key-value"));
    }

    /// A key of up to three attributes named from `names`, each an S, N or B of `value`.
    fn key_strategy() -> impl proptest::strategy::Strategy<Value = Item> {
        use proptest::prelude::*;
        let value = (0..3u8, "[a-c]{0,3}").prop_map(|(t, v)| match t {
            0 => AttributeValue::S(v),
            1 => AttributeValue::N(v),
            _ => AttributeValue::B(Blob::new(v.into_bytes())),
        });
        proptest::collection::hash_map("[a-b]{1,2}", value, 1..=3)
    }

    proptest::proptest! {
        #[test]
        fn identities_are_equal_exactly_when_the_keys_are(
            a in key_strategy(),
            b in key_strategy(),
        ) {
            proptest::prop_assert_eq!(identity(&a) == identity(&b), a == b);
            let mut entries: Vec<_> = a.clone().into_iter().collect();
            entries.reverse();
            let reordered: Item = entries.into_iter().collect();
            proptest::prop_assert_eq!(identity(&a), identity(&reordered));
        }
    }
}
