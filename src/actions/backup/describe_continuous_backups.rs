//! `describe-continuous-backups`: a table's continuous backups and point-in-time recovery
//! (`DescribeContinuousBackups`).

pub(crate) use crate::wit::TableInput as Input;

use crate::error::Result;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client
        .describe_continuous_backups()
        .table_name(table)
        .send()
        .await?;
    Ok(super::continuous_output(
        out.continuous_backups_description(),
    ))
}
