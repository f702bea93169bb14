//! `query-items`: items by key condition, one page with a resumable cursor, or every page.

pub(crate) use crate::wit::QueryItemsInput as Input;

use crate::aws::client::Clients;
use crate::aws::describe;
use crate::aws::paging::{self, Want};
use crate::error::{Error, Result};
use crate::model::expressions::Expressions;
use crate::model::plain::{self, condition::Condition};
use crate::model::Access;
use crate::model::Item;
use crate::wit::Connection;
use crate::{actions::item, aws::capacity, aws::client, aws::lean};
use crate::{model::expressions, model::input};
use aws_sdk_dynamodb::operation::query::{builders::QueryInputBuilder, QueryOutput};
use aws_sdk_dynamodb::types::Select;
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

/// The key condition and filter given as plain JSON, parsed.
struct Plain {
    key_condition: Option<Condition>,
    filter: Option<Condition>,
}

impl Plain {
    /// The plain inputs, each refused beside the expression it stands for; a key
    /// condition is required one way or the other, and a plain filter may not read an
    /// attribute a plain key condition names (a key attribute).
    fn parse(input: &Input) -> Result<Plain> {
        let written = input::optional(input.key_condition_expression.as_deref());
        let key_condition = plain::either_input(
            ("key-condition-expression", written),
            ("key-condition", input.key_condition.as_deref()),
        )?
        .map(|v| Condition::parse("key-condition", &v))
        .transpose()?;
        let keys = match &key_condition {
            Some(condition) => plain::key_condition::check_key_condition(condition)?,
            None if written.is_none() => {
                return Err(Error::invalid(
                    "key-condition-expression",
                    "is required (or give key-condition)",
                ))
            }
            None => Vec::new(),
        };
        let filter = plain::either_input(
            ("filter-expression", input.filter_expression.as_deref()),
            ("filter", input.filter.as_deref()),
        )?
        .map(|v| Condition::parse("filter", &v))
        .transpose()?;
        if let Some(filter) = &filter {
            plain::key_condition::refuse_keys(filter, &keys)?;
        }
        Ok(Plain {
            key_condition,
            filter,
        })
    }

    /// Render the plain inputs into `expr`: the key condition, then the filter.
    fn render(&self, expr: &mut Expressions) -> Result<(Option<String>, Option<String>)> {
        let key = self
            .key_condition
            .as_ref()
            .map(|c| expr.generate("KeyConditionExpression", "key-condition", |b| c.render(b)));
        let key = key.transpose()?;
        let filter = self
            .filter
            .as_ref()
            .map(|c| expr.generate("FilterExpression", "filter", |b| c.render(b)));
        Ok((key, filter.transpose()?))
    }
}

/// The checked `Query` request, without its start key, and the expressions generated for
/// it from plain JSON.
async fn request(
    connection: &Connection,
    input: &Input,
    params: &input::Params,
) -> Result<(Clients, QueryInputBuilder, Option<Value>)> {
    let table = input::required("table-name", &input.table_name)?;
    let plain = Plain::parse(input)?;
    let mut expr = expressions::parse(
        input.expression_attribute_values.as_deref(),
        input.expression_attribute_value_types.as_deref(),
        input.expression_attribute_names.as_deref(),
    )?;
    if let Some(extra) = params.value("ExpressionAttributeNames") {
        let extra = expressions::names_of("query-parameters.ExpressionAttributeNames", extra)?;
        expr.names.get_or_insert_default().extend(extra);
    }
    let select = params.choice("Select", &SELECT)?;
    let capacity = capacity::asked_once(input.return_consumed_capacity, params)?;
    let index = params.string("IndexName")?;
    let client = client::dynamodb(connection, &input.region).await?;
    let (key, filter) = plain.render(&mut expr)?;
    let request = QueryInputBuilder::default()
        .table_name(table)
        .set_key_condition_expression(key.or_else(|| input::text(&input.key_condition_expression)))
        .set_filter_expression(filter.or_else(|| input::text(&input.filter_expression)))
        .set_expression_attribute_values(expr.values.clone())
        .set_expression_attribute_names(expr.names.clone())
        .set_index_name(index)
        .set_limit(params.positive("Limit")?)
        .set_scan_index_forward(params.bool("ScanIndexForward")?)
        .set_projection_expression(params.string("ProjectionExpression")?)
        .set_consistent_read(params.bool("ConsistentRead")?)
        .set_select(select.as_deref().map(Select::from))
        .set_return_consumed_capacity(capacity);
    Ok((client, request, expr.sent()))
}

/// `query-parameters.ExclusiveStartKey` as a typed key (plain JSON typed by the table's
/// key schema), when given.
async fn start_key(client: &Clients, table: &str, params: &input::Params) -> Result<Option<Item>> {
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
    let (client, request, sent) = request(connection, &input, &params).await?;
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
        |start| {
            let request = request.clone().set_exclusive_start_key(start);
            lean::send(&client, Access::Read, request)
        },
        |page| page.last_evaluated_key.clone(),
        |page| page.items().len(),
    )
    .await?;
    let parts = |p: QueryOutput| (p.items, p.scanned_count, p.consumed_capacity);
    let asked = request.get_return_consumed_capacity().as_ref();
    let (items, scanned, capacity) = paging::gather(fetched.pages, asked, parts);
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
    let format = item::format(input.item_format);
    let output = item::items_output(format, &items, scanned, next.as_ref(), &capacity)?;
    Ok(item::with_expression(output, sent))
}
