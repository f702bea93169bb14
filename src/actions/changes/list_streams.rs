//! `list-streams`: the streams of one table or of every table in the region: one page or
//! all of them, resumable after any stream.

pub(crate) use crate::wit::ListStreamsInput as Input;

use crate::aws::paging::{self, Want};
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: None,
    };
    let table = input::text(&input.table_name);
    let client = client::streams(connection, &input.region).await?;
    let fetched = paging::fetch(
        want,
        input::text(&input.exclusive_start_stream_arn),
        |start| {
            client
                .list_streams()
                .set_table_name(table.clone())
                .set_exclusive_start_stream_arn(start)
                .send()
        },
        |page| page.last_evaluated_stream_arn.clone(),
        |page| page.streams().len(),
    )
    .await?;
    let streams: Vec<Value> = fetched
        .pages
        .iter()
        .flat_map(aws_sdk_dynamodbstreams::operation::list_streams::ListStreamsOutput::streams)
        .map(|s| {
            Obj::new()
                .opt("StreamArn", s.stream_arn())
                .opt("TableName", s.table_name())
                .opt("StreamLabel", s.stream_label())
                .build()
        })
        .collect();
    Ok(Obj::new()
        .set("Streams", streams)
        .opt("LastEvaluatedStreamArn", fetched.next)
        .build())
}
