//! `delete-backup`: delete an on-demand backup (`DeleteBackup`); returns it as it was.

pub(crate) use crate::wit::BackupInput as Input;

use crate::aws::delivery;
use crate::error::Result;
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("backup-arn", &input.backup_arn)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .delete_backup()
        .backup_arn(arn)
        .send()
        .await
        .map_err(delivery::write)?;
    Ok(Obj::new()
        .opt(
            "BackupDescription",
            out.backup_description().map(super::description),
        )
        .build())
}
