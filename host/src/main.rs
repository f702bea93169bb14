//! `connector-host`: run connector steps from the command line.
//!
//! ```text
//! connector-host step [OPTIONS] FILE|-
//! connector-host flow [--json] [OPTIONS] FILE
//! connector-host actions [OPTIONS]
//! connector-host serve --listen ADDR [SERVE OPTIONS] [OPTIONS]
//!
//! OPTIONS: --component PATH  --manifest PATH  --cache-dir DIR
//!          --allow-endpoint HOST|*.SUFFIX|IP|CIDR (repeatable)  --allow-any-endpoint
//!          --max-output-bytes N (default 64 MiB)  --step-timeout SECONDS (default 300)
//!          --no-reuse
//! SERVE OPTIONS: --token-file FILE  --max-body-bytes N (default 8 MiB)
//!          --concurrency N (default 2 per core)  --queue N (default 64)
//! ```
//!
//! `serve` answers steps over HTTP until SIGTERM or Ctrl-C (docs/deployment.md), logging one
//! JSON line per request to stderr.
//!
//! `--no-reuse` runs every step of a flow in a fresh instance (by default consecutive steps
//! of one connection share one, which keeps its clients and assumed credentials).
//!
//! The egress options are the operator's: by default a connection's endpoint override may
//! name only the connector's public service hosts (its manifest's `endpoint-hosts`) and
//! requests reach only public addresses. `--allow-endpoint 127.0.0.1` allows a local server;
//! `--allow-any-endpoint` lifts the policy (development only).
//!
//! `--component` picks another component; its manifest is then looked for beside it
//! (`NAME.toml` or `connector.toml`) unless `--manifest` names one.
//!
//! `step` prints the action's output JSON on stdout and exits 0, or prints
//! `{"error": {...}}` on stdout and exits 1. `flow` runs `{"connection": {...}, "steps":
//! [{"name", "action", "input", "connection"?}, ...]}` in order, printing each step's name
//! and output, and stops at the first failure (exit 1). A malformed command line exits 2.
//! Logs go to stderr.

use connector_host::serve::{self, ServeOptions};
use connector_host::{ErrorKind, Host, Options, StepError};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "usage:
  connector-host step [OPTIONS] FILE|-
  connector-host flow [--json] [OPTIONS] FILE
  connector-host actions [OPTIONS]
  connector-host serve --listen ADDR [SERVE OPTIONS] [OPTIONS]
options: --component PATH  --manifest PATH  --cache-dir DIR
         --allow-endpoint HOST|*.SUFFIX|IP|CIDR (repeatable)  --allow-any-endpoint
         --max-output-bytes N (default 64 MiB)  --step-timeout SECONDS (default 300)
         --no-reuse
serve options: --token-file FILE  --max-body-bytes N (default 8 MiB)
         --concurrency N (default 2 per core)  --queue N (default 64)";

struct Command {
    verb: String,
    file: Option<String>,
    /// `flow --json`: print one JSON array of `{name, action, input, output}` instead.
    json: bool,
    options: Options,
    /// `serve`: the service's options and the token file.
    serve: Option<(ServeOptions, Option<PathBuf>)>,
}

/// A `serve` option with its value from `next`; `Ok(false)` when `flag` is none of them.
fn serve_option(
    flag: &str,
    mut next: impl FnMut() -> Option<String>,
    serve: &mut (ServeOptions, Option<PathBuf>),
) -> Result<bool, String> {
    let mut number = |what: &str| -> Result<usize, String> {
        let text = next().ok_or(format!("{flag} needs {what}"))?;
        text.parse().map_err(|_| format!("{flag} needs {what}"))
    };
    match flag {
        "--listen" => {
            let text = next().ok_or("--listen needs an ADDR (e.g. 0.0.0.0:8080)")?;
            serve.0.listen = text
                .parse()
                .map_err(|_| format!("--listen needs an ADDR like 0.0.0.0:8080, not {text:?}"))?;
        }
        "--token-file" => {
            serve.1 = Some(PathBuf::from(next().ok_or("--token-file needs a FILE")?));
        }
        "--max-body-bytes" => serve.0.max_body_bytes = number("a number of bytes")?,
        "--concurrency" => serve.0.concurrency = number("a number of steps")?.max(1),
        "--queue" => serve.0.queue = number("a number of requests")?,
        _ => return Ok(false),
    }
    Ok(true)
}

/// Apply one of the host options (`--component`, `--manifest`, `--cache-dir`, the egress
/// and output options) with its value from `next`; `Ok(false)` when `flag` is none of them.
fn host_option(
    flag: &str,
    mut next: impl FnMut() -> Option<String>,
    options: &mut Options,
    manifest: &mut Option<PathBuf>,
) -> Result<bool, String> {
    let mut value = |what: &str| next().ok_or(format!("{flag} needs {what}"));
    match flag {
        "--component" => {
            options.component = PathBuf::from(value("a PATH")?);
            options.manifest = None;
        }
        "--manifest" => *manifest = Some(PathBuf::from(value("a PATH")?)),
        "--cache-dir" => options.cache_dir = Some(PathBuf::from(value("a DIR")?)),
        "--allow-endpoint" => options
            .egress
            .allow
            .push(value("a HOST, *.SUFFIX, IP or CIDR")?),
        "--allow-any-endpoint" => options.egress.allow_any = true,
        "--no-reuse" => options.reuse = connector_host::Reuse::off(),
        "--step-timeout" => {
            let seconds: u64 = value("a number of seconds")?
                .parse()
                .map_err(|_| format!("{flag} needs a number of seconds"))?;
            options.limits.timeout = std::time::Duration::from_secs(seconds.max(1));
        }
        "--max-output-bytes" => {
            let bytes = value("a number of bytes")?;
            options.limits.output_bytes = bytes
                .parse()
                .map_err(|_| format!("{flag} needs a number of bytes"))?;
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let verb = args.next().ok_or("missing command")?;
    if !["step", "flow", "actions", "serve"].contains(&verb.as_str()) {
        return Err(format!("unknown command {verb:?}"));
    }
    let (mut options, mut manifest) = (Options::default(), None);
    let (mut file, mut json) = (None, false);
    let unset: std::net::SocketAddr = ([0, 0, 0, 0], 0).into();
    let mut serve = (ServeOptions::new(unset), None);
    while let Some(arg) = args.next() {
        if host_option(&arg, || args.next(), &mut options, &mut manifest)? {
            continue;
        }
        if verb == "serve" && serve_option(&arg, || args.next(), &mut serve)? {
            continue;
        }
        match arg.as_str() {
            "--json" if verb == "flow" => json = true,
            "-h" | "--help" => return Err(String::new()),
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if file.is_some() => return Err(format!("unexpected argument {arg:?}")),
            _ => file = Some(arg),
        }
    }
    if manifest.is_some() {
        options.manifest = manifest;
    }
    if verb == "step" {
        // One step per process: on-demand instance allocation starts faster than a pool.
        options.pooled_steps = 0;
    }
    match (verb.as_str(), &file) {
        ("actions" | "serve", Some(_)) => Err(format!("{verb} takes no FILE")),
        ("step" | "flow", None) => Err(format!("{verb} needs a FILE")),
        ("serve", None) if serve.0.listen == unset => Err("serve needs --listen ADDR".into()),
        _ => Ok(Command {
            serve: (verb == "serve").then_some(serve),
            verb,
            file,
            json,
            options,
        }),
    }
}

/// Print a line on stdout; a closed pipe (`connector-host ... | head`) is not an error.
fn print_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}

fn read_document(file: &str) -> Result<Value, StepError> {
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
fn print(value: &Value) {
    print_line(&serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()));
}

fn run(command: Command) -> Result<(), StepError> {
    let host = Host::new(command.options)?;
    if let Some((options, token_file)) = command.serve {
        return run_service(host, options, token_file);
    }
    let file = command.file.as_deref().unwrap_or("-");
    match command.verb.as_str() {
        "actions" => print(&Value::from(host.actions())),
        "step" => print(&host.run_step(&read_document(file)?)?),
        _ => run_flow(&host, &read_document(file)?, command.json)?,
    }
    Ok(())
}

/// Run a flow's steps in order, printing each step's title and output (or, with `json`,
/// one array of every step with its output at the end); stop at the first failure.
fn run_flow(host: &Host, flow: &Value, json: bool) -> Result<(), StepError> {
    let mut record = Vec::new();
    for (title, step) in connector_host::flow::steps(flow)? {
        if !json {
            print_line(&format!("── {title}"));
        }
        let output = host.run_step(&step)?;
        if json {
            record.push(serde_json::json!({
                "name": title, "action": step["action"], "input": step["input"], "output": output
            }));
        } else {
            print(&output);
        }
    }
    if json {
        print(&Value::from(record));
    }
    Ok(())
}

/// Serve until SIGTERM or Ctrl-C, then finish the requests in flight.
fn run_service(
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

/// Resolves on SIGTERM or Ctrl-C.
async fn stop_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler");
    tokio::select! {
        _ = terminate.recv() => {}
        _ = tokio::signal::ctrl_c() => {}
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(true);
    if args.first().is_some_and(|verb| verb == "serve") {
        logs.json().init();
    } else {
        logs.init();
    }
    let command = match parse_args(args) {
        Ok(command) => command,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("connector-host: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            print(&error.to_json());
            ExitCode::from(1)
        }
    }
}
