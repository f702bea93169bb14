//! `batch-write-items`: puts and deletes for one or more tables, any number, in batches of
//! 25 (`BatchWriteItem`) with up to `concurrency` batches in flight ([`bulk`]: fewer while
//! throttled, none started once the time limit nears). `UnprocessedItems` (and throttling
//! errors) are retried per batch with jittered exponential backoff up to
//! [`backoff::MAX_ATTEMPTS`]. Two writes of one key land in input order: the later one's
//! batch starts when the earlier one's has ended, and is held back (not sent) when the
//! earlier write did not land. Every request is accounted for: written, unprocessed, not
//! sent or of unknown outcome; a step that ends early is an error whose `progress` says
//! which. Puts and deletes are idempotent, so a retried batch never changes the outcome.

pub(crate) use crate::component::wit::BatchWriteItemsInput as Input;

use crate::aws::bulk::{self, Fate};
use crate::aws::{delivery, describe};
use crate::component::wit::Connection;
use crate::error::{Error, Kind, Result};
use crate::model::keys::KeySchema;
use crate::model::shape::Obj;
use crate::model::Item;
use crate::{actions::item, aws::backoff, aws::client, model::input, model::keys, model::values};
use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

/// Requests per `BatchWriteItem` (the service's limit).
pub(crate) const BATCH: usize = 25;

/// One checked request: its table, where it stood in the input, what it does and the
/// key it addresses.
struct Request {
    table: String,
    at: String,
    write: WriteRequest,
    key: Item,
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let tables = requested(input::json("requests", &input.requests)?)?;
    let mut window = bulk::Window::new(bulk::concurrency(input.concurrency)?);
    let deadline = bulk::Deadline::new(input.time_limit_seconds)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let requests = checked(&client, &tables).await?;
    let batches: Vec<Range<usize>> = (0..requests.len())
        .step_by(BATCH)
        .map(|start| start..requests.len().min(start + BATCH))
        .collect();
    for batch in &batches {
        let entries = requests[batch.clone()]
            .iter()
            .map(|r| (r.table.as_str(), r.at.as_str(), &r.key));
        keys::no_duplicate_keys(entries, &format!("one batch of {BATCH}"))?;
    }
    let earlier = earlier_writes(&requests);
    let ledger = bulk::Ledger::new(requests.len(), batches.len());
    let batch_of = |r: usize| r / BATCH;
    let ready = |b: usize| {
        batches[b]
            .clone()
            .filter_map(|r| earlier[r])
            .all(|e| ledger.has_ended(batch_of(e)))
    };
    let start = |b: usize| {
        let (ledger, requests, earlier) = (&ledger, &requests, &earlier);
        let (client, deadline, batch) = (&client, &deadline, batches[b].clone());
        async move {
            // A write whose key's earlier write did not land is held back: sent now, it
            // could land before that one when the caller sends the remainder again.
            let (go, held): (Vec<usize>, Vec<usize>) =
                batch.partition(|r| earlier[*r].is_none_or(|e| ledger.fate(e) == Fate::Done));
            ledger.settle(held, Fate::NotSent);
            let (throttled, error) = send(client, requests, go, ledger, deadline).await;
            ledger.end(b, throttled, error)
        }
    };
    bulk::run(batches.len(), &mut window, &deadline, ready, start).await;
    let (fates, error) = ledger.close(&deadline);
    let progress = progress(&requests, &fates);
    match error {
        None => Ok(progress),
        Some(cause) => Err(bulk::ended_early(cause, &counts(&fates), &progress)),
    }
}

/// Every request of `tables` checked against its table's key schema, in input order.
async fn checked(client: &Client, tables: &BTreeMap<String, Vec<Value>>) -> Result<Vec<Request>> {
    let mut requests = Vec::new();
    for (table, entries) in tables {
        let schema = describe::key_schema(client, table).await?;
        for (i, entry) in entries.iter().enumerate() {
            let at = format!("requests.{table}[{i}]");
            let (write, key) = write_request(&at, entry, &schema)?;
            let table = table.clone();
            requests.push(Request {
                table,
                at,
                write,
                key,
            });
        }
    }
    Ok(requests)
}

/// For each request, the request before it that writes the same key of the same table.
fn earlier_writes(requests: &[Request]) -> Vec<Option<usize>> {
    let mut last: HashMap<(&str, Vec<u8>), usize> = HashMap::new();
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| last.insert((r.table.as_str(), keys::identity(&r.key)), i))
        .collect()
}

/// Send the requests `go` as one batch, retrying those that come back unprocessed (or
/// throttled) with the jittered backoff; their fates go to the ledger. Returns whether the
/// batch was throttled, and the error that stopped it (the deadline's included).
async fn send(
    client: &Client,
    requests: &[Request],
    go: Vec<usize>,
    ledger: &bulk::Ledger,
    deadline: &bulk::Deadline,
) -> (bool, Option<Error>) {
    let (mut pending, mut throttled) = (go, false);
    for attempt in 0..backoff::MAX_ATTEMPTS {
        if pending.is_empty() {
            break;
        }
        if !bulk::pause_before(attempt, deadline).await {
            ledger.settle(pending, Fate::Unprocessed);
            return (throttled, Some(bulk::Deadline::error()));
        }
        let mut items: HashMap<String, Vec<WriteRequest>> = HashMap::new();
        for &r in &pending {
            let request = &requests[r];
            items
                .entry(request.table.clone())
                .or_default()
                .push(request.write.clone());
        }
        let sent = client
            .batch_write_item()
            .set_request_items(Some(items))
            .send();
        let left = match deadline.within(sent).await {
            None => {
                ledger.settle(pending, Fate::Unknown);
                return (throttled, Some(bulk::Deadline::error()));
            }
            Some(Ok(out)) => out.unprocessed_items.unwrap_or_default(),
            Some(Err(e)) => {
                let fate = if delivery::may_have_been_applied(&e) {
                    Fate::Unknown
                } else {
                    Fate::Unprocessed
                };
                let error = delivery::write(e);
                if error.kind == Kind::Throttled {
                    throttled = true;
                    continue;
                }
                ledger.settle(pending, fate);
                return (throttled, Some(error));
            }
        };
        let (still, done): (Vec<usize>, Vec<usize>) = pending.into_iter().partition(|&r| {
            let request = &requests[r];
            left.get(&request.table)
                .is_some_and(|writes| writes.contains(&request.write))
        });
        throttled |= !still.is_empty();
        ledger.settle(done, Fate::Done);
        pending = still;
    }
    ledger.settle(pending, Fate::Unprocessed);
    (throttled, None)
}

/// What became of the requests, as the output (or an early end's `progress`) shows it:
/// `Written` (a count), `Unprocessed`, `NotSent` and `Unknown` (each table → its requests,
/// as the caller can send them again) and `Remainder`, all three together in input order:
/// a `requests` input. Puts and deletes are idempotent: sending an unknown one again is
/// safe.
fn progress(requests: &[Request], fates: &[Fate]) -> Value {
    let by_table = |keep: &dyn Fn(Fate) -> bool| {
        let mut tables = Map::new();
        for (request, fate) in requests.iter().zip(fates) {
            if keep(*fate) {
                let list = tables
                    .entry(request.table.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(render(&request.write));
                }
            }
        }
        Value::Object(tables)
    };
    Obj::new()
        .set("Written", bulk::count(fates, Fate::Done))
        .set("Unprocessed", by_table(&|f| f == Fate::Unprocessed))
        .set("NotSent", by_table(&|f| f == Fate::NotSent))
        .set("Unknown", by_table(&|f| f == Fate::Unknown))
        .set("Remainder", by_table(&|f| f != Fate::Done))
        .build()
}

/// The counts of an early end's message.
fn counts(fates: &[Fate]) -> String {
    format!(
        "{} of {} requests written, {} unprocessed, {} with an unknown outcome, {} not sent",
        bulk::count(fates, Fate::Done),
        fates.len(),
        bulk::count(fates, Fate::Unprocessed),
        bulk::count(fates, Fate::Unknown),
        bulk::count(fates, Fate::NotSent),
    )
}

/// The `requests` input: table name → its array of requests.
fn requested(value: Value) -> Result<BTreeMap<String, Vec<Value>>> {
    let Value::Object(tables) = value else {
        return Err(Error::invalid(
            "requests",
            "must be a JSON object of table name to requests",
        ));
    };
    tables
        .into_iter()
        .map(|(table, entries)| match entries {
            Value::Array(list) => Ok((table, list)),
            _ => Err(Error::invalid(
                format!("requests.{table}"),
                "must be an array of requests",
            )),
        })
        .collect()
}

/// One request entry as a `WriteRequest`, and the key it addresses.
fn write_request(at: &str, entry: &Value, schema: &KeySchema) -> Result<(WriteRequest, Item)> {
    let fields: Vec<&str> = entry
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let built = match (entry.get("put"), entry.get("delete")) {
        (Some(item), None) if fields.iter().all(|f| ["put", "types"].contains(f)) => {
            let item = item::put(at, item, entry.get("types"))?;
            let key = schema.key_of(&format!("{at}.put"), &item)?;
            let item = values::within_item_size(at, item)?;
            let put = PutRequest::builder().set_item(Some(item)).build();
            put.map(|p| (WriteRequest::builder().put_request(p).build(), key))
        }
        (None, Some(key)) if fields == ["delete"] => {
            let key = schema.exact_key(&format!("{at}.delete"), key)?;
            let delete = DeleteRequest::builder().set_key(Some(key.clone())).build();
            delete.map(|d| (WriteRequest::builder().delete_request(d).build(), key))
        }
        _ => {
            return Err(Error::invalid(
                at,
                r#"must be {"put": ITEM} (with optional "types") or {"delete": KEY}"#,
            ))
        }
    };
    built.map_err(|e| Error::invalid(at, e))
}

/// The type code of every attribute of `item`, as a `types` object.
fn types_of(item: &Item) -> Value {
    let codes = item
        .iter()
        .map(|(k, v)| (k.clone(), Value::from(values::TypeCode::of(v).as_str())));
    Value::Object(codes.collect())
}

/// An unprocessed request as the caller can send it again: `{"put", "types"}` or
/// `{"delete"}`.
fn render(write: &WriteRequest) -> Value {
    match (write.put_request(), write.delete_request()) {
        (Some(put), _) => Obj::new()
            .set("put", values::item_to_json_plain(put.item()))
            .set("types", types_of(put.item()))
            .build(),
        (_, Some(delete)) => Obj::new()
            .set("delete", values::item_to_json_plain(delete.key()))
            .build(),
        _ => Value::Null,
    }
}
