//! `connector-host`: a wasmtime host that runs DynamoDB connector steps.
//!
//! A [`Host`] loads the component once (compiled code is cached on disk), and
//! [`Host::run_step`] runs one step document in a fresh store: the connection and input
//! are converted to the component's WIT types, the action runs with `wasi:http` as its only
//! way out, and requests are allowed only to the origins the step's connection implies.
//!
//! ```no_run
//! let host = connector_host::Host::new(connector_host::Options::default()).unwrap();
//! let step = serde_json::json!({
//!     "connection": {"type": "access-key", "access-key-id": "AKIA...",
//!                    "secret-access-key": "...", "endpoint-url": "http://127.0.0.1:8000"},
//!     "action": "list-tables",
//!     "input": {"region": "us-east-1"}
//! });
//! match host.run_step(&step) {
//!     Ok(output) => println!("{output}"),
//!     Err(error) => println!("{}", error.to_json()),
//! }
//! ```

pub mod convert;
pub mod docs;
mod glue;
pub mod manifest;
mod pool;
pub mod sandbox;

pub use glue::{Limits, StepStats};

use glue::{CallOutcome, Runtime};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Duration;
use wasmtime::component::Val;

/// Where the release build of the component lands, relative to the workspace.
pub const DEFAULT_COMPONENT: &str = "target/wasm32-wasip2/release/dynamodb_connector.wasm";

/// How a [`Host`] is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// The component file (`.wasm`).
    pub component: PathBuf,
    /// Directory of the compile cache; `None` compiles in every process.
    pub cache_dir: Option<PathBuf>,
    /// Limits applied to every step.
    pub limits: Limits,
    /// Steps that may run at once on pooled instance slots, reused between steps (faster
    /// warm steps); 0 allocates each step's instance on demand (faster start for a process
    /// that runs one step).
    pub pooled_steps: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            component: default_component(),
            cache_dir: default_cache_dir(),
            limits: Limits {
                timeout: Duration::from_secs(300),
                memory_bytes: 512 << 20,
            },
            pooled_steps: 64,
        }
    }
}

/// The release build: under `$CARGO_TARGET_DIR` when set, else in this crate's workspace,
/// else relative to the current directory.
pub fn default_component() -> PathBuf {
    let in_target = |dir: PathBuf| dir.join("wasm32-wasip2/release/dynamodb_connector.wasm");
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| in_target(PathBuf::from(d)))
        .into_iter()
        .chain([workspace.join(DEFAULT_COMPONENT)])
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from(DEFAULT_COMPONENT))
}

/// `$CONNECTOR_HOST_CACHE_DIR`, else `$XDG_CACHE_HOME/connector-host`, else
/// `$HOME/.cache/connector-host`.
pub fn default_cache_dir() -> Option<PathBuf> {
    let var = |k| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("CONNECTOR_HOST_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("connector-host")))
        .or_else(|| var("HOME").map(|d| d.join(".cache").join("connector-host")))
}

/// A failed step, printed as `{"error": {...}}`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub struct StepError {
    /// `invalid-input`, `network`, ... as the component reports it; the host adds `trap`
    /// (the guest crashed), `timeout` (the step deadline passed) and `host` (the component
    /// could not be loaded).
    pub kind: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl StepError {
    /// An error of `kind` with a message.
    pub fn new(kind: &str, message: impl Into<String>) -> Self {
        StepError {
            kind: kind.into(),
            message: message.into(),
            field: None,
            code: None,
            request_id: None,
        }
    }

    /// An `invalid-input` error naming the field at fault.
    pub fn invalid(field: &str, message: impl std::fmt::Display) -> Self {
        StepError {
            field: Some(field.to_string()),
            ..StepError::new("invalid-input", format!("{field}: {message}"))
        }
    }

    /// `{"error": {...}}`, as the CLI prints it.
    pub fn to_json(&self) -> Value {
        json!({ "error": self })
    }
}

/// The connector component, loaded and linked once; runs any number of steps.
pub struct Host {
    runtime: Runtime,
    limits: Limits,
}

/// What drives steps on one thread: a current-thread tokio runtime (a request's I/O and the
/// guest never hop threads) and the HTTP connections that runtime's tasks serve. Each thread
/// that runs steps has its own, so steps on different threads run in parallel.
struct Driver {
    tokio: tokio::runtime::Runtime,
    pool: pool::Pool,
}

thread_local! {
    static DRIVER: Driver = Driver {
        tokio: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime"),
        pool: pool::Pool::default(),
    };
}

impl Host {
    /// Load (or load from the compile cache) the component and link it.
    pub fn new(options: Options) -> wasmtime::Result<Host> {
        let runtime = Runtime::load(
            &options.component,
            options.cache_dir.as_deref(),
            options.pooled_steps,
        )?;
        Ok(Host {
            runtime,
            limits: options.limits,
        })
    }

    /// The action names the component exports, sorted.
    pub fn actions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.runtime.actions().keys().cloned().collect();
        names.sort();
        names
    }

    /// Every action's parameters and their WIT types as JSON (see [`convert::describe`]):
    /// `{"list-tables": {"connection": {...}, "input": {"record": {...}}}, ...}`.
    pub fn signatures(&self) -> Value {
        let mut actions: Vec<_> = self.runtime.actions().iter().collect();
        actions.sort_by_key(|(name, _)| name.as_str());
        Value::Object(
            actions
                .into_iter()
                .map(|(name, action)| {
                    let params = action
                        .params
                        .iter()
                        .map(|(p, ty)| (p.clone(), convert::describe(ty)));
                    (name.clone(), Value::Object(params.collect()))
                })
                .collect(),
        )
    }

    /// Run one step document `{"connection": {...}, "action": "...", "input": {...}}`.
    ///
    /// Blocking: the step runs on the calling thread's own current-thread runtime, so call
    /// it from plain threads (or `spawn_blocking`), not from inside an async task. Steps on
    /// different threads run in parallel.
    pub fn run_step(&self, step: &Value) -> Result<Value, StepError> {
        self.run_step_with_stats(step).0
    }

    /// [`Host::run_step`], also returning what the step cost (for benchmarks and logs).
    pub fn run_step_with_stats(&self, step: &Value) -> (Result<Value, StepError>, StepStats) {
        DRIVER.with(|driver| {
            let mut stats = StepStats::default();
            let result = driver
                .tokio
                .block_on(self.run(step, &driver.pool, &mut stats));
            (result, stats)
        })
    }

    async fn run(
        &self,
        step: &Value,
        pool: &pool::Pool,
        stats: &mut StepStats,
    ) -> Result<Value, StepError> {
        let Value::Object(doc) = step else {
            return Err(StepError::invalid("step", "must be a JSON object"));
        };
        if let Some(extra) = doc
            .keys()
            .find(|k| !["connection", "action", "input", "name"].contains(&k.as_str()))
        {
            return Err(StepError::invalid(
                extra,
                "is not a step field (connection, action, input, name)",
            ));
        }
        let action_name = doc.get("action").and_then(Value::as_str).unwrap_or("");
        let action = self.runtime.actions().get(action_name).ok_or_else(|| {
            StepError::invalid(
                "action",
                format!(
                    "{action_name:?} is not an action; known: {}",
                    self.actions().join(", ")
                ),
            )
        })?;
        let empty = Value::Object(Default::default());
        let connection = doc.get("connection").unwrap_or(&Value::Null);
        let input = doc.get("input").unwrap_or(&empty);
        let params = action
            .params
            .iter()
            .map(|(name, ty)| {
                let value = if name == "connection" {
                    connection
                } else {
                    input
                };
                convert::to_val(name, value, ty).map_err(|m| StepError::invalid(&m.path, m.message))
            })
            .collect::<Result<Vec<Val>, _>>()?;
        let origins = sandbox::allowed_origins(connection, input);
        let call = self
            .runtime
            .call(action_name, &params, origins, self.limits, pool)
            .await
            .map_err(|e| StepError::new("trap", format!("{e:#}")))?;
        *stats = call.stats;
        if !call.stderr.is_empty() {
            eprint!("{}", indent(&call.stderr));
        }
        match call.outcome {
            CallOutcome::TimedOut => Err(StepError::new(
                "timeout",
                format!("the step did not finish within {:?}", self.limits.timeout),
            )),
            CallOutcome::Trapped(message) => {
                // A Rust panic prints "thread ... panicked at FILE:" and its message below.
                let mut lines = call.stderr.lines().skip_while(|l| !l.contains("panicked"));
                let panic: Vec<&str> = lines.by_ref().take(2).collect();
                Err(StepError::new(
                    "trap",
                    match panic.as_slice() {
                        [] => format!("the component crashed: {message}"),
                        lines => format!("the component crashed: {} ({message})", lines.join(" ")),
                    },
                ))
            }
            CallOutcome::Returned(Val::Result(Ok(Some(output)))) => match *output {
                Val::String(text) => serde_json::from_str(&text).map_err(|e| {
                    StepError::new("trap", format!("the component returned invalid JSON: {e}"))
                }),
                other => Err(StepError::new(
                    "trap",
                    format!("unexpected output {other:?}"),
                )),
            },
            CallOutcome::Returned(Val::Result(Err(Some(error)))) => {
                let mut error: StepError = serde_json::from_value(convert::from_val(&error))
                    .map_err(|e| StepError::new("trap", format!("unexpected error shape: {e}")))?;
                if !call.refused.is_empty() {
                    error.message = format!(
                        "the host refused {} (not an endpoint of this connection): {}",
                        call.refused.join(", "),
                        error.message
                    );
                }
                Err(error)
            }
            CallOutcome::Returned(other) => Err(StepError::new(
                "trap",
                format!("unexpected result {other:?}"),
            )),
        }
    }
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("[component] {l}\n")).collect()
}
