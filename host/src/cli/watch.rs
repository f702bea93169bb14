//! `connector-host watch`, and its signals served as Prometheus metrics
//! (`--metrics-listen`).

use super::stop_signal;
use connector_host::metrics::{serve_metrics, TriggerMetrics};
use connector_host::{watch, ErrorKind, Host, StepError};
use prometheus_client::registry::Registry;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The trigger's signals, and where they are served when asked.
pub(crate) struct Signals {
    /// What the watch records.
    pub(crate) metrics: Arc<TriggerMetrics>,
    registry: Registry,
    listener: Option<std::net::TcpListener>,
}

impl Signals {
    /// The signals, their listener bound at `listen` when given (a clear error naming
    /// `--metrics-listen` when the address cannot be had, before anything is polled).
    pub(crate) fn new(listen: Option<std::net::SocketAddr>) -> Result<Signals, StepError> {
        let mut registry = Registry::with_prefix("connector");
        let metrics = TriggerMetrics::register(&mut registry);
        let listener = match listen {
            None => None,
            Some(address) => {
                let listener = std::net::TcpListener::bind(address)
                    .and_then(|l| l.set_nonblocking(true).map(|()| l))
                    .map_err(|e| {
                        StepError::invalid(
                            "--metrics-listen",
                            format!("cannot listen on {address}: {e}"),
                        )
                    })?;
                Some(listener)
            }
        };
        Ok(Signals {
            metrics,
            registry,
            listener,
        })
    }
}

/// Run a trigger until SIGTERM or Ctrl-C; a poll under way finishes, is delivered and its
/// state saved before the watch ends. Its signals are served meanwhile when asked.
pub(crate) fn run_watch(
    host: &Host,
    watch: &watch::Watch,
    signals: Signals,
) -> Result<(), StepError> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StepError::new(ErrorKind::Host, format!("cannot start the runtime: {e}")))?;
    let Signals {
        registry, listener, ..
    } = signals;
    std::thread::spawn(move || {
        runtime.block_on(async move {
            match listener {
                Some(listener) => serve_metrics(listener, registry, stop_signal()).await,
                None => stop_signal().await,
            }
        });
        flag.store(true, Ordering::SeqCst);
    });
    watch::watch(host, watch, &stop)
}
