//! What the table administration actions share (`create-table`, `update-table`): attribute
//! definitions, key schemas and provisioned capacity, checked.

use crate::error::{Error, Result};
use crate::input;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, ProvisionedThroughput, ScalarAttributeType,
};

/// Capacity units used for `PROVISIONED` tables when none are given (as in the reference).
pub const DEFAULT_CAPACITY_UNITS: u64 = 5;

/// A capacity input: 1 or more (the default when absent).
pub fn capacity(field: &str, units: Option<u64>) -> Result<i64> {
    match units.unwrap_or(DEFAULT_CAPACITY_UNITS) {
        0 => Err(Error::invalid(field, "must be at least 1")),
        n => i64::try_from(n).map_err(|_| Error::invalid(field, "is too large")),
    }
}

/// Read and write capacity (`read-capacity-units`, `write-capacity-units`).
pub fn throughput(read: Option<u64>, write: Option<u64>) -> Result<ProvisionedThroughput> {
    ProvisionedThroughput::builder()
        .read_capacity_units(capacity("read-capacity-units", read)?)
        .write_capacity_units(capacity("write-capacity-units", write)?)
        .build()
        .map_err(|e| Error::invalid("read-capacity-units", e))
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

/// `[{"AttributeName", "AttributeType": "S" | "N" | "B"}]`.
pub fn attribute_definitions(field: &str, text: &str) -> Result<Vec<AttributeDefinition>> {
    named(
        field,
        text,
        ("AttributeType", &["S", "N", "B"]),
        |name, kind| {
            let definition = AttributeDefinition::builder().attribute_name(name);
            definition
                .attribute_type(ScalarAttributeType::from(kind))
                .build()
        },
    )
}

/// `[{"AttributeName", "KeyType": "HASH" | "RANGE"}]`.
pub fn key_schema(field: &str, text: &str) -> Result<Vec<KeySchemaElement>> {
    named(
        field,
        text,
        ("KeyType", &["HASH", "RANGE"]),
        |name, kind| {
            let element = KeySchemaElement::builder().attribute_name(name);
            element.key_type(KeyType::from(kind)).build()
        },
    )
}
