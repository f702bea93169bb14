//! One step's store: WASI with nothing but standard error, `wasi:http` through the
//! sandbox's hook, the memory cap (which records the guest's peak), the epoch deadline; and
//! an instance kept in its store between the steps of one connection ([`Instance`]).

use crate::engine::EPOCH_TICK;
use crate::hooks::{Outbound, Sandbox};
use crate::options::Limits;
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::{Instance as ComponentInstance, InstancePre, ResourceTable};
use wasmtime::{Store, StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

/// Most bytes of guest standard error kept per step (for trap messages and logs).
const STDERR_CAPACITY: usize = 64 * 1024;

impl Instance {
    /// A fresh store of `engine` (no files, environment or sockets; `wasi:http` only as
    /// `outbound` allows; the memory cap and the epoch deadline of `limits`) with the
    /// pre-linked component `pre` instantiated in it.
    pub(crate) async fn new(
        engine: &wasmtime::Engine,
        pre: &InstancePre<StepState>,
        outbound: Outbound,
        limits: Limits,
    ) -> wasmtime::Result<Instance> {
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
        let mut store = Store::new(engine, state);
        store.limiter(|s| &mut s.limiter);
        store.epoch_deadline_trap();
        set_deadline(&mut store, limits);
        let instance = pre.instantiate_async(&mut store).await?;
        Ok(Instance {
            store,
            exports: instance,
            stderr,
            steps: 0,
            last_used: Instant::now(),
        })
    }
}

/// The step deadline of `limits`, in epoch ticks from now.
pub(crate) fn set_deadline(store: &mut Store<StepState>, limits: Limits) {
    let ticks = u64::try_from(limits.timeout.as_millis() / EPOCH_TICK.as_millis())
        .unwrap_or(u64::MAX)
        .max(1);
    store.set_epoch_deadline(ticks);
}

/// An instance and its store, kept between the steps of one connection.
pub(crate) struct Instance {
    pub(crate) store: Store<StepState>,
    pub(crate) exports: ComponentInstance,
    pub(crate) stderr: MemoryOutputPipe,
    /// Steps this instance has run.
    pub(crate) steps: u32,
    /// When its last step ended.
    pub(crate) last_used: Instant,
}

impl Instance {
    /// Ready the instance for its next step: that step's destinations, a new deadline and
    /// a new memory peak (the cap counts the memory the instance holds already).
    pub(crate) fn prepare(&mut self, outbound: Outbound, limits: Limits) {
        let data = self.store.data_mut();
        data.sandbox.outbound = outbound;
        data.limiter.peak_memory = data.limiter.memory;
        data.limiter.cap_reached = false;
        set_deadline(&mut self.store, limits);
    }

    /// The linear memory the guest holds.
    pub(crate) fn memory_bytes(&self) -> usize {
        self.store.data().limiter.memory
    }
}

/// The state of one step's store.
pub(crate) struct StepState {
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) table: ResourceTable,
    pub(crate) sandbox: Sandbox,
    pub(crate) limiter: Limiter,
}

/// The memory cap, which also records the guest's peak memory.
pub(crate) struct Limiter {
    limits: StoreLimits,
    pub(crate) memory: usize,
    pub(crate) peak_memory: usize,
    /// The guest asked for more memory than the cap allows.
    pub(crate) cap_reached: bool,
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
