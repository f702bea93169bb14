//! `query-items`: items by key condition, one page with a resumable cursor, or every page.

pub(crate) use crate::component::wit::QueryItemsInput as Input;

use crate::aws::describe;
use crate::aws::paging::{self, Want};
use crate::component::wit::Connection;
use crate::error::Result;
use crate::model::Item;
use crate::{actions::item, aws::client, model::expressions, model::input};
use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;
use aws_sdk_dynamodb::types::Select;
use aws_sdk_dynamodb::Client;
use serde_json::Value;

/// The `Select` values `query-parameters` may give.
const SELECT: [&str; 4] = [
    "ALL_ATTRIBUTES",
    "ALL_PROJECTED_ATTRIBUTES",
    "SPECIFIC_ATTRIBUTES",
    "COUNT",
];

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

/// The checked `Query` request, without its start key.
async fn request(
    connection: &Connection,
    input: &Input,
    params: &input::Params,
) -> Result<(Client, QueryFluentBuilder)> {
    let table = input::required("table-name", &input.table_name)?;
    let condition = input::required("key-condition-expression", &input.key_condition_expression)?;
    let expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    let mut names = expr.names.unwrap_or_default();
    if let Some(extra) = params.value("ExpressionAttributeNames") {
        names.extend(expressions::names_of(
            "query-parameters.ExpressionAttributeNames",
            extra,
        )?);
    }
    let select = params.choice("Select", &SELECT)?;
    let capacity = params.consumed_capacity()?;
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client
        .query()
        .table_name(table)
        .key_condition_expression(condition)
        .set_filter_expression(input::text(&input.filter_expression))
        .set_expression_attribute_values(expr.values)
        .set_expression_attribute_names((!names.is_empty()).then_some(names))
        .set_index_name(params.string("IndexName")?)
        .set_limit(params.positive("Limit")?)
        .set_scan_index_forward(params.bool("ScanIndexForward")?)
        .set_projection_expression(params.string("ProjectionExpression")?)
        .set_consistent_read(params.bool("ConsistentRead")?)
        .set_select(select.as_deref().map(Select::from))
        .set_return_consumed_capacity(capacity);
    Ok(((*client).clone(), request))
}

/// `query-parameters.ExclusiveStartKey` as a typed key (plain JSON typed by the table's
/// key schema), when given.
async fn start_key(client: &Client, table: &str, params: &input::Params) -> Result<Option<Item>> {
    const FIELD: &str = "query-parameters.ExclusiveStartKey";
    let Some(key) = params.value("ExclusiveStartKey") else {
        return Ok(None);
    };
    let key = input::json_value(FIELD, key)?;
    let schema = describe::key_schema(client, table).await?;
    schema.plain_key(FIELD, &key).map(Some)
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: input::max_items(input.max_items)?,
    };
    let params = input::Params::parse(
        "query-parameters",
        input.query_parameters.as_deref(),
        &PARAMETERS,
    )?;
    let (client, request) = request(connection, &input, &params).await?;
    let index = request.get_index_name().clone();
    let table = input.table_name.trim();
    let cursor = describe::check_cursor_projection(
        "query-parameters.ProjectionExpression",
        &client,
        table,
        index.as_deref(),
        request.get_projection_expression().as_deref(),
        request.get_expression_attribute_names().as_ref(),
        want.max,
    )
    .await?;
    let fetched = paging::fetch(
        want,
        start_key(&client, table, &params).await?,
        |start| request.clone().set_exclusive_start_key(start).send(),
        |page| page.last_evaluated_key.clone(),
        |page| page.items().len(),
    )
    .await?;
    let (items, scanned) = item::gather(fetched.pages, |p| (p.items, p.scanned_count));
    let (items, next) = describe::cut_items(
        &client,
        table,
        index.as_deref(),
        cursor,
        items,
        fetched.next,
        want.max,
    )
    .await?;
    item::items_output(
        item::format(input.item_format),
        &items,
        scanned,
        next.as_ref(),
    )
}
