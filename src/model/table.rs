//! What the table administration actions share (`create-table`, `update-table`, the
//! restores): attribute definitions, key schemas, secondary indexes and provisioned
//! capacity, checked.

use crate::error::{Error, Result};
use crate::model::input::{self, AttributeMember, AttributeRecord, Params};
use aws_sdk_dynamodb::error::BuildError;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, GlobalSecondaryIndex, KeySchemaElement, LocalSecondaryIndex, Projection,
    ProjectionType, ProvisionedThroughput,
};
use serde_json::Value;

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

/// A secondary index as given in the AWS shape: `{"IndexName", "KeySchema", "Projection":
/// {"ProjectionType", "NonKeyAttributes"}, "ProvisionedThroughput"}`.
pub struct Index {
    /// `IndexName`.
    pub name: String,
    /// `KeySchema`.
    pub keys: Vec<KeySchemaElement>,
    /// `Projection`.
    pub projection: Projection,
    /// `ProvisionedThroughput`, when given.
    pub throughput: Option<ProvisionedThroughput>,
}

impl Index {
    /// As the SDK's global secondary index (`at` names it in an error).
    pub fn global(self, at: &str) -> Result<GlobalSecondaryIndex> {
        GlobalSecondaryIndex::builder()
            .index_name(self.name)
            .set_key_schema(Some(self.keys))
            .projection(self.projection)
            .set_provisioned_throughput(self.throughput)
            .build()
            .map_err(|e| Error::invalid(at, e))
    }

    /// As the SDK's local secondary index.
    pub fn local(self, at: &str) -> Result<LocalSecondaryIndex> {
        LocalSecondaryIndex::builder()
            .index_name(self.name)
            .set_key_schema(Some(self.keys))
            .projection(self.projection)
            .build()
            .map_err(|e| Error::invalid(at, e))
    }
}

/// `indexes` (of the input `field`) built by `build`, each named `field[i]` in an error.
pub fn built_indexes<T>(
    field: &str,
    indexes: Vec<Index>,
    build: impl Fn(Index, &str) -> Result<T>,
) -> Result<Vec<T>> {
    let each = indexes.into_iter().enumerate();
    each.map(|(i, index)| build(index, &format!("{field}[{i}]")))
        .collect()
}

/// The index `value` at `at`; `ProvisionedThroughput` only when `capacity` (a global
/// index's; a local index shares its table's).
pub fn index(at: &str, value: &Value, capacity: bool) -> Result<Index> {
    const MEMBERS: [&str; 4] = [
        "IndexName",
        "KeySchema",
        "Projection",
        "ProvisionedThroughput",
    ];
    let members = if capacity {
        &MEMBERS[..]
    } else {
        &MEMBERS[..3]
    };
    let entry = Params::object(at, Some(value), members)?;
    let keys = entry
        .value("KeySchema")
        .ok_or_else(|| Error::invalid(entry.at("KeySchema"), "is required"))?;
    Ok(Index {
        name: entry.required("IndexName")?,
        keys: key_schema(&entry.at("KeySchema"), &keys.to_string())?,
        projection: projection(&entry)?,
        throughput: capacity_of(&entry)?,
    })
}

/// A JSON array of indexes at `field` (at most `max`), as [`index`] reads each.
pub fn indexes(field: &str, value: &Value, capacity: bool, max: usize) -> Result<Vec<Index>> {
    let Value::Array(entries) = value else {
        return Err(Error::invalid(field, "must be a JSON array of indexes"));
    };
    if entries.len() > max {
        return Err(Error::invalid(
            field,
            format!("holds at most {max} indexes"),
        ));
    }
    entries
        .iter()
        .enumerate()
        .map(|(i, entry)| index(&format!("{field}[{i}]"), entry, capacity))
        .collect()
}

/// An entry's `Projection` `{"ProjectionType", "NonKeyAttributes"}`.
fn projection(entry: &Params) -> Result<Projection> {
    let projection = Params::object(
        &entry.at("Projection"),
        entry.value("Projection"),
        &["ProjectionType", "NonKeyAttributes"],
    )?;
    let kind = projection.choice("ProjectionType", &["ALL", "KEYS_ONLY", "INCLUDE"])?;
    let names_at = projection.at("NonKeyAttributes");
    let attributes = match projection.value("NonKeyAttributes") {
        None => None,
        Some(Value::Array(names)) => Some(
            names
                .iter()
                .map(|n| n.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| Error::invalid(&names_at, "must be an array of names"))?,
        ),
        Some(_) => return Err(Error::invalid(names_at, "must be an array of names")),
    };
    Ok(Projection::builder()
        .set_projection_type(kind.as_deref().map(ProjectionType::from))
        .set_non_key_attributes(attributes)
        .build())
}

/// An entry's `ProvisionedThroughput` `{"ReadCapacityUnits", "WriteCapacityUnits"}`.
pub fn capacity_of(entry: &Params) -> Result<Option<ProvisionedThroughput>> {
    let at = entry.at("ProvisionedThroughput");
    let Some(value) = entry.value("ProvisionedThroughput") else {
        return Ok(None);
    };
    let units = Params::object(
        &at,
        Some(value),
        &["ReadCapacityUnits", "WriteCapacityUnits"],
    )?;
    let (read, write) = (
        units.positive("ReadCapacityUnits")?,
        units.positive("WriteCapacityUnits")?,
    );
    let (Some(read), Some(write)) = (read, write) else {
        return Err(Error::invalid(
            at,
            "needs ReadCapacityUnits and WriteCapacityUnits",
        ));
    };
    ProvisionedThroughput::builder()
        .read_capacity_units(i64::from(read))
        .write_capacity_units(i64::from(write))
        .build()
        .map(Some)
        .map_err(|e| Error::invalid(at, e))
}
