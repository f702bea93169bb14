//! `update-continuous-backups`: turn point-in-time recovery on or off and set its recovery
//! period, 1 to 35 days (`UpdateContinuousBackups`). Setting it again is harmless.

pub(crate) use crate::wit::UpdateContinuousBackupsInput as Input;

use crate::error::{Error, Result};
use crate::wit::Connection;
use crate::{aws::client, model::input};
use aws_sdk_dynamodb::types::PointInTimeRecoverySpecification;
use serde_json::Value;

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let table = input::required("table-name", &input.table_name)?;
    let days = match input.recovery_period_in_days {
        None => None,
        Some(days @ 1..=35) if input.point_in_time_recovery_enabled => {
            Some(i32::try_from(days).unwrap_or(35))
        }
        Some(1..=35) => {
            return Err(Error::invalid(
                "recovery-period-in-days",
                "is only taken when point-in-time recovery is enabled",
            ))
        }
        Some(_) => {
            return Err(Error::invalid(
                "recovery-period-in-days",
                "must be from 1 to 35",
            ))
        }
    };
    let specification = PointInTimeRecoverySpecification::builder()
        .point_in_time_recovery_enabled(input.point_in_time_recovery_enabled)
        .set_recovery_period_in_days(days)
        .build()
        .map_err(|e| Error::invalid("point-in-time-recovery-enabled", e))?;
    let client = client::dynamodb(connection, &input.region).await?;
    // Idempotent: the same setting sent twice ends the same, so the SDK's retries stay.
    let out = client
        .update_continuous_backups()
        .table_name(table)
        .point_in_time_recovery_specification(specification)
        .send()
        .await?;
    Ok(super::continuous_output(
        out.continuous_backups_description(),
    ))
}
