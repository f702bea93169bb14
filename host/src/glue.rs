//! Every call into the pinned wasmtime release (48.0.8): engine settings, the linker with
//! WASI and `wasi:http`, the on-disk compile cache, per-step stores with their limits, the
//! outgoing-request hook that enforces the sandbox, and the dynamic call. (`convert` reads
//! and builds wasmtime's `Type` and `Val` data, and `pool` uses `wasmtime-wasi-http`'s body
//! and error types; neither calls the runtime.)

use crate::convert;
use crate::egress::Egress;
use crate::pool::{lock, Pool};
use crate::sandbox::Origin;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use wasmtime::component::{
    types::ComponentItem, Component, ComponentExportIndex, Instance, InstancePre, Linker,
    ResourceTable, Type, Val,
};
use wasmtime::error::Context as _;
use wasmtime::format_err;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store, StoreLimits,
    StoreLimitsBuilder,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{
    RequestOptions, WasiBody, WasiHttpCtx, WasiHttpCtxView, WasiHttpHooks, WasiHttpView,
};

/// How often the epoch ticks; the step deadline is counted in ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Most bytes of guest standard error kept per step (for trap messages and logs).
const STDERR_CAPACITY: usize = 64 * 1024;

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

/// One exported action: where to find it and the types of its parameters.
pub struct Action {
    index: ComponentExportIndex,
    pub params: Vec<(String, Type)>,
}

/// What a call into the guest came to.
pub enum CallOutcome {
    /// The function returned its output (JSON text) or its error (as JSON).
    Returned(Result<String, Value>),
    /// The guest trapped (a panic, an out-of-bounds access, the memory cap, ...).
    Trapped(String),
    /// The step deadline passed.
    TimedOut,
    /// A host limit was reached; says which.
    LimitReached(String),
}

/// What a step cost.
#[derive(Debug, Clone, Copy, Default)]
pub struct StepStats {
    /// Time to instantiate the pre-linked component in the fresh store.
    pub instantiate: Duration,
    /// Time from the call into the guest to its return (including its I/O).
    pub call: Duration,
    /// Most linear memory the guest held at once, in bytes.
    pub peak_memory_bytes: usize,
    /// Requests the sandbox refused during the step.
    pub refused_requests: usize,
}

/// A finished call and what the sandbox saw during it.
pub struct Call {
    pub outcome: CallOutcome,
    pub stats: StepStats,
    /// Requests the sandbox refused, as `METHOD origin (why)`.
    pub refused: Vec<String>,
    /// What the guest wrote to standard error.
    pub stderr: String,
}

/// The engine, the pre-linked component and its actions; shared by every step.
pub struct Runtime {
    engine: Engine,
    pre: InstancePre<StepState>,
    actions: HashMap<String, Action>,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

/// Linear memory (and tables) a finished step leaves mapped for the next one, so a fresh
/// store does not fault its pages in again; more than a typical step's peak.
const KEEP_RESIDENT: usize = 4 << 20;

/// An engine; with `pooled_steps > 0` the pooling allocator keeps that many instance slots
/// and reuses them between steps instead of mapping and unmapping memory for every fresh
/// store (reserving the slots costs start-up time, which a one-step process does not win
/// back).
fn engine(pooled_steps: u32) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    if pooled_steps > 0 {
        let mut pooling = PoolingAllocationConfig::default();
        pooling.linear_memory_keep_resident(KEEP_RESIDENT);
        pooling.table_keep_resident(KEEP_RESIDENT);
        pooling.total_component_instances(pooled_steps);
        pooling.total_core_instances(pooled_steps * 8);
        pooling.total_memories(pooled_steps * 2);
        pooling.total_tables(pooled_steps * 8);
        pooling.total_stacks(pooled_steps);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    }
    Engine::new(&config)
}

/// Compile the component, or load the code compiled by an earlier process. Compiled code
/// is stored as `SHA256.cwasm`, keyed by the SHA-256 of the component's bytes and the
/// engine's compatibility hash, so a new component or a different wasmtime never loads
/// stale code. So that a start need not read and hash the component, the key is also kept
/// in `stat/NAME.key`, named by the component's path, size and modification time; the
/// component is hashed again only when those change.
fn load_component(
    engine: &Engine,
    path: &Path,
    cache_dir: Option<&Path>,
) -> wasmtime::Result<Component> {
    let Some(dir) = cache_dir else {
        return Component::from_file(engine, path);
    };
    let engine_hash = engine_hash(engine);
    let stat_file = stat_key_file(dir, path, engine_hash);
    if let Some(component) = stat_file
        .as_ref()
        .and_then(|f| std::fs::read_to_string(f).ok())
        .and_then(|key| cached(engine, &dir.join(format!("{}.cwasm", key.trim()))))
    {
        return Ok(component);
    }
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the component at {}", path.display()))?;
    let mut key = Sha256::new();
    key.update(&bytes);
    key.update(engine_hash.to_le_bytes());
    let key = format!("{:x}", key.finalize());
    let file = dir.join(format!("{key}.cwasm"));
    let component = if let Some(component) = cached(engine, &file) {
        component
    } else {
        let component = Component::new(engine, &bytes)?;
        write_atomically(&file, &component.serialize()?);
        component
    };
    if let Some(stat_file) = stat_file {
        write_atomically(&stat_file, key.as_bytes());
    }
    Ok(component)
}

fn engine_hash(engine: &Engine) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut hasher);
    hasher.finish()
}

/// `DIR/stat/H.key`, H hashing the component's path, size and modification time.
fn stat_key_file(dir: &Path, component: &Path, engine_hash: u64) -> Option<PathBuf> {
    let meta = std::fs::metadata(component).ok()?;
    let modified = meta
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (
        std::fs::canonicalize(component).ok()?,
        meta.len(),
        modified,
        engine_hash,
    )
        .hash(&mut hasher);
    Some(
        dir.join("stat")
            .join(format!("{:016x}.key", hasher.finish())),
    )
}

/// The compiled component in `file`, when there is a usable one.
fn cached(engine: &Engine, file: &Path) -> Option<Component> {
    if !file.is_file() {
        return None;
    }
    // SAFETY: the file was written by `Component::serialize` of this same engine
    // configuration (its name covers the compatibility hash) into the host's own cache
    // directory.
    #[allow(unsafe_code)]
    let loaded = unsafe { Component::deserialize_file(engine, file) };
    loaded
        .inspect_err(|e| tracing::warn!("ignoring unusable cache entry {}: {e}", file.display()))
        .ok()
}

/// Write `bytes` to `file` through a temporary name; a failure is logged, not fatal.
fn write_atomically(file: &Path, bytes: &[u8]) {
    let write = || -> std::io::Result<()> {
        std::fs::create_dir_all(file.parent().unwrap_or(Path::new(".")))?;
        let tmp = file.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes)?;
        std::fs::rename(&tmp, file)
    };
    if let Err(e) = write() {
        tracing::warn!("cannot write the compile cache {}: {e}", file.display());
    }
}

impl Runtime {
    /// Load the component at `path`, link it against WASI and `wasi:http`, and find the
    /// actions in its export `interface`; `pooled_steps` instance slots (0: allocate each
    /// step's instance on demand).
    pub fn load(
        path: &Path,
        interface: &str,
        cache_dir: Option<&Path>,
        pooled_steps: u32,
    ) -> wasmtime::Result<Runtime> {
        let engine = engine(pooled_steps)?;
        let component = load_component(&engine, path, cache_dir)?;
        let mut linker = Linker::<StepState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = linker.instantiate_pre(&component)?;
        let actions = actions_of(&engine, &component, interface)?;
        Ok(Runtime {
            stop_ticker: start_epoch_ticker(&engine),
            engine,
            pre,
            actions,
        })
    }

    /// The actions the component exports, by name.
    pub fn actions(&self) -> &HashMap<String, Action> {
        &self.actions
    }

    /// Run `action` with `params` in `warm` (an instance kept from an earlier step of the
    /// same connection) or else a fresh instance; its requests go only where `outbound`
    /// permits. Returns the call and the instance, which the caller may keep for the next
    /// step of the connection when the call returned (never after a trap, a timeout or a
    /// limit).
    pub async fn call(
        &self,
        action: &Action,
        params: &[Val],
        outbound: Outbound,
        limits: Limits,
        warm: Option<Warm>,
    ) -> wasmtime::Result<(Call, Warm)> {
        let mut stats = StepStats::default();
        let mut warm = if let Some(mut warm) = warm {
            warm.prepare(outbound, limits);
            warm
        } else {
            let started = Instant::now();
            let warm = self.instantiate(outbound, limits).await?;
            stats.instantiate = started.elapsed();
            warm
        };
        let stderr_start = warm.stderr.contents().len();
        let func = warm
            .instance
            .get_func(&mut warm.store, action.index)
            .ok_or_else(|| format_err!("the action's function is missing"))?;
        let mut results = [Val::Bool(false)];
        let called = Instant::now();
        let run = func.call_async(&mut warm.store, params, &mut results);
        let outcome = match tokio::time::timeout(limits.timeout, run).await {
            Err(_) => CallOutcome::TimedOut,
            Ok(result) => outcome_of(result.map(|()| results[0].clone()), &limits),
        };
        stats.call = called.elapsed();
        warm.steps += 1;
        warm.last_used = Instant::now();
        let data = warm.store.data();
        let outcome = match outcome {
            CallOutcome::Trapped(_) if data.limiter.cap_reached => {
                CallOutcome::LimitReached(format!(
                    "the step needed more than the host's memory cap of {} MiB",
                    limits.memory_bytes >> 20
                ))
            }
            other => other,
        };
        stats.peak_memory_bytes = data.limiter.peak_memory;
        let refused = std::mem::take(&mut *lock(&data.sandbox.refused));
        stats.refused_requests = refused.len();
        let stderr = warm.stderr.contents();
        let stderr =
            String::from_utf8_lossy(&stderr[stderr_start.min(stderr.len())..]).into_owned();
        let call = Call {
            outcome,
            stats,
            refused,
            stderr,
        };
        Ok((call, warm))
    }

    /// A fresh store (no files, environment or sockets; `wasi:http` only as `outbound`
    /// allows; the memory cap and the epoch deadline of `limits`) with the component
    /// instantiated in it.
    async fn instantiate(&self, outbound: Outbound, limits: Limits) -> wasmtime::Result<Warm> {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtx::builder()
            .stderr(stderr.clone())
            .allow_tcp(false)
            .allow_udp(false)
            .allow_ip_name_lookup(false)
            .build();
        let state = StepState {
            wasi,
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            sandbox: Sandbox {
                outbound,
                refused: Arc::default(),
            },
            limiter: Limiter {
                limits: StoreLimitsBuilder::new()
                    .memory_size(limits.memory_bytes)
                    .trap_on_grow_failure(true)
                    .build(),
                memory: 0,
                peak_memory: 0,
                cap_reached: false,
            },
        };
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_trap();
        set_deadline(&mut store, limits);
        let instance = self.pre.instantiate_async(&mut store).await?;
        Ok(Warm {
            store,
            instance,
            stderr,
            steps: 0,
            last_used: Instant::now(),
        })
    }
}

/// The step deadline of `limits`, in epoch ticks from now.
fn set_deadline(store: &mut Store<StepState>, limits: Limits) {
    let ticks = u64::try_from(limits.timeout.as_millis() / EPOCH_TICK.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    store.set_epoch_deadline(ticks);
}

/// An instance and its store, kept between the steps of one connection.
pub struct Warm {
    store: Store<StepState>,
    instance: Instance,
    stderr: MemoryOutputPipe,
    /// Steps this instance has run.
    pub steps: u32,
    /// When its last step ended.
    pub last_used: Instant,
}

impl Warm {
    /// Ready the instance for its next step: that step's destinations, a new deadline and
    /// a new memory peak (the cap counts the memory the instance holds already).
    fn prepare(&mut self, outbound: Outbound, limits: Limits) {
        let data = self.store.data_mut();
        data.sandbox.outbound = outbound;
        data.limiter.peak_memory = data.limiter.memory;
        data.limiter.cap_reached = false;
        set_deadline(&mut self.store, limits);
    }

    /// The linear memory the guest holds.
    pub fn memory_bytes(&self) -> usize {
        self.store.data().limiter.memory
    }
}

/// The functions of the component's export `interface`, by name.
fn actions_of(
    engine: &Engine,
    component: &Component,
    interface: &str,
) -> wasmtime::Result<HashMap<String, Action>> {
    let ty = component.component_type();
    let Some(ComponentItem::ComponentInstance(exported)) =
        ty.get_export(engine, interface).map(|e| e.ty)
    else {
        return Err(format_err!("the component does not export {interface}"));
    };
    let interface_index = component
        .get_export_index(None, interface)
        .ok_or_else(|| format_err!("no index for {interface}"))?;
    let mut actions = HashMap::new();
    for (name, item) in exported.exports(engine) {
        if let ComponentItem::ComponentFunc(func) = item.ty {
            let index = component
                .get_export_index(Some(&interface_index), name)
                .ok_or_else(|| format_err!("no index for {name}"))?;
            let params = func.params().map(|(n, t)| (n.to_string(), t)).collect();
            actions.insert(name.to_string(), Action { index, params });
        }
    }
    Ok(actions)
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK`] until the flag is set.
fn start_epoch_ticker(engine: &Engine) -> Arc<AtomicBool> {
    let stop_ticker = Arc::new(AtomicBool::new(false));
    let (ticking, stop) = (engine.clone(), stop_ticker.clone());
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(EPOCH_TICK);
            ticking.increment_epoch();
        }
    });
    stop_ticker
}

/// What an action's `result<string, error>` (or its failure to return) came to.
fn outcome_of(result: wasmtime::Result<Val>, limits: &Limits) -> CallOutcome {
    match result {
        Ok(Val::Result(Ok(Some(output)))) => match *output {
            Val::String(text) if text.len() > limits.output_bytes => {
                CallOutcome::LimitReached(format!(
                    "the output ({} bytes) is larger than the host's output cap of {} bytes",
                    text.len(),
                    limits.output_bytes
                ))
            }
            Val::String(text) => CallOutcome::Returned(Ok(text)),
            other => CallOutcome::Trapped(format!("unexpected output {other:?}")),
        },
        Ok(Val::Result(Err(Some(error)))) => CallOutcome::Returned(Err(convert::from_val(&error))),
        Ok(other) => CallOutcome::Trapped(format!("unexpected result {other:?}")),
        Err(error) => match error.downcast_ref::<wasmtime::Trap>() {
            Some(wasmtime::Trap::Interrupt) => CallOutcome::TimedOut,
            Some(trap) => CallOutcome::Trapped(format!("wasm trap: {trap}")),
            None => CallOutcome::Trapped(format!("{error:#}")),
        },
    }
}

/// The state of one step's store.
struct StepState {
    wasi: WasiCtx,
    http: WasiHttpCtx,
    table: ResourceTable,
    sandbox: Sandbox,
    limiter: Limiter,
}

/// The memory cap, which also records the guest's peak memory.
struct Limiter {
    limits: StoreLimits,
    memory: usize,
    peak_memory: usize,
    /// The guest asked for more memory than the cap allows.
    cap_reached: bool,
}

impl wasmtime::ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let allowed = self.limits.memory_growing(current, desired, maximum);
        if let Ok(true) = allowed {
            self.memory += desired - current;
            self.peak_memory = self.peak_memory.max(self.memory);
        } else {
            self.cap_reached = true;
        }
        allowed
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        self.limits.table_growing(current, desired, maximum)
    }
}

impl WasiView for StepState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for StepState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.sandbox,
        }
    }
}

/// Where a step's requests may go and how they are sent.
pub struct Outbound {
    /// The origins the step's connection implies.
    pub origins: Vec<Origin>,
    /// The operator's policy for the addresses those names resolve to.
    pub egress: Arc<Egress>,
    /// The connections requests are sent on.
    pub pool: Pool,
}

/// The outgoing-request hook: requests to an allowed origin are sent (on a pooled
/// connection, to an address the egress policy permits), others refused.
struct Sandbox {
    outbound: Outbound,
    refused: Arc<Mutex<Vec<String>>>,
}

type ResponseFuture = Box<
    dyn std::future::Future<
            Output = wasmtime_wasi_http::Result<(
                http::Response<WasiBody>,
                Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
            )>,
        > + Send,
>;

impl WasiHttpHooks for Sandbox {
    fn send_request(
        &mut self,
        request: http::Request<WasiBody>,
        options: Option<RequestOptions>,
        _fut: Box<dyn std::future::Future<Output = wasmtime_wasi_http::Result<()>> + Send>,
    ) -> ResponseFuture {
        let origin = Origin::of(request.uri());
        if !origin
            .as_ref()
            .is_some_and(|o| self.outbound.origins.contains(o))
        {
            let target =
                origin.map_or_else(|| "a URL without a valid origin".into(), |o| o.to_string());
            let refusal = format!(
                "{} {target} (not an endpoint of this connection)",
                request.method()
            );
            lock(&self.refused).push(refusal);
            return Box::new(async { Err(wasmtime_wasi_http::Error::HttpRequestDenied) });
        }
        let (pool, egress, refused) = (
            self.outbound.pool.clone(),
            self.outbound.egress.clone(),
            self.refused.clone(),
        );
        Box::new(async move {
            let response = pool.send(request, options, &egress, &refused).await?;
            let io_done = async { Ok(()) };
            Ok((
                response,
                Box::new(io_done) as Box<dyn std::future::Future<Output = _> + Send>,
            ))
        })
    }
}
