//! The wasmtime engine every step shares: epoch interruption for step deadlines (and the
//! thread that ticks the epoch), and the pooling allocator's instance slots.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use wasmtime::{
    Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, ProfilingStrategy,
};

/// How often the epoch ticks; the step deadline is counted in ticks.
pub(crate) const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Linear memory (and tables) a finished step leaves mapped for the next one, so a fresh
/// store does not fault its pages in again; more than a typical step's peak.
const KEEP_RESIDENT: usize = 4 << 20;

/// An engine; with `pooled_steps > 0` the pooling allocator keeps that many instance slots
/// and reuses them between steps instead of mapping and unmapping memory for every fresh
/// store (reserving the slots costs start-up time, which a one-step process does not win
/// back).
pub(crate) fn engine(pooled_steps: u32) -> wasmtime::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    // No `.eh_frame` for the compiled guest: it serves only native unwinders walking through
    // guest frames (wasmtime's own traps and backtraces do not use it), and registering it
    // with libgcc on every start cost a one-step process about 5% (docs/performance.md).
    config.native_unwind_info(false);
    // `CONNECTOR_PERF_MAP=1`: the compiled guest's functions are written to
    // /tmp/perf-PID.map, so that `perf` names them (docs/performance.md, profiling).
    if std::env::var_os("CONNECTOR_PERF_MAP").is_some_and(|v| v == "1") {
        config.profiler(ProfilingStrategy::PerfMap);
    }
    if pooled_steps > 0 {
        let mut pooling = PoolingAllocationConfig::default();
        pooling.linear_memory_keep_resident(KEEP_RESIDENT);
        pooling.table_keep_resident(KEEP_RESIDENT);
        // One slot per step that may run at once: a component instance for the step...
        pooling.total_component_instances(pooled_steps);
        // ...the core modules it instantiates (a Rust `wasm32-wasip2` component has its
        // own module plus the canonical-ABI shims `wit-component` adds, three or four in
        // all; 8 leaves room for a component linked with more)...
        pooling.total_core_instances(pooled_steps * 8);
        // ...its linear memories (one for the module, one more for a component that
        // carries an adapter module)...
        pooling.total_memories(pooled_steps * 2);
        // ...its function tables (one per core module that has one: up to 8, as above)...
        pooling.total_tables(pooled_steps * 8);
        // ...and one async stack per running call.
        pooling.total_stacks(pooled_steps);
        config.allocation_strategy(InstanceAllocationStrategy::Pooling(pooling));
    }
    Engine::new(&config)
}

/// A thread that advances the engine's epoch every [`EPOCH_TICK`] until the flag is set.
pub(crate) fn start_epoch_ticker(engine: &Engine) -> Arc<AtomicBool> {
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
