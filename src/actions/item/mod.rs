//! Item actions: reading, writing and deleting one item by key, queries and scans. What
//! they share is here: the output format they ask for and the item a key action addresses
//! (the writes share more, in [`write`]).
//!
//! wit-bindgen makes one struct per input record, so inputs with the same key fields
//! (`get-item`, `update-item`, `delete-item`) are read through a small trait, implemented
//! for each record by one macro line.

use crate::aws::{capacity::Tally, describe};
use crate::error::{Error, Result};
use crate::model::keys::KeySchema;
use crate::model::Item;
use crate::wit::{Connection, DeleteItemInput, GetItemInput, ItemFormat, UpdateItemInput};
use crate::{aws::client, model::input, model::values};
use aws_sdk_dynamodb::operation::{
    delete_item::builders::DeleteItemFluentBuilder, get_item::builders::GetItemInputBuilder,
    update_item::builders::UpdateItemFluentBuilder,
};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::HashMap;

pub(crate) mod delete_item;
pub(crate) mod get_item;
pub(crate) mod query_items;
pub(crate) mod scan_items;
pub(crate) mod update_item;
pub(crate) mod upsert_item;
pub(crate) mod write;

/// The item format an input asks for (`plain` when absent).
pub(crate) fn format(format: Option<ItemFormat>) -> values::ItemFormat {
    match format {
        Some(ItemFormat::DynamodbJson) => values::ItemFormat::Typed,
        _ => values::ItemFormat::Plain,
    }
}

/// The item of a put given as a JSON entry at `at` (`put`, with an optional `types`):
/// typed by `types` as `upsert-item`'s value-types, else every attribute in its natural
/// type (docs/value-mapping.md).
pub(crate) fn put(at: &str, item: &Value, types: Option<&Value>) -> Result<Item> {
    typed_or_natural(&format!("{at}.put"), item, &format!("{at}.types"), types)
}

/// The item `item` (at `field`): typed by `types` (at `types_field`) when given, else every
/// attribute in its natural type (docs/value-mapping.md).
pub(crate) fn typed_or_natural(
    field: &str,
    item: &Value,
    types_field: &str,
    types: Option<&Value>,
) -> Result<Item> {
    if let Some(types) = types {
        return values::from_json_map(field, item, types_field, types);
    }
    if !item.is_object() {
        return Err(Error::invalid(field, "must be a JSON object"));
    }
    match values::from_json_natural(field, item)? {
        AttributeValue::M(members) => Ok(members),
        _ => Err(Error::invalid(field, "must be a JSON object")),
    }
}

/// The key fields of an input record that addresses one item.
pub(crate) struct KeyFields<'a> {
    pub(crate) region: &'a str,
    pub(crate) table_name: &'a str,
    pub(crate) hash_key_value: &'a str,
    pub(crate) range_key_value: Option<&'a str>,
    pub(crate) key_schema: Option<&'a str>,
}

/// An input record that addresses one item by its key.
pub(crate) trait KeyInput {
    /// Its key fields.
    fn key_fields(&self) -> KeyFields<'_>;
}

macro_rules! key_input {
    ($($input:ty),*) => {$(
        impl KeyInput for $input {
            fn key_fields(&self) -> KeyFields<'_> {
                KeyFields {
                    region: &self.region,
                    table_name: &self.table_name,
                    hash_key_value: &self.hash_key_value,
                    range_key_value: self.range_key_value.as_deref(),
                    key_schema: self.key_schema.as_deref(),
                }
            }
        }
    )*};
}
key_input!(GetItemInput, UpdateItemInput, DeleteItemInput);

/// The table name of a key action's input, checked before anything else is.
pub(crate) fn table(input: &impl KeyInput) -> Result<&str> {
    input::required("table-name", input.key_fields().table_name)
}

/// What a key action addresses: the client, the table and the item's key.
pub(crate) struct Target {
    pub(crate) client: client::Clients,
    pub(crate) table: String,
    pub(crate) key: Item,
}

impl Target {
    /// A `GetItem` request for the item (sent on the lean path, with the client).
    pub(crate) fn get_item(self) -> (client::Clients, GetItemInputBuilder) {
        let request = GetItemInputBuilder::default();
        let request = request.table_name(self.table).set_key(Some(self.key));
        (self.client, request)
    }

    /// An `UpdateItem` request for the item, not retried once it may have been applied.
    pub(crate) fn update_item(self) -> UpdateItemFluentBuilder {
        let request = client::at_most_once(&self.client).update_item();
        request.table_name(self.table).set_key(Some(self.key))
    }

    /// A `DeleteItem` request for the item, not retried once it may have been applied.
    pub(crate) fn delete_item(self) -> DeleteItemFluentBuilder {
        let request = client::at_most_once(&self.client).delete_item();
        request.table_name(self.table).set_key(Some(self.key))
    }
}

/// Build the [`Target`] of a key action, after its other inputs are checked. Everything
/// the input alone decides is checked before any request: a missing `hash-key-value`, and
/// with a `key-schema` input the whole key. Without one, the key's types come from
/// `DescribeTable`, so a value that does not fit them is reported after it (and, for a role
/// connection, after `AssumeRole`).
pub(crate) async fn target(connection: &Connection, input: &impl KeyInput) -> Result<Target> {
    let fields = input.key_fields();
    let table = table(input)?.to_string();
    let range = input::optional(fields.range_key_value);
    KeySchema::required_hash(fields.hash_key_value)?;
    let given = input::optional(fields.key_schema)
        .map(|text| KeySchema::given("key-schema", text)?.key(fields.hash_key_value, range))
        .transpose()?;
    let client = client::dynamodb(connection, fields.region).await?;
    let key = match given {
        Some(key) => key,
        None => describe::key_schema(&client, &table)
            .await?
            .key(fields.hash_key_value, range)?,
    };
    Ok(Target { client, table, key })
}

/// `{"Items", "Count", "ScannedCount", "LastEvaluatedKey", "ConsumedCapacity"}` of a query
/// or scan: the items returned, how many the service read, the cursor that resumes after
/// them and the capacity every page consumed (when asked for).
pub(crate) fn items_output(
    format: values::ItemFormat,
    items: &[Item],
    scanned: i64,
    next: Option<&Item>,
    capacity: &Tally,
) -> Result<serde_json::Value> {
    if next.is_some_and(HashMap::is_empty) {
        return Err(crate::error::Error::new(
            crate::error::Kind::Service,
            "the service returned an empty LastEvaluatedKey",
        ));
    }
    let rendered: Vec<serde_json::Value> = items.iter().map(|i| format.item(i)).collect();
    Ok(crate::model::shape::Obj::new()
        .set("Items", rendered)
        .set("Count", items.len())
        .set("ScannedCount", scanned)
        .opt("LastEvaluatedKey", next.map(values::item_to_json_plain))
        .opt("ConsumedCapacity", capacity.one())
        .build())
}

/// A read's `output` with `Expression` (what was sent) when expressions were generated
/// from plain JSON.
pub(crate) fn with_expression(output: Value, sent: Option<Value>) -> Value {
    match (output, sent) {
        (Value::Object(mut members), Some(sent)) => {
            members.insert("Expression".into(), sent);
            Value::Object(members)
        }
        (output, _) => output,
    }
}
