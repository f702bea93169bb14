//! One module per action. Each takes the step's connection and its input record, checks the
//! input before any request is sent, and returns the AWS-shaped response as JSON.

pub mod create_table;
pub mod delete_item;
pub mod delete_table;
pub mod describe_table;
pub mod get_item;
pub mod list_tables;
pub mod query_items;
pub mod raw_request;
pub mod test_connection;
pub mod update_item;
pub mod upsert_item;

use crate::bindings::exports::dynamodb::connector::actions::{ItemFormat, ReturnValues};
use crate::bindings::exports::dynamodb::connector::types::Connection;
use crate::error::{Error, Result};
use crate::keys::KeySchema;
use crate::shape::Obj;
use crate::values;
use crate::{client, input};
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use serde_json::Value;
use std::collections::HashMap;

/// The item format an input asks for.
fn item_format(format: Option<ItemFormat>) -> values::ItemFormat {
    match format {
        Some(ItemFormat::DynamodbJson) => values::ItemFormat::Typed,
        _ => values::ItemFormat::Plain,
    }
}

/// The `ReturnValues` of a write: `default` when absent, and only `allowed` ones.
fn return_values(
    given: Option<ReturnValues>,
    default: ReturnValues,
    allowed: &[ReturnValues],
) -> Result<ReturnValue> {
    let chosen = given.unwrap_or(default);
    let sdk = match chosen {
        ReturnValues::None => ReturnValue::None,
        ReturnValues::AllOld => ReturnValue::AllOld,
        ReturnValues::UpdatedOld => ReturnValue::UpdatedOld,
        ReturnValues::AllNew => ReturnValue::AllNew,
        ReturnValues::UpdatedNew => ReturnValue::UpdatedNew,
    };
    if allowed.contains(&chosen) {
        Ok(sdk)
    } else {
        Err(Error::invalid(
            "return-values",
            format!("{} is not supported by this action", sdk.as_str()),
        ))
    }
}

/// What a key action (`get-item`, `update-item`, `delete-item`) addresses. Built after the
/// action's other inputs are checked: it assumes the role (if any) and, without a
/// `key-schema` input, reads the table's key with `DescribeTable`.
struct Target {
    client: aws_sdk_dynamodb::Client,
    key: HashMap<String, AttributeValue>,
}

async fn target(
    connection: &Connection,
    region: &str,
    table: &str,
    hash: &str,
    range: &Option<String>,
    key_schema: &Option<String>,
) -> Result<Target> {
    let client = client::dynamodb(connection, region).await?;
    let schema = KeySchema::resolve(&client, table, key_schema.as_deref()).await?;
    let key = schema.key(hash, input::optional(range.as_deref()))?;
    Ok(Target { client, key })
}

/// `{"Attributes": ...}` when a write returned attributes, else `{}`.
fn attributes(
    format: Option<ItemFormat>,
    attributes: Option<&HashMap<String, AttributeValue>>,
) -> Value {
    Obj::new()
        .opt(
            "Attributes",
            attributes.map(|a| item_format(format).item(a)),
        )
        .build()
}
