//! `describe-backup`: a backup's details and the table it was made of (`DescribeBackup`).

pub(crate) use crate::wit::BackupInput as Input;

use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("backup-arn", &input.backup_arn)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client.describe_backup().backup_arn(arn).send().await?;
    Ok(Obj::new()
        .opt(
            "BackupDescription",
            out.backup_description().map(super::description),
        )
        .build())
}
