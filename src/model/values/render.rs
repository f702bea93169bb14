//! Attributes and items written back as plain or DynamoDB-typed JSON, and the item format
//! a step asks for.

use crate::model::{number, Item};
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{Map, Value};

/// An attribute as plain JSON: S → string, N → number with the stored digits, B → base64,
/// BOOL → boolean, NULL → null, M → object, L → array, SS/NS/BS → arrays.
pub fn to_json_plain(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => Value::String(s.clone()),
        AttributeValue::N(n) => number::to_json(n),
        AttributeValue::B(b) => Value::String(STANDARD.encode(b.as_ref())),
        AttributeValue::Bool(b) => Value::Bool(*b),
        AttributeValue::M(m) => item_to_json_plain(m),
        AttributeValue::L(l) => Value::Array(l.iter().map(to_json_plain).collect()),
        AttributeValue::Ss(s) => Value::Array(s.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(n) => Value::Array(n.iter().map(|x| number::to_json(x)).collect()),
        AttributeValue::Bs(b) => Value::Array(
            b.iter()
                .map(|x| Value::String(STANDARD.encode(x.as_ref())))
                .collect(),
        ),
        // NULL, and any type a later SDK may add.
        _ => Value::Null,
    }
}

/// An attribute as DynamoDB-typed JSON (`{"N": "1"}`, `{"SS": ["a"]}`, ...).
pub fn to_json_typed(value: &AttributeValue) -> Value {
    let (code, inner) = match value {
        AttributeValue::S(s) => ("S", Value::String(s.clone())),
        AttributeValue::N(n) => ("N", Value::String(n.clone())),
        AttributeValue::B(b) => ("B", Value::String(STANDARD.encode(b.as_ref()))),
        AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
        AttributeValue::Null(_) => ("NULL", Value::Bool(true)),
        AttributeValue::M(m) => ("M", item_to_json_typed(m)),
        AttributeValue::L(l) => ("L", Value::Array(l.iter().map(to_json_typed).collect())),
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

fn sorted(item: &Item) -> Vec<(&String, &AttributeValue)> {
    let mut entries: Vec<_> = item.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// An item (attribute map) as plain JSON, attributes in name order.
pub fn item_to_json_plain(item: &Item) -> Value {
    Value::Object(
        sorted(item)
            .into_iter()
            .map(|(k, v)| (k.clone(), to_json_plain(v)))
            .collect(),
    )
}

/// An item as DynamoDB-typed JSON, attributes in name order.
pub fn item_to_json_typed(item: &Item) -> Value {
    Value::Object(
        sorted(item)
            .into_iter()
            .map(|(k, v)| (k.clone(), to_json_typed(v)))
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
    /// An item in this format.
    pub fn item(self, item: &Item) -> Value {
        match self {
            ItemFormat::Plain => item_to_json_plain(item),
            ItemFormat::Typed => item_to_json_typed(item),
        }
    }

    /// An item in this format, or `null`.
    pub fn opt_item(self, item: Option<&Item>) -> Value {
        item.map_or(Value::Null, |i| self.item(i))
    }

    /// Items in this format, as an array.
    pub fn items(self, items: &[Item]) -> Value {
        Value::Array(items.iter().map(|i| self.item(i)).collect())
    }
}
