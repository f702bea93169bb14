//! `connector-host flow`.

use super::{print, print_line};
use connector_host::{Host, StepError};
use serde_json::Value;

/// Run a flow's steps in order, printing each step's title and output (or, with `json`,
/// one array of every step with its output at the end); stop at the first failure.
pub(crate) fn run_flow(host: &Host, flow: &Value, json: bool) -> Result<(), StepError> {
    let mut record = Vec::new();
    let (result, _) = connector_host::flow::run(host, flow, |ran| {
        if json {
            record.push(serde_json::json!({
                "name": ran.title, "action": ran.step["action"], "input": ran.step["input"],
                "output": ran.output
            }));
        } else {
            print_line(&format!("── {}", ran.title));
            print(&ran.output);
        }
    });
    result?;
    if json {
        print(&Value::from(record));
    }
    Ok(())
}
