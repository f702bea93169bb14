//! `list-backups`: the region's backups, of one table or all, within a time range and of a
//! type (`ListBackups`): one page, all of them, or up to `max-items`, resumable after any
//! backup.

pub(crate) use crate::wit::ListBackupsInput as Input;

use crate::aws::paging::{self, Want};
use crate::error::Result;
use crate::model::shape::{self, Obj};
use crate::wit::{BackupTypeFilter, Connection};
use crate::{aws::client, model::input};
use aws_sdk_dynamodb::types::{
    BackupStatus, BackupSummary, BackupType, BackupTypeFilter as SdkFilter,
};
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let want = Want {
        all: input.fetch_all.unwrap_or(false),
        max: input::max_items(input.max_items)?,
    };
    let bound = |field: &str, text: &Option<String>| {
        input::text(text)
            .map(|t| super::time(field, &t))
            .transpose()
    };
    let lower = bound("time-range-lower-bound", &input.time_range_lower_bound)?;
    let upper = bound("time-range-upper-bound", &input.time_range_upper_bound)?;
    let kind = input.backup_type.map(|t| match t {
        BackupTypeFilter::User => SdkFilter::User,
        BackupTypeFilter::System => SdkFilter::System,
        BackupTypeFilter::AwsBackup => SdkFilter::AwsBackup,
        BackupTypeFilter::All => SdkFilter::All,
    });
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client
        .list_backups()
        .set_table_name(input::text(&input.table_name))
        .set_time_range_lower_bound(lower)
        .set_time_range_upper_bound(upper)
        .set_backup_type(kind);
    let fetched = paging::fetch(
        want,
        input::text(&input.exclusive_start_backup_arn),
        |start| request.clone().set_exclusive_start_backup_arn(start).send(),
        |page| page.last_evaluated_backup_arn.clone(),
        |page| page.backup_summaries().len(),
    )
    .await?;
    let summaries: Vec<BackupSummary> = fetched
        .pages
        .into_iter()
        .flat_map(|page| page.backup_summaries.unwrap_or_default())
        .collect();
    let (summaries, next) = paging::cut(summaries, fetched.next, want.max, |last| {
        Ok(last.backup_arn().unwrap_or_default().to_string())
    })?;
    Ok(Obj::new()
        .set(
            "BackupSummaries",
            summaries.iter().map(summary).collect::<Vec<_>>(),
        )
        .opt("LastEvaluatedBackupArn", next)
        .build())
}

/// One backup as `ListBackups` summarises it.
fn summary(s: &BackupSummary) -> Value {
    Obj::new()
        .opt("TableName", s.table_name())
        .opt("TableId", s.table_id())
        .opt("TableArn", s.table_arn())
        .opt("BackupArn", s.backup_arn())
        .opt("BackupName", s.backup_name())
        .opt(
            "BackupCreationDateTime",
            s.backup_creation_date_time().map(shape::timestamp),
        )
        .opt(
            "BackupExpiryDateTime",
            s.backup_expiry_date_time().map(shape::timestamp),
        )
        .opt("BackupStatus", s.backup_status().map(BackupStatus::as_str))
        .opt("BackupType", s.backup_type().map(BackupType::as_str))
        .opt("BackupSizeBytes", s.backup_size_bytes())
        .build()
}
