//! `transact-get-items`: up to 100 items by key across tables, read as one snapshot
//! (`TransactGetItems`); the answer lists them in the order asked, `null` where there is
//! no item.

pub(crate) use crate::wit::TransactGetItemsInput as Input;

use crate::aws::describe;
use crate::aws::transaction::{self, MAX_ACTIONS};
use crate::error::{Error, Result};
use crate::model::expressions;
use crate::model::input::Params;
use crate::model::keys::{self};
use crate::model::Access;
use crate::wit::Connection;
use crate::{aws::capacity, aws::client};
use aws_sdk_dynamodb::types::{Get, TransactGetItem};
use serde_json::Value;

/// The members of one read.
const MEMBERS: [&str; 4] = [
    "table-name",
    "key",
    "projection-expression",
    "expression-attribute-names",
];

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let entries = Params::entries("gets", &input.gets, MAX_ACTIONS, &MEMBERS)?;
    let tables = entries
        .iter()
        .map(|e| e.required("table-name"))
        .collect::<Result<Vec<_>>>()?;
    let asked = capacity::asked(input.return_consumed_capacity);
    let client = client::dynamodb(connection, &input.region).await?;
    let schemas = describe::key_schemas(&client, tables.iter().map(String::as_str)).await?;
    let mut keys = Vec::new();
    let mut gets = Vec::new();
    for (entry, table) in entries.iter().zip(&tables) {
        let key = entry.value("key").cloned().unwrap_or_default();
        let key = schemas[table].exact_key(&entry.at("key"), &key)?;
        gets.push(get(entry, table, key.clone())?);
        keys.push((table.as_str(), entry.field(), key));
    }
    let entries = keys.iter().map(|(table, at, key)| (*table, *at, key));
    keys::no_duplicate_keys(entries, "one transaction")?;
    let out = client
        .transact_get_items()
        .set_transact_items(Some(gets))
        .set_return_consumed_capacity(asked.clone())
        .send()
        .await
        .map_err(|e| transaction::error(e, "gets", Access::Read))?;
    let capacity = (asked.as_ref(), out.consumed_capacity());
    Ok(super::read_output(
        input.item_format,
        out.responses(),
        capacity,
    ))
}

/// One read of the transaction.
fn get(
    entry: &Params,
    table: &str,
    key: std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>,
) -> Result<TransactGetItem> {
    let names_at = entry.at("expression-attribute-names");
    let names = entry.value("expression-attribute-names");
    let names = names
        .map(|n| expressions::names_of(&names_at, n))
        .transpose()?;
    let get = Get::builder()
        .table_name(table)
        .set_key(Some(key))
        .set_projection_expression(entry.string("projection-expression")?)
        .set_expression_attribute_names(names)
        .build()
        .map_err(|e| Error::invalid(entry.field(), e))?;
    Ok(TransactGetItem::builder().get(get).build())
}
