//! `DescribeTable` reads: a table's key schema (what key actions and batches type their
//! keys by) and the key attributes of its cursors (what `max-items` builds a resume
//! cursor from).

use crate::aws::client::Clients;
use crate::aws::paging;
use crate::error::{Error, Kind, Result};
use crate::model::expressions;
use crate::model::keys::{self, KeySchema};
use crate::model::{Item, Key};
use aws_sdk_dynamodb::types::TableDescription;
use aws_sdk_dynamodb::Client;
use std::collections::HashMap;
use std::time::Duration;

/// The description of `table`.
pub async fn table(client: &Client, table: &str) -> Result<TableDescription> {
    let out = client.describe_table().table_name(table).send().await?;
    out.table
        .ok_or_else(|| Error::new(Kind::Service, "DescribeTable returned no table"))
}

/// How long a session keeps a table's key schema after `DescribeTable` told it. A table's key
/// cannot change while it exists; a table deleted and created again under the same name with
/// another key within this time makes the session's key actions fail with the service's
/// `validation` error (a key that does not match the schema is refused, nothing is written)
/// until it passes (docs/performance.md).
const KEY_SCHEMA_KEPT: Duration = Duration::from_mins(1);

/// The key schema of `table`: the session's kept one while fresh, else `DescribeTable`'s.
pub async fn key_schema(client: &Clients, table: &str) -> Result<KeySchema> {
    if let Some(schema) = client.kept_key_schema(table, KEY_SCHEMA_KEPT) {
        return Ok(schema);
    }
    let schema = KeySchema::of(&self::table(client, table).await?)?;
    client.keep_key_schema(table, &schema);
    Ok(schema)
}

/// The key schema of each of `tables` (each read once), by table name.
pub async fn key_schemas<'a>(
    client: &Clients,
    tables: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, KeySchema>> {
    let mut schemas = HashMap::new();
    for table in tables {
        if !schemas.contains_key(table) {
            schemas.insert(table.to_string(), key_schema(client, table).await?);
        }
    }
    Ok(schemas)
}

/// Refuse, before any page is read, a `projection` that leaves out an attribute of the
/// cursor `max-items` may have to build (the table's key and `index`'s): with both given,
/// one `DescribeTable` tells the cursor's attributes, returned for [`cut_items`] so it
/// does not read them again. `field` names the projection input.
pub async fn check_cursor_projection<S: std::hash::BuildHasher>(
    field: &str,
    client: &Client,
    table: &str,
    index: Option<&str>,
    projection: Option<&str>,
    names: Option<&HashMap<String, String, S>>,
    max: Option<usize>,
) -> Result<Option<Vec<String>>> {
    let (Some(projection), Some(_)) = (projection, max) else {
        return Ok(None);
    };
    let projected = expressions::projected_attributes(projection, names);
    let cursor = keys::cursor_attributes(&self::table(client, table).await?, index);
    match cursor.iter().find(|name| !projected.contains(name)) {
        Some(name) => Err(Error::invalid(
            field,
            format!("must include the key attribute {name:?} when max-items is given"),
        )),
        None => Ok(Some(cursor)),
    }
}

/// The first `max` items and the `LastEvaluatedKey` that resumes exactly after the last
/// one returned (see [`paging::cut`]); when `max` cuts the fetched items the cursor is
/// built from the last item's key attributes (of the table, and of `index` if one is
/// read): `cursor` when the caller knows them, else learnt with `DescribeTable`.
pub async fn cut_items(
    client: &Client,
    table: &str,
    index: Option<&str>,
    cursor: Option<Vec<String>>,
    items: Vec<Item>,
    next: Option<Key>,
    max: Option<usize>,
) -> Result<(Vec<Item>, Option<Key>)> {
    let names = match max {
        Some(max) if items.len() > max => match cursor {
            Some(cursor) => cursor,
            None => keys::cursor_attributes(&self::table(client, table).await?, index),
        },
        _ => Vec::new(),
    };
    paging::cut(items, next, max, |last| keys::cursor_of(&names, last))
}
