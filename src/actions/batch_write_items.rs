//! `batch-write-items`: puts and deletes for one or more tables, any number, in batches of
//! 25 (`BatchWriteItem`); `UnprocessedItems` are retried with jittered exponential backoff
//! up to [`backoff::MAX_ATTEMPTS`], and what is still unprocessed is returned, never dropped.
//! Puts and deletes are idempotent, so a retried batch never changes the outcome.

pub use crate::wit::BatchWriteItemsInput as Input;

use crate::error::{Error, Result};
use crate::keys::KeySchema;
use crate::shape::Obj;
use crate::wit::Connection;
use crate::{backoff, client, input, values};
use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use aws_sdk_dynamodb::Client;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Requests per `BatchWriteItem` (the service's limit).
pub const BATCH: usize = 25;

type Item = HashMap<String, AttributeValue>;

/// One checked request: its table, where it stood in the input, and what it does.
struct Request {
    table: String,
    at: String,
    write: WriteRequest,
}

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let tables = requested(&input::json("requests", &input.requests)?)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let (mut requests, mut schemas) = (Vec::new(), HashMap::new());
    for (table, entries) in &tables {
        let schema = KeySchema::describe(&client, table).await?;
        for (i, entry) in entries.iter().enumerate() {
            let at = format!("requests.{table}[{i}]");
            let write = write_request(&at, entry, &schema)?;
            requests.push(Request { table: table.clone(), write, at });
        }
        schemas.insert(table.clone(), schema);
    }
    let batches: Vec<&[Request]> = requests.chunks(BATCH).collect();
    for batch in &batches {
        no_duplicate_keys(batch, &schemas)?;
    }
    let (mut written, mut unprocessed) = (0usize, Map::new());
    for batch in batches {
        let left = send(&client, batch).await?;
        written += batch.len() - left.values().map(Vec::len).sum::<usize>();
        for (table, writes) in left {
            let entry = unprocessed.entry(table).or_insert_with(|| Value::Array(Vec::new()));
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
        return Err(Error::invalid("requests", "must be a JSON object of table name to requests"));
    };
    tables
        .iter()
        .map(|(table, entries)| match entries {
            Value::Array(list) => Ok((table.clone(), list.clone())),
            _ => Err(Error::invalid(format!("requests.{table}"), "must be an array of requests")),
        })
        .collect()
}

/// One request entry as a `WriteRequest`.
fn write_request(at: &str, entry: &Value, schema: &KeySchema) -> Result<WriteRequest> {
    let fields: Vec<&str> = entry.as_object().map(|o| o.keys().map(String::as_str).collect()).unwrap_or_default();
    match (entry.get("put"), entry.get("delete")) {
        (Some(item), None) if fields.iter().all(|f| ["put", "types"].contains(f)) => {
            let item = match entry.get("types") {
                Some(types) => values::typed_map(&format!("{at}.put"), item, &format!("{at}.types"), types)?,
                None => natural_item(&format!("{at}.put"), item)?,
            };
            schema.key_of(at, &item)?;
            let item = values::within_item_size(at, item)?;
            let put = PutRequest::builder().set_item(Some(item)).build().map_err(|e| Error::invalid(at, e))?;
            Ok(WriteRequest::builder().put_request(put).build())
        }
        (None, Some(key)) if fields == ["delete"] => {
            let key = schema.plain_key(&format!("{at}.delete"), key)?;
            let delete = DeleteRequest::builder().set_key(Some(key)).build().map_err(|e| Error::invalid(at, e))?;
            Ok(WriteRequest::builder().delete_request(delete).build())
        }
        _ => Err(Error::invalid(at, "must be {\"put\": ITEM} (with optional \"types\") or {\"delete\": KEY}")),
    }
}

/// A plain JSON object as an item, every attribute in its natural type.
fn natural_item(field: &str, item: &Value) -> Result<Item> {
    let Value::Object(members) = item else {
        return Err(Error::invalid(field, "must be a JSON object"));
    };
    members
        .iter()
        .map(|(k, v)| Ok((k.clone(), values::natural(&format!("{field}.{k}"), v)?)))
        .collect()
}

/// DynamoDB refuses a batch that touches one key twice: find that before sending.
fn no_duplicate_keys(batch: &[Request], schemas: &HashMap<String, KeySchema>) -> Result<()> {
    let mut seen: HashMap<(&str, String), &str> = HashMap::new();
    for request in batch {
        let key = schemas[&request.table].key_of(&request.at, target(&request.write))?;
        let identity = format!("{:?}", sorted(&key));
        if let Some(first) = seen.insert((&request.table, identity), &request.at) {
            return Err(Error::invalid(
                &request.at,
                format!("has the same key as {first} in one batch of {BATCH}"),
            ));
        }
    }
    Ok(())
}

fn sorted(key: &Item) -> BTreeMap<&String, &AttributeValue> {
    key.iter().collect()
}

/// The item of a put, or the key of a delete.
fn target(write: &WriteRequest) -> &Item {
    static EMPTY: std::sync::OnceLock<Item> = std::sync::OnceLock::new();
    match (write.put_request(), write.delete_request()) {
        (Some(put), _) => put.item(),
        (_, Some(delete)) => delete.key(),
        _ => EMPTY.get_or_init(Item::new),
    }
}

/// Send one batch, retrying its unprocessed items; what is left after the attempts.
async fn send(client: &Client, batch: &[Request]) -> Result<HashMap<String, Vec<WriteRequest>>> {
    let mut pending: HashMap<String, Vec<WriteRequest>> = HashMap::new();
    for request in batch {
        pending.entry(request.table.clone()).or_default().push(request.write.clone());
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

/// An unprocessed request as the caller can send it again: `{"put", "types"}` or
/// `{"delete"}`.
fn render(write: &WriteRequest) -> Value {
    match (write.put_request(), write.delete_request()) {
        (Some(put), _) => Obj::new()
            .set("put", values::plain_item(put.item()))
            .set("types", Value::Object(put.item().iter().map(|(k, v)| (k.clone(), Value::from(values::type_code(v)))).collect()))
            .build(),
        (_, Some(delete)) => Obj::new().set("delete", values::plain_item(delete.key())).build(),
        _ => Value::Null,
    }
}
