//! Backups and point-in-time recovery: on-demand backups (create, describe, list, delete),
//! restoring one into a new table or a table as it was at a time, and a table's continuous
//! backups; and what they share: the restores' overrides, RFC 3339 times and the AWS-shaped
//! descriptions of backups.

pub(crate) mod create_backup;
pub(crate) mod delete_backup;
pub(crate) mod describe_backup;
pub(crate) mod describe_continuous_backups;
pub(crate) mod list_backups;
pub(crate) mod restore_table_from_backup;
pub(crate) mod restore_table_to_point_in_time;
pub(crate) mod update_continuous_backups;

use crate::error::{Error, Result};
use crate::model::shape::{self, Obj};
use crate::model::{input, table};
use crate::wit::{BillingMode, SseType};
use aws_sdk_dynamodb::types::{
    BackupDescription, BackupDetails, BillingMode as SdkBillingMode, ContinuousBackupsDescription,
    GlobalSecondaryIndex, LocalSecondaryIndex, ProvisionedThroughput, SseSpecification,
};
use aws_smithy_types::date_time::{DateTime, Format};
use serde_json::Value;

/// Most global secondary indexes a table has (the service's default quota).
const MAX_GLOBAL_INDEXES: usize = 20;
/// Most local secondary indexes a table has.
const MAX_LOCAL_INDEXES: usize = 5;

/// A time input in RFC 3339 (`2026-12-01T10:00:00Z`).
pub(crate) fn time(field: &str, text: &str) -> Result<DateTime> {
    DateTime::from_str(text.trim(), Format::DateTime).map_err(|_| {
        Error::invalid(
            field,
            "must be a time in RFC 3339, e.g. 2026-12-01T10:00:00Z",
        )
    })
}

/// What a restore changes from its source, checked against each other before sending.
#[derive(Default)]
pub(crate) struct Overrides {
    pub(crate) billing: Option<SdkBillingMode>,
    pub(crate) throughput: Option<ProvisionedThroughput>,
    pub(crate) global: Option<Vec<GlobalSecondaryIndex>>,
    pub(crate) local: Option<Vec<LocalSecondaryIndex>>,
    pub(crate) sse: Option<SseSpecification>,
}

/// The override inputs of a restore, as both restore inputs name them.
pub(crate) struct Given<'a> {
    pub(crate) billing: Option<BillingMode>,
    pub(crate) read: Option<u64>,
    pub(crate) write: Option<u64>,
    pub(crate) global: Option<&'a str>,
    pub(crate) local: Option<&'a str>,
    pub(crate) sse: Option<SseType>,
    pub(crate) kms_key: Option<&'a str>,
}

/// The `*-override` inputs of a restore input record.
macro_rules! given {
    ($input:expr) => {
        super::Given {
            billing: $input.billing_mode_override,
            read: $input.read_capacity_units_override,
            write: $input.write_capacity_units_override,
            global: $input.global_secondary_index_override.as_deref(),
            local: $input.local_secondary_index_override.as_deref(),
            sse: $input.sse_type_override,
            kms_key: $input.kms_key_id_override.as_deref(),
        }
    };
}
pub(crate) use given;

/// A restore request (`$builder`) with the checked overrides `$o` set: both restores take
/// the same five.
macro_rules! with_overrides {
    ($builder:expr, $o:expr) => {{
        let o = $o;
        $builder
            .set_billing_mode_override(o.billing)
            .set_provisioned_throughput_override(o.throughput)
            .set_global_secondary_index_override(o.global)
            .set_local_secondary_index_override(o.local)
            .set_sse_specification_override(o.sse)
    }};
}
pub(crate) use with_overrides;

/// The checked override inputs.
pub(crate) fn overrides(given: &Given) -> Result<Overrides> {
    let on_demand = given.billing == Some(BillingMode::PayPerRequest);
    let throughput = match (given.read, given.write) {
        (None, None) => None,
        _ if on_demand => {
            return Err(Error::invalid(
                "read-capacity-units-override",
                "cannot be given with billing-mode-override pay-per-request",
            ))
        }
        (Some(_), Some(_)) => Some(table::throughput(given.read, given.write)?),
        (None, Some(_)) => {
            return Err(Error::invalid(
                "read-capacity-units-override",
                "is required with write-capacity-units-override",
            ))
        }
        (Some(_), None) => {
            return Err(Error::invalid(
                "write-capacity-units-override",
                "is required with read-capacity-units-override",
            ))
        }
    };
    Ok(Overrides {
        billing: given.billing.map(|mode| match mode {
            BillingMode::Provisioned => SdkBillingMode::Provisioned,
            BillingMode::PayPerRequest => SdkBillingMode::PayPerRequest,
        }),
        throughput,
        global: global_indexes(given.global, on_demand)?,
        local: local_indexes(given.local)?,
        sse: crate::actions::table::sse(
            given.sse,
            given.kms_key,
            ("sse-type-override", "kms-key-id-override"),
        )?,
    })
}

/// The global index override; capacity refused on an on-demand table.
fn global_indexes(
    text: Option<&str>,
    on_demand: bool,
) -> Result<Option<Vec<GlobalSecondaryIndex>>> {
    const FIELD: &str = "global-secondary-index-override";
    let Some(value) = input::opt_json(FIELD, text)? else {
        return Ok(None);
    };
    let indexes = table::indexes(FIELD, &value, true, MAX_GLOBAL_INDEXES)?;
    if let Some(i) = indexes
        .iter()
        .position(|index| on_demand && index.throughput.is_some())
    {
        return Err(Error::invalid(
            format!("{FIELD}[{i}].ProvisionedThroughput"),
            "cannot be given with billing-mode-override pay-per-request",
        ));
    }
    table::built_indexes(FIELD, indexes, table::Index::global).map(Some)
}

/// The local index override.
fn local_indexes(text: Option<&str>) -> Result<Option<Vec<LocalSecondaryIndex>>> {
    const FIELD: &str = "local-secondary-index-override";
    let Some(value) = input::opt_json(FIELD, text)? else {
        return Ok(None);
    };
    let indexes = table::indexes(FIELD, &value, false, MAX_LOCAL_INDEXES)?;
    table::built_indexes(FIELD, indexes, table::Index::local).map(Some)
}

/// A backup's details as AWS JSON gives them.
pub(crate) fn details(d: &BackupDetails) -> Value {
    Obj::new()
        .set("BackupArn", d.backup_arn())
        .set("BackupName", d.backup_name())
        .opt("BackupSizeBytes", d.backup_size_bytes())
        .set("BackupStatus", d.backup_status().as_str())
        .set("BackupType", d.backup_type().as_str())
        .set(
            "BackupCreationDateTime",
            shape::timestamp(d.backup_creation_date_time()),
        )
        .opt(
            "BackupExpiryDateTime",
            d.backup_expiry_date_time().map(shape::timestamp),
        )
        .build()
}

/// A backup's description: its details and the table it was made of.
pub(crate) fn description(d: &BackupDescription) -> Value {
    let source = d.source_table_details().map(|t| {
        Obj::new()
            .set("TableName", t.table_name())
            .set("TableId", t.table_id())
            .opt("TableArn", t.table_arn())
            .opt("TableSizeBytes", t.table_size_bytes())
            .opt("ItemCount", t.item_count())
            .opt("BillingMode", t.billing_mode().map(SdkBillingMode::as_str))
            .set(
                "TableCreationDateTime",
                shape::timestamp(t.table_creation_date_time()),
            )
            .build()
    });
    Obj::new()
        .opt("BackupDetails", d.backup_details().map(details))
        .opt("SourceTableDetails", source)
        .build()
}

/// A table's continuous backups and point-in-time recovery as AWS JSON gives them.
/// `{"ContinuousBackupsDescription"}`: the answer of both continuous-backups actions.
pub(crate) fn continuous_output(d: Option<&ContinuousBackupsDescription>) -> Value {
    Obj::new()
        .opt("ContinuousBackupsDescription", d.map(continuous))
        .build()
}

pub(crate) fn continuous(d: &ContinuousBackupsDescription) -> Value {
    let recovery = d.point_in_time_recovery_description().map(|p| {
        Obj::new()
            .opt(
                "PointInTimeRecoveryStatus",
                p.point_in_time_recovery_status()
                    .map(aws_sdk_dynamodb::types::PointInTimeRecoveryStatus::as_str),
            )
            .opt("RecoveryPeriodInDays", p.recovery_period_in_days())
            .opt(
                "EarliestRestorableDateTime",
                p.earliest_restorable_date_time().map(shape::timestamp),
            )
            .opt(
                "LatestRestorableDateTime",
                p.latest_restorable_date_time().map(shape::timestamp),
            )
            .build()
    });
    Obj::new()
        .set(
            "ContinuousBackupsStatus",
            d.continuous_backups_status().as_str(),
        )
        .opt("PointInTimeRecoveryDescription", recovery)
        .build()
}

/// A restore's output: `{"TableDescription"}` as the service answered, or with `wait` the
/// description once the new table is ACTIVE.
pub(crate) async fn restored(
    client: &aws_sdk_dynamodb::Client,
    target: &str,
    answered: Option<&aws_sdk_dynamodb::types::TableDescription>,
    wait: Option<bool>,
) -> Result<Value> {
    use crate::aws::wait::{self, Until};
    if wait == Some(true) {
        let active = Until::Active { indexes: true };
        let reached = wait::until(client, target, active, wait::timeout(None)?).await?;
        return Ok(wait::output(target, reached.as_ref(), "TableDescription"));
    }
    Ok(Obj::new()
        .opt("TableDescription", answered.map(shape::table))
        .build())
}
