//! `batch-get-items`: items by key from one or more tables, any number, in batches of 100
//! (`BatchGetItem`) with up to `concurrency` batches in flight ([`bulk`]);
//! `UnprocessedKeys` (and throttling errors) are retried per batch with jittered
//! exponential backoff up to [`crate::aws::backoff::MAX_ATTEMPTS`], and keys still unread are returned,
//! never dropped. A key with no item is simply absent from `Responses`. A step that ends
//! early is an error whose `progress` holds what was read and the keys left.

pub(crate) use crate::wit::BatchGetItemsInput as Input;

use crate::aws::bulk::{self, Fate};
use crate::aws::capacity::{self, Tally};
use crate::aws::client::Clients;
use crate::aws::describe;
use crate::aws::lean;
use crate::error::{Error, Kind, Result};
use crate::model::keys::{self};
use crate::model::shape::Obj;
use crate::model::Access;
use crate::model::Item;
use crate::wit::Connection;
use crate::{actions::item, aws::client, model::input, model::values};
use aws_sdk_dynamodb::operation::batch_get_item::builders::BatchGetItemInputBuilder;
use aws_sdk_dynamodb::types::{KeysAndAttributes, ReturnConsumedCapacity};
use serde_json::{Map, Value};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;

/// Keys per `BatchGetItem` (the service's limit).
pub(crate) const BATCH: usize = 100;

/// A key to read: its table, its input field and the key.
type Key = (String, String, Item);

/// What was read so far: the items by table, and the capacity the answers reported.
struct Read {
    items: HashMap<String, Vec<Item>>,
    capacity: Tally,
}

/// [`Read`], shared by the batches in flight.
type Found = RefCell<Read>;

/// What every `BatchGetItem` of the step asks for besides its keys.
#[derive(Clone)]
struct Ask {
    consistent: Option<bool>,
    capacity: Option<ReturnConsumedCapacity>,
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let Value::Object(tables) = input::json("keys", &input.keys)? else {
        return Err(Error::invalid(
            "keys",
            "must be a JSON object of table name to keys",
        ));
    };
    let mut window = bulk::Window::new(bulk::concurrency(input.concurrency)?);
    let deadline = bulk::Deadline::new(input.time_limit_seconds)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let keys = checked(&client, &tables).await?;
    let batches: Vec<Range<usize>> = (0..keys.len())
        .step_by(BATCH)
        .map(|start| start..keys.len().min(start + BATCH))
        .collect();
    for batch in &batches {
        let entries = keys[batch.clone()]
            .iter()
            .map(|(table, at, key)| (table.as_str(), at.as_str(), key));
        keys::no_duplicate_keys(entries, &format!("one batch of {BATCH}"))?;
    }
    let ledger = bulk::Ledger::new(keys.len(), batches.len());
    let ask = Ask {
        consistent: input.consistent_read,
        capacity: capacity::asked(input.return_consumed_capacity),
    };
    let found = Found::new(Read {
        items: HashMap::new(),
        capacity: Tally::asked(ask.capacity.as_ref()),
    });
    let start = |b: usize| {
        let (ledger, keys, found, client) = (&ledger, &keys, &found, &client);
        let (deadline, batch, ask) = (&deadline, batches[b].clone(), &ask);
        async move {
            let go = batch.collect();
            let (throttled, error) = read(client, keys, go, ask, (ledger, found), deadline).await;
            ledger.end(b, throttled, error)
        }
    };
    bulk::run(batches.len(), &mut window, &deadline, |_| true, start).await;
    let (fates, error) = ledger.close(&deadline);
    let format = item::format(input.item_format);
    let progress = progress(&keys, &fates, found.into_inner(), |i| format.item(i));
    bulk::outcome(error, &counts(&fates), progress)
}

/// Every key of `tables` checked against its table's key schema, in input order.
async fn checked(client: &Clients, tables: &Map<String, Value>) -> Result<Vec<Key>> {
    let mut keys = Vec::new();
    for (table, list) in tables {
        let Value::Array(list) = list else {
            return Err(Error::invalid(
                format!("keys.{table}"),
                "must be an array of keys",
            ));
        };
        let schema = describe::key_schema(client, table).await?;
        for (i, key) in list.iter().enumerate() {
            let at = format!("keys.{table}[{i}]");
            keys.push((table.clone(), at.clone(), schema.exact_key(&at, key)?));
        }
    }
    Ok(keys)
}

/// Read the keys `go` as one batch, retrying those that come back unprocessed (or
/// throttled); the items go to `found`, the keys' fates to the ledger. Returns whether the
/// batch was throttled, and the error that stopped it (the deadline's included).
async fn read(
    client: &Clients,
    keys: &[Key],
    go: Vec<usize>,
    ask: &Ask,
    (ledger, found): (&bulk::Ledger, &Found),
    deadline: &bulk::Deadline,
) -> (bool, Option<Error>) {
    let cut = (deadline, Fate::Unprocessed);
    bulk::retry(go, ledger, cut, async |pending: &[usize]| {
        let out = match send(client, keys, pending, ask).await {
            Ok(out) => out,
            Err(error) if error.kind == Kind::Throttled => return bulk::Attempt::Throttled,
            Err(error) => return bulk::Attempt::Failed(Fate::Unprocessed, error),
        };
        let mut found = found.borrow_mut();
        found.capacity.add_each(out.consumed_capacity());
        for (table, items) in out.responses.unwrap_or_default() {
            found.items.entry(table).or_default().extend(items);
        }
        let left = out.unprocessed_keys.unwrap_or_default();
        let still = pending.iter().copied().filter(|&k| {
            let (table, _, key) = &keys[k];
            left.get(table).is_some_and(|l| l.keys.contains(key))
        });
        bulk::Attempt::Answered(still.collect())
    })
    .await
}

/// One `BatchGetItem` of the keys `pending`.
async fn send(
    client: &Clients,
    keys: &[Key],
    pending: &[usize],
    ask: &Ask,
) -> Result<aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput> {
    let mut by_table: HashMap<String, Vec<Item>> = HashMap::new();
    for &k in pending {
        let (table, _, key) = &keys[k];
        by_table.entry(table.clone()).or_default().push(key.clone());
    }
    let request = by_table
        .into_iter()
        .map(|(table, keys)| {
            let wanted = KeysAndAttributes::builder()
                .set_keys(Some(keys))
                .set_consistent_read(ask.consistent);
            Ok((
                table,
                wanted.build().map_err(|e| Error::invalid("keys", e))?,
            ))
        })
        .collect::<Result<HashMap<_, _>>>()?;
    let sent = BatchGetItemInputBuilder::default()
        .set_request_items(Some(request))
        .set_return_consumed_capacity(ask.capacity.clone());
    Ok(lean::send(client, Access::Read, sent).await?)
}

/// What was read and what was not, as the output (or an early end's `progress`) shows it:
/// `Responses` (each table → its items), `UnprocessedKeys` and `NotSent` (each table → its
/// keys), `Remainder`, both together in input order (a `keys` input), and
/// `ConsumedCapacity` when asked for.
fn progress(keys: &[Key], fates: &[Fate], found: Read, render: impl Fn(&Item) -> Value) -> Value {
    let mut responses = Map::new();
    append(&mut responses, found.items, render);
    let by_table = |keep: &dyn Fn(Fate) -> bool| {
        let mut tables = Map::new();
        for ((table, _, key), fate) in keys.iter().zip(fates) {
            if keep(*fate) {
                let list = tables
                    .entry(table.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                if let Value::Array(list) = list {
                    list.push(values::item_to_json_plain(key));
                }
            }
        }
        Value::Object(tables)
    };
    Obj::new()
        .set("Responses", Value::Object(responses))
        .set("UnprocessedKeys", by_table(&|f| f == Fate::Unprocessed))
        .set("NotSent", by_table(&|f| f == Fate::NotSent))
        .set("Remainder", by_table(&|f| f != Fate::Done))
        .opt("ConsumedCapacity", found.capacity.each())
        .build()
}

/// The counts of an early end's message.
fn counts(fates: &[Fate]) -> String {
    format!(
        "{} of {} keys read, {} unprocessed, {} not sent",
        bulk::count(fates, Fate::Done),
        fates.len(),
        bulk::count(fates, Fate::Unprocessed),
        bulk::count(fates, Fate::NotSent),
    )
}

/// Add `items` by table to `into`, each rendered by `render`.
fn append(
    into: &mut Map<String, Value>,
    items: HashMap<String, Vec<Item>>,
    render: impl Fn(&Item) -> Value,
) {
    for (table, list) in items {
        if let Value::Array(rendered) = into
            .entry(table)
            .or_insert_with(|| Value::Array(Vec::new()))
        {
            rendered.extend(list.iter().map(&render));
        }
    }
}
