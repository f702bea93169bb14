//! What the table administration actions share (`create-table`, `update-table`): attribute
//! definitions, key schemas and provisioned capacity, checked.

use crate::error::{Error, Result};
use crate::model::input::{self, AttributeMember, AttributeRecord};
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::types::{AttributeDefinition, KeySchemaElement, ProvisionedThroughput};

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

/// A JSON array input of attribute records with `member`, each turned into the SDK's type
/// by `build`.
fn built<T>(
    field: &str,
    text: &str,
    member: AttributeMember,
    build: impl Fn(AttributeRecord) -> std::result::Result<T, BuildError>,
) -> Result<Vec<T>> {
    let records = input::attribute_records(field, text, &[member])?;
    let each = records
        .into_iter()
        .map(|r| build(r).map_err(|e| Error::invalid(field, e)));
    each.collect()
}

/// `[{"AttributeName", "AttributeType": "S" | "N" | "B"}]`.
pub fn attribute_definitions(field: &str, text: &str) -> Result<Vec<AttributeDefinition>> {
    built(field, text, AttributeMember::AttributeType, |r| {
        let definition = AttributeDefinition::builder().attribute_name(r.name);
        definition.set_attribute_type(r.attribute_type).build()
    })
}

/// `[{"AttributeName", "KeyType": "HASH" | "RANGE"}]`.
pub fn key_schema(field: &str, text: &str) -> Result<Vec<KeySchemaElement>> {
    built(field, text, AttributeMember::KeyType, |r| {
        let element = KeySchemaElement::builder().attribute_name(r.name);
        element.set_key_type(r.key_type).build()
    })
}
