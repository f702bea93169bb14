//! `update-item`: change an item's attributes with an update expression.

use super::{attributes, return_values};
use crate::bindings::exports::dynamodb::connector::actions::{ReturnValues, UpdateItemInput};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::keys::KeySchema;
use crate::{client, expressions, input};
use serde_json::Value;

pub async fn run(connection: &Connection, input: UpdateItemInput) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let table = input::required("table-name", &input.table_name)?;
    let update = input::required("update-expression", &input.update_expression)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    use ReturnValues::*;
    let returns = return_values(
        input.return_values,
        AllNew,
        &[None, AllOld, UpdatedOld, AllNew, UpdatedNew],
    )?;
    let key = KeySchema::resolve(&client, table, input.key_schema.as_deref())
        .await?
        .key(
            &input.hash_key_value,
            input::optional(input.range_key_value.as_deref()),
        )?;
    let out = client
        .update_item()
        .table_name(table)
        .set_key(Some(key))
        .update_expression(update)
        .set_condition_expression(
            input::optional(input.condition_expression.as_deref()).map(str::to_string),
        )
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names(expr.names)
        .return_values(returns)
        .send()
        .await?;
    Ok(attributes(input.item_format, out.attributes()))
}
