//! `update-time-to-live`: enable expiry by an attribute, or disable it
//! (`UpdateTimeToLive`). Disabling without `attribute-name` reads the attribute from the
//! table's current setting. Setting the same state twice is what the service refuses, not
//! the connector.

pub(crate) use crate::wit::UpdateTimeToLiveInput as Input;

use crate::aws::delivery;
use crate::error::{Error, Result};
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use aws_sdk_dynamodb::types::TimeToLiveSpecification;
use aws_sdk_dynamodb::Client;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let given = input::text(&input.attribute_name);
    if input.enabled && given.is_none() {
        return Err(Error::invalid(
            "attribute-name",
            "is required to enable time to live",
        ));
    }
    if given.as_ref().is_some_and(|name| name.len() > 255) {
        return Err(Error::invalid(
            "attribute-name",
            "is longer than DynamoDB's 255 bytes",
        ));
    }
    let client = client::dynamodb(connection, &input.region).await?;
    let attribute = match given {
        Some(name) => name,
        None => current_attribute(&client, table).await?,
    };
    let specification = TimeToLiveSpecification::builder()
        .enabled(input.enabled)
        .attribute_name(attribute)
        .build()
        .map_err(|e| Error::invalid("attribute-name", e))?;
    let out = client::at_most_once(&client)
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(delivery::write)?;
    let set = out.time_to_live_specification().map(|s| {
        Obj::new()
            .set("Enabled", s.enabled())
            .set("AttributeName", s.attribute_name())
            .build()
    });
    Ok(Obj::new().opt("TimeToLiveSpecification", set).build())
}

/// The attribute time to live is set on now, for disabling it.
async fn current_attribute(client: &Client, table: &str) -> Result<String> {
    let out = client
        .describe_time_to_live()
        .table_name(table)
        .send()
        .await?;
    out.time_to_live_description()
        .and_then(|d| d.attribute_name())
        .map(str::to_string)
        .ok_or_else(|| {
            Error::invalid(
                "attribute-name",
                "is required: the table has no time-to-live attribute to disable",
            )
        })
}
