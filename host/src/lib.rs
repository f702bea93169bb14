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

#[cfg(feature = "service")]
mod admission;
mod cache;
mod call;
pub mod contract;
pub mod convert;
#[cfg(feature = "service")]
mod delivery;
pub mod egress;
mod engine;
mod error;
pub mod flow;
mod hooks;
mod instance;
#[cfg(feature = "service")]
mod listener;
pub mod manifest;
#[cfg(feature = "service")]
pub mod mcp;
#[cfg(feature = "service")]
mod mcp_stdio;
#[cfg(feature = "service")]
mod metrics;
mod options;
mod pool;
mod reuse;
pub mod sandbox;
#[cfg(feature = "service")]
pub mod serve;
#[cfg(feature = "service")]
pub mod status;
mod step;
pub mod trigger;
#[cfg(feature = "service")]
mod watch;

pub use call::StepStats;
pub use contract::Contract;
pub use egress::Egress;
pub use error::{CancellationReason, ErrorKind, StepError};
pub use options::{default_cache_dir, Limits, Options, Reuse};

use call::{Action, CallOutcome, Runtime};
use hooks::Outbound;
use instance::Warm;
use manifest::Manifest;
use reuse::{ConnectionKey, Kept};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::Arc;
use step::Step;

/// Secrets shorter than this are not redacted from messages (no real credential is; the
/// replacement would garble every message).
const MIN_SECRET_LEN: usize = 4;

/// The connector component, loaded and linked once; runs any number of steps.
pub struct Host {
    runtime: Runtime,
    manifest: Manifest,
    limits: Limits,
    egress: Arc<Egress>,
    /// Where the manifest was read from.
    manifest_path: PathBuf,
    /// Instances kept between steps.
    kept: Kept,
    /// Pooled instance slots (`None`: instances are allocated on demand, without a cap).
    slots: Option<u32>,
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
        let kept = Kept::new(reuse)
            .map_err(|e| host_error(format!("no randomness for the connection hashes: {e}")))?;
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
            (Some(artifact), c) if c.as_os_str().is_empty() => options::in_target_dir(artifact),
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
            (
                &manifest.component.interface,
                manifest.component.session_interface.as_deref(),
            ),
            cache_dir.as_deref(),
            pooled_steps,
        )
        .map_err(|e| host_error(format!("{e:#}")))?;
        Ok(Host {
            runtime,
            manifest,
            limits,
            egress: Arc::new(egress),
            manifest_path,
            kept,
            slots: (pooled_steps > 0).then_some(pooled_steps),
        })
    }

    /// The pooled instance slots: steps running at once plus kept instances must fit in
    /// them (`None`: no pool, instances are allocated on demand).
    pub fn instance_slots(&self) -> Option<usize> {
        self.slots.and_then(|n| usize::try_from(n).ok())
    }

    /// The most instances kept for reuse at once (each holds an instance slot).
    pub fn max_kept_instances(&self) -> usize {
        self.kept.max_instances()
    }

    /// The action names the component exports, sorted.
    pub fn actions(&self) -> Vec<String> {
        let mut names: Vec<String> = self.runtime.actions().keys().cloned().collect();
        names.sort();
        names
    }

    /// Every error kind a step of this component can end in: the host's own, and the case
    /// names of the actions' error variants (read from the component's types), sorted.
    pub fn error_kinds(&self) -> Vec<String> {
        let host = ErrorKind::HOST_KINDS.iter().map(|k| k.as_str().to_string());
        let actions = self.runtime.actions().values();
        let mut kinds: Vec<String> = actions
            .flat_map(|a| a.error_cases.iter().cloned())
            .chain(host)
            .collect();
        kinds.sort();
        kinds.dedup();
        kinds
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
        let signature = |action: &Action| {
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
        self.run_step_in(None, step)
    }

    /// [`Host::run_step_with_stats`] for a step of a flow whose connection is `shared`:
    /// the step's own connection when it has one, else the flow's, read in place (a flow of
    /// many steps holds its connection once, whatever its size).
    pub fn run_step_in(
        &self,
        shared: Option<&Value>,
        step: &Value,
    ) -> (Result<Value, StepError>, StepStats) {
        DRIVER.with(|driver| {
            let mut stats = StepStats::default();
            let result = driver
                .tokio
                .block_on(self.run(step, shared, &driver.pool, &mut stats));
            (result, stats)
        })
    }

    /// One step: check the document, convert its values, call the action, read the result.
    async fn run(
        &self,
        document: &Value,
        shared: Option<&Value>,
        pool: &pool::Pool,
        stats: &mut StepStats,
    ) -> Result<Value, StepError> {
        let step = Step::parse(document, shared)?;
        let action = self.action_of(&step)?;
        let time_limit = self.manifest.component.time_limit_input.as_deref();
        let seconds = self.limits.timeout.as_secs().max(1);
        let params = step.params(action, time_limit.map(|field| (field, seconds)))?;
        let outbound = Outbound {
            origins: self.permitted_origins(&step)?,
            egress: self.egress.clone(),
            pool: pool.clone(),
        };
        let key = self.kept.key(&step);
        let warm = self
            .instance(key, (action, &params), outbound, stats)
            .await?;
        let (call, mut warm) = self
            .runtime
            .call(action, &params, self.limits, warm, stats.instantiate)
            .await
            .map_err(|e| StepError::trap(format!("{e:#}")))?;
        if let (Some(key), CallOutcome::Returned(_)) = (key, &call.outcome) {
            if let Some(state) = self.runtime.save(&mut warm).await {
                self.kept.keep_state(key, state);
            }
            self.kept.keep(key, warm);
        }
        *stats = call.stats;
        let secrets = self.secrets(&step);
        log_guest_output(&error::redact(&call.stderr, &secrets));
        call.into_result(self.limits.timeout)
            .map_err(|e| e.redacted(&secrets))
    }

    /// The instance for a step of the connection of `key`: its kept instance, else a fresh
    /// one given the state an earlier instance of the connection left.
    async fn instance(
        &self,
        key: Option<ConnectionKey>,
        (action, params): (&Action, &[wasmtime::component::Val]),
        outbound: Outbound,
        stats: &mut StepStats,
    ) -> Result<Warm, StepError> {
        if let Some(mut warm) = key.and_then(|key| self.kept.take(key)) {
            warm.prepare(outbound, self.limits);
            return Ok(warm);
        }
        let mut warm = self.fresh(outbound, stats).await?;
        self.restore_state(key, action, params, &mut warm).await;
        Ok(warm)
    }

    /// Give a fresh instance the state an earlier instance of the step's connection left
    /// (kept by the connection's key), before its step.
    async fn restore_state(
        &self,
        key: Option<ConnectionKey>,
        action: &Action,
        params: &[wasmtime::component::Val],
        warm: &mut Warm,
    ) {
        let Some(state) = key.and_then(|key| self.kept.state(key)) else {
            return;
        };
        let connection = action
            .params
            .iter()
            .position(|(name, _)| name == "connection");
        if let Some(connection) = connection.and_then(|i| params.get(i)) {
            self.runtime.restore(warm, connection, &state).await;
        }
    }

    /// A fresh instance for a step. When every pooled slot is taken, kept instances give
    /// theirs up (least recently used first); a step that still finds none fails as the
    /// host's (a capacity limit, not the guest's crash).
    async fn fresh(&self, outbound: Outbound, stats: &mut StepStats) -> Result<Warm, StepError> {
        let started = std::time::Instant::now();
        loop {
            match self
                .runtime
                .instantiate(outbound.clone(), self.limits)
                .await
            {
                Ok(warm) => {
                    stats.instantiate = started.elapsed();
                    return Ok(warm);
                }
                Err(e) if e.is::<wasmtime::PoolConcurrencyLimitError>() => {
                    if !self.kept.evict_oldest() {
                        return Err(StepError::new(
                            ErrorKind::Host,
                            format!(
                                "every one of the host's {} instance slots is running a step: \
                                 try again ({e})",
                                self.slots.unwrap_or_default()
                            ),
                        ));
                    }
                }
                Err(e) => return Err(StepError::trap(format!("{e:#}"))),
            }
        }
    }

    /// The manifest the host enforces (endpoints, triggers, what each action does).
    pub fn manifest(&self) -> &manifest::Manifest {
        &self.manifest
    }

    /// The connector's key in its manifest, e.g. `dynamodb`.
    pub fn connector_key(&self) -> &str {
        &self.manifest.key
    }

    /// The connector's schemas and OpenAPI document, shipped beside the manifest.
    pub fn contract(&self) -> Contract {
        Contract::beside(&self.manifest_path)
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
        self.kept.len()
    }

    /// How many connections have kept state (a component's `save`) now, and its bytes.
    pub fn kept_states(&self) -> (usize, usize) {
        self.kept.states()
    }

    /// The values of the step's connection fields the manifest marks secret.
    fn secrets<'a>(&self, step: &Step<'a>) -> Vec<&'a str> {
        let connection = step.connection;
        self.manifest
            .connection(step.connection_type)
            .map_or_else(Vec::new, |c| {
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
    fn permitted_origins(&self, step: &Step) -> Result<Vec<sandbox::Origin>, StepError> {
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
    fn action_of(&self, step: &Step) -> Result<&Action, StepError> {
        let name = step.action;
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
}

/// What the guest wrote to standard error, one log event per line.
fn log_guest_output(stderr: &str) {
    for line in stderr.lines() {
        tracing::info!(target: "component", "{line}");
    }
}
