//! The loaded component: the engine, the component pre-linked against WASI and `wasi:http`,
//! its actions (with their WIT types and error cases) and its `save`/`restore` of the state
//! an instance keeps for its connection. One per [`crate::Host`], shared by every step.

use crate::engine::{engine, start_epoch_ticker};
use crate::hooks::Outbound;
use crate::instance::{Instance, StepState};
use crate::options::Limits;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
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

/// The component's `save` and `restore` of its kept state, when it exports them.
struct SessionFuncs {
    save: ComponentExportIndex,
    restore: ComponentExportIndex,
}

/// Most time a `save` or `restore` call may take.
const SESSION_CALL_TIME: Duration = Duration::from_secs(1);

/// The engine, the pre-linked component and its actions; shared by every step.
pub(crate) struct LoadedComponent {
    pub(crate) engine: Engine,
    pub(crate) pre: InstancePre<StepState>,
    actions: HashMap<String, Action>,
    session: Option<SessionFuncs>,
    stop_ticker: Arc<AtomicBool>,
}

impl Drop for LoadedComponent {
    fn drop(&mut self) {
        self.stop_ticker.store(true, Ordering::Relaxed);
    }
}

impl LoadedComponent {
    /// Load the component at `path`, link it against WASI and `wasi:http`, and find the
    /// actions in its export `interface` (and `save`/`restore` in `session`, when given);
    /// `pooled_steps` instance slots (0: allocate each step's instance on demand).
    pub(crate) fn load(
        path: &Path,
        (interface, session): (&str, Option<&str>),
        cache_dir: Option<&Path>,
        pooled_steps: u32,
    ) -> wasmtime::Result<LoadedComponent> {
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
        Ok(LoadedComponent {
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

    /// A fresh instance in its own store (see [`Instance::new`]).
    pub(crate) async fn instantiate(
        &self,
        outbound: Outbound,
        limits: Limits,
    ) -> wasmtime::Result<Instance> {
        Instance::new(&self.engine, &self.pre, outbound, limits).await
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

impl LoadedComponent {
    /// The state `warm`'s guest keeps for its connection (`save`), if it exports one and
    /// has any; `None` too when the call fails or takes too long.
    pub(crate) async fn save(&self, warm: &mut Instance) -> Option<Vec<u8>> {
        let save = self.session.as_ref()?.save;
        let func = warm.exports.get_func(&mut warm.store, save)?;
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
    pub(crate) async fn restore(
        &self,
        warm: &mut Instance,
        connection: &Val,
        state: &[u8],
    ) -> bool {
        let Some(restore) = self.session.as_ref().map(|s| s.restore) else {
            return false;
        };
        let Some(func) = warm.exports.get_func(&mut warm.store, restore) else {
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
