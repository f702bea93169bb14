//! `query-items`: items by key condition, one page with a resumable cursor, or every page.

use super::item_format;
use crate::bindings::exports::dynamodb::connector::actions::QueryItemsInput;
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::{Error, Result};
use crate::keys::KeySchema;
use crate::shape::Obj;
use crate::{client, expressions, input, values};
use aws_sdk_dynamodb::types::{ReturnConsumedCapacity, Select};
use serde_json::Value;

/// The `Query` fields `query-parameters` may set.
const PARAMETERS: [&str; 9] = [
    "IndexName",
    "Limit",
    "ScanIndexForward",
    "ExclusiveStartKey",
    "ProjectionExpression",
    "ConsistentRead",
    "Select",
    "ReturnConsumedCapacity",
    "ExpressionAttributeNames",
];

pub async fn run(connection: &Connection, input: QueryItemsInput) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let condition = input::required("key-condition-expression", &input.key_condition_expression)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let params = input::Params::parse(
        "query-parameters",
        input.query_parameters.as_deref(),
        &PARAMETERS,
    )?;
    let mut names = expr.names.unwrap_or_default();
    if let Some(extra) = params.value("ExpressionAttributeNames") {
        names.extend(expressions::names_of(
            "query-parameters.ExpressionAttributeNames",
            extra,
        )?);
    }
    let select = params.choice(
        "Select",
        &[
            "ALL_ATTRIBUTES",
            "ALL_PROJECTED_ATTRIBUTES",
            "SPECIFIC_ATTRIBUTES",
            "COUNT",
        ],
    )?;
    let capacity = params.choice("ReturnConsumedCapacity", &["INDEXES", "TOTAL", "NONE"])?;
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client
        .query()
        .table_name(table)
        .key_condition_expression(condition)
        .set_filter_expression(
            input::optional(input.filter_expression.as_deref()).map(str::to_string),
        )
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names((!names.is_empty()).then_some(names))
        .set_index_name(params.string("IndexName")?)
        .set_limit(params.positive("Limit")?)
        .set_scan_index_forward(params.bool("ScanIndexForward")?)
        .set_projection_expression(params.string("ProjectionExpression")?)
        .set_consistent_read(params.bool("ConsistentRead")?)
        .set_select(select.as_deref().map(Select::from))
        .set_return_consumed_capacity(capacity.as_deref().map(ReturnConsumedCapacity::from));
    let mut start = match params.value("ExclusiveStartKey") {
        Some(key) => {
            let key = input::json_value("query-parameters.ExclusiveStartKey", key)?;
            let schema = KeySchema::describe(&client, table).await?;
            Some(schema.plain_key("query-parameters.ExclusiveStartKey", &key)?)
        }
        None => None,
    };
    let fetch_all = input.fetch_all.unwrap_or(false);
    let format = item_format(input.item_format);
    let (mut items, mut count, mut scanned) = (Vec::new(), 0i64, 0i64);
    loop {
        let page = request
            .clone()
            .set_exclusive_start_key(start.take())
            .send()
            .await?;
        items.extend(page.items().iter().map(|i| format.item(i)));
        count += i64::from(page.count());
        scanned += i64::from(page.scanned_count());
        start = page.last_evaluated_key;
        if !fetch_all || start.is_none() {
            break;
        }
    }
    if start.as_ref().is_some_and(|k| k.is_empty()) {
        return Err(Error::new(
            crate::error::Kind::Service,
            "the service returned an empty LastEvaluatedKey",
        ));
    }
    Ok(Obj::new()
        .set("Items", items)
        .set("Count", count)
        .set("ScannedCount", scanned)
        .opt("LastEvaluatedKey", start.as_ref().map(values::plain_item))
        .build())
}
