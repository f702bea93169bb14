//! `connector-host`: a wasmtime host that runs a connector component's steps.
//!
//! A [`Host`] loads the component once (compiled code is cached on disk) with its manifest
//! ([`manifest`]: the interface that holds the actions, and the endpoints each connection
//! type may reach), and [`Host::run_step`] runs one step document in a fresh store: the
//! connection and input are converted to the component's WIT types, the action runs with
//! `wasi:http` as its only way out, and requests go only to the origins the manifest
//! derives from the step's connection. The host knows no connector by heart.
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
//!
//! The library logs through `tracing` (cache problems, what the guest wrote to standard
//! error) and never prints; the CLI installs a subscriber that writes to standard error.

#![deny(unsafe_code)]
#![warn(missing_docs, clippy::pedantic)]
#![allow(clippy::must_use_candidate, clippy::missing_errors_doc)]

pub mod convert;
pub mod egress;
mod error;
pub mod flow;
mod glue;
pub mod manifest;
mod metrics;
mod pool;
pub mod sandbox;
pub mod serve;

pub use egress::Egress;
pub use error::{CancellationReason, ErrorKind, StepError};
pub use glue::{Limits, StepStats};

use glue::{Call, CallOutcome, Outbound, Runtime, Warm};
use manifest::Manifest;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::ThreadId;
use std::time::Duration;

/// Secrets shorter than this are not redacted from messages (no real credential is; the
/// replacement would garble every message).
const MIN_SECRET_LEN: usize = 4;

/// The fields a step document may have.
const STEP_FIELDS: [&str; 4] = ["connection", "action", "input", "name"];

/// How a [`Host`] is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// The component file (`.wasm`); empty: the build the manifest names
    /// (`[component] artifact`) in Cargo's target directory.
    pub component: PathBuf,
    /// The component's manifest; `None` looks beside the component ([`manifest::beside`]).
    pub manifest: Option<PathBuf>,
    /// Directory of the compile cache; `None` compiles in every process.
    pub cache_dir: Option<PathBuf>,
    /// Limits applied to every step.
    pub limits: Limits,
    /// Steps that may run at once on pooled instance slots, reused between steps (faster
    /// warm steps); 0 allocates each step's instance on demand (faster start for a process
    /// that runs one step).
    pub pooled_steps: u32,
    /// The operator's egress policy; by default endpoint overrides may name only the
    /// connector's public service hosts, and only public addresses are reached.
    pub egress: Egress,
    /// Whether (and how far) consecutive steps of one connection share an instance.
    pub reuse: Reuse,
}

/// Instance reuse: consecutive steps of the *same* connection (every connection field
/// equal, compared by a keyed hash) may run in the same instance, which keeps its SDK
/// clients and assumed-role credentials; steps of different connections never share one.
/// An instance is dropped after any trap, timeout or limit, and when a cap below is reached.
/// See docs/embedding.md for the isolation argument.
#[derive(Debug, Clone, Copy)]
pub struct Reuse {
    /// Off: every step in a fresh instance (strict one-instance-per-step isolation).
    pub enabled: bool,
    /// Most steps one instance runs.
    pub max_steps: u32,
    /// An instance idle longer than this is not used again.
    pub max_idle: Duration,
    /// An instance whose guest memory has grown beyond this is not kept after its step.
    pub max_memory_bytes: usize,
    /// Most instances kept at once (each holds an instance slot).
    pub max_instances: usize,
}

impl Default for Reuse {
    /// On: 10,000 steps, 60 s idle, 64 MiB, 16 instances.
    fn default() -> Self {
        Reuse {
            enabled: true,
            max_steps: 10_000,
            max_idle: Duration::from_mins(1),
            max_memory_bytes: 64 << 20,
            max_instances: 16,
        }
    }
}

impl Reuse {
    /// No reuse: a fresh instance for every step.
    pub fn off() -> Reuse {
        Reuse {
            enabled: false,
            ..Reuse::default()
        }
    }
}

impl Default for Options {
    /// The workspace's manifest and the component build it names.
    fn default() -> Self {
        Options {
            component: PathBuf::new(),
            manifest: Some(workspace().join("connector.toml")),
            cache_dir: default_cache_dir(),
            limits: Limits::default(),
            pooled_steps: 64,
            egress: Egress::default(),
            reuse: Reuse::default(),
        }
    }
}

/// A lock that survives a panicked holder (the map stays consistent: every change is one
/// insert or remove).
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// 32 random bytes from the standard library's randomly keyed hasher (seeded from the
/// operating system).
fn random_salt() -> [u8; 32] {
    use std::hash::{BuildHasher, Hasher};
    let mut salt = [0u8; 32];
    for (i, chunk) in salt.chunks_mut(8).enumerate() {
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_usize(i);
        chunk.copy_from_slice(&hasher.finish().to_le_bytes());
    }
    salt
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A build artefact under `$CARGO_TARGET_DIR` when set and present, else under this
/// workspace's `target/`.
fn in_target_dir(artifact: &str) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| PathBuf::from(dir).join(artifact))
        .filter(|p| p.exists())
        .unwrap_or_else(|| workspace().join("target").join(artifact))
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

/// The connector component, loaded and linked once; runs any number of steps.
pub struct Host {
    runtime: Runtime,
    manifest: Manifest,
    limits: Limits,
    egress: Arc<Egress>,
    reuse: Reuse,
    /// Where the manifest was read from.
    manifest_path: PathBuf,
    /// Instances kept between steps, by the thread that ran them (each thread drives its
    /// own I/O) and the keyed hash of their connection.
    warm: Mutex<HashMap<(ThreadId, ConnectionKey), Warm>>,
    /// The key of the connection hash: random per host, so hashes are not comparable
    /// across processes and cannot be precomputed.
    salt: [u8; 32],
}

/// A connection's keyed hash.
type ConnectionKey = [u8; 32];

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
    /// Read the manifest, load (or load from the compile cache) the component and link it.
    pub fn new(options: Options) -> Result<Host, StepError> {
        let host_error = |message: String| StepError::new(ErrorKind::Host, message);
        let Options {
            component,
            manifest,
            cache_dir,
            limits,
            pooled_steps,
            egress,
            reuse,
        } = options;
        let manifest_path = manifest
            .or_else(|| manifest::beside(&component))
            .ok_or_else(|| {
                host_error(format!(
                    "no manifest beside {} (NAME.toml or connector.toml): name one",
                    component.display()
                ))
            })?;
        let manifest = Manifest::load(&manifest_path).map_err(|e| host_error(e.to_string()))?;
        let component = match (&manifest.component.artifact, component) {
            (Some(artifact), c) if c.as_os_str().is_empty() => in_target_dir(artifact),
            (None, c) if c.as_os_str().is_empty() => {
                return Err(host_error(format!(
                    "{} names no [component] artifact: name the component",
                    manifest_path.display()
                )))
            }
            (_, c) => c,
        };
        let runtime = Runtime::load(
            &component,
            &manifest.component.interface,
            cache_dir.as_deref(),
            pooled_steps,
        )
        .map_err(|e| host_error(format!("{e:#}")))?;
        Ok(Host {
            runtime,
            manifest,
            limits,
            egress: Arc::new(egress),
            reuse,
            manifest_path,
            warm: Mutex::default(),
            salt: random_salt(),
        })
    }

    /// The action names the component exports, sorted.
    pub fn actions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.runtime.actions().keys().cloned().collect();
        names.sort();
        names
    }

    /// Whether the component exports an action of this name.
    pub fn has_action(&self, name: &str) -> bool {
        self.runtime.actions().contains_key(name)
    }

    /// Every action's parameters and their WIT types as JSON (see [`convert::describe`]):
    /// `{"list-tables": {"connection": {...}, "input": {"record": {...}}}, ...}`.
    pub fn signatures(&self) -> Value {
        let mut actions: Vec<_> = self.runtime.actions().iter().collect();
        actions.sort_by_key(|(name, _)| name.as_str());
        let signature = |action: &glue::Action| {
            let params = action
                .params
                .iter()
                .map(|(p, ty)| (p.clone(), convert::describe(ty)));
            Value::Object(params.collect())
        };
        actions
            .into_iter()
            .map(|(name, action)| (name.clone(), signature(action)))
            .collect::<Map<_, _>>()
            .into()
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

    /// One step: check the document, convert its values, call the action, read the result.
    async fn run(
        &self,
        step: &Value,
        pool: &pool::Pool,
        stats: &mut StepStats,
    ) -> Result<Value, StepError> {
        let action = self.action_of(check_document(step)?)?;
        let params = params(action, step)?;
        let outbound = Outbound {
            origins: self.permitted_origins(step)?,
            egress: self.egress.clone(),
            pool: pool.clone(),
        };
        let key = self.reuse.enabled.then(|| self.connection_key(step));
        let warm = key.and_then(|key| self.take_warm(key));
        let (call, warm) = self
            .runtime
            .call(action, &params, outbound, self.limits, warm)
            .await
            .map_err(|e| StepError::trap(format!("{e:#}")))?;
        if let (Some(key), CallOutcome::Returned(_)) = (key, &call.outcome) {
            self.keep_warm(key, warm);
        }
        *stats = call.stats;
        let secrets = self.secrets(step);
        log_guest_output(&error::redact(&call.stderr, &secrets));
        self.result_of(call).map_err(|e| e.redacted(&secrets))
    }

    /// The whole manifest as JSON (what platforms read: actions, inputs, labels, defaults).
    pub fn manifest_document(&self) -> Result<Value, StepError> {
        let text = std::fs::read_to_string(&self.manifest_path).map_err(|e| {
            let path = self.manifest_path.display();
            StepError::new(ErrorKind::Host, format!("cannot read {path}: {e}"))
        })?;
        let document: toml::Value = toml::from_str(&text).map_err(|e| {
            StepError::new(
                ErrorKind::Host,
                format!("{}: {e}", self.manifest_path.display()),
            )
        })?;
        serde_json::to_value(document).map_err(|e| StepError::new(ErrorKind::Host, e.to_string()))
    }

    /// How many instances are kept for reuse now.
    pub fn kept_instances(&self) -> usize {
        lock(&self.warm).len()
    }

    /// The keyed hash of the step's connection: SHA-256 of the host's salt and the
    /// connection's fields in a canonical order.
    fn connection_key(&self, step: &Value) -> ConnectionKey {
        use sha2::{Digest, Sha256};
        let mut fields: Vec<(&String, &Value)> = step["connection"]
            .as_object()
            .map(|c| c.iter().collect())
            .unwrap_or_default();
        fields.sort_by_key(|(k, _)| *k);
        let mut hash = Sha256::new();
        hash.update(self.salt);
        for (k, v) in fields {
            hash.update(serde_json::to_vec(&(k, v)).unwrap_or_default());
        }
        hash.finalize().into()
    }

    /// The instance kept for this thread and connection, if it may run another step.
    fn take_warm(&self, key: ConnectionKey) -> Option<Warm> {
        let warm = lock(&self.warm).remove(&(std::thread::current().id(), key))?;
        let usable =
            warm.steps < self.reuse.max_steps && warm.last_used.elapsed() <= self.reuse.max_idle;
        usable.then_some(warm)
    }

    /// Keep `warm` for the next step of its connection on this thread, unless a cap says
    /// no; at most `max_instances` are kept (the least recently used goes).
    fn keep_warm(&self, key: ConnectionKey, warm: Warm) {
        if warm.steps >= self.reuse.max_steps || warm.memory_bytes() > self.reuse.max_memory_bytes {
            return;
        }
        let mut kept = lock(&self.warm);
        kept.retain(|_, w| w.last_used.elapsed() <= self.reuse.max_idle);
        while kept.len() >= self.reuse.max_instances {
            let oldest = kept
                .iter()
                .min_by_key(|(_, w)| w.last_used)
                .map(|(k, _)| *k);
            match oldest {
                Some(oldest) => kept.remove(&oldest),
                None => break,
            };
        }
        kept.insert((std::thread::current().id(), key), warm);
    }

    /// The values of the step's connection fields the manifest marks secret.
    fn secrets<'a>(&self, step: &'a Value) -> Vec<&'a str> {
        let connection = &step["connection"];
        let kind = connection["type"].as_str().unwrap_or_default();
        self.manifest.connection(kind).map_or_else(Vec::new, |c| {
            c.inputs
                .iter()
                .filter(|field| field.secret)
                .filter_map(|field| connection[&field.key].as_str())
                .filter(|value| value.len() >= MIN_SECRET_LEN)
                .collect()
        })
    }

    /// The origins the step's connection implies, each override checked against the
    /// egress policy; a `network` error naming the first it does not permit.
    fn permitted_origins(&self, step: &Value) -> Result<Vec<sandbox::Origin>, StepError> {
        let hosts = &self.manifest.component.endpoint_hosts;
        let mut origins = Vec::new();
        for allowed in sandbox::allowed_origins(&self.manifest, step) {
            if let Some(field) = &allowed.field {
                if !self.egress.permits_name(&allowed.origin.host, hosts) {
                    return Err(StepError::new(
                        ErrorKind::Network,
                        format!(
                            "the host's egress policy does not permit {field} ({}): endpoint \
                             overrides may name {} or what the host's operator allows",
                            allowed.origin,
                            if hosts.is_empty() {
                                "nothing".into()
                            } else {
                                hosts.join(", ")
                            }
                        ),
                    ));
                }
            }
            origins.push(allowed.origin);
        }
        Ok(origins)
    }

    /// The action a step document names.
    fn action_of(&self, doc: &Map<String, Value>) -> Result<&glue::Action, StepError> {
        let name = doc.get("action").and_then(Value::as_str).unwrap_or("");
        self.runtime.actions().get(name).ok_or_else(|| {
            StepError::invalid(
                "action",
                format!(
                    "{name:?} is not an action; known: {}",
                    self.actions().join(", ")
                ),
            )
        })
    }

    /// The step's result from what the call came to.
    fn result_of(&self, call: Call) -> Result<Value, StepError> {
        match call.outcome {
            CallOutcome::LimitReached(which) => Err(StepError::new(
                ErrorKind::Limit,
                format!("{which}; ask for less per step (page instead of fetching all)"),
            )),
            CallOutcome::TimedOut => Err(StepError::new(
                ErrorKind::Timeout,
                format!("the step did not finish within {:?}", self.limits.timeout),
            )),
            CallOutcome::Trapped(message) => {
                Err(StepError::trap(crash_message(&call.stderr, &message)))
            }
            CallOutcome::Returned(Ok(text)) => serde_json::from_str(&text)
                .map_err(|e| StepError::trap(format!("the component returned invalid JSON: {e}"))),
            CallOutcome::Returned(Err(error)) => {
                let error: StepError = serde_json::from_value(error)
                    .map_err(|e| StepError::trap(format!("unexpected error shape: {e}")))?;
                Err(with_refusals(error.with_parsed_items(), &call.refused))
            }
        }
    }
}

/// The action's parameters from the step's `connection` and `input`, converted to the
/// component's types. Field paths name the input key (`fetch-all`), or the connection
/// field after `connection.` (docs/errors.md).
fn params(action: &glue::Action, step: &Value) -> Result<Vec<wasmtime::component::Val>, StepError> {
    let empty = Value::Object(Map::new());
    action
        .params
        .iter()
        .map(|(name, ty)| {
            let (value, path) = match name.as_str() {
                "input" => (step.get("input").unwrap_or(&empty), ""),
                other => (step.get(other).unwrap_or(&Value::Null), other),
            };
            convert::to_val(path, value, ty).map_err(|m| {
                let field = if m.path.is_empty() { name } else { &m.path };
                StepError::invalid(field, m.message)
            })
        })
        .collect()
}

/// The step document as an object with only step fields.
fn check_document(step: &Value) -> Result<&Map<String, Value>, StepError> {
    let Value::Object(doc) = step else {
        return Err(StepError::invalid("step", "must be a JSON object"));
    };
    match doc.keys().find(|k| !STEP_FIELDS.contains(&k.as_str())) {
        Some(extra) => Err(StepError::invalid(
            extra,
            format!("is not a step field ({})", STEP_FIELDS.join(", ")),
        )),
        None => Ok(doc),
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

/// The component's error, saying which requests the host refused during the step.
fn with_refusals(mut error: StepError, refused: &[String]) -> StepError {
    if !refused.is_empty() {
        error.message = format!("the host refused {}: {}", refused.join("; "), error.message);
    }
    error
}

/// What the guest wrote to standard error, one log event per line.
fn log_guest_output(stderr: &str) {
    for line in stderr.lines() {
        tracing::info!(target: "component", "{line}");
    }
}
