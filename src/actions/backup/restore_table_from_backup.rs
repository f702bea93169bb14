//! `restore-table-from-backup`: a new table from a backup (`RestoreTableFromBackup`), with
//! other billing, indexes or encryption when the `*-override` inputs says so, and with `wait` until it
//! is ACTIVE.

pub(crate) use crate::wit::RestoreTableFromBackupInput as Input;

use crate::aws::delivery;
use crate::error::Result;
use crate::wit::Connection;
use crate::{aws::client, model::input};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let arn = input::required("backup-arn", &input.backup_arn)?;
    let target = input::required("target-table-name", &input.target_table_name)?;
    let o = super::overrides(&super::given!(input))?;
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client::at_most_once(&client)
        .restore_table_from_backup()
        .backup_arn(arn)
        .target_table_name(target);
    let out = super::with_overrides!(request, o)
        .send()
        .await
        .map_err(delivery::write)?;
    super::restored(&client, target, out.table_description(), input.wait).await
}
