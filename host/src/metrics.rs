//! The service's metrics in the Prometheus text format (`GET /metrics`): steps by action and
//! outcome, step latency, steps in flight, kept instances and state, and refused egress.

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

/// Every metric the service keeps, and the registry that prints them.
pub(crate) struct Metrics {
    registry: Registry,
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
        Metrics {
            registry,
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
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}
