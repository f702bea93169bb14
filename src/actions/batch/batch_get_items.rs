//! `batch-get-items`: items by key from one or more tables, any number, in batches of 100
//! (`BatchGetItem`); `UnprocessedKeys` are retried with jittered exponential backoff up to
//! [`backoff::MAX_ATTEMPTS`], and keys still unread are returned, never dropped. A key
//! with no item is simply absent from `Responses`.

pub(crate) use crate::component::wit::BatchGetItemsInput as Input;

use crate::aws::describe;
use crate::component::wit::Connection;
use crate::error::{Error, Result};
use crate::model::keys::{self};
use crate::model::shape::Obj;
use crate::model::Item;
use crate::{actions::item, aws::backoff, aws::client, model::input, model::values};
use aws_sdk_dynamodb::types::KeysAndAttributes;
use aws_sdk_dynamodb::Client;
use serde_json::{Map, Value};
use std::collections::HashMap;

/// Keys per `BatchGetItem` (the service's limit).
pub(crate) const BATCH: usize = 100;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let Value::Object(tables) = input::json("keys", &input.keys)? else {
        return Err(Error::invalid(
            "keys",
            "must be a JSON object of table name to keys",
        ));
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let mut keys = Vec::new();
    for (table, list) in &tables {
        let Value::Array(list) = list else {
            return Err(Error::invalid(
                format!("keys.{table}"),
                "must be an array of keys",
            ));
        };
        let schema = describe::key_schema(&client, table).await?;
        for (i, key) in list.iter().enumerate() {
            let at = format!("keys.{table}[{i}]");
            keys.push((table.clone(), at.clone(), schema.exact_key(&at, key)?));
        }
    }
    let batches: Vec<_> = keys.chunks(BATCH).collect();
    for batch in &batches {
        let entries = batch
            .iter()
            .map(|(table, at, key)| (table.as_str(), at.as_str(), key));
        keys::no_duplicate_keys(entries, &format!("one batch of {BATCH}"))?;
    }
    let format = item::format(input.item_format);
    let (mut found, mut unread) = (Map::new(), Map::new());
    for batch in batches {
        let (items, left) = read(&client, batch, input.consistent_read).await?;
        append(&mut found, items, |i| format.item(i));
        append(&mut unread, left, values::item_to_json_plain);
    }
    Ok(Obj::new()
        .set("Responses", Value::Object(found))
        .set("UnprocessedKeys", Value::Object(unread))
        .build())
}

/// Read one batch, retrying its unprocessed keys: the items read and the keys left.
async fn read(
    client: &Client,
    batch: &[(String, String, Item)],
    consistent: Option<bool>,
) -> Result<(HashMap<String, Vec<Item>>, HashMap<String, Vec<Item>>)> {
    let mut pending: HashMap<String, Vec<Item>> = HashMap::new();
    for (table, _, key) in batch {
        pending.entry(table.clone()).or_default().push(key.clone());
    }
    let mut found: HashMap<String, Vec<Item>> = HashMap::new();
    for attempt in 0..backoff::MAX_ATTEMPTS {
        if attempt > 0 {
            backoff::pause(attempt).await;
        }
        let request = pending
            .drain()
            .map(|(table, keys)| {
                let wanted = KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .set_consistent_read(consistent);
                Ok((
                    table,
                    wanted.build().map_err(|e| Error::invalid("keys", e))?,
                ))
            })
            .collect::<Result<HashMap<_, _>>>()?;
        let out = client
            .batch_get_item()
            .set_request_items(Some(request))
            .send()
            .await?;
        for (table, items) in out.responses.unwrap_or_default() {
            found.entry(table).or_default().extend(items);
        }
        pending = out
            .unprocessed_keys
            .unwrap_or_default()
            .into_iter()
            .map(|(table, left)| (table, left.keys))
            .filter(|(_, keys)| !keys.is_empty())
            .collect();
        if pending.is_empty() {
            break;
        }
    }
    Ok((found, pending))
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
