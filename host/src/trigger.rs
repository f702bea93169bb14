//! Polling triggers: one poll of an action the manifest marks as a trigger
//! ([`crate::manifest::Trigger`]), state in and records, state and `more` out; and the
//! state file `connector-host watch` keeps between polls, written atomically.
//!
//! The state is the action's own cursor, opaque to the host. A runner saves it only after
//! the records of the poll that produced it were delivered: a runner stopped at any point
//! polls again from the last saved state, so every record is delivered at least once (the
//! records' own ids, e.g. `EventId`, are the dedupe key).

use crate::error::{ErrorKind, StepError};
use crate::Host;
use serde_json::Value;
use std::path::Path;

/// One poll's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Polled {
    /// The records, in order.
    pub records: Vec<Value>,
    /// The state to give the next poll.
    pub state: Value,
    /// Whether records are waiting now (poll again at once).
    pub more: bool,
}

impl Polled {
    /// The poll as the service answers it: `{"records", "state", "more"}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({"records": self.records, "state": self.state, "more": self.more})
    }
}

impl Host {
    /// Poll the trigger `action` once: the step `{"connection", "action", "input"}` with the
    /// trigger's state input set to `state` (absent or `null`: the first poll).
    pub fn poll(&self, step: &Value, state: Option<&Value>) -> Result<Polled, StepError> {
        let action = step["action"].as_str().unwrap_or_default();
        let trigger = self.manifest.trigger(action).cloned().ok_or_else(|| {
            StepError::invalid(
                "action",
                format!("{action:?} is not a polling trigger of this connector"),
            )
        })?;
        let mut step = step.clone();
        if !step["input"].is_object() {
            return Err(StepError::invalid("input", "must be a JSON object"));
        }
        match state {
            Some(Value::Null) | None => {}
            Some(state) => step["input"][&trigger.state_input] = state.clone(),
        }
        let output = self.run_step(&step)?;
        let records = match &output[&trigger.records] {
            Value::Array(records) => records.clone(),
            _ => return Err(malformed(action, &trigger.records)),
        };
        let state = output
            .get(&trigger.state_output)
            .cloned()
            .ok_or_else(|| malformed(action, &trigger.state_output))?;
        Ok(Polled {
            records,
            state,
            more: output[&trigger.more].as_bool().unwrap_or(false),
        })
    }
}

fn malformed(action: &str, member: &str) -> StepError {
    StepError::new(
        ErrorKind::Host,
        format!("trigger {action} answered without its {member:?} member"),
    )
}

/// The state saved at `path`, if any: `{"state": ...}`.
pub fn load_state(path: &Path) -> Result<Option<Value>, StepError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(state_error(path, &e)),
    };
    let saved: Value = serde_json::from_str(&text).map_err(|e| state_error(path, &e))?;
    Ok(saved.get("state").cloned().filter(|s| !s.is_null()))
}

/// Save `state` at `path` atomically: written to a temporary file beside it, flushed to
/// disk, then renamed over it (a reader sees the old state or the new, never a torn one).
pub fn save_state(path: &Path, state: &Value) -> Result<(), StepError> {
    use std::io::Write;
    let temporary = path.with_extension("tmp");
    let write = || -> std::io::Result<()> {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(serde_json::json!({"state": state}).to_string().as_bytes())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::File::open(folder)?.sync_all()?;
        }
        Ok(())
    };
    write().map_err(|e| state_error(path, &e))
}

fn state_error(path: &Path, error: &dyn std::fmt::Display) -> StepError {
    StepError::new(
        ErrorKind::Host,
        format!("trigger state {}: {error}", path.display()),
    )
}

/// Where `watch` delivers each poll's records.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// One JSON line per record on standard output, flushed before the state is saved.
    Stdout,
    /// One `POST` of `{"records": [...]}` per poll with records to this URL; any `2xx`
    /// answer is a delivery.
    Post(String),
}

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
}

/// Attempts of one `POST` delivery before `watch` stops (without saving the state).
const DELIVERY_ATTEMPTS: u32 = 6;

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
    let mut state = load_state(&watch.state)?;
    while !stop.load(Ordering::SeqCst) {
        let polled = match host.poll(&watch.step, state.as_ref()) {
            Ok(polled) => polled,
            Err(error) if retryable(&error.kind) => {
                tracing::warn!(kind = %error.kind, "poll failed, trying again: {}", error.message);
                pause(watch.interval, stop);
                continue;
            }
            Err(error) => return Err(error),
        };
        deliver(&watch.delivery, &polled.records, stop)?;
        save_state(&watch.state, &polled.state)?;
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

fn retryable(kind: &ErrorKind) -> bool {
    let name = kind.to_string();
    matches!(
        name.as_str(),
        "throttled" | "network" | "timeout" | "service" | "host"
    )
}

/// Sleep `length`, waking early when `stop` is set.
fn pause(length: std::time::Duration, stop: &std::sync::atomic::AtomicBool) {
    let until = std::time::Instant::now() + length;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let left = until.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(std::time::Duration::from_millis(100)));
    }
}

/// Deliver `records`: every line written and flushed, or every `POST` answered `2xx`.
fn deliver(
    delivery: &Delivery,
    records: &[Value],
    stop: &std::sync::atomic::AtomicBool,
) -> Result<(), StepError> {
    if records.is_empty() {
        return Ok(());
    }
    match delivery {
        Delivery::Stdout => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let written = records
                .iter()
                .try_for_each(|r| writeln!(out, "{r}"))
                .and_then(|()| out.flush());
            written.map_err(|e| {
                StepError::new(ErrorKind::Host, format!("cannot write the records: {e}"))
            })
        }
        Delivery::Post(url) => post(url, records, stop),
    }
}

/// `POST` `{"records": [...]}` to `url`, trying again with a doubling pause (1 s first).
fn post(
    url: &str,
    records: &[Value],
    stop: &std::sync::atomic::AtomicBool,
) -> Result<(), StepError> {
    let body = serde_json::json!({ "records": records });
    let mut wait = std::time::Duration::from_secs(1);
    let mut last = String::new();
    for _ in 0..DELIVERY_ATTEMPTS {
        match ureq::post(url).send_json(&body) {
            Ok(_) => return Ok(()),
            Err(e) => last = e.to_string(),
        }
        tracing::warn!("delivery failed, trying again: {last}");
        pause(wait, stop);
        wait *= 2;
    }
    Err(StepError::new(
        ErrorKind::Host,
        format!("the records could not be delivered after {DELIVERY_ATTEMPTS} attempts ({last}); the state was not saved"),
    ))
}
