//! `batch-write-items`: puts and deletes for one or more tables, any number, in batches of
//! 25 (`BatchWriteItem`) with up to `concurrency` batches in flight ([`bulk`]: fewer while
//! throttled, none started once the time limit nears). `UnprocessedItems` (and throttling
//! errors) are retried per batch with jittered exponential backoff up to
//! [`crate::aws::backoff::MAX_ATTEMPTS`]. Two writes of one key land in input order: the later one's
//! batch starts when the earlier one's has ended, and is held back (not sent) when the
//! earlier write did not land. Every request is accounted for: written, unprocessed, not
//! sent or of unknown outcome; a step that ends early is an error whose `progress` says
//! which. Puts and deletes are idempotent, so a retried batch never changes the outcome.

pub(crate) use crate::wit::BatchWriteItemsInput as Input;

use crate::aws::bulk::{self, Fate};
use crate::aws::capacity::{self, Collections, Tally};
use crate::aws::client::Clients;
use crate::aws::lean;
use crate::aws::{delivery, describe};
use crate::error::{Error, Kind, Result};
use crate::model::keys::KeySchema;
use crate::model::shape::Obj;
use crate::model::Access;
use crate::model::Item;
use crate::wit::Connection;
use crate::{actions::item, aws::client, model::input, model::keys, model::values};
use aws_sdk_dynamodb::operation::batch_write_item::builders::BatchWriteItemInputBuilder;
use aws_sdk_dynamodb::types::{
    DeleteRequest, PutRequest, ReturnConsumedCapacity, ReturnItemCollectionMetrics, WriteRequest,
};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

mod requests;

use requests::{key_of, render, requested, write_request};

/// Requests per `BatchWriteItem` (the service's limit).
pub(crate) const BATCH: usize = 25;

/// One checked request: its table, where it stood in the input, the entry as given, the
/// write to send (taken when its batch is first sent: a batch is sent without a copy) and
/// the identity of the key it addresses.
struct Request {
    table: String,
    at: String,
    entry: Value,
    write: Cell<Option<WriteRequest>>,
    key: Vec<u8>,
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let tables = requested(input::json("requests", &input.requests)?)?;
    let mut window = bulk::Window::new(bulk::concurrency(input.concurrency)?);
    let deadline = bulk::Deadline::new(input.time_limit_seconds)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let (requests, schemas) = checked(&client, tables).await?;
    let batches: Vec<Range<usize>> = (0..requests.len())
        .step_by(BATCH)
        .map(|start| start..requests.len().min(start + BATCH))
        .collect();
    let batch_of = |r: usize| r / BATCH;
    let earlier = earlier_writes(&requests);
    for (r, e) in earlier.iter().enumerate() {
        if let Some(e) = e.filter(|e| batch_of(*e) == batch_of(r)) {
            return Err(Error::invalid(
                &requests[r].at,
                format!(
                    "has the same key as {} within one batch of {BATCH}",
                    requests[e].at
                ),
            ));
        }
    }
    let ledger = bulk::Ledger::new(requests.len(), batches.len());
    let ready = |b: usize| {
        batches[b]
            .clone()
            .filter_map(|r| earlier[r])
            .all(|e| ledger.has_ended(batch_of(e)))
    };
    let asked = capacity::asked(input.return_consumed_capacity);
    let reported = RefCell::new(Reported {
        capacity: Tally::asked(asked.as_ref()),
        collections: Collections::default(),
    });
    let batch = Batch {
        client: &client,
        requests: &requests,
        schemas: &schemas,
        ledger: &ledger,
        deadline: &deadline,
        ask: Ask {
            capacity: asked,
            metrics: capacity::asked_metrics(input.return_item_collection_metrics),
        },
        reported: &reported,
    };
    let start = |b: usize| {
        let (batch, earlier, range) = (&batch, &earlier, batches[b].clone());
        async move {
            // A write whose key's earlier write did not land is held back: sent now, it
            // could land before that one when the caller sends the remainder again.
            let (go, held): (Vec<usize>, Vec<usize>) =
                range.partition(|r| earlier[*r].is_none_or(|e| batch.ledger.fate(e) == Fate::Done));
            batch.ledger.settle(held, Fate::NotSent);
            let (throttled, error) = batch.send(go).await;
            batch.ledger.end(b, throttled, error)
        }
    };
    bulk::run(batches.len(), &mut window, &deadline, ready, start).await;
    let (fates, error) = ledger.close(&deadline);
    let progress = progress(&requests, &schemas, &fates, &reported.into_inner())?;
    bulk::outcome(error, &counts(&fates), progress)
}

/// Each table's key schema.
type Schemas = HashMap<String, KeySchema>;

/// Every request of `tables` checked against its table's key schema, in input order, and
/// the schemas.
async fn checked(
    client: &Clients,
    tables: BTreeMap<String, Vec<Value>>,
) -> Result<(Vec<Request>, Schemas)> {
    let (mut requests, mut schemas) = (Vec::new(), HashMap::new());
    for (table, entries) in tables {
        let schema = describe::key_schema(client, &table).await?;
        for (i, entry) in entries.into_iter().enumerate() {
            let at = format!("requests.{table}[{i}]");
            let (write, key) = write_request(&at, &entry, &schema)?;
            requests.push(Request {
                table: table.clone(),
                at,
                entry,
                write: Cell::new(Some(write)),
                key: keys::identity(&key),
            });
        }
        schemas.insert(table, schema);
    }
    Ok((requests, schemas))
}

/// For each request, the request before it that writes the same key of the same table.
fn earlier_writes(requests: &[Request]) -> Vec<Option<usize>> {
    let mut last: HashMap<(&str, &[u8]), usize> = HashMap::new();
    requests
        .iter()
        .enumerate()
        .map(|(i, r)| last.insert((r.table.as_str(), r.key.as_slice()), i))
        .collect()
}

/// What one batch needs: the client, the step's requests and schemas, the ledger their
/// fates go to, the deadline, what every request asks the service to report and where
/// the reports go.
struct Batch<'a> {
    client: &'a Clients,
    requests: &'a [Request],
    schemas: &'a Schemas,
    ledger: &'a bulk::Ledger,
    deadline: &'a bulk::Deadline,
    ask: Ask,
    reported: &'a RefCell<Reported>,
}

/// What every `BatchWriteItem` of the step asks the service to report.
struct Ask {
    capacity: Option<ReturnConsumedCapacity>,
    metrics: Option<ReturnItemCollectionMetrics>,
}

/// What the answers reported: the capacity consumed and the item collections touched.
struct Reported {
    capacity: Tally,
    collections: Collections,
}

/// The writes of one `BatchWriteItem`: table → its writes.
type Writes = HashMap<String, Vec<WriteRequest>>;

impl Batch<'_> {
    /// Send the requests `go` as one batch, retrying those that come back unprocessed (the
    /// service's own `UnprocessedItems`, sent again as they came) or throttled (rebuilt from
    /// their entries) with the jittered backoff; their fates go to the ledger. Returns
    /// whether the batch was throttled, and the error that stopped it (the deadline's
    /// included).
    async fn send(&self, go: Vec<usize>) -> (bool, Option<Error>) {
        let mut writes = self.take(&go);
        let cut = (self.deadline, Fate::Unknown);
        bulk::retry(go, self.ledger, cut, async |pending: &[usize]| {
            let sent = BatchWriteItemInputBuilder::default()
                .set_request_items(Some(std::mem::take(&mut writes)))
                .set_return_consumed_capacity(self.ask.capacity.clone())
                .set_return_item_collection_metrics(self.ask.metrics.clone());
            // Whole-item puts and deletes: sent again after an ambiguous failure, as the
            // plain client retries (the ledger says which writes may have been applied).
            match lean::send(self.client, Access::Read, sent).await {
                Ok(out) => {
                    let mut reported = self.reported.borrow_mut();
                    reported.capacity.add_each(out.consumed_capacity());
                    reported
                        .collections
                        .add(out.item_collection_metrics.as_ref());
                    let left = out.unprocessed_items.unwrap_or_default();
                    let (returned, again) = self.unprocessed(pending, left);
                    writes = again;
                    bulk::Attempt::Answered(returned)
                }
                Err(e) => {
                    let fate = if delivery::may_have_been_applied(&e) {
                        Fate::Unknown
                    } else {
                        Fate::Unprocessed
                    };
                    let error = delivery::write(e);
                    if error.kind != Kind::Throttled {
                        return bulk::Attempt::Failed(fate, error);
                    }
                    match self.rebuilt(pending) {
                        Ok(again) => {
                            writes = again;
                            bulk::Attempt::Throttled
                        }
                        Err(error) => bulk::Attempt::Failed(Fate::Unprocessed, error),
                    }
                }
            }
        })
        .await
    }

    /// The writes of requests `go`, taken from them.
    fn take(&self, go: &[usize]) -> Writes {
        let mut writes = Writes::new();
        for &r in go {
            let request = &self.requests[r];
            let write = request.write.take();
            writes
                .entry(request.table.clone())
                .or_default()
                .extend(write);
        }
        writes
    }

    /// The writes of requests `pending` built again from their entries (after an answer
    /// that returned none of them).
    fn rebuilt(&self, pending: &[usize]) -> Result<Writes> {
        let mut writes = Writes::new();
        for &r in pending {
            let request = &self.requests[r];
            let (write, _) = rebuild(request, self.schemas)?;
            writes.entry(request.table.clone()).or_default().push(write);
        }
        Ok(writes)
    }

    /// Which of `pending` the service returned unprocessed in `left` (matched by table and
    /// key), and those writes to send again; a write that matches none is not this batch's.
    fn unprocessed(&self, pending: &[usize], left: Writes) -> (Vec<usize>, Writes) {
        let (mut still, mut again) = (Vec::new(), Writes::new());
        for (table, writes) in left {
            let Some(schema) = self.schemas.get(&table) else {
                continue;
            };
            for write in writes {
                let Some(key) = key_of(&write, schema) else {
                    continue;
                };
                let ours = pending.iter().copied().find(|&r| {
                    let request = &self.requests[r];
                    request.table == table && request.key == key && !still.contains(&r)
                });
                if let Some(r) = ours {
                    still.push(r);
                    again.entry(table.clone()).or_default().push(write);
                }
            }
        }
        (still, again)
    }
}

/// A request's write built again from its entry.
fn rebuild(request: &Request, schemas: &Schemas) -> Result<(WriteRequest, Item)> {
    let schema = schemas
        .get(&request.table)
        .ok_or_else(|| Error::invalid(&request.at, "names a table whose key schema is unknown"))?;
    write_request(&request.at, &request.entry, schema)
}

/// What became of the requests, as the output (or an early end's `progress`) shows it:
/// `Written` (a count), `Unprocessed`, `NotSent` and `Unknown` (each table → its requests,
/// as the caller can send them again), `Remainder`, all three together in input order (a
/// `requests` input), and what the answers reported when asked (`ConsumedCapacity`,
/// `ItemCollectionMetrics`). Puts and deletes are idempotent: sending an unknown one again
/// is safe.
fn progress(
    requests: &[Request],
    schemas: &Schemas,
    fates: &[Fate],
    reported: &Reported,
) -> Result<Value> {
    let mut lists: [Map<String, Value>; 4] = Default::default();
    for (request, fate) in requests.iter().zip(fates) {
        let member = match fate {
            Fate::Done => continue,
            Fate::Unprocessed => 0,
            Fate::NotSent => 1,
            Fate::Unknown => 2,
        };
        let rendered = render(&rebuild(request, schemas)?.0);
        for m in [member, 3] {
            let list = lists[m]
                .entry(request.table.clone())
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = list {
                list.push(rendered.clone());
            }
        }
    }
    let [unprocessed, not_sent, unknown, remainder] = lists.map(Value::Object);
    Ok(Obj::new()
        .set("Written", bulk::count(fates, Fate::Done))
        .set("Unprocessed", unprocessed)
        .set("NotSent", not_sent)
        .set("Unknown", unknown)
        .set("Remainder", remainder)
        .opt("ConsumedCapacity", reported.capacity.each())
        .opt("ItemCollectionMetrics", reported.collections.json())
        .build())
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
