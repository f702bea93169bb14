//! `update-item`: change an item's attributes with an update expression.

use super::{attributes, return_values, target};
use crate::bindings::exports::dynamodb::connector::actions::{ReturnValues, UpdateItemInput};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::{expressions, input};
use serde_json::Value;

pub async fn run(connection: &Connection, input: UpdateItemInput) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let update = input::required("update-expression", &input.update_expression)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    use ReturnValues::*;
    let all = [None, AllOld, UpdatedOld, AllNew, UpdatedNew];
    let returns = return_values(input.return_values, AllNew, &all)?;
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
        .update_item()
        .table_name(table)
        .set_key(Some(t.key))
        .update_expression(update)
        .set_condition_expression(input::text(&input.condition_expression))
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names(expr.names)
        .return_values(returns)
        .send()
        .await?;
    Ok(attributes(input.item_format, out.attributes()))
}
