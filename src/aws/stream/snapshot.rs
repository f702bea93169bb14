//! The snapshot of `start-at: snapshot`: every item the table holds, read by a strongly
//! consistent parallel scan of [`SEGMENTS`] segments, one page of each unfinished segment
//! at a time, so that a poll returns at most its records and a runner killed mid-snapshot
//! resumes each segment where the cursor left it (a finished segment is not read again).
//! Each item is a `SNAPSHOT` record with its key and image, and an `EventId` made from its
//! key, the same however often it is delivered.

use crate::error::Result;
use crate::model::keys::{identity, KeySchema};
use crate::model::stream_cursor::SegmentAt;
use crate::model::values::ItemFormat;
use crate::model::Item;
use aws_sdk_dynamodb::Client;
use serde_json::{json, Value};
use std::time::Instant;

/// The segments of a snapshot's scan.
pub const SEGMENTS: usize = 4;

/// Read the snapshot's next items from `segments` (advanced to where the read stopped):
/// at most about `records` of them (a round of pages shares what is left between the
/// unfinished segments), and no new round after `until`.
pub async fn read(
    client: &Client,
    table: &str,
    keys: &KeySchema,
    segments: &mut [SegmentAt],
    records: usize,
    until: Instant,
    format: ItemFormat,
) -> Result<Vec<Value>> {
    let request = client.scan().table_name(table).consistent_read(true);
    let mut out = Vec::new();
    crate::aws::scan::resumable(&request, keys, segments, records, until, |item| {
        out.push(record(keys, item, format)?);
        Ok(true)
    })
    .await?;
    Ok(out)
}

/// The `SNAPSHOT` record of `item`.
fn record(keys: &KeySchema, item: &Item, format: ItemFormat) -> Result<Value> {
    use sha2::{Digest, Sha256};
    let key = keys.key_of("snapshot", item)?;
    let id = Sha256::digest(identity(&key))[..8]
        .iter()
        .fold(String::new(), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        });
    Ok(
        json!({"EventId": format!("snapshot-{id}"), "EventName": "SNAPSHOT",
        "Keys": format.item(&key), "NewImage": format.item(item)}),
    )
}
