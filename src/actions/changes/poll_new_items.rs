//! `poll-new-items`: the items of one partition of a secondary index whose range key (an
//! attribute every write sets to a growing value, such as `updatedAt`) passed the cursor,
//! in that order, each once ([`crate::model::poll_cursor`]). The index's key type decides
//! the comparison (numbers as numbers, strings as text), never the value's look.
//!
//! A local index is read with strongly consistent reads; a global one is eventually
//! consistent (docs/triggers.md says what that means for a poll).
//!
//! Why an index first: a `Scan` returns items in no order, so a poll by scan cannot tell,
//! without keeping every key it returned, whether an item rewritten during the scan was
//! already passed; a `Query` of an index sorted by the cursor attribute can. Without an
//! index, the scan form ([`scan_pass`]) reads the table in passes and moves the cursor only
//! when a pass is done.

mod scan_pass;

pub(crate) use crate::wit::PollNewItemsInput as Input;

use crate::actions::item;
use crate::error::{Error, Result};
use crate::model::keys::KeySchema;
use crate::model::poll_cursor::{digest, PollCursor};
use crate::model::skew;
use crate::model::values::{self, item_to_json_typed, TypeCode};
use crate::model::Item;
use crate::wit::Connection;
use crate::{aws::client, aws::describe, model::input};
use aws_sdk_dynamodb::types::{
    AttributeValue, KeySchemaElement, KeyType, ScalarAttributeType, TableDescription,
};
use serde_json::{json, Value};
use std::collections::HashMap;

/// `max-items` when absent, and its maximum.
const DEFAULT_ITEMS: u32 = 100;
const MAX_ITEMS: u32 = 1000;

/// The index polled: its hash and range key attributes, the range key's type, and
/// whether it is a local index (read with strongly consistent reads).
struct Index {
    hash: String,
    range: String,
    kind: TypeCode,
    local: bool,
}

/// The scan form's segments when absent, and their most.
const DEFAULT_SEGMENTS: u32 = 4;
const MAX_SEGMENTS: u32 = 16;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let index_name = input::optional(input.index_name.as_deref());
    let attribute = input::optional(input.cursor_attribute.as_deref());
    let index_name = match (index_name, attribute) {
        (Some(name), None) => input::index_name("index-name", name)?,
        (None, Some(attribute)) => return scan_form(connection, &input, table, attribute).await,
        (Some(_), Some(_)) => {
            return Err(Error::invalid(
                "cursor-attribute",
                "give index-name (the index form) or cursor-attribute (the scan form), not both",
            ))
        }
        (None, None) => {
            return Err(Error::invalid(
                "index-name",
                "is required, or give cursor-attribute to poll by scanning the table",
            ))
        }
    };
    let max = max_items(input.max_items)?;
    let partition = input::value_or_text("partition-value", input.partition_value.as_deref())?
        .ok_or_else(|| Error::invalid("partition-value", "is required with index-name"))?;
    let start = input::value_or_text("start-after", input.start_after.as_deref())?;
    let format = item::format(input.item_format);
    let client = client::dynamodb(connection, &input.region).await?;
    let description = describe::table(&client, table).await?;
    let index = index(&description, index_name)?;
    let keys = KeySchema::of(&description)?;
    let partition = values::from_json_typed(
        "partition-value",
        &partition,
        key_type(&description, &index.hash),
    )?;
    let scope = [
        table.to_string(),
        index_name.to_string(),
        index.range.clone(),
    ];
    let mut cursor = match input::optional(input.cursor.as_deref()) {
        Some(text) => PollCursor::decode(text, &scope)?,
        None => first_cursor(scope, &index, start.as_ref())?,
    };
    let skew = skew::seconds(input.cursor_skew_seconds, index.local)?;
    let from = skew::low(&cursor, skew).or_else(|| cursor.mark.clone());
    let (mut items, mut start_key, mut more) = (Vec::new(), None, false);
    loop {
        let page = client
            .query()
            .table_name(table)
            .index_name(index_name)
            .consistent_read(index.local)
            .key_condition_expression(condition(&cursor))
            .set_expression_attribute_names(Some(names_of(&cursor, &index)))
            .set_expression_attribute_values(Some(values_of(
                from.as_deref(),
                &index,
                partition.clone(),
            )))
            .limit(i32::try_from(max + cursor.held()).unwrap_or(i32::MAX))
            .set_exclusive_start_key(start_key.take())
            .send()
            .await?;
        let room = max - items.len();
        let (taken, cut) = take(&mut cursor, &keys, &index, page.items(), room, skew > 0)?;
        items.extend(taken);
        start_key = page.last_evaluated_key;
        if cut || (items.len() == max && start_key.is_some()) {
            more = true;
            break;
        }
        if start_key.is_none() {
            break;
        }
    }
    let low = skew::low(&cursor, skew);
    cursor.forget_below(low.as_deref());
    Ok(json!({"Items": format.items(&items), "Cursor": cursor.encode(), "More": more}))
}

/// `max-items`: 1 to 1000, 100 when absent.
fn max_items(max: Option<u32>) -> Result<usize> {
    match max.unwrap_or(DEFAULT_ITEMS) {
        n @ 1..=MAX_ITEMS => Ok(n as usize),
        _ => Err(Error::invalid(
            "max-items",
            format!("must be from 1 to {MAX_ITEMS}"),
        )),
    }
}

/// The scan form: one poll of the pass under way ([`scan_pass`]).
async fn scan_form(
    connection: &Connection,
    input: &Input,
    table: &str,
    attribute: &str,
) -> Result<Value> {
    if input::optional(input.partition_value.as_deref()).is_some() {
        return Err(Error::invalid(
            "partition-value",
            "goes with index-name: the scan form reads every partition",
        ));
    }
    let max = max_items(input.max_items)?;
    let segments = match input.segments.unwrap_or(DEFAULT_SEGMENTS) {
        n @ 1..=MAX_SEGMENTS => n as usize,
        _ => {
            return Err(Error::invalid(
                "segments",
                format!("must be from 1 to {MAX_SEGMENTS}"),
            ))
        }
    };
    let start = input::value_or_text("start-after", input.start_after.as_deref())?;
    let format = item::format(input.item_format);
    let scope = [table.to_string(), String::new(), attribute.to_string()];
    let mut cursor = match input::optional(input.cursor.as_deref()) {
        Some(text) => PollCursor::decode(text, &scope)?,
        None => scan_pass::first_cursor(scope, start.as_ref())?,
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let keys = describe::key_schema(&client, table).await?;
    let scan = scan_pass::Scan {
        client: &client,
        table,
        keys: &keys,
        attribute,
    };
    let (items, more) = scan_pass::poll(&scan, &mut cursor, segments, max).await?;
    Ok(json!({"Items": format.items(&items), "Cursor": cursor.encode(), "More": more}))
}

/// The index `name` of the table, with a range key of type `S` or `N`.
fn index(description: &TableDescription, name: &str) -> Result<Index> {
    let global = description
        .global_secondary_indexes()
        .iter()
        .map(|i| (i.index_name(), i.key_schema(), false));
    let local = description
        .local_secondary_indexes()
        .iter()
        .map(|i| (i.index_name(), i.key_schema(), true));
    let (_, schema, local) = global
        .chain(local)
        .find(|(n, ..)| *n == Some(name))
        .ok_or_else(|| {
            Error::invalid(
                "index-name",
                format!("table has no secondary index {name:?}"),
            )
        })?;
    let key = |kind: KeyType| {
        schema
            .iter()
            .find(|k| *k.key_type() == kind)
            .map(KeySchemaElement::attribute_name)
    };
    let hash = key(KeyType::Hash).unwrap_or_default().to_string();
    let range = key(KeyType::Range)
        .ok_or_else(|| {
            Error::invalid(
                "index-name",
                format!("index {name:?} has no range key to poll by"),
            )
        })?
        .to_string();
    let kind = match key_type(description, &range) {
        TypeCode::B => {
            return Err(Error::invalid(
                "index-name",
                format!(
                "the range key of index {name:?} is binary: poll by a string or number attribute"
            ),
            ))
        }
        kind => kind,
    };
    Ok(Index {
        hash,
        range,
        kind,
        local,
    })
}

/// The type of key attribute `name`, from the table's attribute definitions.
fn key_type(description: &TableDescription, name: &str) -> TypeCode {
    let defined = description
        .attribute_definitions()
        .iter()
        .find(|d| d.attribute_name() == name);
    match defined.map(aws_sdk_dynamodb::types::AttributeDefinition::attribute_type) {
        Some(ScalarAttributeType::N) => TypeCode::N,
        Some(ScalarAttributeType::B) => TypeCode::B,
        _ => TypeCode::S,
    }
}

/// The first poll's cursor: after `start-after` (exclusive), or before everything.
fn first_cursor(scope: [String; 3], index: &Index, start: Option<&Value>) -> Result<PollCursor> {
    let mark = match start {
        Some(value) => Some(text_of(&values::from_json_typed(
            "start-after",
            value,
            index.kind,
        )?)),
        None => None,
    };
    let kind = if index.kind == TypeCode::N { "N" } else { "S" };
    Ok(PollCursor::first(scope, kind, mark))
}

/// An `S` or `N` value's text.
fn text_of(value: &AttributeValue) -> String {
    match value {
        AttributeValue::N(text) | AttributeValue::S(text) => text.clone(),
        _ => String::new(),
    }
}

/// The key condition: the partition, and the range key from the mark.
fn condition(cursor: &PollCursor) -> &'static str {
    match (&cursor.mark, cursor.strict) {
        (None, _) => "#p = :p",
        (Some(_), true) => "#p = :p AND #c > :m",
        (Some(_), false) => "#p = :p AND #c >= :m",
    }
}

/// `#p` and, with a mark, `#c` (the service refuses a name the condition does not use).
fn names_of(cursor: &PollCursor, index: &Index) -> HashMap<String, String> {
    let mut names = HashMap::from([("#p".to_string(), index.hash.clone())]);
    if cursor.mark.is_some() {
        names.insert("#c".to_string(), index.range.clone());
    }
    names
}

/// `:p` and, with a mark, `:m` (the mark, or the skew window's lower end) in the cursor's
/// type.
fn values_of(
    from: Option<&str>,
    index: &Index,
    partition: AttributeValue,
) -> HashMap<String, AttributeValue> {
    let mut values = HashMap::from([(":p".to_string(), partition)]);
    if let Some(mark) = from {
        let mark = match index.kind {
            TypeCode::N => AttributeValue::N(mark.to_string()),
            _ => AttributeValue::S(mark.to_string()),
        };
        values.insert(":m".to_string(), mark);
    }
    values
}

/// Up to `room` items of `page` not returned before, moving the cursor past each (keeping
/// those it passes while a skew `window` is on); and whether the page had more than `room`.
fn take(
    cursor: &mut PollCursor,
    keys: &KeySchema,
    index: &Index,
    page: &[Item],
    room: usize,
    window: bool,
) -> Result<(Vec<Item>, bool)> {
    let mut taken = Vec::new();
    for item in page {
        let value = item.get(&index.range).map(text_of).unwrap_or_default();
        let key = keys.key_of("Items", item)?;
        let digest = digest(&item_to_json_typed(&key).to_string());
        if cursor.returned(&value, digest) {
            continue;
        }
        if taken.len() == room {
            return Ok((taken, true));
        }
        cursor.advance(&value, digest, window);
        taken.push(item.clone());
    }
    Ok((taken, false))
}
