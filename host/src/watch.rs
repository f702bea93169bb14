//! `connector-host watch`: a trigger run until stopped, each poll's records delivered
//! ([`crate::delivery`]) before its state is saved ([`crate::trigger`]'s state file).

use crate::delivery::{pause, Delivered};
pub use crate::delivery::{Delivery, ATTEMPT_TIMEOUT as DELIVERY_TIMEOUT};
use crate::error::{ErrorKind, StepError};
use crate::lease::shards::ShardLeases;
use crate::lease::{Lease, LeaseOptions, LeaseTable, Turn};
use crate::metrics::{TriggerLabels, TriggerMetrics};
use crate::trigger::{check_state_path, load_state, save_state, trigger_id, Polled};
use crate::Host;
use serde_json::Value;

/// Where a watch keeps its trigger's state.
#[derive(Debug, Clone)]
pub enum StateStore {
    /// A file, for one process.
    File(std::path::PathBuf),
    /// A lease table shared by the trigger's replicas ([`crate::lease`]).
    Leases(LeaseOptions),
}

/// A trigger run by `watch`.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The step `{"connection", "action", "input"}` without the state.
    pub step: Value,
    /// Where the state is kept.
    pub state: StateStore,
    /// The pause after a poll that found nothing waiting (or failed as a retryable error).
    pub interval: std::time::Duration,
    /// Where records go.
    pub delivery: Delivery,
    /// Where the trigger's signals go (polls, records, gaps, lag), when kept.
    pub metrics: Option<std::sync::Arc<TriggerMetrics>>,
}

/// Poll `watch.step` until `stop` is set: deliver each poll's records, then save the state
/// it returned (never before). A poll that fails as throttling, network, timeout, service
/// or host capacity is logged and tried again after the interval; any other failure stops
/// the watch with that error.
pub fn watch(
    host: &Host,
    watch: &Watch,
    stop: &std::sync::atomic::AtomicBool,
) -> Result<(), StepError> {
    use std::sync::atomic::Ordering;
    let trigger = trigger_id(&watch.step);
    let mut keeper = Keeper::new(host, watch, &trigger)?;
    let labels = labels(&trigger);
    let action = watch.step["action"].as_str().unwrap_or_default();
    let shards_input = host
        .manifest()
        .trigger(action)
        .and_then(|t| t.shards_input.clone());
    while !stop.load(Ordering::SeqCst) {
        let (state, shards) = match keeper.begin(host) {
            Ok((Turn::Held(state), shards)) => (state, shards),
            Ok((Turn::Waiting, _)) => {
                pause(watch.interval, stop);
                continue;
            }
            Err(error) => {
                passing(host, error, "the lease table failed, trying again")?;
                pause(watch.interval, stop);
                continue;
            }
        };
        if let Some(metrics) = &watch.metrics {
            metrics.leases_held(&labels, keeper.held());
        }
        let mut polled_step = watch.step.clone();
        if let (Some(name), Some(shards)) = (&shards_input, shards) {
            polled_step["input"][name] = shards;
        }
        let polled = host.poll(polled_step, state);
        if let (Some(metrics), Err(error)) = (&watch.metrics, &polled) {
            metrics.failed(&labels, &error.kind.to_string());
        }
        let polled = match polled {
            Ok(polled) => polled,
            Err(error) => {
                passing(host, error, "poll failed, trying again")?;
                pause(watch.interval, stop);
                continue;
            }
        };
        match keeper.still_held(host) {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(
                    records = polled.records.len(),
                    "a lease was lost during the poll: its records are not delivered"
                );
                continue;
            }
            Err(error) => {
                passing(host, error, "the lease table failed, trying again")?;
                pause(watch.interval, stop);
                continue;
            }
        }
        if watch.delivery.deliver(&polled.records, stop)? == Delivered::Stopped {
            tracing::warn!(
                records = polled.records.len(),
                "stopped during a delivery: the state was not saved, the next start \
                 delivers these records again"
            );
            keeper.release(host);
            return Ok(());
        }
        match keeper.save(host, &trigger, &polled) {
            Ok(true) => {}
            Ok(false) => continue,
            Err(error) => {
                passing(
                    host,
                    error,
                    "the checkpoint failed, polling again from the last",
                )?;
                pause(watch.interval, stop);
                continue;
            }
        }
        if let Some(metrics) = &watch.metrics {
            metrics.polled(&labels, &polled);
            metrics.leases_held(&labels, keeper.held());
        }
        if !polled.gaps.is_empty() {
            let gaps = serde_json::to_string(&polled.gaps).unwrap_or_default();
            tracing::warn!(%gaps, "the source lost records before they were read");
        }
        tracing::info!(
            records = polled.records.len(),
            more = polled.more,
            "delivered"
        );
        if !polled.more && !keeper.again() {
            pause(watch.interval, stop);
        }
    }
    keeper.release(host);
    Ok(())
}

/// Where one watch keeps its state as it runs: a file (loaded at the start, replaced after
/// each delivery), a lease of the trigger's row (the state read when the lease is taken,
/// written with each checkpoint while it is held), or leases per shard for a trigger whose
/// shards replicas may split ([`crate::lease::shards`]).
enum Keeper {
    File {
        path: std::path::PathBuf,
        state: Option<Value>,
    },
    Lease(LeaseTable, Box<Lease>),
    Shards(LeaseTable, Box<ShardLeases>),
}

impl Keeper {
    fn new(host: &Host, watch: &Watch, trigger: &Value) -> Result<Keeper, StepError> {
        Ok(match &watch.state {
            StateStore::File(path) => {
                let state = load_state(path, trigger)?;
                check_state_path(path)?;
                Keeper::File {
                    path: path.clone(),
                    state,
                }
            }
            StateStore::Leases(options) => {
                let action = trigger["action"].as_str().unwrap_or_default();
                let key = format!(
                    "{action}/{}",
                    trigger["input-sha256"].as_str().unwrap_or_default()
                );
                let table = LeaseTable::new(host, &watch.step, options.clone())?;
                let sharded = host.manifest().trigger(action);
                if sharded.is_some_and(|t| t.shards_input.is_some()) {
                    Keeper::Shards(table, Box::new(ShardLeases::new(key)))
                } else {
                    Keeper::Lease(table, Box::new(Lease::new(key)))
                }
            }
        })
    }

    /// Whether this watch may deliver now, from which state, and which shards it reads
    /// (`None`: all).
    fn begin(&mut self, host: &Host) -> Result<(Turn, Option<Value>), StepError> {
        match self {
            Keeper::File { state, .. } => Ok((Turn::Held(state.clone()), None)),
            Keeper::Lease(table, lease) => Ok((lease.acquire(table, host)?, None)),
            Keeper::Shards(table, leases) => leases.begin(table, host),
        }
    }

    /// Keep the state of `polled` once its records were delivered: `false` when a lease
    /// was lost.
    fn save(&mut self, host: &Host, trigger: &Value, polled: &Polled) -> Result<bool, StepError> {
        match self {
            Keeper::File { path, state: kept } => {
                save_state(path, trigger, &polled.state)?;
                *kept = Some(polled.state.clone());
                Ok(true)
            }
            Keeper::Lease(table, lease) => {
                lease.checkpoint(table, host, &polled.state, Value::Null)
            }
            Keeper::Shards(table, leases) => leases.save(table, host, polled),
        }
    }

    /// Give the leases up, if any are held (a clean stop).
    fn release(&mut self, host: &Host) {
        match self {
            Keeper::File { .. } => {}
            Keeper::Lease(table, lease) => lease.release(table, host),
            Keeper::Shards(table, leases) => leases.release(table, host),
        }
    }

    /// Whether this watch still holds what it polled under, checked before a delivery.
    fn still_held(&mut self, host: &Host) -> Result<bool, StepError> {
        match self {
            Keeper::File { .. } => Ok(true),
            Keeper::Lease(table, lease) => lease.still_held(table, host),
            Keeper::Shards(table, leases) => leases.still_held(table, host),
        }
    }

    /// Whether to look again at once rather than after the interval: the leases need a new
    /// plan (a trigger just split into shards, a listing that changed).
    fn again(&self) -> bool {
        matches!(self, Keeper::Shards(_, leases) if leases.replanning())
    }

    /// How many leases this watch holds (a file: the one trigger, always).
    fn held(&self) -> usize {
        match self {
            Keeper::File { .. } => 1,
            Keeper::Lease(_, lease) => usize::from(lease.held()),
            Keeper::Shards(_, leases) => leases.held(),
        }
    }
}

/// The metrics labels of `trigger` (from [`trigger_id`]): its action, and the action with
/// the first 12 hex digits of its input's hash.
fn labels(trigger: &Value) -> TriggerLabels {
    let action = trigger["action"].as_str().unwrap_or_default().to_string();
    let hash = trigger["input-sha256"].as_str().unwrap_or_default();
    TriggerLabels {
        trigger: format!("{action}/{}", &hash[..hash.len().min(12)]),
        action,
    }
}

/// A failure that may pass (`retryable`) logged as `what`, for the caller to wait and try
/// again; any other is the watch's error.
fn passing(host: &Host, error: StepError, what: &str) -> Result<(), StepError> {
    if retryable(host, &error.kind) {
        tracing::warn!(kind = %error.kind, "{what}: {}", error.message);
        Ok(())
    } else {
        Err(error)
    }
}

/// Whether a poll that failed so may succeed later: the host's network, timeout and capacity
/// kinds, and the connector's kinds its manifest marks `retry`.
fn retryable(host: &Host, kind: &ErrorKind) -> bool {
    match kind {
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Host => true,
        ErrorKind::Component(name) => host.manifest().retry(name),
        ErrorKind::InvalidInput | ErrorKind::Trap | ErrorKind::Limit => false,
    }
}
