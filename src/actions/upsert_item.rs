//! `upsert-item`: create an item, or replace the item with the same key.

use super::{attributes, return_values};
use crate::bindings::exports::dynamodb::connector::actions::{ReturnValues, UpsertItemInput};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::{client, expressions, input, values};
use serde_json::Value;

pub async fn run(connection: &Connection, input: UpsertItemInput) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let item = values::typed_map(
        "value",
        &input::json("value", &input.value)?,
        "value-types",
        &input::json("value-types", &input.value_types)?,
    )?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let returns = return_values(
        input.return_values,
        ReturnValues::None,
        &[ReturnValues::None, ReturnValues::AllOld],
    )?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client
        .put_item()
        .table_name(table)
        .set_item(Some(item))
        .set_condition_expression(input::text(&input.condition_expression))
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names(expr.names)
        .return_values(returns)
        .send()
        .await?;
    Ok(attributes(input.item_format, out.attributes()))
}
