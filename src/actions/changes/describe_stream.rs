//! `describe-stream`: a stream with every shard and its lineage (for pickers, and to see
//! what `read-stream-changes` reads).

pub(crate) use crate::wit::DescribeStreamInput as Input;

use crate::actions::changes;
use crate::error::Result;
use crate::model::shape::{timestamp, Obj};
use crate::model::stream_record;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use aws_sdk_dynamodbstreams::types::{StreamStatus, StreamViewType};
use serde_json::{json, Value};

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("stream-arn", &input.stream_arn)?;
    let client = client::streams(connection, &input.region).await?;
    let (d, shards) = changes::describe(&client, arn).await?;
    let keys: Vec<Value> = d
        .key_schema()
        .iter()
        .map(|k| json!({"AttributeName": k.attribute_name(), "KeyType": k.key_type().as_str()}))
        .collect();
    let description = Obj::new()
        .opt("StreamArn", d.stream_arn())
        .opt("StreamLabel", d.stream_label())
        .opt("StreamStatus", d.stream_status().map(StreamStatus::as_str))
        .opt(
            "StreamViewType",
            d.stream_view_type().map(StreamViewType::as_str),
        )
        .opt(
            "CreationRequestDateTime",
            d.creation_request_date_time().map(timestamp),
        )
        .opt("TableName", d.table_name())
        .set("KeySchema", keys)
        .set(
            "Shards",
            shards.iter().map(stream_record::shard).collect::<Vec<_>>(),
        )
        .build();
    Ok(json!({ "StreamDescription": description }))
}
