//! `create-table`: create a table from attribute definitions and a key schema.

pub use crate::wit::CreateTableInput as Input;

use crate::error::{self, Error, Result};
use crate::wit::{BillingMode, Connection};
use crate::{client, input, shape};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode as SdkBillingMode, KeySchemaElement, KeyType,
    ProvisionedThroughput, ScalarAttributeType,
};
use serde_json::{json, Value};

/// Capacity units used for `PROVISIONED` tables when none are given (as in the reference).
pub const DEFAULT_CAPACITY_UNITS: u64 = 5;

fn capacity(field: &str, units: Option<u64>) -> Result<i64> {
    match units.unwrap_or(DEFAULT_CAPACITY_UNITS) {
        0 => Err(Error::invalid(field, "must be at least 1")),
        n => i64::try_from(n).map_err(|_| Error::invalid(field, "is too large")),
    }
}

/// The billing mode and, for `PROVISIONED` only, the capacity to send.
fn billing(input: &Input) -> Result<(SdkBillingMode, Option<ProvisionedThroughput>)> {
    if input.billing_mode == Some(BillingMode::PayPerRequest) {
        return Ok((SdkBillingMode::PayPerRequest, None));
    }
    let throughput = ProvisionedThroughput::builder()
        .read_capacity_units(capacity("read-capacity-units", input.read_capacity_units)?)
        .write_capacity_units(capacity(
            "write-capacity-units",
            input.write_capacity_units,
        )?)
        .build()
        .map_err(|e| Error::invalid("read-capacity-units", e))?;
    Ok((SdkBillingMode::Provisioned, Some(throughput)))
}

/// A JSON array input of `{"AttributeName": ..., KIND: ...}` records (KIND one of `kinds`),
/// each turned into the SDK's type by `build(name, kind)`.
fn named<T, E: std::fmt::Display>(
    field: &str,
    text: &str,
    (kind, kinds): (&str, &[&str]),
    build: impl Fn(&str, &str) -> std::result::Result<T, E>,
) -> Result<Vec<T>> {
    let records = input::records(field, text, &[("AttributeName", None), (kind, Some(kinds))])?;
    records
        .iter()
        .map(|r| build(&r[0], &r[1]).map_err(|e| Error::invalid(field, e)))
        .collect()
}

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let definitions = named(
        "attribute-definitions",
        &input.attribute_definitions,
        ("AttributeType", &["S", "N", "B"]),
        |name, kind| {
            let definition = AttributeDefinition::builder().attribute_name(name);
            definition
                .attribute_type(ScalarAttributeType::from(kind))
                .build()
        },
    )?;
    let keys = named(
        "key-schema",
        &input.key_schema,
        ("KeyType", &["HASH", "RANGE"]),
        |name, kind| {
            let element = KeySchemaElement::builder().attribute_name(name);
            element.key_type(KeyType::from(kind)).build()
        },
    )?;
    let (billing, throughput) = billing(&input)?;
    let client = client::writer(connection, &input.region).await?;
    let out = client
        .create_table()
        .table_name(name)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(keys))
        .billing_mode(billing)
        .set_provisioned_throughput(throughput)
        .send()
        .await
        .map_err(error::write)?;
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}
