//! The native half of the `dynamodb_connector` Python package: the project's host runtime
//! ([`connector_host::Host`]) behind a few functions that take and return JSON text. The
//! Python half (`dynamodb_connector/__init__.py`) turns Python values into that text and
//! back (every number a `decimal.Decimal`, every digit kept) and raises one exception class
//! per error kind. Every call runs with the interpreter released, so other Python threads
//! (and `asyncio.to_thread`) go on while a step runs.

// PyO3's macros expand to unsafe FFI glue; the code written here has none.
#![allow(unsafe_code)]

use connector_host::{Host, Options, StepError};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use serde_json::{json, Value};

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
        let options = Options::from_json(&given);
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

/// The native module.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeHost>()?;
    Ok(())
}
