//! `describe-time-to-live`: a table's time-to-live setting (`DescribeTimeToLive`).

pub use crate::wit::TableInput as Input;

use crate::error::Result;
use crate::shape::Obj;
use crate::wit::Connection;
use crate::{client, input};
use serde_json::Value;

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await?;
    let description = out.time_to_live_description().map(|d| {
        Obj::new()
            .opt(
                "TimeToLiveStatus",
                d.time_to_live_status().map(|s| s.as_str()),
            )
            .opt("AttributeName", d.attribute_name())
            .build()
    });
    Ok(Obj::new().opt("TimeToLiveDescription", description).build())
}
