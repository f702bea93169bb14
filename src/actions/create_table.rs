//! `create-table`: create a table from attribute definitions and a key schema.

pub use crate::wit::CreateTableInput as Input;

use crate::wit::{BillingMode, Connection};
use crate::error::{Error, Result};
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

pub async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let name = input::required("table-name", &input.table_name)?;
    let definitions = input::records(
        "attribute-definitions",
        &input.attribute_definitions,
        &[
            ("AttributeName", None),
            ("AttributeType", Some(&["S", "N", "B"])),
        ],
    )?;
    let keys = input::records(
        "key-schema",
        &input.key_schema,
        &[
            ("AttributeName", None),
            ("KeyType", Some(&["HASH", "RANGE"])),
        ],
    )?;
    // Capacity is sent only for PROVISIONED tables.
    let (billing, throughput) = match input.billing_mode.unwrap_or(BillingMode::Provisioned) {
        BillingMode::PayPerRequest => (SdkBillingMode::PayPerRequest, None),
        BillingMode::Provisioned => (
            SdkBillingMode::Provisioned,
            Some(
                ProvisionedThroughput::builder()
                    .read_capacity_units(capacity(
                        "read-capacity-units",
                        input.read_capacity_units,
                    )?)
                    .write_capacity_units(capacity(
                        "write-capacity-units",
                        input.write_capacity_units,
                    )?)
                    .build()
                    .map_err(|e| Error::invalid("read-capacity-units", e))?,
            ),
        ),
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let mut request = client.create_table().table_name(name);
    for d in definitions {
        request = request.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(&d[0])
                .attribute_type(ScalarAttributeType::from(d[1].as_str()))
                .build()
                .map_err(|e| Error::invalid("attribute-definitions", e))?,
        );
    }
    for k in keys {
        request = request.key_schema(
            KeySchemaElement::builder()
                .attribute_name(&k[0])
                .key_type(KeyType::from(k[1].as_str()))
                .build()
                .map_err(|e| Error::invalid("key-schema", e))?,
        );
    }
    let out = request
        .billing_mode(billing)
        .set_provisioned_throughput(throughput)
        .send()
        .await?;
    Ok(json!({ "TableDescription": out.table_description().map(shape::table) }))
}
