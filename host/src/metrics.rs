//! The service's metrics in the Prometheus text format (`GET /metrics`): steps by action and
//! outcome, step latency, steps in flight, kept instances and state, refused egress, and
//! the signals of trigger polls ([`TriggerMetrics`], which `watch --metrics-listen` serves
//! too).

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::Duration;

/// A step's labels: the action and how it ended (`ok` or the error kind).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct StepLabels {
    pub(crate) action: String,
    pub(crate) outcome: String,
}

/// A step latency's label: the action.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub(crate) struct ActionLabel {
    pub(crate) action: String,
}

/// A trigger's labels: its action, and which trigger (the action and a short hash of its
/// input, as `watch` names it; empty for the service, whose polls come from many tenants).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct TriggerLabels {
    /// The trigger's action, e.g. `read-stream-changes`.
    pub action: String,
    /// Which trigger: `ACTION/` and the first 12 hex digits of its input's SHA-256.
    pub trigger: String,
}

/// A poll's labels: its trigger's, and how it ended (`ok` or the error kind).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PollLabels {
    action: String,
    trigger: String,
    outcome: String,
}

/// A gauge holding seconds (a time since the epoch).
type Seconds = Gauge<f64, std::sync::atomic::AtomicU64>;

/// The signals of trigger polls, so that a gap or a stall is a number to alert on, not
/// silence (docs/triggers.md, "Signals").
#[derive(Default, Debug)]
pub struct TriggerMetrics {
    polls: Family<PollLabels, Counter>,
    records: Family<TriggerLabels, Counter>,
    gaps: Family<TriggerLabels, Counter>,
    last_poll: Family<TriggerLabels, Seconds>,
    last_record: Family<TriggerLabels, Seconds>,
    newest_record: Family<TriggerLabels, Seconds>,
    waiting: Family<TriggerLabels, Gauge>,
    leases: Family<TriggerLabels, Gauge>,
    shards: Family<TriggerLabels, Gauge>,
}

/// Now, in seconds since the epoch.
fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl TriggerMetrics {
    /// The metrics, registered in `registry` (prefixed `trigger_`).
    pub fn register(registry: &mut Registry) -> std::sync::Arc<TriggerMetrics> {
        let metrics = TriggerMetrics::default();
        let m = &metrics;
        registry.register("trigger_polls", "Polls, by outcome", m.polls.clone());
        registry.register(
            "trigger_records",
            "Records delivered (watch) or answered (service)",
            m.records.clone(),
        );
        registry.register(
            "trigger_gaps",
            "What the source reported lost before it was read (trimmed, shard gone, stream replaced)",
            m.gaps.clone(),
        );
        registry.register(
            "trigger_last_poll_timestamp_seconds",
            "When the last poll ended",
            m.last_poll.clone(),
        );
        registry.register(
            "trigger_last_record_timestamp_seconds",
            "When the last record was delivered (watch) or answered (service)",
            m.last_record.clone(),
        );
        registry.register(
            "trigger_newest_record_timestamp_seconds",
            "When the source recorded the newest record read (its age is time() minus this)",
            m.newest_record.clone(),
        );
        registry.register(
            "trigger_waiting",
            "1 when the last poll said more records were waiting",
            m.waiting.clone(),
        );
        registry.register(
            "trigger_leases_held",
            "Leases this replica holds (watch --lease-table; 1 with a state file)",
            m.leases.clone(),
        );
        registry.register(
            "trigger_shards_tracked",
            "Shards of the stream the last poll listed (watch --lease-table, read-stream-changes)",
            m.shards.clone(),
        );
        std::sync::Arc::new(metrics)
    }

    /// Count a poll that failed with `kind`.
    pub fn failed(&self, labels: &TriggerLabels, kind: &str) {
        self.poll(labels, kind);
    }

    /// Count a poll that answered `polled`, whose `records` were then delivered (or
    /// answered).
    pub fn polled(&self, labels: &TriggerLabels, polled: &crate::trigger::Polled) {
        self.poll(labels, "ok");
        let records = polled.records.len() as u64;
        self.records.get_or_create(labels).inc_by(records);
        self.gaps
            .get_or_create(labels)
            .inc_by(polled.gaps.len() as u64);
        if records > 0 {
            self.last_record.get_or_create(labels).set(now());
        }
        if let Some(time) = polled.newest_record_time {
            self.newest_record.get_or_create(labels).set(time);
        }
        self.waiting
            .get_or_create(labels)
            .set(i64::from(polled.more));
        if let Some(shards) = &polled.shards {
            let tracked = i64::try_from(shards.len()).unwrap_or(i64::MAX);
            self.shards.get_or_create(labels).set(tracked);
        }
    }

    /// How many of the trigger's leases this replica holds now.
    pub fn leases_held(&self, labels: &TriggerLabels, held: usize) {
        let held = i64::try_from(held).unwrap_or(i64::MAX);
        self.leases.get_or_create(labels).set(held);
    }

    fn poll(&self, labels: &TriggerLabels, outcome: &str) {
        let poll = PollLabels {
            action: labels.action.clone(),
            trigger: labels.trigger.clone(),
            outcome: outcome.to_string(),
        };
        self.polls.get_or_create(&poll).inc();
        self.last_poll.get_or_create(labels).set(now());
    }
}

/// Connections the metrics listener of `watch` keeps open at once.
const METRICS_CONNECTIONS: usize = 16;

/// Serve `GET /metrics` of `registry` on `listener` until `stop` resolves, with the
/// service's connection handling ([`crate::listener`]): a request's headers within 10 s, at
/// most 16 connections, so clients that hold connections open without sending cannot keep
/// the metrics from being read for longer than the header timeout.
pub async fn serve_metrics(
    listener: std::net::TcpListener,
    registry: Registry,
    stop: impl std::future::Future<Output = ()>,
) {
    use crate::listener::{serve_connections, ConnectionLimits, Shutdown};
    use axum::http::header;
    let registry = std::sync::Arc::new(registry);
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let registry = registry.clone();
            async move {
                let kind = "application/openmetrics-text; version=1.0.0; charset=utf-8";
                ([(header::CONTENT_TYPE, kind)], render(&registry))
            }
        }),
    );
    let listener = match tokio::net::TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!("the metrics listener cannot start: {e}");
            return stop.await;
        }
    };
    let limits = ConnectionLimits {
        header_timeout: Duration::from_secs(10),
        max_connections: METRICS_CONNECTIONS,
        grace: Duration::from_secs(1),
    };
    let shutdown = Shutdown {
        signal: stop,
        draining: Box::new(|| {}),
        idle: std::future::ready(()),
    };
    serve_connections(listener, app, limits, shutdown).await;
}

/// `registry` in the Prometheus text format.
pub fn render(registry: &Registry) -> String {
    let mut text = String::new();
    // Writing into a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut text, registry);
    text
}

/// Every metric the service keeps, and the registry that prints them.
pub(crate) struct Metrics {
    registry: Registry,
    /// The signals of the service's trigger polls.
    pub(crate) triggers: std::sync::Arc<TriggerMetrics>,
    steps: Family<StepLabels, Counter>,
    latency: Family<ActionLabel, Histogram>,
    pub(crate) in_flight: Gauge,
    pub(crate) instances: Gauge,
    /// Connections with kept state.
    pub(crate) states: Gauge,
    /// Bytes of kept state.
    pub(crate) state_bytes: Gauge,
    refused: Counter,
}

/// Latency buckets in seconds: 1 ms to about 65 s, doubling.
fn buckets() -> impl Iterator<Item = f64> {
    prometheus_client::metrics::histogram::exponential_buckets(0.001, 2.0, 17)
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("connector");
        let steps = Family::<StepLabels, Counter>::default();
        let latency =
            Family::<ActionLabel, Histogram>::new_with_constructor(|| Histogram::new(buckets()));
        let (in_flight, instances, refused) =
            (Gauge::default(), Gauge::default(), Counter::default());
        let (states, state_bytes) = (Gauge::default(), Gauge::default());
        registry.register("steps", "Steps run, by action and outcome", steps.clone());
        registry.register(
            "step_duration_seconds",
            "Step latency, by action",
            latency.clone(),
        );
        registry.register("steps_in_flight", "Steps running now", in_flight.clone());
        registry.register(
            "instances",
            "Component instances kept for reuse",
            instances.clone(),
        );
        registry.register(
            "kept_states",
            "Connections whose kept state (a role's credentials) the host holds",
            states.clone(),
        );
        registry.register(
            "kept_state_bytes",
            "Bytes of kept state the host holds",
            state_bytes.clone(),
        );
        registry.register(
            "egress_refused",
            "Requests the sandbox refused",
            refused.clone(),
        );
        let triggers = TriggerMetrics::register(&mut registry);
        Metrics {
            registry,
            triggers,
            steps,
            latency,
            in_flight,
            instances,
            states,
            state_bytes,
            refused,
        }
    }
}

impl Metrics {
    /// Count one finished step.
    pub(crate) fn step(&self, action: &str, outcome: &str, took: Duration, refused: usize) {
        let labels = StepLabels {
            action: action.to_string(),
            outcome: outcome.to_string(),
        };
        self.steps.get_or_create(&labels).inc();
        let action = ActionLabel {
            action: action.to_string(),
        };
        self.latency
            .get_or_create(&action)
            .observe(took.as_secs_f64());
        self.refused.inc_by(refused as u64);
    }

    /// Everything, in the Prometheus text format.
    pub(crate) fn render(&self) -> String {
        render(&self.registry)
    }
}
