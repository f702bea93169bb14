//! `batch-execute-statement`: up to 25 `PartiQL` statements in one request
//! (`BatchExecuteStatement`), all reads or all writes; each statement succeeds or fails on
//! its own, and the answer lists every statement's item or error, in order. A batch of
//! writes is delivered at most once (docs/errors.md).

pub(crate) use crate::wit::BatchExecuteStatementInput as Input;

use crate::aws::delivery;
use crate::error::{Error, Result};
use crate::model::partiql::{self, Statement};
use crate::model::shape::Obj;
use crate::model::values::{self, ItemFormat};
use crate::wit::Connection;
use crate::{actions::item, aws::capacity, aws::client};
use aws_sdk_dynamodb::types::{BatchStatementRequest, BatchStatementResponse};
use serde_json::Value;

/// Statements per `BatchExecuteStatement` (the service's limit).
pub(crate) const BATCH: usize = 25;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (statements, access) = partiql::statements("statements", &input.statements, BATCH)?;
    let requests = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| request(i, s))
        .collect::<Result<Vec<_>>>()?;
    let asked = capacity::asked(input.return_consumed_capacity);
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::for_access(&client, access)
        .batch_execute_statement()
        .set_statements(Some(requests))
        .set_return_consumed_capacity(asked.clone())
        .send()
        .await
        .map_err(|e| delivery::of_access(e, access))?;
    let format = item::format(input.item_format);
    let failed = out.responses().iter().filter(|r| r.error().is_some());
    Ok(Obj::new()
        .list("Responses", out.responses(), |r| response(r, format))
        .set("Failed", failed.count())
        .opt(
            "ConsumedCapacity",
            capacity::each(asked.as_ref(), out.consumed_capacity()),
        )
        .build())
}

fn request(i: usize, statement: Statement) -> Result<BatchStatementRequest> {
    BatchStatementRequest::builder()
        .statement(statement.text)
        .set_parameters(statement.parameters)
        .set_consistent_read(statement.consistent_read)
        .set_return_values_on_condition_check_failure(statement.on_condition_failure)
        .build()
        .map_err(|e| Error::invalid(format!("statements[{i}]"), e))
}

/// One statement's answer: `{"TableName", "Item"}` or `{"Error": {"Code", "Message",
/// "Item"}}` (the item when a failed condition asked for it).
fn response(response: &BatchStatementResponse, format: ItemFormat) -> Value {
    let error = response.error().map(|e| {
        Obj::new()
            .opt(
                "Code",
                e.code()
                    .map(aws_sdk_dynamodb::types::BatchStatementErrorCodeEnum::as_str),
            )
            .opt("Message", e.message())
            .opt("Item", e.item().map(values::item_to_json_plain))
            .build()
    });
    Obj::new()
        .opt("TableName", response.table_name())
        .opt("Item", response.item().map(|i| format.item(i)))
        .opt("Error", error)
        .build()
}
