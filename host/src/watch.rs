//! `connector-host watch`: a trigger run until stopped, each poll's records delivered
//! ([`crate::delivery`]) before its state is saved ([`crate::trigger`]'s state file).

use crate::delivery::{pause, Delivered};
pub use crate::delivery::{Delivery, ATTEMPT_TIMEOUT as DELIVERY_TIMEOUT};
use crate::error::{ErrorKind, StepError};
use crate::metrics::{TriggerLabels, TriggerMetrics};
use crate::trigger::{check_state_path, load_state, save_state, trigger_id};
use crate::Host;
use serde_json::Value;

/// A trigger run by `watch`.
#[derive(Debug, Clone)]
pub struct Watch {
    /// The step `{"connection", "action", "input"}` without the state.
    pub step: Value,
    /// The state file.
    pub state: std::path::PathBuf,
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
    let mut state = load_state(&watch.state, &trigger)?;
    check_state_path(&watch.state)?;
    let labels = labels(&trigger);
    while !stop.load(Ordering::SeqCst) {
        let polled = host.poll(watch.step.clone(), state.clone());
        if let (Some(metrics), Err(error)) = (&watch.metrics, &polled) {
            metrics.failed(&labels, &error.kind.to_string());
        }
        let polled = match polled {
            Ok(polled) => polled,
            Err(error) if retryable(host, &error.kind) => {
                tracing::warn!(kind = %error.kind, "poll failed, trying again: {}", error.message);
                pause(watch.interval, stop);
                continue;
            }
            Err(error) => return Err(error),
        };
        if watch.delivery.deliver(&polled.records, stop)? == Delivered::Stopped {
            tracing::warn!(
                records = polled.records.len(),
                "stopped during a delivery: the state was not saved, the next start \
                 delivers these records again"
            );
            return Ok(());
        }
        save_state(&watch.state, &trigger, &polled.state)?;
        if let Some(metrics) = &watch.metrics {
            metrics.polled(&labels, &polled);
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
        state = Some(polled.state);
        if !polled.more {
            pause(watch.interval, stop);
        }
    }
    Ok(())
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

/// Whether a poll that failed so may succeed later: the host's network, timeout and capacity
/// kinds, and the connector's kinds its manifest marks `retry`.
fn retryable(host: &Host, kind: &ErrorKind) -> bool {
    match kind {
        ErrorKind::Network | ErrorKind::Timeout | ErrorKind::Host => true,
        ErrorKind::Component(name) => host.manifest().retry(name),
        ErrorKind::InvalidInput | ErrorKind::Trap | ErrorKind::Limit => false,
    }
}
