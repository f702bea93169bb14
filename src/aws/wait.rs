//! Waiting: a description polled with growing pauses until what is waited for has
//! happened or until the deadline (the last pause is shortened so that a poll comes at the
//! deadline), which ends as `timeout` naming the last status seen ([`poll`]). For a table
//! ([`until`]): `DescribeTable` until the table (and, when asked, every global secondary
//! index) is ACTIVE, or until it no longer exists; exports and imports wait on theirs.

use crate::error::{Error, Kind, Result};
use aws_sdk_dynamodb::operation::describe_table::DescribeTableError;
use aws_sdk_dynamodb::types::{IndexStatus, TableDescription, TableStatus};
use aws_sdk_dynamodb::Client;
use std::time::{Duration, Instant};

/// Seconds waited when no `timeout-seconds` is given: below the host's default step
/// deadline (5 minutes), so the connector's own `timeout`, with the last status, comes first.
pub const DEFAULT_TIMEOUT_SECONDS: u32 = 240;
/// Most seconds one step may wait.
pub const MAX_TIMEOUT_SECONDS: u32 = 3600;
/// The first pause between polls; it grows by half each poll up to [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const MAX_PAUSE: Duration = Duration::from_secs(5);

/// What to wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// ACTIVE; with `indexes`, every global secondary index ACTIVE too.
    Active {
        /// Wait for every global secondary index as well.
        indexes: bool,
    },
    /// The table no longer exists.
    Deleted,
}

/// `timeout-seconds`, checked.
pub fn timeout(seconds: Option<u32>) -> Result<Duration> {
    match seconds.unwrap_or(DEFAULT_TIMEOUT_SECONDS) {
        s @ 1..=MAX_TIMEOUT_SECONDS => Ok(Duration::from_secs(u64::from(s))),
        _ => Err(Error::invalid(
            "timeout-seconds",
            format!("must be from 1 to {MAX_TIMEOUT_SECONDS}"),
        )),
    }
}

/// Poll `table` until `until` holds; the last description (`None` once deleted).
pub async fn until(
    client: &Client,
    table: &str,
    until: Until,
    timeout: Duration,
) -> Result<Option<TableDescription>> {
    let goal = match until {
        Until::Active { .. } => "ACTIVE",
        Until::Deleted => "it to be deleted",
    };
    poll(timeout, &format!("table {table}"), goal, || async move {
        match client.describe_table().table_name(table).send().await {
            Ok(out) => {
                let description = out
                    .table
                    .unwrap_or_else(|| TableDescription::builder().build());
                if reached(&description, until) {
                    return Ok(Polled::Done(Some(description)));
                }
                Ok(Polled::Pending(status(&description)))
            }
            Err(e) if is_not_found(&e) && until == Until::Deleted => Ok(Polled::Done(None)),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

/// What one poll found.
pub enum Polled<T> {
    /// What was waited for has happened: this is the answer.
    Done(T),
    /// Not yet: this is the status seen.
    Pending(String),
}

/// Call `describe` with growing pauses until it is done, or until `timeout` has passed:
/// then the error `timeout`, naming `what`, the last status seen and the `goal` waited for
/// (the last pause is cut short, so the final poll comes at the deadline).
pub async fn poll<T, F, Fut>(
    timeout: Duration,
    what: &str,
    goal: &str,
    mut describe: F,
) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Polled<T>>>,
{
    let started = Instant::now();
    let mut pause = FIRST_PAUSE;
    loop {
        let status = match describe().await? {
            Polled::Done(done) => return Ok(done),
            Polled::Pending(status) => status,
        };
        let left = timeout.saturating_sub(started.elapsed());
        if left.is_zero() {
            return Err(Error::new(
                Kind::Timeout,
                format!(
                    "{what} is still {status} after {:.1} s (waited for {goal})",
                    started.elapsed().as_secs_f64(),
                ),
            ));
        }
        wstd::task::sleep(pause.min(left).into()).await;
        pause = (pause * 3 / 2).min(MAX_PAUSE);
    }
}

fn is_not_found(
    err: &aws_sdk_dynamodb::error::SdkError<
        DescribeTableError,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> bool {
    matches!(
        err.as_service_error(),
        Some(DescribeTableError::ResourceNotFoundException(_))
    )
}

fn reached(table: &TableDescription, until: Until) -> bool {
    let indexes_active = || {
        table
            .global_secondary_indexes()
            .iter()
            .all(|i| i.index_status() == Some(&IndexStatus::Active))
    };
    match until {
        Until::Active { indexes } => {
            table.table_status() == Some(&TableStatus::Active) && (!indexes || indexes_active())
        }
        Until::Deleted => false,
    }
}

/// The table's status and its indexes' where they differ, e.g. `ACTIVE (index byEmail
/// CREATING)`.
fn status(table: &TableDescription) -> String {
    let main = table.table_status().map_or("UNKNOWN", |s| s.as_str());
    let pending: Vec<String> = table
        .global_secondary_indexes()
        .iter()
        .filter(|i| i.index_status() != Some(&IndexStatus::Active))
        .map(|i| {
            let status = i.index_status().map_or("UNKNOWN", |s| s.as_str());
            format!("index {} {status}", i.index_name().unwrap_or("?"))
        })
        .collect();
    match pending[..] {
        [] => main.to_string(),
        _ => format!("{main} ({})", pending.join(", ")),
    }
}

/// `{KEY: description}` of a table waited for, or `{"TableName", "Deleted": true}`.
pub fn output(table: &str, reached: Option<&TableDescription>, key: &str) -> serde_json::Value {
    let out = crate::model::shape::Obj::new();
    match reached {
        Some(description) => out.set(key, crate::model::shape::table(description)),
        None => out.set("TableName", table).set("Deleted", true),
    }
    .build()
}
