//! The commands' shared parts: their options ([`args`]), reading a document, printing, the
//! stop signal; and one file per command that is more than a call: `flow`, `serve`, `mcp`,
//! `watch`.

pub(crate) mod args;
pub(crate) mod flow;
pub(crate) mod mcp;
pub(crate) mod serve;
pub(crate) mod watch;

use connector_host::{ErrorKind, Host, Options, StepError};
use serde_json::{json, Value};
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

/// `precompile`: start a host, which compiles the component into the compile cache (or finds
/// it there), and report the compiled code the cache holds and how long the start took.
pub(crate) fn precompile(options: Options) -> Result<Value, StepError> {
    let dir = options
        .cache_dir
        .clone()
        .ok_or_else(|| StepError::invalid("--cache-dir", "name the directory to compile into"))?;
    let started = std::time::Instant::now();
    Host::new(options)?;
    let seconds = started.elapsed().as_secs_f64();
    let compiled: Vec<Value> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        .map(|e| json!({"file": e.path(), "bytes": e.metadata().map_or(0, |m| m.len())}))
        .collect();
    if compiled.is_empty() {
        return Err(StepError::new(
            ErrorKind::Host,
            format!(
                "nothing was compiled into {}: is it writable?",
                dir.display()
            ),
        ));
    }
    Ok(json!({"cache-dir": dir, "compiled": compiled, "seconds": seconds}))
}
