//! Export to and import from S3: a table exported as it was at a time (or the changes of a
//! window), a new table created from files, and their descriptions and listings. The
//! service reads and writes S3, not the connector (docs/control-plane.md lists the IAM the
//! caller needs); what is shared here: the checked S3 location inputs, a table's ARN from
//! its name, waiting for the service's job, and the AWS-shaped descriptions.

pub(crate) mod describe_export;
pub(crate) mod describe_import;
pub(crate) mod export_table;
pub(crate) mod import_table;
pub(crate) mod list_exports;
pub(crate) mod list_imports;
mod render;

pub(crate) use render::{bucket_source, export_description, import_description};

use crate::aws::paging::Want;
use crate::aws::{client, describe, wait};
use crate::error::{Error, Kind, Result};
use crate::model::input;
use crate::wit::Connection;
use aws_sdk_dynamodb::types::{ExportDescription, ImportTableDescription};
use aws_sdk_dynamodb::Client;

/// Most characters of a `client-token` (the service's limit).
const MAX_TOKEN: usize = 64;

/// The checked `client-token` input.
pub(crate) fn client_token(token: Option<&str>) -> Result<Option<String>> {
    match input::optional(token) {
        Some(t) if t.chars().count() > MAX_TOKEN => Err(Error::invalid(
            "client-token",
            format!("must be at most {MAX_TOKEN} characters"),
        )),
        other => Ok(other.map(str::to_string)),
    }
}

/// The checked `s3-bucket-owner` input: a 12-digit account ID.
pub(crate) fn bucket_owner(owner: Option<&str>) -> Result<Option<String>> {
    match input::optional(owner) {
        Some(o) if o.len() != 12 || !o.bytes().all(|b| b.is_ascii_digit()) => Err(Error::invalid(
            "s3-bucket-owner",
            "must be a 12-digit AWS account ID",
        )),
        other => Ok(other.map(str::to_string)),
    }
}

/// The checked `page-size` input of a listing (1 to 25).
pub(crate) fn page_size(size: Option<u32>) -> Result<Option<i32>> {
    match size {
        None => Ok(None),
        Some(n @ 1..=25) => Ok(i32::try_from(n).ok()),
        Some(_) => Err(Error::invalid("page-size", "must be from 1 to 25")),
    }
}

/// What a listing of exports or imports sends: by its client, for the table's ARN (every
/// table's when `None`), pages of `size`, as much as `want` says, from `start`.
pub(crate) struct Listing {
    pub(crate) client: client::Clients,
    pub(crate) table: Option<String>,
    pub(crate) size: Option<i32>,
    pub(crate) want: Want,
    pub(crate) start: Option<String>,
}

/// A listing's inputs (`table-name`, `page-size`, `fetch-all`, `next-token`), the page size
/// checked before anything is sent and a table name turned into its ARN.
pub(crate) async fn listing(
    connection: &Connection,
    region: &str,
    table: Option<&str>,
    (size, fetch_all): (Option<u32>, Option<bool>),
    start: Option<&str>,
) -> Result<Listing> {
    let size = page_size(size)?;
    let client = client::dynamodb(connection, region).await?;
    let table = match input::optional(table) {
        Some(table) => Some(table_arn(&client, table).await?),
        None => None,
    };
    Ok(Listing {
        client,
        table,
        size,
        want: Want {
            all: fetch_all.unwrap_or(false),
            max: None,
        },
        start: input::optional(start).map(str::to_string),
    })
}

/// The [`listing`] of a list action's `$input` (`region`, `table-name`, `page-size`,
/// `fetch-all`, `next-token`).
macro_rules! listing_of {
    ($connection:expr, $input:expr) => {
        super::listing(
            $connection,
            &$input.region,
            $input.table_name.as_deref(),
            ($input.page_size, $input.fetch_all),
            $input.next_token.as_deref(),
        )
    };
}
pub(crate) use listing_of;

/// The ARN of `table` (given by name or ARN): an ARN as given, a name through
/// `DescribeTable`.
pub(crate) async fn table_arn(client: &Client, table: &str) -> Result<String> {
    if table.starts_with("arn:") {
        return Ok(table.to_string());
    }
    let described = describe::table(client, table).await?;
    described
        .table_arn()
        .map(str::to_string)
        .ok_or_else(|| Error::new(Kind::Service, "DescribeTable returned no TableArn"))
}

/// The `timeout-seconds` of a `wait: true` step; `None` without `wait`.
pub(crate) fn waiting(
    wait: Option<bool>,
    seconds: Option<u32>,
) -> Result<Option<std::time::Duration>> {
    let timeout = wait::timeout(seconds)?;
    Ok((wait == Some(true)).then_some(timeout))
}

/// Poll `DescribeExport` until the export has ended; an export that failed is the error
/// `service` with its `FailureCode`.
pub(crate) async fn export_ended(
    client: &Client,
    arn: &str,
    timeout: std::time::Duration,
) -> Result<ExportDescription> {
    use aws_sdk_dynamodb::types::ExportStatus;
    let described = wait::poll(timeout, &format!("export {arn}"), "it to end", || async {
        let out = client.describe_export().export_arn(arn).send().await?;
        let description = out
            .export_description
            .unwrap_or_else(|| ExportDescription::builder().build());
        Ok(match description.export_status() {
            Some(ExportStatus::InProgress) | None => wait::Polled::Pending(status_of(
                description.export_status().map(ExportStatus::as_str),
            )),
            Some(_) => wait::Polled::Done(description),
        })
    })
    .await?;
    match described.export_status() {
        Some(ExportStatus::Failed) => Err(failed("export", arn, described.failure_code())),
        _ => Ok(described),
    }
}

/// Poll `DescribeImport` until the import has ended; an import that failed or was
/// cancelled is the error `service` with its `FailureCode`.
pub(crate) async fn import_ended(
    client: &Client,
    arn: &str,
    timeout: std::time::Duration,
) -> Result<ImportTableDescription> {
    use aws_sdk_dynamodb::types::ImportStatus;
    let described = wait::poll(timeout, &format!("import {arn}"), "it to end", || async {
        let out = client.describe_import().import_arn(arn).send().await?;
        let description = out
            .import_table_description
            .unwrap_or_else(|| ImportTableDescription::builder().build());
        Ok(match description.import_status() {
            Some(ImportStatus::InProgress | ImportStatus::Cancelling) | None => {
                wait::Polled::Pending(status_of(
                    description.import_status().map(ImportStatus::as_str),
                ))
            }
            Some(_) => wait::Polled::Done(description),
        })
    })
    .await?;
    match described.import_status() {
        Some(ImportStatus::Failed | ImportStatus::Cancelled) => {
            Err(failed("import", arn, described.failure_code()))
        }
        _ => Ok(described),
    }
}

fn status_of(status: Option<&str>) -> String {
    status.unwrap_or("UNKNOWN").to_string()
}

/// The error of a job that ended without completing: its `FailureCode`, and not its
/// `FailureMessage`, which may quote the data it read (`describe-export` and
/// `describe-import` show it as the service gives it).
fn failed(job: &str, arn: &str, code: Option<&str>) -> Error {
    Error {
        code: code.map(str::to_string),
        ..Error::new(
            Kind::Service,
            format!(
                "{job} {arn} ended without completing: {} (describe-{job} shows its FailureMessage)",
                code.unwrap_or("no failure code"),
            ),
        )
    }
}
