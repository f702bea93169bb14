//! `connector-host`: run connector steps from the command line (`connector-host --help`,
//! and `--help` after each command).
//!
//! `step` prints the action's output JSON on stdout and exits 0, or prints
//! `{"error": {...}}` on stdout and exits 1. `flow` runs `{"connection": {...}, "steps":
//! [{"name", "action", "input", "connection"?}, ...]}` in order, printing each step's name
//! and output, and stops at the first failure (exit 1). `serve` answers steps over HTTP
//! until SIGTERM or Ctrl-C (docs/deployment.md), logging one JSON line per request to
//! stderr. `watch` runs a polling trigger until SIGTERM or Ctrl-C (docs/triggers.md),
//! printing one JSON line per record. A malformed command line exits 2. Logs go to stderr.

mod cli;

use clap::{Parser, Subcommand};
use cli::args::{instance_slots, HostArgs, McpArgs, ServeArgs};
use cli::{print, read_document};
use connector_host::watch;
use connector_host::{Host, StepError};
use serde_json::Value;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// Most glibc malloc arenas: a steps service parses and answers requests on its runtime's
/// threads and runs their steps on others, and with glibc's default (eight arenas per
/// core) memory freed that way stayed in the arenas: about 0.2 KB per step without a
/// plateau. With two, the soak's memory is flat (docs/performance.md).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    const ARENAS: libc::c_int = 2;
    // SAFETY: `mallopt` only sets an allocator parameter; it is called first thing in
    // `main`, before any other thread exists.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

/// Run a connector component's steps in a sandbox: one step, a flow of steps, or a service.
#[derive(Parser)]
#[command(name = "connector-host", version)]
// A repeated option takes its last value (as scripts that add to a base command expect).
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one step document (FILE, or - for standard input) and print its output.
    #[command(args_override_self = true)]
    Step {
        /// The step document: {"connection", "action", "input"}.
        #[arg(value_name = "FILE|-")]
        file: String,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Run a flow's steps in order, printing each step's name and output.
    #[command(args_override_self = true)]
    Flow {
        /// Print one JSON array of {name, action, input, output} instead.
        #[arg(long)]
        json: bool,
        /// The flow document: {"connection", "steps": [{"name", "action", "input"}]}.
        file: String,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Compile the component for this machine into the compile cache (--cache-dir) and
    /// print where: ship that directory with the component (an image layer, a volume) and
    /// point --cache-dir or `CONNECTOR_HOST_CACHE_DIR` at it, and no start compiles again.
    /// Code compiled for another CPU or host version is not loaded: it is compiled anew.
    #[command(args_override_self = true)]
    Precompile {
        #[command(flatten)]
        host: HostArgs,
    },
    /// Print the action names the component exports.
    #[command(args_override_self = true)]
    Actions {
        #[command(flatten)]
        host: HostArgs,
    },
    /// Run a polling trigger until SIGTERM or Ctrl-C: poll, deliver the records (one JSON
    /// line each on standard output, or a POST per poll), then save the state.
    #[command(args_override_self = true)]
    Watch {
        /// The step document {"connection", "action", "input"} of a trigger action (FILE,
        /// or - for standard input), without its state.
        #[arg(value_name = "FILE|-")]
        file: String,
        /// The state file: read at the start (absent: the first poll), replaced
        /// atomically after each delivery. One process per trigger; for replicas, give
        /// --lease-table instead.
        #[arg(
            long,
            value_name = "PATH",
            required_unless_present = "lease_table",
            conflicts_with = "lease_table"
        )]
        state: Option<PathBuf>,
        /// Keep the state in this DynamoDB table (reached with the trigger's connection;
        /// created when absent), under leases: replicas of one trigger share it, a
        /// stream's shards spread over them, each shard (or a trigger without shards)
        /// delivered by one at a time, another taking over when it stops renewing.
        #[arg(long, value_name = "TABLE")]
        lease_table: Option<String>,
        /// This replica's id in the lease table: unique per replica (default: the host
        /// name and the process id).
        #[arg(long, value_name = "ID", requires = "lease_table")]
        worker_id: Option<String>,
        /// Seconds a lease whose holder stopped renewing is kept before another replica
        /// takes it (the takeover time, plus a poll interval).
        #[arg(long, value_name = "SECONDS", requires = "lease_table",
              default_value_t = connector_host::lease::LeaseOptions::DEFAULT_DURATION.as_secs())]
        lease_seconds: u64,
        /// Seconds to wait after a poll that found nothing waiting.
        #[arg(long, value_name = "SECONDS", default_value_t = 5)]
        interval: u64,
        /// POST each poll's records as {"records": [...]} to this URL instead of printing
        /// them (never to a URL it redirects to).
        #[arg(long, value_name = "URL")]
        deliver_to: Option<String>,
        /// Seconds one delivery attempt may take, from connecting to the end of the
        /// receiver's answer.
        #[arg(long, value_name = "SECONDS",
              default_value_t = connector_host::watch::DELIVERY_TIMEOUT.as_secs())]
        delivery_timeout: u64,
        /// Serve the trigger's signals (polls, records, gaps, lag) as Prometheus metrics
        /// at `http://ADDR/metrics`, e.g. 127.0.0.1:9464.
        #[arg(long, value_name = "ADDR")]
        metrics_listen: Option<std::net::SocketAddr>,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Serve the actions as Model Context Protocol tools on standard input and output,
    /// until the client closes them (over HTTP: `serve --mcp-connection`).
    #[command(args_override_self = true)]
    Mcp {
        #[command(flatten)]
        mcp: McpArgs,
        #[command(flatten)]
        host: HostArgs,
    },
    /// Answer steps over HTTP until SIGTERM or Ctrl-C.
    #[command(args_override_self = true)]
    Serve {
        #[command(flatten)]
        serve: ServeArgs,
        #[command(flatten)]
        host: HostArgs,
    },
}

fn run(command: Command) -> Result<(), StepError> {
    match command {
        Command::Step { file, host } => {
            let host = Host::new(host.options(false))?;
            print(&host.run_step(&read_document(&file)?)?);
        }
        Command::Flow { json, file, host } => {
            let host = Host::new(host.options(true))?;
            cli::flow::run_flow(&host, &read_document(&file)?, json)?;
        }
        Command::Precompile { host } => print(&cli::precompile(host.options(false))?),
        Command::Actions { host } => print(&Value::from(Host::new(host.options(true))?.actions())),
        Command::Watch {
            file,
            state,
            lease_table,
            worker_id,
            lease_seconds,
            interval,
            deliver_to,
            delivery_timeout,
            metrics_listen,
            host,
        } => {
            let host = Host::new(host.options(false))?;
            let signals = cli::watch::Signals::new(metrics_listen)?;
            let state = match (state, lease_table) {
                (Some(path), _) => watch::StateStore::File(path),
                (None, table) => watch::StateStore::Leases(connector_host::lease::LeaseOptions {
                    table: table.unwrap_or_default(),
                    worker: worker_id
                        .unwrap_or_else(connector_host::lease::LeaseOptions::default_worker),
                    duration: Duration::from_secs(lease_seconds.max(1)),
                }),
            };
            let watch = watch::Watch {
                metrics: Some(signals.metrics.clone()),
                step: read_document(&file)?,
                state,
                interval: Duration::from_secs(interval),
                delivery: deliver_to.map_or(watch::Delivery::Stdout, |url| watch::Delivery::Post {
                    url,
                    timeout: Duration::from_secs(delivery_timeout.max(1)),
                }),
            };
            cli::watch::run_watch(&host, &watch, signals)?;
        }
        Command::Mcp { mcp, host } => {
            let setup = mcp.setup()?.ok_or_else(|| {
                StepError::invalid("--connection", "name the connection (or --connection-env)")
            })?;
            cli::mcp::run_mcp(Host::new(host.options(true))?, setup)?;
        }
        Command::Serve { serve, host } => {
            let (mut options, token_file, mcp) = serve.options();
            options.mcp = mcp.setup()?;
            let mut host = host.options(true);
            host.pooled_steps = instance_slots(options.concurrency, &host.reuse);
            cli::serve::run_service(Host::new(host)?, options, token_file)?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let logs = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(true);
    if matches!(cli.command, Command::Serve { .. }) {
        logs.json().init();
    } else {
        logs.init();
    }
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            print(&error.to_json());
            ExitCode::from(1)
        }
    }
}
