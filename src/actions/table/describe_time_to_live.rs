//! `describe-time-to-live`: a table's time-to-live setting (`DescribeTimeToLive`).

pub(crate) use crate::wit::TableInput as Input;

use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
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
                d.time_to_live_status()
                    .map(aws_sdk_dynamodb::types::TimeToLiveStatus::as_str),
            )
            .opt("AttributeName", d.attribute_name())
            .build()
    });
    Ok(Obj::new().opt("TimeToLiveDescription", description).build())
}
