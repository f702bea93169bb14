//! How a [`crate::Host`] is set up: the component and its manifest, the compile cache,
//! per-step limits, pooled instance slots, the egress policy and instance reuse.

use crate::egress::Egress;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// Most guest memory the kept instances hold together; the least recently used go
    /// first.
    pub max_kept_memory_bytes: usize,
    /// Most bytes of kept state (what a component's `save` hands over: a role connection's
    /// temporary credentials) held for connections whose instance is gone; the least
    /// recently used go first.
    pub max_state_bytes: usize,
}

impl Default for Reuse {
    /// On: 10,000 steps, 60 s idle, 64 MiB per instance, 16 instances in 512 MiB, 16 MiB of
    /// kept state (about 16,000 role connections' credentials).
    fn default() -> Self {
        Reuse {
            enabled: true,
            max_steps: 10_000,
            max_idle: Duration::from_mins(1),
            max_memory_bytes: 64 << 20,
            max_instances: 16,
            max_kept_memory_bytes: 512 << 20,
            max_state_bytes: 16 << 20,
        }
    }
}

impl Reuse {
    /// The instance slots kept instances may hold at once: `max_instances`, or none when
    /// reuse is off.
    pub fn kept_slots(&self) -> usize {
        if self.enabled {
            self.max_instances
        } else {
            0
        }
    }

    /// No reuse: a fresh instance for every step.
    pub fn off() -> Reuse {
        Reuse {
            enabled: false,
            ..Reuse::default()
        }
    }
}

impl Options {
    /// Options from a JSON object, for the language packages (docs/python.md,
    /// docs/node.md): `component`, `manifest`, `cache_dir` (`null`: no cache),
    /// `allow_endpoints` (the CLI's `--allow-endpoint`), `allow_any_endpoint`,
    /// `timeout_seconds`, `memory_bytes`, `reuse` (`false`: a fresh instance per step) and
    /// `pooled_steps`; the defaults for what it leaves out.
    pub fn from_json(given: &serde_json::Value) -> Options {
        let mut options = Options::default();
        let path = |key: &str| given[key].as_str().map(PathBuf::from);
        if let Some(component) = path("component") {
            options.component = component;
        }
        options.manifest = path("manifest").or(options.manifest);
        if given.get("cache_dir").is_some() {
            options.cache_dir = path("cache_dir");
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
                .filter(|s| s.is_finite() && *s > 0.0)
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

/// Per-step resource limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock deadline for the whole step (guest code and I/O).
    pub timeout: Duration,
    /// Most linear memory the guest may grow to.
    pub memory_bytes: usize,
    /// Largest output (JSON text) the host accepts from a step.
    pub output_bytes: usize,
}

impl Default for Limits {
    /// 5 minutes, 512 MiB of guest memory, 64 MiB of output.
    fn default() -> Self {
        Limits {
            timeout: Duration::from_mins(5),
            memory_bytes: 512 << 20,
            output_bytes: 64 << 20,
        }
    }
}

pub(crate) fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A build artefact under `$CARGO_TARGET_DIR` when set and present, else under this
/// workspace's `target/`.
pub(crate) fn in_target_dir(artifact: &str) -> PathBuf {
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
