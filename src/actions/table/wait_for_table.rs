//! `wait-for-table`: until a table is ACTIVE (optionally with its global indexes) or no
//! longer exists, within `timeout-seconds` ([`crate::aws::wait`]).

pub(crate) use crate::wit::WaitForTableInput as Input;

use crate::aws::wait::{self, Until};
use crate::error::Result;
use crate::wit::{Connection, TableState};
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let timeout = wait::timeout(input.timeout_seconds)?;
    let until = match input.until {
        Some(TableState::Deleted) => Until::Deleted,
        _ => Until::Active {
            indexes: input.include_indexes.unwrap_or(false),
        },
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let reached = wait::until(&client, table, until, timeout).await?;
    Ok(wait::output(table, reached.as_ref(), "Table"))
}
