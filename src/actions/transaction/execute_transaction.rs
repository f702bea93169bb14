//! `execute-transaction`: up to 100 `PartiQL` statements applied all or none
//! (`ExecuteTransaction`), all reads or all writes. Delivery and errors:
//! [`crate::aws::transaction`].

pub(crate) use crate::wit::ExecuteTransactionInput as Input;

use crate::aws::transaction::{self, MAX_ACTIONS};
use crate::error::{Error, Result};
use crate::model::partiql::{self, Statement};
use crate::wit::Connection;
use crate::{aws::capacity, aws::client};
use aws_sdk_dynamodb::types::ParameterizedStatement;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let (statements, access) = partiql::statements("statements", &input.statements, MAX_ACTIONS)?;
    if let Some(i) = statements.iter().position(|s| s.consistent_read.is_some()) {
        return Err(Error::invalid(
            format!("statements[{i}].consistent-read"),
            "is not taken by a transaction (its reads are always consistent)",
        ));
    }
    let requests = statements
        .into_iter()
        .enumerate()
        .map(|(i, s)| request(i, s))
        .collect::<Result<Vec<_>>>()?;
    let token = input.client_request_token.as_deref();
    let token = transaction::token("client-request-token", token)?;
    let asked = capacity::asked(input.return_consumed_capacity);
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client
        .execute_transaction()
        .set_transact_statements(Some(requests))
        .set_client_request_token(token)
        .set_return_consumed_capacity(asked.clone())
        .send()
        .await
        .map_err(|e| transaction::error(e, "client-request-token", access))?;
    let capacity = (asked.as_ref(), out.consumed_capacity());
    Ok(super::read_output(
        input.item_format,
        out.responses(),
        capacity,
    ))
}

fn request(i: usize, statement: Statement) -> Result<ParameterizedStatement> {
    ParameterizedStatement::builder()
        .statement(statement.text)
        .set_parameters(statement.parameters)
        .set_return_values_on_condition_check_failure(statement.on_condition_failure)
        .build()
        .map_err(|e| Error::invalid(format!("statements[{i}]"), e))
}
