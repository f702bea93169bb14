//! Exports and imports as `DescribeExport` and `DescribeImport` show them: their
//! descriptions, the table an import creates, its S3 source.

use crate::model::shape::{self, Obj};
use aws_sdk_dynamodb::types;
use aws_sdk_dynamodb::types::{ExportDescription, ImportTableDescription, TableCreationParameters};
use serde_json::Value;

/// An export's description as AWS JSON gives it.
pub(crate) fn export_description(d: &ExportDescription) -> Value {
    let incremental = d.incremental_export_specification().map(|i| {
        Obj::new()
            .opt("ExportFromTime", i.export_from_time().map(shape::timestamp))
            .opt("ExportToTime", i.export_to_time().map(shape::timestamp))
            .opt(
                "ExportViewType",
                i.export_view_type().map(types::ExportViewType::as_str),
            )
            .build()
    });
    Obj::new()
        .opt("ExportArn", d.export_arn())
        .opt(
            "ExportStatus",
            d.export_status().map(types::ExportStatus::as_str),
        )
        .opt("StartTime", d.start_time().map(shape::timestamp))
        .opt("EndTime", d.end_time().map(shape::timestamp))
        .opt("ExportManifest", d.export_manifest())
        .opt("TableArn", d.table_arn())
        .opt("TableId", d.table_id())
        .opt("ExportTime", d.export_time().map(shape::timestamp))
        .opt("ClientToken", d.client_token())
        .opt("S3Bucket", d.s3_bucket())
        .opt("S3BucketOwner", d.s3_bucket_owner())
        .opt("S3Prefix", d.s3_prefix())
        .opt(
            "S3SseAlgorithm",
            d.s3_sse_algorithm().map(types::S3SseAlgorithm::as_str),
        )
        .opt("S3SseKmsKeyId", d.s3_sse_kms_key_id())
        .opt("FailureCode", d.failure_code())
        .opt("FailureMessage", d.failure_message())
        .opt(
            "ExportFormat",
            d.export_format().map(types::ExportFormat::as_str),
        )
        .opt("BilledSizeBytes", d.billed_size_bytes())
        .opt("ItemCount", d.item_count())
        .opt("ExportType", d.export_type().map(types::ExportType::as_str))
        .opt("IncrementalExportSpecification", incremental)
        .build()
}

/// The definition of the table an import creates, as AWS JSON gives it.
fn creation(t: &TableCreationParameters) -> Value {
    let indexes = t.global_secondary_indexes();
    Obj::new()
        .set("TableName", t.table_name())
        .list("AttributeDefinitions", t.attribute_definitions(), |a| {
            Obj::new()
                .set("AttributeName", a.attribute_name())
                .set("AttributeType", a.attribute_type().as_str())
                .build()
        })
        .list("KeySchema", t.key_schema(), shape::key_schema)
        .opt(
            "BillingMode",
            t.billing_mode().map(types::BillingMode::as_str),
        )
        .opt(
            "ProvisionedThroughput",
            t.provisioned_throughput().map(|p| {
                Obj::new()
                    .set("ReadCapacityUnits", p.read_capacity_units())
                    .set("WriteCapacityUnits", p.write_capacity_units())
                    .build()
            }),
        )
        .opt(
            "SSESpecification",
            t.sse_specification().map(|s| {
                Obj::new()
                    .opt("Enabled", s.enabled())
                    .opt("SSEType", s.sse_type().map(types::SseType::as_str))
                    .opt("KMSMasterKeyId", s.kms_master_key_id())
                    .build()
            }),
        )
        .opt(
            "GlobalSecondaryIndexes",
            (!indexes.is_empty()).then(|| {
                let each = indexes.iter().map(|i| {
                    Obj::new()
                        .set("IndexName", i.index_name())
                        .list("KeySchema", i.key_schema(), shape::key_schema)
                        .opt("Projection", i.projection().map(shape::projection))
                        .build()
                });
                Value::Array(each.collect())
            }),
        )
        .build()
}

/// An import's description as AWS JSON gives it.
pub(crate) fn import_description(d: &ImportTableDescription) -> Value {
    let csv = d.input_format_options().and_then(|o| o.csv()).map(|c| {
        Obj::new()
            .opt("Delimiter", c.delimiter())
            .list("HeaderList", c.header_list(), |h| h.as_str().into())
            .build()
    });
    Obj::new()
        .opt("ImportArn", d.import_arn())
        .opt(
            "ImportStatus",
            d.import_status().map(types::ImportStatus::as_str),
        )
        .opt("TableArn", d.table_arn())
        .opt("TableId", d.table_id())
        .opt("ClientToken", d.client_token())
        .opt("S3BucketSource", d.s3_bucket_source().map(bucket_source))
        .opt("ErrorCount", Some(d.error_count()))
        .opt("CloudWatchLogGroupArn", d.cloud_watch_log_group_arn())
        .opt(
            "InputFormat",
            d.input_format().map(types::InputFormat::as_str),
        )
        .opt(
            "InputFormatOptions",
            csv.map(|c| Obj::new().set("Csv", c).build()),
        )
        .opt(
            "InputCompressionType",
            d.input_compression_type()
                .map(types::InputCompressionType::as_str),
        )
        .opt(
            "TableCreationParameters",
            d.table_creation_parameters().map(creation),
        )
        .opt("StartTime", d.start_time().map(shape::timestamp))
        .opt("EndTime", d.end_time().map(shape::timestamp))
        .opt("ProcessedSizeBytes", d.processed_size_bytes())
        .opt("ProcessedItemCount", Some(d.processed_item_count()))
        .opt("ImportedItemCount", Some(d.imported_item_count()))
        .opt("FailureCode", d.failure_code())
        .opt("FailureMessage", d.failure_message())
        .build()
}

/// An import's S3 source as AWS JSON gives it.
pub(crate) fn bucket_source(s: &aws_sdk_dynamodb::types::S3BucketSource) -> Value {
    Obj::new()
        .opt("S3BucketOwner", s.s3_bucket_owner())
        .set("S3Bucket", s.s3_bucket())
        .opt("S3KeyPrefix", s.s3_key_prefix())
        .build()
}
