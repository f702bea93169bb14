//! `delete-item`: delete one item by its key, optionally under a condition.

use super::{attributes, return_values, target};
use crate::bindings::exports::dynamodb::connector::actions::{DeleteItemInput, ReturnValues};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::{expressions, input};
use serde_json::Value;

pub async fn run(connection: &Connection, input: DeleteItemInput) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let allowed = [ReturnValues::None, ReturnValues::AllOld];
    let returns = return_values(input.return_values, ReturnValues::AllOld, &allowed)?;
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
        .delete_item()
        .table_name(table)
        .set_key(Some(t.key))
        .set_condition_expression(input::text(&input.condition_expression))
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names(expr.names)
        .return_values(returns)
        .send()
        .await?;
    Ok(attributes(input.item_format, out.attributes()))
}
