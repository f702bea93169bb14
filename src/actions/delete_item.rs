//! `delete-item`: delete one item by its key, optionally under a condition.

use super::{attributes, return_values};
use crate::bindings::exports::dynamodb::connector::actions::{DeleteItemInput, ReturnValues};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::Result;
use crate::keys::KeySchema;
use crate::{client, expressions, input};
use serde_json::Value;

pub async fn run(connection: &Connection, input: DeleteItemInput) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let table = input::required("table-name", &input.table_name)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let returns = return_values(
        input.return_values,
        ReturnValues::AllOld,
        &[ReturnValues::None, ReturnValues::AllOld],
    )?;
    let key = KeySchema::resolve(&client, table, input.key_schema.as_deref())
        .await?
        .key(
            &input.hash_key_value,
            input::optional(input.range_key_value.as_deref()),
        )?;
    let out = client
        .delete_item()
        .table_name(table)
        .set_key(Some(key))
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
