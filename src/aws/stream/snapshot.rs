//! The snapshot of `start-at: snapshot`: every item the table holds, read by a strongly
//! consistent parallel scan of [`SEGMENTS`] segments, one page of each unfinished segment
//! at a time, so that a poll returns at most its records and a runner killed mid-snapshot
//! resumes each segment where the cursor left it (a finished segment is not read again).
//! Each item is a `SNAPSHOT` record with its key and image, and an `EventId` made from its
//! key, the same however often it is delivered.

use crate::error::{Error, Result};
use crate::model::keys::{identity, KeySchema};
use crate::model::stream_cursor::SegmentAt;
use crate::model::values::ItemFormat;
use crate::model::Item;
use aws_sdk_dynamodb::Client;
use serde_json::{json, Value};
use std::time::Instant;

/// The segments of a snapshot's scan.
pub const SEGMENTS: usize = 4;

/// The field a position that does not fit the table is reported under.
const FIELD: &str = "cursor";

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
    let total = i32::try_from(segments.len()).unwrap_or(1);
    let mut out = Vec::new();
    while out.len() < records && Instant::now() < until {
        let open: Vec<usize> = (0..segments.len())
            .filter(|i| segments[*i] != SegmentAt::Done)
            .collect();
        if open.is_empty() {
            break;
        }
        let share = i32::try_from(((records - out.len()) / open.len()).max(1)).unwrap_or(1);
        let pages = futures_util::future::join_all(open.iter().map(|&i| {
            let start = match &segments[i] {
                SegmentAt::After(key) => Some(keys.plain_key(FIELD, key)),
                _ => None,
            };
            async move {
                let request = client
                    .scan()
                    .table_name(table)
                    .segment(i32::try_from(i).unwrap_or(0))
                    .total_segments(total)
                    .consistent_read(true)
                    .limit(share)
                    .set_exclusive_start_key(start.transpose()?);
                request.send().await.map_err(Error::from)
            }
        }))
        .await;
        for (i, page) in open.into_iter().zip(pages) {
            let page = page?;
            for item in page.items() {
                out.push(record(keys, item, format)?);
            }
            segments[i] = match page.last_evaluated_key() {
                Some(key) => SegmentAt::After(ItemFormat::Plain.item(key)),
                None => SegmentAt::Done,
            };
        }
    }
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
