//! `connector-host serve`.

use super::stop_signal;
use connector_host::serve::{self, ServeOptions};
use connector_host::{ErrorKind, Host, StepError};
use std::path::PathBuf;
use std::sync::Arc;

/// Serve until SIGTERM or Ctrl-C, then finish the requests in flight.
pub(crate) fn run_service(
    host: Host,
    mut options: ServeOptions,
    token_file: Option<PathBuf>,
) -> Result<(), StepError> {
    let host_error = |message: String| StepError::new(ErrorKind::Host, message);
    if let Some(file) = token_file {
        let text = std::fs::read_to_string(&file).map_err(|e| {
            host_error(format!(
                "cannot read the token file {}: {e}",
                file.display()
            ))
        })?;
        let token = text.lines().next().unwrap_or("").trim().to_string();
        if token.is_empty() {
            return Err(host_error(format!(
                "the token file {} is empty",
                file.display()
            )));
        }
        options.token = Some(token);
    }
    let manifest = host.manifest_document()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| host_error(format!("cannot start the runtime: {e}")))?;
    runtime
        .block_on(serve::serve(
            Arc::new(host),
            manifest,
            options,
            stop_signal(),
        ))
        .map_err(|e| host_error(format!("cannot serve on the address: {e}")))
}
