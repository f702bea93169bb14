//! `connector-host`: a wasmtime host that runs a connector component's steps.
//!
//! A [`Host`] loads the component once (compiled code is cached on disk) with its manifest
//! ([`manifest`]: the interface that holds the actions, and the endpoints each connection
//! type may reach), and [`Host::run_step`] runs one step document in a sandboxed instance:
//! the connection and input are converted to the component's WIT types, the action runs
//! with `wasi:http` as its only way out, and requests go only to the origins the manifest
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
//! # A step's way
//!
//! ```text
//! front (feature `service`)  serve/ (axum: admission.rs, guard, log, routes), mcp.rs,
//!   │                        cli/ (step, flow, watch, mcp), watch.rs + delivery.rs
//!   ▼                        ── on the service's multi-thread tokio runtime; each step
//!   │                           goes to a blocking thread ──
//! run.rs      Host::run_step: step.rs parses the document, convert.rs turns the input
//!   │         into WIT values, sandbox.rs derives the permitted origins from the
//!   │         connection; reuse.rs finds the connection's kept instance (or its kept
//!   │         state for a fresh one)
//!   ▼         ── on the calling thread's own current-thread tokio runtime (the Driver):
//!   │            the guest and its requests' futures never hop threads ──
//! call.rs     calls the action (component.rs: the loaded component; engine.rs, cache.rs) in an
//!   │         instance (instance.rs: a store with its limits, fuel and epoch deadline)
//!   ▼
//! guest       the component parses its input and runs the AWS SDK, which sends
//!   │         wasi:http requests
//!   ▼
//! hooks.rs    each request checked against the origins and egress.rs (the operator's
//!   │         policy), then sent by pool.rs on a kept HTTP/1.1 connection
//!   ▼         ── the sockets are read and written on the step's own runtime: a
//!              request and its answer never hop threads ──
//! back        the response returns to the guest, its result to call.rs (CallOutcome),
//!             convert.rs turns WIT values into JSON, error.rs redacts secrets, the front
//!             answers (status.rs: the HTTP status of each error kind).
//! ```
//!
//! Two kinds of tokio runtime, each for one reason: the service's (many connections,
//! none blocked by a step), and one current-thread runtime per thread that runs steps, with
//! that thread's HTTP connections (a step is single-threaded; steps on different threads
//! run in parallel; a shared I/O runtime cost a warm step 20% in thread hand-offs,
//! docs/performance.md). `flow.rs` is the one loop of a flow's steps,
//! `trigger.rs` one poll of a trigger; both run here without the fronts.
//!
//! The library logs through `tracing` (cache problems, what the guest wrote to standard
//! error) and never prints; the CLI installs a subscriber that writes to standard error.

#![deny(unsafe_code)]

#[cfg(feature = "service")]
mod admission;
mod cache;
mod call;
mod component;
pub mod contract;
pub mod convert;
#[cfg(feature = "service")]
mod delivery;
mod describe;
pub mod egress;
mod engine;
mod error;
mod flight;
pub mod flow;
mod hooks;
mod instance;
#[cfg(feature = "service")]
pub mod lease;
#[cfg(feature = "service")]
mod listener;
mod suggest;
pub use connector_manifest as manifest;
#[cfg(feature = "service")]
pub mod mcp;
#[cfg(feature = "service")]
pub mod metrics;
mod options;
mod pool;
mod reuse;
mod run;
pub mod sandbox;
#[cfg(feature = "service")]
pub mod serve;
#[cfg(feature = "service")]
pub mod status;
mod step;
mod timed;
pub mod trigger;
#[cfg(feature = "service")]
pub mod watch;

pub use call::StepStats;
pub use contract::Contract;
pub use egress::Egress;
pub use error::{CancellationReason, ErrorKind, StepError};
pub use options::{default_cache_dir, Limits, Options, Reuse};

use component::LoadedComponent;
use manifest::Manifest;
use reuse::Kept;
use std::path::PathBuf;
use std::sync::Arc;

/// Secrets shorter than this are not redacted from messages (no real credential is; the
/// replacement would garble every message).
const MIN_SECRET_LEN: usize = 4;

/// The connector component, loaded and linked once; runs any number of steps.
pub struct Host {
    component: LoadedComponent,
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
        let manifest =
            cache::load_manifest(&manifest_path, cache_dir.as_deref()).map_err(host_error)?;
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
        let loaded = LoadedComponent::load(
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
            component: loaded,
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

    /// How many instances are kept for reuse now.
    pub fn kept_instances(&self) -> usize {
        self.kept.len()
    }

    /// How many connections have kept state (a component's `save`) now, and its bytes.
    pub fn kept_states(&self) -> (usize, usize) {
        self.kept.states()
    }
}
