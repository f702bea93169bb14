//! `connector-host watch`.

use super::stop_signal;
use connector_host::{watch, ErrorKind, Host, StepError};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Run a trigger until SIGTERM or Ctrl-C; a poll under way finishes, is delivered and its
/// state saved before the watch ends.
pub(crate) fn run_watch(host: &Host, watch: &watch::Watch) -> Result<(), StepError> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StepError::new(ErrorKind::Host, format!("cannot start the runtime: {e}")))?;
    std::thread::spawn(move || {
        runtime.block_on(stop_signal());
        flag.store(true, Ordering::SeqCst);
    });
    watch::watch(host, watch, &stop)
}
