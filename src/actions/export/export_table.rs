//! `export-table`: start an export of a table to S3 (`ExportTableToPointInTime`), full (the
//! table at a time of its recovery window) or incremental (the changes of a window of 15
//! minutes to 24 hours); with `wait`, until it has ended. The combinations the service
//! refuses are refused before sending, naming the field. Starting an export is sent at
//! most once: a lost answer is `outcome-unknown`, and sending again with the same
//! `client-token` starts no second export.

pub(crate) use crate::wit::ExportTableInput as Input;

use crate::actions::backup::time;
use crate::aws::{client, delivery};
use crate::error::{Error, Result};
use crate::model::{input, shape::Obj};
use crate::wit::{
    Connection, ExportFormat as Format, ExportType as Type, ExportViewType as View, S3SseAlgorithm,
};
use aws_sdk_dynamodb::types::{
    ExportFormat, ExportType, ExportViewType, IncrementalExportSpecification, S3SseAlgorithm as Sse,
};
use aws_smithy_types::DateTime;
use serde_json::Value;

/// The shortest and the longest window of an incremental export, in seconds.
const WINDOW: (i64, i64) = (15 * 60, 24 * 60 * 60);

/// What an export holds: the time of a full one, or the window of an incremental one.
enum Holds {
    Full(Option<DateTime>),
    Incremental(IncrementalExportSpecification),
}

/// The checked `export-type` and the time inputs that go with it.
fn holds(input: &Input) -> Result<Holds> {
    let at =
        |field: &str, text: &Option<String>| input::text(text).map(|t| time(field, &t)).transpose();
    let export_time = at("export-time", &input.export_time)?;
    let from = at("export-from-time", &input.export_from_time)?;
    let to = at("export-to-time", &input.export_to_time)?;
    if input.export_type != Some(Type::IncrementalExport) {
        let incremental = [
            ("export-from-time", from.is_some()),
            ("export-to-time", to.is_some()),
            ("export-view-type", input.export_view_type.is_some()),
        ];
        if let Some((field, _)) = incremental.iter().find(|(_, given)| *given) {
            return Err(Error::invalid(
                *field,
                "is taken only with export-type INCREMENTAL_EXPORT",
            ));
        }
        return Ok(Holds::Full(export_time));
    }
    if export_time.is_some() {
        return Err(Error::invalid(
            "export-time",
            "is taken only by a full export (an incremental one takes export-from-time and export-to-time)",
        ));
    }
    let (Some(from), Some(to)) = (from, to) else {
        let missing = if from.is_none() {
            "export-from-time"
        } else {
            "export-to-time"
        };
        return Err(Error::invalid(
            missing,
            "is required with export-type INCREMENTAL_EXPORT",
        ));
    };
    let window = to.secs() - from.secs();
    if !(WINDOW.0..=WINDOW.1).contains(&window) {
        return Err(Error::invalid(
            "export-to-time",
            "must be 15 minutes to 24 hours after export-from-time",
        ));
    }
    let view = match input.export_view_type {
        Some(View::NewImage) => ExportViewType::NewImage,
        _ => ExportViewType::NewAndOldImages,
    };
    Ok(Holds::Incremental(
        IncrementalExportSpecification::builder()
            .export_from_time(from)
            .export_to_time(to)
            .export_view_type(view)
            .build(),
    ))
}

/// The checked `s3-sse-algorithm` and `s3-sse-kms-key-id`.
fn encryption(input: &Input) -> Result<(Option<Sse>, Option<String>)> {
    let key = input::text(&input.s3_sse_kms_key_id);
    match input.s3_sse_algorithm {
        Some(S3SseAlgorithm::Kms) => Ok((Some(Sse::Kms), key)),
        _ if key.is_some() => Err(Error::invalid(
            "s3-sse-kms-key-id",
            "is taken only with s3-sse-algorithm KMS",
        )),
        Some(S3SseAlgorithm::Aes256) => Ok((Some(Sse::Aes256), None)),
        None => Ok((None, None)),
    }
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let bucket = input::required("s3-bucket", &input.s3_bucket)?;
    let owner = super::bucket_owner(input.s3_bucket_owner.as_deref())?;
    let token = super::client_token(input.client_token.as_deref())?;
    let holds = holds(&input)?;
    let (sse, key) = encryption(&input)?;
    let timeout = super::waiting(input.wait, input.timeout_seconds)?;
    let format = match input.export_format {
        Some(Format::Ion) => ExportFormat::Ion,
        _ => ExportFormat::DynamodbJson,
    };
    let client = client::dynamodb(connection, &input.region).await?;
    let arn = super::table_arn(&client, table).await?;
    let request = client::at_most_once(&client)
        .export_table_to_point_in_time()
        .table_arn(arn)
        .s3_bucket(bucket)
        .set_s3_prefix(input::text(&input.s3_prefix))
        .set_s3_bucket_owner(owner)
        .set_s3_sse_algorithm(sse)
        .set_s3_sse_kms_key_id(key)
        .export_format(format)
        .set_client_token(token);
    let request = match holds {
        Holds::Full(at) => request
            .export_type(ExportType::FullExport)
            .set_export_time(at),
        Holds::Incremental(window) => request
            .export_type(ExportType::IncrementalExport)
            .incremental_export_specification(window),
    };
    let out = request.send().await.map_err(delivery::write)?;
    let started = out.export_description;
    let described = match (timeout, started.as_ref().and_then(|d| d.export_arn())) {
        (Some(timeout), Some(arn)) => Some(super::export_ended(&client, arn, timeout).await?),
        _ => started,
    };
    Ok(Obj::new()
        .opt(
            "ExportDescription",
            described.as_ref().map(super::export_description),
        )
        .build())
}
