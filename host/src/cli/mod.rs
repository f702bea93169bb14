//! The commands' shared parts: their options ([`args`]), reading a document, printing, the
//! stop signal; and one file per command that is more than a call: `flow`, `serve`, `mcp`,
//! `watch`.

pub(crate) mod args;
pub(crate) mod flow;
pub(crate) mod mcp;
pub(crate) mod serve;
pub(crate) mod watch;

use connector_host::StepError;
use serde_json::Value;
use std::io::Read;

/// Print a line on stdout; a closed pipe (`connector-host ... | head`) is not an error.
pub(crate) fn print_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

pub(crate) fn read_document(file: &str) -> Result<Value, StepError> {
    let mut text = String::new();
    let read = if file == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(file).map(|t| text = t)
    };
    read.map_err(|e| StepError::invalid("file", format!("cannot read {file}: {e}")))?;
    serde_json::from_str(&text)
        .map_err(|e| StepError::invalid("file", format!("{file} is not valid JSON: {e}")))
}

/// Print a JSON document on stdout.
pub(crate) fn print(value: &Value) {
    print_line(&serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()));
}

/// Resolves on SIGTERM or Ctrl-C.
pub(crate) async fn stop_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}
