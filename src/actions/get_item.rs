//! `get-item`: read one item by its key; `{"Item": null}` when there is none.

use super::item_format;
use crate::bindings::exports::dynamodb::connector::actions::GetItemInput;
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::keys::KeySchema;
use crate::{client, expressions, input};
use serde_json::{json, Value};

pub async fn run(connection: &Connection, input: GetItemInput) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let table = input::required("table-name", &input.table_name)?;
    let names = expressions::attribute_names(
        "expression-attribute-names",
        input.expression_attribute_names.as_deref(),
    )?;
    let key = KeySchema::resolve(&client, table, input.key_schema.as_deref())
        .await?
        .key(
            &input.hash_key_value,
            input::optional(input.range_key_value.as_deref()),
        )?;
    let out = client
        .get_item()
        .table_name(table)
        .set_key(Some(key))
        .set_consistent_read(input.consistent_read)
        .set_projection_expression(
            input::optional(input.projection_expression.as_deref()).map(str::to_string),
        )
        .set_expression_attribute_names(names)
        .send()
        .await?;
    Ok(json!({ "Item": item_format(input.item_format).opt_item(out.item()) }))
}
