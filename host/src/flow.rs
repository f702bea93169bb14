//! Flow documents: `{"connection": ..., "steps": [{"name", "action", "input"}, ...]}`, the
//! steps run in order (by the CLI's `flow` and the service's `POST /v1/flows`).
//!
//! A step without a connection of its own uses the flow's, read in place: a flow's memory
//! is its document's, never its step count times its connection.

use crate::{Host, StepError};
use serde_json::Value;

/// One step of a flow that ran.
pub struct Ran<'a> {
    /// `N. name (action)`: its place, its name (else its action) and its action.
    pub title: String,
    /// The step as the flow gives it (without the flow's connection).
    pub step: &'a Value,
    /// Its output.
    pub output: Value,
}

/// Run the steps of `flow` in order, handing each one's output to `each`; stop at the
/// first failure, whose message names the step. Also returns the requests the host's
/// egress policy refused.
pub fn run(host: &Host, flow: &Value, mut each: impl FnMut(Ran)) -> (Result<(), StepError>, usize) {
    let mut refused = 0;
    let result = (|| {
        let steps = flow
            .get("steps")
            .and_then(Value::as_array)
            .ok_or_else(|| StepError::invalid("steps", "a flow needs a \"steps\" array"))?;
        for (i, step) in steps.iter().enumerate() {
            let title = title(i, step)?;
            let (result, stats) = host.run_step_in(flow.get("connection"), step);
            refused += stats.refused_requests;
            let output = result.map_err(|error| StepError {
                message: format!("step {title}: {}", error.message),
                ..error
            })?;
            each(Ran {
                title,
                step,
                output,
            });
        }
        Ok(())
    })();
    (result, refused)
}

/// `N. name (action)` of the `i`th step (counted from 0).
fn title(i: usize, step: &Value) -> Result<String, StepError> {
    let obj = step
        .as_object()
        .ok_or_else(|| StepError::invalid(&format!("steps[{i}]"), "must be a JSON object"))?;
    let action = obj.get("action").and_then(Value::as_str).unwrap_or("?");
    let name = obj.get("name").and_then(Value::as_str).unwrap_or(action);
    Ok(format!("{}. {name} ({action})", i + 1))
}
