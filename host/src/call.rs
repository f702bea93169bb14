//! The call of one action in an instance, and what it came to: its output, the
//! component's error, a trap, the deadline or a host limit.

use crate::component::{Action, LoadedComponent};
use crate::hooks::Notice;
use crate::instance::Instance;
use crate::options::Limits;
use crate::pool::lock;
use crate::{convert, ErrorKind, StepError};
use serde_json::Value;
use std::time::{Duration, Instant};
use wasmtime::component::Val;
use wasmtime::format_err;

/// What a call into the guest came to.
pub(crate) enum CallOutcome {
    /// The function returned its output (JSON text) or its error (as JSON).
    Returned(Result<String, Value>),
    /// The guest trapped (a panic, an out-of-bounds access, the memory cap, ...).
    Trapped(String),
    /// The step deadline passed.
    TimedOut,
    /// A host limit was reached; says which.
    LimitReached(String),
}

/// What a step cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepStats {
    /// Time to instantiate the pre-linked component in the fresh store.
    pub instantiate: Duration,
    /// Time from the call into the guest to its return (including its I/O).
    pub call: Duration,
    /// Most linear memory the guest held at once, in bytes.
    pub peak_memory_bytes: usize,
    /// Requests the sandbox refused during the step.
    pub refused_requests: usize,
}

/// A finished call and what the sandbox saw during it.
pub(crate) struct Call {
    pub(crate) outcome: CallOutcome,
    pub(crate) stats: StepStats,
    /// Requests the sandbox refused, and origins it could not reach.
    pub(crate) refused: Vec<Notice>,
    /// What the guest wrote to standard error.
    pub(crate) stderr: String,
}

impl LoadedComponent {
    /// Run `action` with `params` in `warm` (an instance kept from an earlier step of the
    /// same connection, or a fresh one that took `instantiate` to make), within `limits`.
    /// Returns the call and the instance, which the caller may keep for the next step of
    /// the connection when the call returned (never after a trap, a timeout or a limit).
    pub(crate) async fn call(
        &self,
        action: &Action,
        params: &[Val],
        limits: Limits,
        mut warm: Instance,
        instantiate: Duration,
    ) -> wasmtime::Result<(Call, Instance)> {
        let mut stats = StepStats {
            instantiate,
            ..StepStats::default()
        };
        let stderr_start = warm.stderr.contents().len();
        let func = warm
            .exports
            .get_func(&mut warm.store, action.index)
            .ok_or_else(|| format_err!("the action's function is missing"))?;
        let mut results = [Val::Bool(false)];
        let called = Instant::now();
        let run = func.call_async(&mut warm.store, params, &mut results);
        let outcome = match tokio::time::timeout(limits.timeout, run).await {
            Err(_) => CallOutcome::TimedOut,
            Ok(result) => outcome_of(result.map(|()| results[0].clone()), &limits),
        };
        stats.call = called.elapsed();
        warm.steps += 1;
        warm.last_used = Instant::now();
        let data = warm.store.data();
        let outcome = match outcome {
            CallOutcome::Trapped(_) if data.limiter.cap_reached => {
                CallOutcome::LimitReached(format!(
                    "the step needed more than the host's memory cap of {} MiB",
                    limits.memory_bytes >> 20
                ))
            }
            other => other,
        };
        stats.peak_memory_bytes = data.limiter.peak_memory;
        let refused = std::mem::take(&mut *lock(&data.sandbox.refused));
        stats.refused_requests = refused
            .iter()
            .filter(|n| matches!(n, Notice::Refused(_)))
            .count();
        let stderr = warm.stderr.contents();
        let stderr =
            String::from_utf8_lossy(&stderr[stderr_start.min(stderr.len())..]).into_owned();
        let call = Call {
            outcome,
            stats,
            refused,
            stderr,
        };
        Ok((call, warm))
    }
}
/// What an action's `result<string, error>` (or its failure to return) came to.
fn outcome_of(result: wasmtime::Result<Val>, limits: &Limits) -> CallOutcome {
    match result {
        Ok(Val::Result(Ok(Some(output)))) => match *output {
            Val::String(text) if text.len() > limits.output_bytes => {
                CallOutcome::LimitReached(format!(
                    "the output ({} bytes) is larger than the host's output cap of {} bytes",
                    text.len(),
                    limits.output_bytes
                ))
            }
            Val::String(text) => CallOutcome::Returned(Ok(text)),
            other => CallOutcome::Trapped(format!("unexpected output {other:?}")),
        },
        Ok(Val::Result(Err(Some(error)))) => CallOutcome::Returned(Err(convert::from_val(&error))),
        Ok(other) => CallOutcome::Trapped(format!("unexpected result {other:?}")),
        Err(error) => match error.downcast_ref::<wasmtime::Trap>() {
            Some(wasmtime::Trap::Interrupt) => CallOutcome::TimedOut,
            Some(trap) => CallOutcome::Trapped(format!("wasm trap: {trap}")),
            None => CallOutcome::Trapped(format!("{error:#}")),
        },
    }
}

impl Call {
    /// The step's result from what the call came to.
    pub(crate) fn into_result(self, timeout: Duration) -> Result<Value, StepError> {
        match self.outcome {
            CallOutcome::LimitReached(which) => Err(StepError::new(
                ErrorKind::Limit,
                format!("{which}; ask for less per step (page instead of fetching all)"),
            )),
            CallOutcome::TimedOut => Err(StepError::new(
                ErrorKind::Timeout,
                format!("the step did not finish within {timeout:?}"),
            )),
            CallOutcome::Trapped(message) => {
                Err(StepError::trap(crash_message(&self.stderr, &message)))
            }
            CallOutcome::Returned(Ok(text)) => serde_json::from_str(&text)
                .map_err(|e| StepError::trap(format!("the component returned invalid JSON: {e}"))),
            CallOutcome::Returned(Err(error)) => {
                let error: StepError = serde_json::from_value(error)
                    .map_err(|e| StepError::trap(format!("unexpected error shape: {e}")))?;
                Err(with_refusals(error.with_parsed_items(), &self.refused))
            }
        }
    }
}

/// A crash message with the panic's own words when the guest printed them (a Rust panic
/// prints "thread ... panicked at FILE:" and its message below).
fn crash_message(stderr: &str, trap: &str) -> String {
    let mut lines = stderr.lines().skip_while(|l| !l.contains("panicked"));
    let panic: Vec<&str> = lines.by_ref().take(2).collect();
    if panic.is_empty() {
        format!("the component crashed: {trap}")
    } else {
        format!("the component crashed: {} ({trap})", panic.join(" "))
    }
}

/// The component's error, saying which requests the host refused during the step and
/// which origins it could not reach (the URL and the likely cause, which the guest's own
/// error does not carry).
fn with_refusals(mut error: StepError, notices: &[Notice]) -> StepError {
    let (mut refused, mut unreachable) = (Vec::new(), Vec::new());
    for notice in notices {
        match notice {
            Notice::Refused(what) if !refused.contains(&what) => refused.push(what),
            Notice::Unreachable(what) if !unreachable.contains(&what) => unreachable.push(what),
            _ => {}
        }
    }
    if !unreachable.is_empty() {
        error.message = format!(
            "could not connect to {}: is a server listening there, and is the connection's \
             endpoint (or region) right? {}",
            join(&unreachable),
            error.message
        );
    }
    if !refused.is_empty() {
        error.message = format!("the host refused {}: {}", join(&refused), error.message);
    }
    error
}

fn join(texts: &[&String]) -> String {
    texts
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}
