//! Change capture: `DynamoDB` Streams (list the streams, describe one with its shards, read
//! the changes after a cursor) and, for tables without a stream, polling by a cursor
//! attribute. `read-stream-changes` and `poll-new-items` are the manifest's polling
//! triggers (docs/triggers.md).

pub(crate) mod describe_stream;
pub(crate) mod list_streams;
pub(crate) mod poll_new_items;
pub(crate) mod read_stream_changes;

use crate::error::{Error, Kind, Result};
use aws_sdk_dynamodbstreams::types::{Shard, StreamDescription};
use aws_sdk_dynamodbstreams::Client;

/// Most `DescribeStream` pages one step reads (100 shards each): a stream lists the shards
/// of its last 24 hours, far fewer than this allows.
const MAX_SHARD_PAGES: usize = 1000;

/// The description of stream `arn` and every shard it lists, oldest first (following
/// `LastEvaluatedShardId`).
pub(crate) async fn describe(
    client: &Client,
    arn: &str,
) -> Result<(StreamDescription, Vec<Shard>)> {
    let (mut shards, mut start, mut first) = (Vec::new(), None, None);
    for _ in 0..MAX_SHARD_PAGES {
        let out = client
            .describe_stream()
            .stream_arn(arn)
            .set_exclusive_start_shard_id(start.take())
            .send()
            .await?;
        let description = out.stream_description.ok_or_else(|| {
            Error::new(
                Kind::Service,
                "DescribeStream returned no stream description",
            )
        })?;
        shards.extend_from_slice(description.shards());
        start = description.last_evaluated_shard_id().map(str::to_string);
        first.get_or_insert(description);
        if start.is_none() {
            break;
        }
    }
    let description =
        first.ok_or_else(|| Error::new(Kind::Service, "DescribeStream returned nothing"))?;
    Ok((description, shards))
}
