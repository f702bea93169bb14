//! `connector-host`: run connector steps from the command line.
//!
//! ```text
//! connector-host step [OPTIONS] FILE|-
//! connector-host flow [--json] [OPTIONS] FILE
//! connector-host actions [OPTIONS]
//!
//! OPTIONS: --component PATH  --manifest PATH  --cache-dir DIR
//!          --allow-endpoint HOST|*.SUFFIX|IP|CIDR (repeatable)  --allow-any-endpoint
//!          --max-output-bytes N (default 64 MiB)  --no-reuse
//! ```
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

use connector_host::{Host, Options, StepError};
use serde_json::Value;
use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  connector-host step [OPTIONS] FILE|-
  connector-host flow [--json] [OPTIONS] FILE
  connector-host actions [OPTIONS]
options: --component PATH  --manifest PATH  --cache-dir DIR
         --allow-endpoint HOST|*.SUFFIX|IP|CIDR (repeatable)  --allow-any-endpoint
         --max-output-bytes N (default 64 MiB)  --no-reuse";

struct Command {
    verb: String,
    file: Option<String>,
    /// `flow --json`: print one JSON array of `{name, action, input, output}` instead.
    json: bool,
    options: Options,
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
    if !["step", "flow", "actions"].contains(&verb.as_str()) {
        return Err(format!("unknown command {verb:?}"));
    }
    let (mut options, mut manifest) = (Options::default(), None);
    let (mut file, mut json) = (None, false);
    while let Some(arg) = args.next() {
        if host_option(&arg, || args.next(), &mut options, &mut manifest)? {
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
        ("actions", Some(_)) => Err("actions takes no FILE".into()),
        ("step" | "flow", None) => Err(format!("{verb} needs a FILE")),
        _ => Ok(Command {
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

/// Steps of a flow document, each with the flow's connection unless it has its own.
fn flow_steps(flow: &Value) -> Result<Vec<(String, Value)>, StepError> {
    let steps = flow
        .get("steps")
        .and_then(Value::as_array)
        .ok_or_else(|| StepError::invalid("steps", "a flow needs a \"steps\" array"))?;
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let mut step = step.clone();
            let obj = step.as_object_mut().ok_or_else(|| {
                StepError::invalid(&format!("steps[{i}]"), "must be a JSON object")
            })?;
            if !obj.contains_key("connection") {
                if let Some(c) = flow.get("connection") {
                    obj.insert("connection".into(), c.clone());
                }
            }
            let action = obj
                .get("action")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let name = obj
                .remove("name")
                .and_then(|n| n.as_str().map(str::to_string))
                .unwrap_or_else(|| action.clone());
            Ok((format!("{}. {name} ({action})", i + 1), step))
        })
        .collect()
}

fn run(command: Command) -> Result<(), StepError> {
    let host = Host::new(command.options)?;
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
    for (title, step) in flow_steps(flow)? {
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

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(true)
        .init();
    let command = match parse_args(std::env::args().skip(1).collect()) {
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
