//! `get-item`: read one item by its key; `{"Item": null}` when there is none.

use super::{item_format, target};
use crate::bindings::exports::dynamodb::connector::actions::GetItemInput;
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::{expressions, input};
use serde_json::{json, Value};

pub async fn run(connection: &Connection, input: GetItemInput) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let names = expressions::attribute_names(
        "expression-attribute-names",
        input.expression_attribute_names.as_deref(),
    )?;
    let t = target(
        connection,
        &input.region,
        table,
        &input.hash_key_value,
        &input.range_key_value,
        &input.key_schema,
    )
    .await?;
    let out = t
        .client
        .get_item()
        .table_name(table)
        .set_key(Some(t.key))
        .set_consistent_read(input.consistent_read)
        .set_projection_expression(input::text(&input.projection_expression))
        .set_expression_attribute_names(names)
        .send()
        .await?;
    Ok(json!({ "Item": item_format(input.item_format).opt_item(out.item()) }))
}
