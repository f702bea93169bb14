//! What the item actions share: the output format they ask for and the item a key action
//! addresses (the writes share more, in [`crate::write`]).
//!
//! wit-bindgen makes one struct per input record, so inputs with the same key fields
//! (`get-item`, `update-item`, `delete-item`) are read through a small trait, implemented
//! for each record by one macro line.

use crate::error::{Error, Result};
use crate::keys::KeySchema;
use crate::wit::{Connection, DeleteItemInput, GetItemInput, ItemFormat, UpdateItemInput};
use crate::{client, input, values};
use aws_sdk_dynamodb::operation::{
    delete_item::builders::DeleteItemFluentBuilder, get_item::builders::GetItemFluentBuilder,
    update_item::builders::UpdateItemFluentBuilder,
};
use aws_sdk_dynamodb::types::AttributeValue;
use serde_json::Value;
use std::collections::HashMap;

/// The item format an input asks for (`plain` when absent).
pub fn format(format: Option<ItemFormat>) -> values::ItemFormat {
    match format {
        Some(ItemFormat::DynamodbJson) => values::ItemFormat::Typed,
        _ => values::ItemFormat::Plain,
    }
}

/// The item of a put given as a JSON entry at `at` (`put`, with an optional `types`):
/// typed by `types` as `upsert-item`'s value-types, else every attribute in its natural
/// type (docs/value-mapping.md).
pub fn put(
    at: &str,
    item: &Value,
    types: Option<&Value>,
) -> Result<HashMap<String, AttributeValue>> {
    let field = format!("{at}.put");
    match (types, values::natural(&field, item)?) {
        (Some(types), _) => values::typed_map(&field, item, &format!("{at}.types"), types),
        (None, AttributeValue::M(members)) => Ok(members),
        (None, _) => Err(Error::invalid(field, "must be a JSON object")),
    }
}

/// The key fields of an input record that addresses one item.
pub struct KeyFields<'a> {
    pub region: &'a str,
    pub table_name: &'a str,
    pub hash_key_value: &'a str,
    pub range_key_value: Option<&'a str>,
    pub key_schema: Option<&'a str>,
}

/// An input record that addresses one item by its key.
pub trait KeyInput {
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
pub fn table(input: &impl KeyInput) -> Result<&str> {
    input::required("table-name", input.key_fields().table_name)
}

/// What a key action addresses: the client, the table and the item's key.
pub struct Target {
    pub client: client::Clients,
    pub table: String,
    pub key: HashMap<String, AttributeValue>,
}

impl Target {
    /// A `GetItem` request for the item.
    pub fn get_item(self) -> GetItemFluentBuilder {
        let request = self.client.get_item();
        request.table_name(self.table).set_key(Some(self.key))
    }

    /// An `UpdateItem` request for the item, not retried once it may have been applied.
    pub fn update_item(self) -> UpdateItemFluentBuilder {
        let request = client::at_most_once(&self.client).update_item();
        request.table_name(self.table).set_key(Some(self.key))
    }

    /// A `DeleteItem` request for the item, not retried once it may have been applied.
    pub fn delete_item(self) -> DeleteItemFluentBuilder {
        let request = client::at_most_once(&self.client).delete_item();
        request.table_name(self.table).set_key(Some(self.key))
    }
}

/// Build the [`Target`] of a key action, after its other inputs are checked: this assumes
/// the role (if any) and, without a `key-schema` input, reads the table's key with
/// `DescribeTable`.
pub async fn target(connection: &Connection, input: &impl KeyInput) -> Result<Target> {
    let fields = input.key_fields();
    let table = table(input)?.to_string();
    let client = client::dynamodb(connection, fields.region).await?;
    let schema = KeySchema::resolve(&client, &table, fields.key_schema).await?;
    let key = schema.key(
        fields.hash_key_value,
        input::optional(fields.range_key_value),
    )?;
    Ok(Target { client, table, key })
}

/// The items of query or scan pages in order, and how many items the service read;
/// `parts` splits a page into its items and its scanned count.
pub fn gather<P>(
    pages: Vec<P>,
    parts: impl Fn(P) -> (Option<Vec<HashMap<String, AttributeValue>>>, i32),
) -> (Vec<HashMap<String, AttributeValue>>, i64) {
    let (mut items, mut scanned) = (Vec::new(), 0);
    for page in pages {
        let (page_items, page_scanned) = parts(page);
        items.extend(page_items.unwrap_or_default());
        scanned += i64::from(page_scanned);
    }
    (items, scanned)
}

/// `{"Items", "Count", "ScannedCount", "LastEvaluatedKey"}` of a query or scan: the items
/// returned, how many the service read, and the cursor that resumes after them.
pub fn items_output(
    format: values::ItemFormat,
    items: &[HashMap<String, AttributeValue>],
    scanned: i64,
    next: Option<&HashMap<String, AttributeValue>>,
) -> Result<serde_json::Value> {
    if next.is_some_and(HashMap::is_empty) {
        return Err(crate::error::Error::new(
            crate::error::Kind::Service,
            "the service returned an empty LastEvaluatedKey",
        ));
    }
    let rendered: Vec<serde_json::Value> = items.iter().map(|i| format.item(i)).collect();
    Ok(crate::shape::Obj::new()
        .set("Items", rendered)
        .set("Count", items.len())
        .set("ScannedCount", scanned)
        .opt("LastEvaluatedKey", next.map(values::plain_item))
        .build())
}
