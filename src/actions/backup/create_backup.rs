//! `create-backup`: an on-demand backup of a table (`CreateBackup`), kept until deleted.

pub(crate) use crate::wit::CreateBackupInput as Input;

use crate::aws::delivery;
use crate::error::{Error, Result};
use crate::model::shape::Obj;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

/// A backup name as the service takes it: 3 to 255 of `[A-Za-z0-9_.-]`.
fn backup_name(name: &str) -> Result<&str> {
    let name = input::required("backup-name", name)?;
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
    if (3..=255).contains(&name.len()) && name.chars().all(allowed) {
        Ok(name)
    } else {
        Err(Error::invalid(
            "backup-name",
            "must be 3 to 255 letters, digits, '_', '-' or '.'",
        ))
    }
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let name = backup_name(&input.backup_name)?;
    let client = client::dynamodb(connection, &input.region).await?;
    let out = client::at_most_once(&client)
        .create_backup()
        .table_name(table)
        .backup_name(name)
        .send()
        .await
        .map_err(delivery::write)?;
    Ok(Obj::new()
        .opt("BackupDetails", out.backup_details().map(super::details))
        .build())
}
