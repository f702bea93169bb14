//! `DynamoDB` Streams' shapes as outputs show them: a change record (its keys and images as
//! items in the step's item format, every digit, byte and set member kept), a stream and
//! its shards.

use crate::error::{Error, Kind, Result};
use crate::model::shape::{timestamp, Obj};
use crate::model::values::ItemFormat;
use crate::model::Item;
use aws_sdk_dynamodb::types::AttributeValue as Value;
use aws_sdk_dynamodbstreams::types::{self as streams, AttributeValue as StreamValue};
use std::collections::HashMap;

/// One record of a shard, rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// Its sequence number.
    pub sequence: String,
    /// `INSERT`, `MODIFY` or `REMOVE`.
    pub event: String,
    /// When it was written (epoch seconds), if known.
    pub created: Option<i64>,
    /// The record as the output shows it.
    pub shown: serde_json::Value,
}

/// A stream's attribute value as a `DynamoDB` attribute value (the same type in another
/// crate).
fn value(v: &StreamValue) -> Result<Value> {
    Ok(match v {
        StreamValue::S(s) => Value::S(s.clone()),
        StreamValue::N(n) => Value::N(n.clone()),
        StreamValue::B(b) => Value::B(b.clone()),
        StreamValue::Bool(b) => Value::Bool(*b),
        StreamValue::Null(n) => Value::Null(*n),
        StreamValue::Ss(s) => Value::Ss(s.clone()),
        StreamValue::Ns(n) => Value::Ns(n.clone()),
        StreamValue::Bs(b) => Value::Bs(b.clone()),
        StreamValue::L(l) => Value::L(l.iter().map(value).collect::<Result<_>>()?),
        StreamValue::M(m) => Value::M(item(m)?),
        _ => {
            return Err(Error::new(
                Kind::Service,
                "a stream record holds an attribute type this connector does not know",
            ))
        }
    })
}

/// A stream's item as a `DynamoDB` item.
fn item(map: &HashMap<String, StreamValue>) -> Result<Item> {
    map.iter()
        .map(|(k, v)| Ok((k.clone(), value(v)?)))
        .collect()
}

/// One change record, rendered: `EventId`, `EventName`, `ShardId`, `SequenceNumber`,
/// `ApproximateCreationDateTime` (epoch seconds), `Keys`, `NewImage`, `OldImage` (as the
/// stream's view type has them), `SizeBytes`, `StreamViewType`.
pub fn record(shard: &str, r: &streams::Record, format: ItemFormat) -> Result<Record> {
    let change = r
        .dynamodb()
        .ok_or_else(|| Error::new(Kind::Service, "a stream record has no change"))?;
    let sequence = change
        .sequence_number()
        .ok_or_else(|| Error::new(Kind::Service, "a stream record has no sequence number"))?
        .to_string();
    let event = r
        .event_name()
        .map_or("", streams::OperationType::as_str)
        .to_string();
    let image = |m: Option<&HashMap<String, StreamValue>>| -> Result<Option<serde_json::Value>> {
        m.map(|m| Ok(format.item(&item(m)?))).transpose()
    };
    let created = change.approximate_creation_date_time();
    let shown = Obj::new()
        .opt("EventId", r.event_id())
        .set("EventName", event.as_str())
        .set("ShardId", shard)
        .set("SequenceNumber", sequence.as_str())
        .opt("ApproximateCreationDateTime", created.map(timestamp))
        .opt("Keys", image(change.keys())?)
        .opt("NewImage", image(change.new_image())?)
        .opt("OldImage", image(change.old_image())?)
        .opt("SizeBytes", change.size_bytes())
        .opt(
            "StreamViewType",
            change
                .stream_view_type()
                .map(streams::StreamViewType::as_str),
        )
        .build();
    Ok(Record {
        sequence,
        event,
        created: created.map(aws_smithy_types::DateTime::secs),
        shown,
    })
}

/// A shard with its lineage: `ShardId`, `ParentShardId`, `SequenceNumberRange`.
pub fn shard(s: &streams::Shard) -> serde_json::Value {
    Obj::new()
        .opt("ShardId", s.shard_id())
        .opt("ParentShardId", s.parent_shard_id())
        .opt(
            "SequenceNumberRange",
            s.sequence_number_range().map(|r| {
                Obj::new()
                    .opt("StartingSequenceNumber", r.starting_sequence_number())
                    .opt("EndingSequenceNumber", r.ending_sequence_number())
                    .build()
            }),
        )
        .build()
}
