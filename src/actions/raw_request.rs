//! `raw-request`: one PartiQL statement with `?` parameters (`ExecuteStatement`).

pub use crate::wit::RawRequestInput as Input;

use crate::error::{self, Error, Result};
use crate::shape::Obj;
use crate::wit::Connection;
use crate::{client, input, item, values};
use serde_json::Value;

/// The `ExecuteStatement` fields `query-parameters` may set.
const PARAMETERS: [&str; 4] = [
    "NextToken",
    "Limit",
    "ConsistentRead",
    "ReturnConsumedCapacity",
];

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let statement = input::required("statement", &input.statement)?;
    let parameters = match input::opt_json("parameters", input.parameters.as_deref())? {
        None => None,
        Some(Value::Array(items)) if items.is_empty() => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| values::natural(&format!("parameters[{i}]"), v))
                .collect::<Result<Vec<_>>>()?,
        ),
        Some(_) => return Err(Error::invalid("parameters", "must be a JSON array")),
    };
    let params = input::Params::parse(
        "query-parameters",
        input.query_parameters.as_deref(),
        &PARAMETERS,
    )?;
    let capacity = params.consumed_capacity()?;
    // A statement other than SELECT writes: it is delivered at most once.
    let read = statement
        .get(..6)
        .is_some_and(|word| word.eq_ignore_ascii_case("select"));
    let client = client::dynamodb(connection, &input.region).await?;
    let client = if read {
        client
    } else {
        client::at_most_once(&client)
    };
    let out = client
        .execute_statement()
        .statement(statement)
        .set_parameters(parameters)
        .set_next_token(params.string("NextToken")?)
        .set_limit(params.positive("Limit")?)
        .set_consistent_read(params.bool("ConsistentRead")?)
        .set_return_consumed_capacity(capacity)
        .send()
        .await
        .map_err(|e| {
            if read {
                Error::from(e)
            } else {
                error::write(e)
            }
        })?;
    Ok(Obj::new()
        .set("Items", item::format(input.item_format).items(out.items()))
        .opt("NextToken", out.next_token())
        .opt(
            "LastEvaluatedKey",
            out.last_evaluated_key().map(values::plain_item),
        )
        .build())
}
