//! `read-stream-changes`: the changes of a table's stream after a cursor, each once across
//! polls, in order per shard with parents before children ([`crate::aws::stream`]); the
//! cursor holds sequence numbers ([`crate::model::stream_cursor`]). Bounded work per step:
//! `max-records` and [`READ_TIME`].

pub(crate) use crate::wit::ReadStreamChangesInput as Input;

use crate::actions::{changes, item};
use crate::aws::stream::{self, snapshot, Budget, Gap, Shard, Streams};
use crate::error::{Error, Result};
use crate::model::stream_cursor::{Cursor, Position, SegmentAt};
use crate::wit::{Connection, StreamStart};
use crate::{aws::client, aws::describe, model::input};
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant, SystemTime};

/// Most time one step spends reading (then `More` is true): far below the host's step
/// deadline (5 minutes by default), so a step always returns what it read.
const READ_TIME: Duration = Duration::from_secs(10);

/// How long before a snapshot's scan begins its changes are read from: the stream's
/// clock (`ApproximateCreationDateTime`) and this component's may differ by seconds; a
/// minute's margin delivers a few changes twice rather than one never.
const SNAPSHOT_SKEW: i64 = 60;

/// `max-records` when absent, and its maximum.
const DEFAULT_RECORDS: u32 = 100;
const MAX_RECORDS: u32 = 1000;

/// The events a change can be.
const EVENTS: [&str; 3] = ["INSERT", "MODIFY", "REMOVE"];

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let format = item::format(input.item_format);
    let records = max_records(input.max_records)?;
    let events = event_names(input.event_names.as_deref())?;
    let only = shard_ids(input.shards.as_deref())?;
    let given = input::optional(input.cursor.as_deref())
        .map(Cursor::read)
        .transpose()?;
    let arn = stream_of(connection, &input, given.as_ref()).await?;
    let (mut gaps, first) = (Vec::new(), given.is_none());
    let mut cursor = resume(given, &arn, input.start_at, &mut gaps)?;
    if let Some(mut segments) = cursor.snapshot.take() {
        let dynamodb = client::dynamodb(connection, &input.region).await?;
        let table = table_name(&arn);
        let keys = describe::key_schema(&dynamodb, table).await?;
        let until = Instant::now() + READ_TIME;
        let read = snapshot::read(
            &dynamodb,
            table,
            &keys,
            &mut segments,
            records,
            until,
            format,
        )
        .await?;
        let done = segments.iter().filter(|s| **s == SegmentAt::Done).count();
        let total = segments.len();
        cursor.snapshot = (done < total).then_some(segments);
        return Ok(json!({
            "StreamArn": arn,
            "Records": read,
            "Cursor": cursor.encode(),
            "More": true,
            "Gaps": gaps.iter().map(Gap::shown).collect::<Vec<_>>(),
            "Snapshot": {"Segments": total, "Done": done},
        }));
    }
    let client = client::streams(connection, &input.region).await?;
    let (_, listed) = changes::describe(&client, &arn).await?;
    let shards: Vec<Shard> = listed.iter().filter_map(shard).collect();
    let cursor = skip_closed_when_latest(cursor, &shards, first);
    let budget = Budget {
        records,
        until: Instant::now() + READ_TIME,
        events,
        shards: only,
    };
    let streams = Streams {
        client: &client,
        arn: &arn,
        format,
    };
    let read = stream::read(&streams, &shards, cursor, &budget).await?;
    gaps.extend(read.gaps);
    let mut output = json!({
        "StreamArn": arn,
        "Records": read.records.into_iter().map(|r| r.shown).collect::<Vec<_>>(),
        "Cursor": read.cursor.encode(),
        "More": read.more,
        "Gaps": gaps.iter().map(Gap::shown).collect::<Vec<_>>(),
    });
    if budget.shards.is_some() {
        output["Shards"] = listing(&shards, &read.cursor);
    }
    Ok(output)
}

/// The stream's shards as a runner that spreads them over replicas needs them: each with
/// its parent and whether it was read to its end.
fn listing(shards: &[Shard], cursor: &Cursor) -> Value {
    let shown = shards.iter().map(|s| {
        let finished = cursor.shards.get(&s.id) == Some(&Position::Done);
        json!({"ShardId": s.id, "ParentShardId": s.parent, "Finished": finished})
    });
    Value::from(shown.collect::<Vec<_>>())
}

/// `shards`: a JSON array of shard ids to read (each 1 to 65 characters, as the service
/// names them); `None` when absent.
fn shard_ids(text: Option<&str>) -> Result<Option<HashSet<String>>> {
    const FIELD: &str = "shards";
    let Some(value) = input::opt_json(FIELD, text)? else {
        return Ok(None);
    };
    let ids = value
        .as_array()
        .ok_or_else(|| Error::invalid(FIELD, "must be a JSON array of shard ids"))?;
    ids.iter()
        .enumerate()
        .map(|(i, id)| {
            id.as_str()
                .filter(|id| (1..=65).contains(&id.len()))
                .map(str::to_string)
                .ok_or_else(|| {
                    Error::invalid(format!("{FIELD}[{i}]"), "must be a shard id (a string)")
                })
        })
        .collect::<Result<HashSet<_>>>()
        .map(Some)
}

/// Which stream to read.
enum Source<'a> {
    Table(&'a str),
    Arn(&'a str),
}

/// `table-name` or `stream-arn`, exactly one.
fn source(input: &Input) -> Result<Source<'_>> {
    match (
        input::optional(input.table_name.as_deref()),
        input::optional(input.stream_arn.as_deref()),
    ) {
        (Some(table), None) => Ok(Source::Table(table)),
        (None, Some(arn)) => Ok(Source::Arn(arn)),
        (Some(_), Some(_)) => Err(Error::invalid(
            "stream-arn",
            "give table-name or stream-arn, not both",
        )),
        (None, None) => Err(Error::invalid(
            "table-name",
            "is required (or give stream-arn)",
        )),
    }
}

/// The stream to read: `stream-arn` (a cursor must be of it), or the table's latest.
async fn stream_of(
    connection: &Connection,
    input: &Input,
    cursor: Option<&Cursor>,
) -> Result<String> {
    match source(input)? {
        Source::Arn(arn) if cursor.is_some_and(|c| c.stream != arn) => Err(another_stream()),
        Source::Arn(arn) => Ok(arn.to_string()),
        Source::Table(table) => latest_stream(connection, &input.region, table).await,
    }
}

fn another_stream() -> Error {
    Error::invalid(
        "cursor",
        "belongs to another stream: start without a cursor, or give the stream it came from",
    )
}

/// The table's latest stream; a table that never had one is `invalid-input`.
async fn latest_stream(connection: &Connection, region: &str, table: &str) -> Result<String> {
    let client = client::dynamodb(connection, region).await?;
    let description = describe::table(&client, table).await?;
    description.latest_stream_arn().map(str::to_string).ok_or_else(|| {
        Error::invalid(
            "table-name",
            format!("table {table} has no stream: turn one on with update-table (stream-enabled) or create-table (stream-view-type)"),
        )
    })
}

/// The cursor to read from: the given one, a new one for the table's new stream (the old
/// stream's cursor is a `stream-replaced` gap), or the first poll's.
fn resume(
    given: Option<Cursor>,
    arn: &str,
    start: Option<StreamStart>,
    gaps: &mut Vec<Gap>,
) -> Result<Cursor> {
    match given {
        Some(cursor) if cursor.stream == arn => Ok(cursor),
        Some(cursor) if table_of(&cursor.stream) == table_of(arn) => {
            gaps.push(Gap {
                shard: cursor.stream.clone(),
                reason: "stream-replaced",
                after: None,
            });
            Ok(Cursor::start(arn, cursor.since))
        }
        Some(_) => Err(another_stream()),
        None if start == Some(StreamStart::Snapshot) => {
            let mut cursor = Cursor::start(arn, Some(now() - SNAPSHOT_SKEW));
            cursor.snapshot = Some(vec![SegmentAt::Start; snapshot::SEGMENTS]);
            Ok(cursor)
        }
        None => {
            let latest = start == Some(StreamStart::Latest);
            Ok(Cursor::start(arn, latest.then(now)))
        }
    }
}

/// The table part of a stream ARN (`arn:…:table/NAME`).
fn table_of(arn: &str) -> &str {
    arn.split_once("/stream/").map_or(arn, |(table, _)| table)
}

/// The table name of a stream ARN (`NAME` of `arn:…:table/NAME/stream/…`).
fn table_name(arn: &str) -> &str {
    let table = table_of(arn);
    table.split_once(":table/").map_or(table, |(_, name)| name)
}

/// Now, in epoch seconds.
fn now() -> i64 {
    let since = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// On a `latest` first poll, a shard closed already holds only older records: finished.
/// (A snapshot's first poll reads no shard: its `since` is a minute before its scan.)
fn skip_closed_when_latest(mut cursor: Cursor, shards: &[Shard], first: bool) -> Cursor {
    if first && cursor.since.is_some() {
        for shard in shards.iter().filter(|s| s.closed) {
            cursor.shards.insert(shard.id.clone(), Position::Done);
        }
    }
    cursor
}

/// A listed shard with its lineage.
fn shard(s: &aws_sdk_dynamodbstreams::types::Shard) -> Option<Shard> {
    Some(Shard {
        id: s.shard_id()?.to_string(),
        parent: s.parent_shard_id().map(str::to_string),
        closed: s
            .sequence_number_range()
            .is_some_and(|r| r.ending_sequence_number().is_some()),
    })
}

/// `max-records`: 1 to 1000, 100 when absent.
fn max_records(max: Option<u32>) -> Result<usize> {
    match max.unwrap_or(DEFAULT_RECORDS) {
        n @ 1..=MAX_RECORDS => Ok(n as usize),
        _ => Err(Error::invalid(
            "max-records",
            format!("must be from 1 to {MAX_RECORDS}"),
        )),
    }
}

/// `event-names`: a JSON array (or one name) of `INSERT`, `MODIFY`, `REMOVE`, in any case.
fn event_names(text: Option<&str>) -> Result<Option<HashSet<String>>> {
    const FIELD: &str = "event-names";
    let names = match input::opt_json(FIELD, text)
        .or_else(|_| Ok::<_, Error>(text.map(|t| Value::from(t.trim()))))?
    {
        None => return Ok(None),
        Some(Value::Array(names)) => names,
        Some(one) => vec![one],
    };
    if names.is_empty() {
        return Err(Error::invalid(
            FIELD,
            "must name at least one of INSERT, MODIFY, REMOVE",
        ));
    }
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let upper = name.as_str().map(str::to_ascii_uppercase);
            upper
                .filter(|n| EVENTS.contains(&n.as_str()))
                .ok_or_else(|| {
                    Error::invalid(format!("{FIELD}[{i}]"), "must be INSERT, MODIFY or REMOVE")
                })
        })
        .collect::<Result<HashSet<_>>>()
        .map(Some)
}
