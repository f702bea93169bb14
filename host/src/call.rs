//! The component's actions and the dynamic call of one: the engine, the pre-linked
//! component, a call in a kept or a fresh instance, and what the call came to.

use crate::engine::{engine, start_epoch_ticker};
use crate::instance::{StepState, Warm};
use crate::options::Limits;
use crate::pool::lock;
use crate::{convert, ErrorKind, StepError};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::component::{
    types::ComponentItem, Component, ComponentExportIndex, InstancePre, Linker, Type, Val,
};
use wasmtime::format_err;
use wasmtime::Engine;

/// One exported action: where to find it and the types of its parameters.
pub(crate) struct Action {
    pub(crate) index: ComponentExportIndex,
    pub(crate) params: Vec<(String, Type)>,
    /// The case names of its error variant (`result<_, error>`), if it has one.
    pub(crate) error_cases: Vec<String>,
}

/// What a call into the guest came to.
pub(crate) enum CallOutcome {
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
pub(crate) struct Call {
    pub(crate) outcome: CallOutcome,
    pub(crate) stats: StepStats,
    /// Requests the sandbox refused, as `METHOD origin (why)`.
    pub(crate) refused: Vec<String>,
    /// What the guest wrote to standard error.
    pub(crate) stderr: String,
}

/// The component's `save` and `restore` of its kept state, when it exports them.
struct SessionFuncs {
    save: ComponentExportIndex,
    restore: ComponentExportIndex,
}

/// Most time a `save` or `restore` call may take.
const SESSION_CALL_TIME: Duration = Duration::from_secs(1);

/// The engine, the pre-linked component and its actions; shared by every step.
pub(crate) struct Runtime {
    pub(crate) engine: Engine,
    pub(crate) pre: InstancePre<StepState>,
    actions: HashMap<String, Action>,
    session: Option<SessionFuncs>,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

impl Runtime {
    /// Load the component at `path`, link it against WASI and `wasi:http`, and find the
    /// actions in its export `interface` (and `save`/`restore` in `session`, when given);
    /// `pooled_steps` instance slots (0: allocate each step's instance on demand).
    pub(crate) fn load(
        path: &Path,
        (interface, session): (&str, Option<&str>),
        cache_dir: Option<&Path>,
        pooled_steps: u32,
    ) -> wasmtime::Result<Runtime> {
        let engine = engine(pooled_steps)?;
        let component = crate::cache::load_component(&engine, path, cache_dir)?;
        let mut linker = Linker::<StepState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        let pre = linker.instantiate_pre(&component)?;
        let actions = actions_of(&engine, &component, interface)?;
        let session = session
            .map(|name| session_of(&engine, &component, name))
            .transpose()?;
        Ok(Runtime {
            stop_ticker: start_epoch_ticker(&engine),
            engine,
            pre,
            actions,
            session,
        })
    }

    /// The actions the component exports, by name.
    pub(crate) fn actions(&self) -> &HashMap<String, Action> {
        &self.actions
    }

    /// Run `action` with `params` in `warm` (an instance kept from an earlier step of the
    /// same connection, or a fresh one that took `instantiate` to make), within `limits`.
    /// Returns the call and the instance, which the caller may keep for the next step of
    /// the connection when the call returned (never after a trap, a timeout or a limit).
    pub(crate) async fn call(
        &self,
        action: &Action,
        params: &[Val],
        limits: Limits,
        mut warm: Warm,
        instantiate: Duration,
    ) -> wasmtime::Result<(Call, Warm)> {
        let mut stats = StepStats {
            instantiate,
            ..StepStats::default()
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
}
/// `save` and `restore` in the component's export `interface`.
fn session_of(
    engine: &Engine,
    component: &Component,
    interface: &str,
) -> wasmtime::Result<SessionFuncs> {
    let funcs = actions_of(engine, component, interface)?;
    let index = |name: &str| {
        funcs
            .get(name)
            .map(|f| f.index)
            .ok_or_else(|| format_err!("{interface} has no {name} function"))
    };
    Ok(SessionFuncs {
        save: index("save")?,
        restore: index("restore")?,
    })
}

impl Runtime {
    /// The state `warm`'s guest keeps for its connection (`save`), if it exports one and
    /// has any; `None` too when the call fails or takes too long.
    pub(crate) async fn save(&self, warm: &mut Warm) -> Option<Vec<u8>> {
        let save = self.session.as_ref()?.save;
        let func = warm.instance.get_func(&mut warm.store, save)?;
        let mut results = [Val::Bool(false)];
        let call = func.call_async(&mut warm.store, &[], &mut results);
        tokio::time::timeout(SESSION_CALL_TIME, call)
            .await
            .ok()?
            .ok()?;
        let Val::Option(Some(state)) = &results[0] else {
            return None;
        };
        let Val::List(bytes) = &**state else {
            return None;
        };
        let byte = |v: &Val| match v {
            Val::U8(b) => Some(*b),
            _ => None,
        };
        bytes.iter().map(byte).collect()
    }

    /// Hand `state` back to `warm`'s guest (`restore`) with the step's `connection`; whether
    /// the guest took it without failing.
    pub(crate) async fn restore(&self, warm: &mut Warm, connection: &Val, state: &[u8]) -> bool {
        let Some(restore) = self.session.as_ref().map(|s| s.restore) else {
            return false;
        };
        let Some(func) = warm.instance.get_func(&mut warm.store, restore) else {
            return false;
        };
        let params = [
            connection.clone(),
            Val::List(state.iter().map(|b| Val::U8(*b)).collect()),
        ];
        let call = func.call_async(&mut warm.store, &params, &mut []);
        matches!(
            tokio::time::timeout(SESSION_CALL_TIME, call).await,
            Ok(Ok(()))
        )
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
            let error_cases = func
                .results()
                .next()
                .map_or_else(Vec::new, |t| error_cases(&t));
            let action = Action {
                index,
                params,
                error_cases,
            };
            actions.insert(name.to_string(), action);
        }
    }
    Ok(actions)
}

/// The case names of the error variant of a `result<_, variant>` type.
fn error_cases(ty: &Type) -> Vec<String> {
    let Type::Result(result) = ty else {
        return Vec::new();
    };
    match result.err() {
        Some(Type::Variant(variant)) => variant.cases().map(|c| c.name.to_string()).collect(),
        _ => Vec::new(),
    }
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

impl Call {
    /// The step's result from what the call came to.
    pub(crate) fn into_result(self, timeout: Duration) -> Result<Value, StepError> {
        match self.outcome {
            CallOutcome::LimitReached(which) => Err(StepError::new(
                ErrorKind::Limit,
                format!("{which}; ask for less per step (page instead of fetching all)"),
            )),
            CallOutcome::TimedOut => Err(StepError::new(
                ErrorKind::Timeout,
                format!("the step did not finish within {timeout:?}"),
            )),
            CallOutcome::Trapped(message) => {
                Err(StepError::trap(crash_message(&self.stderr, &message)))
            }
            CallOutcome::Returned(Ok(text)) => serde_json::from_str(&text)
                .map_err(|e| StepError::trap(format!("the component returned invalid JSON: {e}"))),
            CallOutcome::Returned(Err(error)) => {
                let error: StepError = serde_json::from_value(error)
                    .map_err(|e| StepError::trap(format!("unexpected error shape: {e}")))?;
                Err(with_refusals(error.with_parsed_items(), &self.refused))
            }
        }
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
