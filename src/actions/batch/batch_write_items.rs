//! `batch-write-items`: puts and deletes for one or more tables, any number, in batches of
//! 25 (`BatchWriteItem`); `UnprocessedItems` are retried with jittered exponential backoff
//! up to [`backoff::MAX_ATTEMPTS`], and what is still unprocessed is returned, never dropped.
//! Puts and deletes are idempotent, so a retried batch never changes the outcome.

pub(crate) use crate::component::wit::BatchWriteItemsInput as Input;

use crate::aws::describe;
use crate::component::wit::Connection;
use crate::error::{Error, Result};
use crate::model::keys::KeySchema;
use crate::model::shape::Obj;
use crate::model::Item;
use crate::{actions::item, aws::backoff, aws::client, model::input, model::keys, model::values};
use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

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
    let tables = requested(&input::json("requests", &input.requests)?)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let mut requests = Vec::new();
    for (table, entries) in &tables {
        let schema = describe::key_schema(&client, table).await?;
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
    let batches: Vec<&[Request]> = requests.chunks(BATCH).collect();
    for batch in &batches {
        let entries = batch
            .iter()
            .map(|r| (r.table.as_str(), r.at.as_str(), &r.key));
        keys::no_duplicate_keys(entries, &format!("one batch of {BATCH}"))?;
    }
    let (mut written, mut unprocessed) = (0usize, Map::new());
    for batch in batches {
        let left = send(&client, batch).await?;
        written += batch.len() - left.values().map(Vec::len).sum::<usize>();
        for (table, writes) in left {
            let entry = unprocessed
                .entry(table)
                .or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(list) = entry {
                list.extend(writes.iter().map(render));
            }
        }
    }
    Ok(Obj::new()
        .set("Written", written)
        .set("Unprocessed", Value::Object(unprocessed))
        .build())
}

/// The `requests` input: table name → its array of requests.
fn requested(value: &Value) -> Result<BTreeMap<String, Vec<Value>>> {
    let Value::Object(tables) = value else {
        return Err(Error::invalid(
            "requests",
            "must be a JSON object of table name to requests",
        ));
    };
    tables
        .iter()
        .map(|(table, entries)| match entries {
            Value::Array(list) => Ok((table.clone(), list.clone())),
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

/// Send one batch, retrying its unprocessed items; what is left after the attempts.
async fn send(client: &Client, batch: &[Request]) -> Result<HashMap<String, Vec<WriteRequest>>> {
    let mut pending: HashMap<String, Vec<WriteRequest>> = HashMap::new();
    for request in batch {
        pending
            .entry(request.table.clone())
            .or_default()
            .push(request.write.clone());
    }
    for attempt in 0..backoff::MAX_ATTEMPTS {
        if attempt > 0 {
            backoff::pause(attempt).await;
        }
        let out = client
            .batch_write_item()
            .set_request_items(Some(pending))
            .send()
            .await?;
        pending = out.unprocessed_items.unwrap_or_default();
        pending.retain(|_, writes| !writes.is_empty());
        if pending.is_empty() {
            break;
        }
    }
    Ok(pending)
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
