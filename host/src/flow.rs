//! Flow documents: `{"connection": ..., "steps": [{"name", "action", "input"}, ...]}`, the
//! steps run in order (by the CLI's `flow` and the service's `POST /v1/flows`).

use crate::StepError;
use serde_json::Value;

/// Steps of a flow document, each with the flow's connection unless it has its own.
pub fn steps(flow: &Value) -> Result<Vec<(String, Value)>, StepError> {
    let steps = flow
        .get("steps")
        .and_then(Value::as_array)
        .ok_or_else(|| StepError::invalid("steps", "a flow needs a \"steps\" array"))?;
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut step = step.clone();
            let obj = step.as_object_mut().ok_or_else(|| {
                StepError::invalid(&format!("steps[{i}]"), "must be a JSON object")
            })?;
            if !obj.contains_key("connection") {
                if let Some(c) = flow.get("connection") {
                    obj.insert("connection".into(), c.clone());
                }
            }
            let action = obj
                .get("action")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let name = obj
                .remove("name")
                .and_then(|n| n.as_str().map(str::to_string))
                .unwrap_or_else(|| action.clone());
            Ok((format!("{}. {name} ({action})", i + 1), step))
        })
        .collect()
}
