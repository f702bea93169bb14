//! `import-table`: create a table from files in S3 (`ImportTable`): the source, its format
//! and compression, and the new table's definition, checked as `create-table` checks its
//! own (local indexes aside: an import takes none); with `wait`, until the import has
//! ended. Starting an import is sent at most once: a lost answer is `outcome-unknown`, and
//! sending again with the same `client-token` starts no second import.

pub(crate) use crate::wit::ImportTableInput as Input;

use crate::actions::table::{self, create_table};
use crate::aws::{client, delivery};
use crate::error::{Error, Result};
use crate::model::{input, shape::Obj, table as definition};
use crate::wit::{Connection, ImportCompression, ImportFormat};
use aws_sdk_dynamodb::types::{
    BillingMode, CsvOptions, InputCompressionType, InputFormat, InputFormatOptions, S3BucketSource,
    TableCreationParameters,
};
use serde_json::Value;

/// The checked CSV options (`csv-delimiter`, `csv-headers`), taken only with CSV.
fn csv_options(input: &Input) -> Result<Option<InputFormatOptions>> {
    let delimiter = input::text(&input.csv_delimiter);
    let headers = input::opt_json("csv-headers", input.csv_headers.as_deref())?;
    if input.input_format != ImportFormat::Csv {
        let given = [
            ("csv-delimiter", delimiter.is_some()),
            ("csv-headers", headers.is_some()),
        ];
        return match given.iter().find(|(_, g)| *g) {
            Some((field, _)) => Err(Error::invalid(
                *field,
                "is taken only with input-format CSV",
            )),
            None => Ok(None),
        };
    }
    if delimiter.as_ref().is_some_and(|d| d.chars().count() != 1) {
        return Err(Error::invalid("csv-delimiter", "must be one character"));
    }
    let headers = match headers {
        None => None,
        Some(Value::Array(names)) if !names.is_empty() => Some(
            names
                .iter()
                .enumerate()
                .map(|(i, name)| match name.as_str() {
                    Some(name) if !name.is_empty() => Ok(name.to_string()),
                    _ => Err(Error::invalid(
                        format!("csv-headers[{i}]"),
                        "must be a column name",
                    )),
                })
                .collect::<Result<Vec<_>>>()?,
        ),
        Some(_) => {
            return Err(Error::invalid(
                "csv-headers",
                "must be a JSON array of column names",
            ))
        }
    };
    let csv = CsvOptions::builder()
        .set_delimiter(delimiter)
        .set_header_list(headers)
        .build();
    Ok(Some(InputFormatOptions::builder().csv(csv).build()))
}

/// The new table's checked definition.
fn creation(input: &Input) -> Result<TableCreationParameters> {
    let name = input::required("table-name", &input.table_name)?;
    let definitions =
        definition::attribute_definitions("attribute-definitions", &input.attribute_definitions)?;
    let keys = definition::key_schema("key-schema", &input.key_schema)?;
    let (billing, throughput) = create_table::billing(
        input.billing_mode,
        input.read_capacity_units,
        input.write_capacity_units,
    )?;
    let per_request = billing == BillingMode::PayPerRequest;
    let given = (input.global_secondary_indexes.as_deref(), None);
    let (global, _) = create_table::indexes::checked(given, &definitions, &keys, per_request)?;
    let sse = table::sse(
        input.sse_type,
        input.kms_key_id.as_deref(),
        ("sse-type", "kms-key-id"),
    )?;
    TableCreationParameters::builder()
        .table_name(name)
        .set_attribute_definitions(Some(definitions))
        .set_key_schema(Some(keys))
        .billing_mode(billing)
        .set_provisioned_throughput(throughput)
        .set_global_secondary_indexes(global)
        .set_sse_specification(sse)
        .build()
        .map_err(|e| Error::invalid("table-name", e))
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let bucket = input::required("s3-bucket", &input.s3_bucket)?;
    let source = S3BucketSource::builder()
        .s3_bucket(bucket)
        .set_s3_key_prefix(input::text(&input.s3_key_prefix))
        .set_s3_bucket_owner(super::bucket_owner(input.s3_bucket_owner.as_deref())?)
        .build()
        .map_err(|e| Error::invalid("s3-bucket", e))?;
    let options = csv_options(&input)?;
    let table = creation(&input)?;
    let token = super::client_token(input.client_token.as_deref())?;
    let timeout = super::waiting(input.wait, input.timeout_seconds)?;
    let format = match input.input_format {
        ImportFormat::Csv => InputFormat::Csv,
        ImportFormat::DynamodbJson => InputFormat::DynamodbJson,
        ImportFormat::Ion => InputFormat::Ion,
    };
    let compression = input.input_compression.map(|c| match c {
        ImportCompression::None => InputCompressionType::None,
        ImportCompression::Gzip => InputCompressionType::Gzip,
        ImportCompression::Zstd => InputCompressionType::Zstd,
    });
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .import_table()
        .s3_bucket_source(source)
        .input_format(format)
        .set_input_format_options(options)
        .set_input_compression_type(compression)
        .table_creation_parameters(table)
        .set_client_token(token)
        .send()
        .await
        .map_err(delivery::write)?;
    let started = out.import_table_description;
    let described = match (timeout, started.as_ref().and_then(|d| d.import_arn())) {
        (Some(timeout), Some(arn)) => Some(super::import_ended(&client, arn, timeout).await?),
        _ => started,
    };
    Ok(Obj::new()
        .opt(
            "ImportTableDescription",
            described.as_ref().map(super::import_description),
        )
        .build())
}
