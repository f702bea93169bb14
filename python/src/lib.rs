//! The native half of the `dynamodb_connector` Python package: the project's host runtime
//! ([`connector_host::Host`]) behind a few functions that take and return JSON text. The
//! Python half (`dynamodb_connector/__init__.py`) turns Python values into that text and
//! back (every number a `decimal.Decimal`, every digit kept) and raises one exception class
//! per error kind. Every call runs with the interpreter released, so other Python threads
//! (and `asyncio.to_thread`) go on while a step runs.

// PyO3's macros expand to unsafe FFI glue; the code written here has none.
#![allow(unsafe_code)]

use connector_host::{Egress, Host, Limits, Options, Reuse, StepError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{json, Value};
use std::time::Duration;

/// A host: the component and its manifest loaded once, steps run in sandboxed instances.
#[pyclass(frozen, name = "NativeHost")]
struct NativeHost {
    host: Host,
}

/// What a call answers: `(true, output)` or `(false, error)`, each as JSON text.
type Answer = (bool, String);

fn answer(result: Result<Value, StepError>) -> Answer {
    match result {
        Ok(output) => (true, output.to_string()),
        Err(error) => (false, error.to_json().to_string()),
    }
}

fn parse(text: &str, what: &str) -> PyResult<Value> {
    serde_json::from_str(text).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
}

#[pymethods]
impl NativeHost {
    /// A host from its options (JSON text): `component`, `manifest`, `cache_dir`,
    /// `allow_endpoints`, `allow_any_endpoint`, `timeout_seconds`, `memory_bytes`,
    /// `reuse`, `pooled_steps`.
    #[new]
    fn new(py: Python<'_>, options: &str) -> PyResult<Self> {
        let given = parse(options, "options")?;
        let options = options_of(&given);
        match py.detach(|| Host::new(options)) {
            Ok(host) => Ok(NativeHost { host }),
            Err(error) => Err(PyValueError::new_err(error.to_json().to_string())),
        }
    }

    /// Run one step (`{"connection", "action", "input"}` as JSON text).
    fn run_step(&self, py: Python<'_>, step: &str) -> PyResult<Answer> {
        let step = parse(step, "step")?;
        Ok(py.detach(|| answer(self.host.run_step(&step))))
    }

    /// Run a flow (`{"connection", "steps"}` as JSON text): the outputs of the steps that
    /// ran, `[{"title", "output"}]`, and the error that stopped it, if one did.
    fn run_flow(&self, py: Python<'_>, flow: &str) -> PyResult<Answer> {
        let flow = parse(flow, "flow")?;
        Ok(py.detach(|| {
            let mut ran = Vec::new();
            let (result, _) = connector_host::flow::run(&self.host, &flow, |step| {
                ran.push(json!({"title": step.title, "output": step.output}));
            });
            let error = result.err().map(|e| e.to_json());
            (true, json!({"steps": ran, "error": error}).to_string())
        }))
    }

    /// One poll of a trigger: the step and the state of the last poll (`null` on the
    /// first), answered as `{"records", "state", "more"}`.
    fn poll(&self, py: Python<'_>, step: &str, state: &str) -> PyResult<Answer> {
        let step = parse(step, "step")?;
        let state = parse(state, "state")?;
        Ok(py.detach(|| {
            answer(
                self.host
                    .poll(step, Some(state))
                    .map(connector_host::trigger::Polled::into_json),
            )
        }))
    }
}

/// The host's options from the Python side's, the CLI's defaults for what it leaves out.
fn options_of(given: &Value) -> Options {
    let mut options = Options::default();
    let text = |key: &str| given[key].as_str().map(std::path::PathBuf::from);
    if let Some(component) = text("component") {
        options.component = component;
    }
    options.manifest = text("manifest").or(options.manifest);
    if let Some(cache) = given.get("cache_dir") {
        options.cache_dir = cache.as_str().map(std::path::PathBuf::from);
    }
    let allow = given["allow_endpoints"].as_array().into_iter().flatten();
    options.egress = Egress {
        allow: allow
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect(),
        allow_any: given["allow_any_endpoint"] == true,
    };
    let defaults = Limits::default();
    options.limits = Limits {
        timeout: given["timeout_seconds"]
            .as_f64()
            .map_or(defaults.timeout, Duration::from_secs_f64),
        memory_bytes: given["memory_bytes"]
            .as_u64()
            .and_then(|m| usize::try_from(m).ok())
            .unwrap_or(defaults.memory_bytes),
        ..defaults
    };
    if given["reuse"] == false {
        options.reuse = Reuse::off();
    }
    if let Some(slots) = given["pooled_steps"].as_u64() {
        options.pooled_steps = u32::try_from(slots).unwrap_or(u32::MAX);
    }
    options
}

/// The native module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeHost>()?;
    Ok(())
}
