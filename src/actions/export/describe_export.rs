//! `describe-export`: an export's status, files and counts (`DescribeExport`).

pub(crate) use crate::wit::ExportInput as Input;

use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("export-arn", &input.export_arn)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client.describe_export().export_arn(arn).send().await?;
    Ok(Obj::new()
        .opt(
            "ExportDescription",
            out.export_description().map(super::export_description),
        )
        .build())
}
