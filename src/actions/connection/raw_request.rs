//! `raw-request`: one `PartiQL` statement with `?` parameters (`ExecuteStatement`); with
//! `fetch-all`, every page of a `SELECT` (following `NextToken`). A statement other than
//! `SELECT` is delivered at most once (docs/errors.md).

pub(crate) use crate::wit::RawRequestInput as Input;

use crate::aws::capacity::{self, Tally};
use crate::aws::delivery;
use crate::aws::paging::{self, Want};
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{actions::item, aws::client, model::input, model::partiql, model::values};
use serde_json::Value;

/// The `ExecuteStatement` fields `query-parameters` may set.
const PARAMETERS: [&str; 4] = [
    "NextToken",
    "Limit",
    "ConsistentRead",
    "ReturnConsumedCapacity",
];

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let statement = input::required("statement", &input.statement)?;
    let parameters = input::opt_json("parameters", input.parameters.as_deref())?;
    let parameters = partiql::parameters("parameters", parameters.as_ref())?;
    let params = input::Params::parse(
        "query-parameters",
        input.query_parameters.as_deref(),
        &PARAMETERS,
    )?;
    let (limit, consistent) = (params.positive("Limit")?, params.bool("ConsistentRead")?);
    let capacity = capacity::asked_once(input.return_consumed_capacity, &params)?;
    let access = partiql::access(statement);
    let client = client::dynamodb(connection, &input.region).await?;
    let client = client::for_access(&client, access);
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: None,
    };
    let fetched = paging::fetch(
        want,
        params.string("NextToken")?,
        |token| {
            let request = client
                .execute_statement()
                .statement(statement)
                .set_parameters(parameters.clone())
                .set_next_token(token)
                .set_limit(limit)
                .set_consistent_read(consistent)
                .set_return_consumed_capacity(capacity.clone());
            async move {
                request
                    .send()
                    .await
                    .map_err(|e| delivery::of_access(e, access))
            }
        },
        |page| page.next_token.clone(),
        |page| page.items().len(),
    )
    .await?;
    let format = item::format(input.item_format);
    let last = fetched.pages.last().and_then(|p| p.last_evaluated_key());
    let last = last.map(values::item_to_json_plain);
    let mut consumed = Tally::asked(capacity.as_ref());
    let mut items = Vec::new();
    for page in fetched.pages {
        consumed.add(page.consumed_capacity.as_ref());
        items.extend(page.items.unwrap_or_default());
    }
    Ok(Obj::new()
        .set("Items", format.items(&items))
        .opt("NextToken", fetched.next)
        .opt("LastEvaluatedKey", last)
        .opt("ConsumedCapacity", consumed.one())
        .build())
}
