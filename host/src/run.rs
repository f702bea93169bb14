//! Running a step: the document checked and converted, an instance found (kept, or fresh
//! with the connection's kept state), the action called on the calling thread's driver, the
//! instance kept again, the result read and redacted.

use crate::call::CallOutcome;
use crate::component::Action;
use crate::hooks::Outbound;
use crate::instance::Instance;
use crate::reuse::ConnectionKey;
use crate::step::Step;
use crate::{error, pool, sandbox, ErrorKind, Host, StepError, StepStats, MIN_SECRET_LEN};
use serde_json::Value;

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

    /// The export `step` calls and the arguments it is called with, converted to the
    /// component's values exactly as [`Host::run_step`] converts them: what the conformance
    /// matrix hands other component hosts (jco, wasmtime-py, the wasmtime CLI) so that each
    /// receives what this one sends (docs/embedding.md, "Other hosts, side by side").
    pub fn arguments(
        &self,
        step: &Value,
    ) -> Result<(String, Vec<wasmtime::component::Val>), StepError> {
        let step = Step::parse(step, None)?;
        let action = self.action_of(&step)?;
        let time_limit = self.manifest.component.time_limit_input.as_deref();
        let seconds = self.limits.timeout.as_secs().max(1);
        let params = step.params(&action.params, time_limit.map(|field| (field, seconds)))?;
        Ok((step.action.to_string(), params))
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
        let params = step.params(&action.params, time_limit.map(|field| (field, seconds)))?;
        let key = self.kept.key(&step);
        let _running = key.map(|key| self.kept.flights.board(key));
        let outbound = Outbound {
            origins: self.permitted_origins(&step)?,
            egress: self.egress.clone(),
            pool: pool.clone(),
            fetches: key.map(|key| (key, self.kept.flights.clone())),
        };
        let warm = self
            .instance(key, (action, &params), outbound, stats)
            .await?;
        let (call, mut warm) = self
            .component
            .call(action, &params, self.limits, warm, stats.instantiate)
            .await
            .map_err(|e| StepError::trap(format!("{e:#}")))?;
        if let (Some(key), CallOutcome::Returned(_)) = (key, &call.outcome) {
            if let Some(state) = self.component.save(&mut warm).await {
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
    ) -> Result<Instance, StepError> {
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
        warm: &mut Instance,
    ) {
        let Some(state) = key.and_then(|key| self.kept.state(key)) else {
            return;
        };
        let connection = action
            .params
            .iter()
            .position(|(name, _)| name == "connection");
        if let Some(connection) = connection.and_then(|i| params.get(i)) {
            self.component.restore(warm, connection, &state).await;
        }
    }

    /// A fresh instance for a step. When every pooled slot is taken, kept instances give
    /// theirs up (least recently used first); a step that still finds none fails as the
    /// host's (a capacity limit, not the guest's crash).
    async fn fresh(
        &self,
        outbound: Outbound,
        stats: &mut StepStats,
    ) -> Result<Instance, StepError> {
        let started = std::time::Instant::now();
        loop {
            match self
                .component
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
                             overrides may name {} or what the host's operator allows (with \
                             `connector-host --allow-endpoint {}`, or `Options::egress.allow` \
                             in the library)",
                            allowed.origin,
                            if hosts.is_empty() {
                                "nothing".into()
                            } else {
                                hosts.join(", ")
                            },
                            allowed.origin.host,
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
        self.component.actions().get(name).ok_or_else(|| {
            StepError::invalid(
                "action",
                format!(
                    "{name:?} is not an action{}; known: {}",
                    crate::suggest::did_you_mean(name, self.actions().iter().map(String::as_str)),
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
