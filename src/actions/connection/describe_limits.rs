//! `describe-limits`: the account's provisioned-capacity limits in a region.

pub(crate) use crate::wit::DescribeLimitsInput as Input;

use crate::aws::client;
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client.describe_limits().send().await?;
    Ok(Obj::new()
        .opt(
            "AccountMaxReadCapacityUnits",
            out.account_max_read_capacity_units(),
        )
        .opt(
            "AccountMaxWriteCapacityUnits",
            out.account_max_write_capacity_units(),
        )
        .opt(
            "TableMaxReadCapacityUnits",
            out.table_max_read_capacity_units(),
        )
        .opt(
            "TableMaxWriteCapacityUnits",
            out.table_max_write_capacity_units(),
        )
        .build())
}
