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
    /// What the source reported lost before it was read (the trigger's `gaps` member;
    /// empty when it reports none or has no such member).
    pub gaps: Vec<Value>,
    /// When the source recorded the newest of the records, in seconds since the epoch
    /// (the trigger's `record-time` member of each record), when they say.
    pub newest_record_time: Option<f64>,
    /// The source's shards (the trigger's `shards-output`), when the poll named the shards
    /// it reads.
    pub shards: Option<Vec<Value>>,
    /// Whether the poll read the source as a whole (a snapshot: the trigger's `snapshot`
    /// member was present).
    pub snapshot: bool,
}

impl Polled {
    /// The poll as the service answers it: `{"records", "state", "more"}`.
    pub fn into_json(self) -> Value {
        serde_json::json!({"records": self.records, "state": self.state, "more": self.more})
    }
}

impl Host {
    /// Poll the trigger `action` once: the step `{"connection", "action", "input"}` with the
    /// trigger's state input set to `state` (absent or `null`: the first poll). The step
    /// is moved, never copied.
    pub fn poll(&self, mut step: Value, state: Option<Value>) -> Result<Polled, StepError> {
        let action = step["action"].as_str().unwrap_or_default().to_string();
        let trigger = self.manifest.trigger(&action).cloned().ok_or_else(|| {
            StepError::invalid(
                "action",
                format!("{action:?} is not a polling trigger of this connector"),
            )
        })?;
        let Some(input) = step.get_mut("input").and_then(Value::as_object_mut) else {
            return Err(StepError::invalid("input", "must be a JSON object"));
        };
        match state {
            Some(Value::Null) | None => {}
            Some(state) => {
                input.insert(trigger.state_input.clone(), state);
            }
        }
        let mut output = self.run_step(&step)?;
        drop(step);
        let Some(Value::Array(records)) = output.get_mut(&trigger.records).map(Value::take) else {
            return Err(malformed(&action, &trigger.records));
        };
        let state = output
            .get_mut(&trigger.state_output)
            .map(Value::take)
            .ok_or_else(|| malformed(&action, &trigger.state_output))?;
        let gaps = match trigger.gaps.as_ref().and_then(|g| output.get_mut(g)) {
            Some(Value::Array(gaps)) => std::mem::take(gaps),
            _ => Vec::new(),
        };
        let newest_record_time = trigger.record_time.as_ref().and_then(|member| {
            records
                .iter()
                .filter_map(|r| r.get(member).and_then(Value::as_f64))
                .reduce(f64::max)
        });
        let shards = match trigger
            .shards_output
            .as_ref()
            .and_then(|m| output.get_mut(m))
        {
            Some(Value::Array(shards)) => Some(std::mem::take(shards)),
            _ => None,
        };
        let snapshot = trigger.snapshot.as_ref();
        Ok(Polled {
            records,
            state,
            more: output[&trigger.more].as_bool().unwrap_or(false),
            gaps,
            newest_record_time,
            shards,
            snapshot: snapshot.is_some_and(|m| output.get(m).is_some_and(|v| !v.is_null())),
        })
    }
}

fn malformed(action: &str, member: &str) -> StepError {
    StepError::new(
        ErrorKind::Host,
        format!("trigger {action} answered without its {member:?} member"),
    )
}

/// The version of the state files `watch` writes.
const STATE_VERSION: u64 = 1;

/// Which trigger a state file belongs to: its action and a SHA-256 of its input (the
/// state of one trigger never feeds another).
pub fn trigger_id(step: &Value) -> Value {
    use sha2::{Digest, Sha256};
    let input = serde_json::to_vec(&step["input"]).unwrap_or_default();
    let digest = Sha256::digest(input)
        .iter()
        .fold(String::new(), |mut hex, b| {
            use std::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        });
    serde_json::json!({"action": step["action"], "input-sha256": digest})
}

/// The state saved at `path` for the trigger `trigger` (from [`trigger_id`]), if any
/// (no file: the first poll). Refused, naming the file, unless it is a state file `watch`
/// wrote for this trigger: `{"version": 1, "trigger": ..., "state": ...}`, or the
/// `{"state": ...}` of earlier versions whose state is not `null`.
pub fn load_state(path: &Path, trigger: &Value) -> Result<Option<Value>, StepError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(state_error(path, &e)),
    };
    let saved: Value = serde_json::from_str(&text).map_err(|e| state_error(path, &e))?;
    let refuse = |why: &str| {
        Err(state_error(
            path,
            &format!(
                "{why}: it is not a state file this runner wrote; move it away to start \
                 from the trigger's first poll"
            ),
        ))
    };
    let Value::Object(members) = saved else {
        return refuse("not a JSON object");
    };
    let state = match members.get("state") {
        None => return refuse("no \"state\" member"),
        Some(state) => state.clone(),
    };
    match members.get("version") {
        None if members.len() == 1 && !state.is_null() => Ok(Some(state)),
        None => refuse("no \"version\" member"),
        Some(version) if version.as_u64() != Some(STATE_VERSION) => {
            refuse(&format!("version {version} is not {STATE_VERSION}"))
        }
        Some(_) if members.len() != 3 => refuse("members other than version, trigger, state"),
        Some(_) if members.get("trigger") != Some(trigger) => refuse(&format!(
            "it belongs to another trigger ({}), not {trigger}",
            members.get("trigger").unwrap_or(&Value::Null)
        )),
        Some(_) => Ok(Some(state).filter(|s| !s.is_null())),
    }
}

/// Save `state` of `trigger` at `path` atomically: written to a temporary file beside it,
/// flushed to disk, then renamed over it (a reader sees the old state or the new, never a
/// torn one).
pub fn save_state(path: &Path, trigger: &Value, state: &Value) -> Result<(), StepError> {
    let document =
        serde_json::json!({"version": STATE_VERSION, "trigger": trigger, "state": state});
    write_atomically(path, document.to_string().as_bytes()).map_err(|e| state_error(path, &e))
}

/// Check that the state can be saved at `path` (its folder exists and takes a file),
/// before anything is delivered.
pub fn check_state_path(path: &Path) -> Result<(), StepError> {
    let temporary = path.with_extension("tmp");
    let probe = std::fs::File::create(&temporary).and_then(|_| std::fs::remove_file(&temporary));
    probe.map_err(|e| state_error(path, &format!("cannot be written ({e})")))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let temporary = path.with_extension("tmp");
    let mut file = std::fs::File::create(&temporary)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path)?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::File::open(folder)?.sync_all()?;
    }
    Ok(())
}

fn state_error(path: &Path, error: &dyn std::fmt::Display) -> StepError {
    StepError::new(
        ErrorKind::Host,
        format!("trigger state {}: {error}", path.display()),
    )
}
