//! `restore-table-to-point-in-time`: a new table as the source was at a time, or at the
//! latest restorable time (`RestoreTableToPointInTime`), with the `*-override` inputs and `wait` as
//! `restore-table-from-backup` takes them. Exactly one of `restore-date-time` and
//! `use-latest-restorable-time` is required.

pub(crate) use crate::wit::RestoreTableToPointInTimeInput as Input;

use crate::aws::delivery;
use crate::error::{Error, Result};
use crate::wit::Connection;
use crate::{aws::client, model::input};
use aws_smithy_types::DateTime;
use serde_json::Value;

/// The time to restore to, or `None` for the latest restorable time.
fn when(input: &Input) -> Result<Option<DateTime>> {
    let given = input::text(&input.restore_date_time);
    match (given, input.use_latest_restorable_time == Some(true)) {
        (Some(text), false) => super::time("restore-date-time", &text).map(Some),
        (None, true) => Ok(None),
        (Some(_), true) => Err(Error::invalid(
            "restore-date-time",
            "cannot be given with use-latest-restorable-time",
        )),
        (None, false) => Err(Error::invalid(
            "restore-date-time",
            "is required (or set use-latest-restorable-time)",
        )),
    }
}

pub(crate) async fn run(connection: &Connection, input: Input) -> Result<Value> {
    let source = input::required("source-table-name", &input.source_table_name)?;
    let target = input::required("target-table-name", &input.target_table_name)?;
    let at = when(&input)?;
    let o = super::overrides(&super::given!(input))?;
    let client = client::dynamodb(connection, &input.region).await?;
    let request = client::at_most_once(&client)
        .restore_table_to_point_in_time()
        .source_table_name(source)
        .target_table_name(target)
        .set_restore_date_time(at)
        .set_use_latest_restorable_time(at.is_none().then_some(true));
    let out = super::with_overrides!(request, o)
        .send()
        .await
        .map_err(delivery::write)?;
    super::restored(&client, target, out.table_description(), input.wait).await
}
