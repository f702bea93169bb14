//! SDK response types rendered as JSON in the AWS API's own shape (`PascalCase` names,
//! epoch-second timestamps), since the SDK's types do not serialize themselves.

use aws_sdk_dynamodb::types::{
    GlobalSecondaryIndexDescription, KeySchemaElement, LocalSecondaryIndexDescription, Projection,
    ProvisionedThroughputDescription, TableDescription,
};
use aws_smithy_types::DateTime;
use serde_json::{Map, Value};

/// A JSON object that leaves out absent fields.
#[derive(Default)]
pub struct Obj(Map<String, Value>);

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Obj::default()
    }

    /// Set `key` when `value` is present.
    #[must_use]
    pub fn opt(mut self, key: &str, value: Option<impl Into<Value>>) -> Self {
        if let Some(v) = value {
            self.0.insert(key.to_string(), v.into());
        }
        self
    }

    /// Set `key` to the array `values` unless it is empty.
    #[must_use]
    pub fn list<T>(self, key: &str, values: &[T], f: impl Fn(&T) -> Value) -> Self {
        let values = (!values.is_empty()).then(|| values.iter().map(f).collect::<Vec<_>>());
        self.opt(key, values)
    }

    /// Set `key` to a value that may be JSON null.
    #[must_use]
    pub fn set(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.0.insert(key.to_string(), value.into());
        self
    }

    /// The object as JSON.
    pub fn build(self) -> Value {
        Value::Object(self.0)
    }
}

/// A timestamp as AWS JSON gives it: epoch seconds with milliseconds.
pub fn timestamp(t: &DateTime) -> Value {
    serde_json::from_str(&format!("{:.3}", t.as_secs_f64())).unwrap_or(Value::Null)
}

/// One key schema element as AWS JSON gives it.
pub fn key_schema(k: &KeySchemaElement) -> Value {
    Obj::new()
        .set("AttributeName", k.attribute_name())
        .set("KeyType", k.key_type().as_str())
        .build()
}

fn throughput(p: &ProvisionedThroughputDescription) -> Value {
    Obj::new()
        .opt(
            "LastIncreaseDateTime",
            p.last_increase_date_time().map(timestamp),
        )
        .opt(
            "LastDecreaseDateTime",
            p.last_decrease_date_time().map(timestamp),
        )
        .opt("NumberOfDecreasesToday", p.number_of_decreases_today())
        .opt("ReadCapacityUnits", p.read_capacity_units())
        .opt("WriteCapacityUnits", p.write_capacity_units())
        .build()
}

/// An index's projection as AWS JSON gives it.
pub fn projection(p: &Projection) -> Value {
    Obj::new()
        .opt(
            "ProjectionType",
            p.projection_type()
                .map(aws_sdk_dynamodb::types::ProjectionType::as_str),
        )
        .list("NonKeyAttributes", p.non_key_attributes(), |a| {
            a.as_str().into()
        })
        .build()
}

/// The fields global and local secondary indexes share, in the API's order around
/// `extra` (the global index's status and throughput).
macro_rules! index {
    ($i:expr, $($extra:tt)*) => {
        Obj::new()
            .opt("IndexName", $i.index_name())
            .list("KeySchema", $i.key_schema(), key_schema)
            .opt("Projection", $i.projection().map(projection))
            $($extra)*
            .opt("IndexSizeBytes", $i.index_size_bytes())
            .opt("ItemCount", $i.item_count())
            .opt("IndexArn", $i.index_arn())
            .build()
    };
}

fn global_index(i: &GlobalSecondaryIndexDescription) -> Value {
    index!(i,
        .opt("IndexStatus", i.index_status().map(aws_sdk_dynamodb::types::IndexStatus::as_str))
        .opt("Backfilling", i.backfilling())
        .opt("ProvisionedThroughput", i.provisioned_throughput().map(throughput))
    )
}

fn local_index(i: &LocalSecondaryIndexDescription) -> Value {
    index!(i,)
}

/// A `TableDescription` as in the `DynamoDB` API's `CreateTable`, `DescribeTable` and
/// `DeleteTable` responses.
pub fn table(t: &TableDescription) -> Value {
    Obj::new()
        .list("AttributeDefinitions", t.attribute_definitions(), |a| {
            Obj::new()
                .set("AttributeName", a.attribute_name())
                .set("AttributeType", a.attribute_type().as_str())
                .build()
        })
        .opt("TableName", t.table_name())
        .list("KeySchema", t.key_schema(), key_schema)
        .opt(
            "TableStatus",
            t.table_status()
                .map(aws_sdk_dynamodb::types::TableStatus::as_str),
        )
        .opt("CreationDateTime", t.creation_date_time().map(timestamp))
        .opt(
            "ProvisionedThroughput",
            t.provisioned_throughput().map(throughput),
        )
        .opt("TableSizeBytes", t.table_size_bytes())
        .opt("ItemCount", t.item_count())
        .opt("TableArn", t.table_arn())
        .opt("TableId", t.table_id())
        .opt(
            "BillingModeSummary",
            t.billing_mode_summary().map(|b| {
                Obj::new()
                    .opt(
                        "BillingMode",
                        b.billing_mode()
                            .map(aws_sdk_dynamodb::types::BillingMode::as_str),
                    )
                    .opt(
                        "LastUpdateToPayPerRequestDateTime",
                        b.last_update_to_pay_per_request_date_time().map(timestamp),
                    )
                    .build()
            }),
        )
        .list(
            "LocalSecondaryIndexes",
            t.local_secondary_indexes(),
            local_index,
        )
        .list(
            "GlobalSecondaryIndexes",
            t.global_secondary_indexes(),
            global_index,
        )
        .opt(
            "StreamSpecification",
            t.stream_specification().map(|s| {
                Obj::new()
                    .set("StreamEnabled", s.stream_enabled())
                    .opt(
                        "StreamViewType",
                        s.stream_view_type()
                            .map(aws_sdk_dynamodb::types::StreamViewType::as_str),
                    )
                    .build()
            }),
        )
        .opt("LatestStreamLabel", t.latest_stream_label())
        .opt("LatestStreamArn", t.latest_stream_arn())
        .opt("GlobalTableVersion", t.global_table_version())
        .opt(
            "TableClassSummary",
            t.table_class_summary().map(|c| {
                Obj::new()
                    .opt(
                        "TableClass",
                        c.table_class()
                            .map(aws_sdk_dynamodb::types::TableClass::as_str),
                    )
                    .build()
            }),
        )
        .opt("DeletionProtectionEnabled", t.deletion_protection_enabled())
        .build()
}
