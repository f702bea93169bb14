//! The native half of the `dynamodb-connector` npm package: the project's host runtime
//! ([`connector_host::Host`]) behind a few methods that take and return JSON text, each run
//! on libuv's worker pool (an `AsyncTask`), so Node's event loop never waits for a step and
//! concurrent steps run together. The JavaScript half (`index.js`) turns values into that
//! text and back without losing a digit (lossless-json) and throws one `Error` subclass per
//! error kind.

// napi-rs's macros expand to unsafe N-API glue; the code written here has none.
#![allow(unsafe_code)]

use connector_host::{Host, Options, StepError};
use napi::bindgen_prelude::{AsyncTask, Env, Error, Result, Task};
use napi_derive::napi;
use serde_json::{json, Value};
use std::sync::Arc;

/// A host: the component and its manifest loaded once, steps run in sandboxed instances.
#[napi]
pub struct NativeHost {
    host: Arc<Host>,
}

#[napi]
impl NativeHost {
    /// A host from its options (JSON text; `index.js` documents them).
    #[napi(constructor)]
    #[allow(clippy::needless_pass_by_value)] // N-API hands JavaScript strings over owned
    pub fn new(options: String) -> Result<Self> {
        let given: Value =
            serde_json::from_str(&options).map_err(|e| Error::from_reason(e.to_string()))?;
        let host = Host::new(Options::from_json(&given))
            .map_err(|e| Error::from_reason(e.to_json().to_string()))?;
        Ok(NativeHost {
            host: Arc::new(host),
        })
    }

    /// Run one step (`{"connection", "action", "input"}` as JSON text): a promise of
    /// `{"ok", "value"}` as JSON text.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn run_step(&self, step: String) -> AsyncTask<Call> {
        self.call(Work::Step(step))
    }

    /// Run a flow: `{"ok": true, "value": {"steps": [{"title", "output"}], "error"}}`.
    #[napi(ts_return_type = "Promise<string>")]
    pub fn run_flow(&self, flow: String) -> AsyncTask<Call> {
        self.call(Work::Flow(flow))
    }

    /// One poll of a trigger from `state` (JSON text, `null` on the first).
    #[napi(ts_return_type = "Promise<string>")]
    pub fn poll(&self, step: String, state: String) -> AsyncTask<Call> {
        self.call(Work::Poll(step, state))
    }
}

impl NativeHost {
    fn call(&self, work: Work) -> AsyncTask<Call> {
        AsyncTask::new(Call {
            host: self.host.clone(),
            work: Some(work),
        })
    }
}

/// What a [`Call`] does.
enum Work {
    Step(String),
    Flow(String),
    Poll(String, String),
}

/// One call run on libuv's worker pool.
pub struct Call {
    host: Arc<Host>,
    work: Option<Work>,
}

impl Task for Call {
    type Output = String;
    type JsValue = String;

    fn compute(&mut self) -> Result<String> {
        let parse = |text: &str| {
            serde_json::from_str::<Value>(text).map_err(|e| Error::from_reason(e.to_string()))
        };
        let answer = match self.work.take() {
            Some(Work::Step(step)) => answer(self.host.run_step(&parse(&step)?)),
            Some(Work::Flow(flow)) => {
                let mut ran = Vec::new();
                let (result, _) = connector_host::flow::run(&self.host, &parse(&flow)?, |step| {
                    ran.push(json!({"title": step.title, "output": step.output}));
                });
                let error = result.err().map(|e| e.to_json());
                json!({"ok": true, "value": {"steps": ran, "error": error}})
            }
            Some(Work::Poll(step, state)) => {
                let polled = self.host.poll(parse(&step)?, Some(parse(&state)?));
                answer(polled.map(connector_host::trigger::Polled::into_json))
            }
            None => return Err(Error::from_reason("a call runs once")),
        };
        Ok(answer.to_string())
    }

    fn resolve(&mut self, _env: Env, output: String) -> Result<String> {
        Ok(output)
    }
}

fn answer(result: std::result::Result<Value, StepError>) -> Value {
    match result {
        Ok(output) => json!({"ok": true, "value": output}),
        Err(error) => json!({"ok": false, "value": error.to_json()}),
    }
}
