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

use clap::{Args, Parser, Subcommand};
use connector_host::serve::{self, ServeOptions};
use connector_host::{mcp, trigger};
use connector_host::{ErrorKind, Host, Limits, Options, Reuse, StepError};
use serde_json::Value;
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
        /// atomically after each delivery.
        #[arg(long, value_name = "PATH")]
        state: PathBuf,
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
              default_value_t = connector_host::trigger::DELIVERY_TIMEOUT.as_secs())]
        delivery_timeout: u64,
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

/// The host's options, for every command.
#[derive(Args)]
struct HostArgs {
    /// The component (.wasm); its manifest is then looked for beside it (NAME.toml or
    /// connector.toml) unless --manifest names one. Default: the release build.
    #[arg(long, value_name = "PATH")]
    component: Option<PathBuf>,
    /// The component's manifest.
    #[arg(long, value_name = "PATH")]
    manifest: Option<PathBuf>,
    /// The compile cache (default: $`CONNECTOR_HOST_CACHE_DIR`, else ~/.cache/connector-host).
    #[arg(long, value_name = "DIR")]
    cache_dir: Option<PathBuf>,
    /// Let endpoint overrides name this host, domain suffix, address or network (the
    /// operator's egress policy; by default only the manifest's public service hosts).
    #[arg(long = "allow-endpoint", value_name = "HOST|*.SUFFIX|IP|CIDR")]
    allow_endpoint: Vec<String>,
    /// Lift the egress policy (development only).
    #[arg(long)]
    allow_any_endpoint: bool,
    /// The largest output a step may return, in bytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().output_bytes)]
    max_output_bytes: usize,
    /// A step's deadline, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = Limits::default().timeout.as_secs())]
    step_timeout: u64,
    /// Run every step in a fresh instance (by default consecutive steps of one connection
    /// share one, which keeps its clients and assumed credentials).
    #[arg(long)]
    no_reuse: bool,
    /// Most instances kept for reuse at once (each holds an instance slot).
    #[arg(long, value_name = "N", default_value_t = Reuse::default().max_instances)]
    kept_instances: usize,
    /// Most guest memory the kept instances hold together, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = Reuse::default().max_kept_memory_bytes >> 20)]
    kept_memory_mib: usize,
    /// Most memory for the state connections' last instances handed over (a role's
    /// temporary credentials, about 1 KiB each), in MiB: a connection whose instance is gone
    /// gets it back instead of assuming its role again.
    #[arg(long, value_name = "MIB", default_value_t = Reuse::default().max_state_bytes >> 20)]
    kept_state_mib: usize,
}

/// The MCP server's connection and tools: the operator's choice, never the model's.
#[derive(Args)]
struct McpArgs {
    /// A JSON file of the connection every tool call uses.
    #[arg(
        long = "connection",
        value_name = "FILE",
        conflicts_with = "connection_env"
    )]
    connection_file: Option<PathBuf>,
    /// An environment variable holding that connection as JSON.
    #[arg(long = "connection-env", value_name = "VAR")]
    connection_env: Option<String>,
    /// The actions exposed as tools, comma-separated; the read-only actions when absent.
    #[arg(long, value_delimiter = ',', value_name = "ACTIONS")]
    actions: Vec<String>,
}

impl McpArgs {
    /// The setup, once the connection is read; `None` when no connection is named.
    fn setup(self) -> Result<Option<mcp::Setup>, StepError> {
        let connection = match (self.connection_file, self.connection_env) {
            (Some(file), _) => read_document(&file.to_string_lossy())?,
            (None, Some(var)) => {
                let text = std::env::var(&var).map_err(|_| {
                    StepError::invalid("--connection-env", format!("{var} is not set"))
                })?;
                serde_json::from_str(&text).map_err(|e| {
                    StepError::invalid("--connection-env", format!("{var} is not JSON: {e}"))
                })?
            }
            (None, None) => return Ok(None),
        };
        let actions = self.actions;
        Ok(Some(mcp::Setup {
            connection,
            actions,
        }))
    }
}

/// The service's options.
#[derive(Args)]
struct ServeArgs {
    /// Where to listen, e.g. 0.0.0.0:8080.
    #[arg(long, value_name = "ADDR")]
    listen: SocketAddr,
    /// A file whose first line is the bearer token every /v1/ request must carry.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// The largest request body, in bytes.
    #[arg(long, value_name = "N", default_value_t = ServeOptions::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Steps run at once (default: two per core).
    #[arg(long, value_name = "N")]
    concurrency: Option<usize>,
    /// Requests that may wait for a slot; beyond that, 503.
    #[arg(long, value_name = "N", default_value_t = ServeOptions::DEFAULT_QUEUE)]
    queue: usize,
    /// A request's headers (and a keep-alive connection's next request) must arrive
    /// within this many seconds.
    #[arg(long, value_name = "SECONDS",
          default_value_t = ServeOptions::DEFAULT_HEADER_TIMEOUT.as_secs())]
    header_timeout: u64,
    /// A request's body must arrive within this many seconds once its step has a slot.
    #[arg(long, value_name = "SECONDS",
          default_value_t = ServeOptions::DEFAULT_BODY_TIMEOUT.as_secs())]
    body_timeout: u64,
    /// Most connections open at once (keep it under the process's file-descriptor limit).
    #[arg(long, value_name = "N", default_value_t = ServeOptions::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// Seconds from SIGTERM to exit: steps in flight finish, then open connections close;
    /// whatever is still open after it is cut.
    #[arg(long, value_name = "SECONDS",
          default_value_t = ServeOptions::DEFAULT_SHUTDOWN_GRACE.as_secs())]
    shutdown_grace: u64,
    /// Also serve the actions as MCP tools at /mcp (streamable HTTP), each call with this
    /// connection: --mcp-connection FILE or --mcp-connection-env VAR, --mcp-actions.
    #[command(flatten)]
    mcp: McpServeArgs,
    /// Serve without a token on an address other than loopback (anyone who reaches it
    /// runs steps with this host's egress allowances).
    #[arg(long)]
    allow_unauthenticated: bool,
}

/// [`McpArgs`] under `serve`'s `--mcp-` names.
#[derive(Args)]
struct McpServeArgs {
    /// A JSON file of the connection every MCP tool call uses (enables /mcp).
    #[arg(
        long = "mcp-connection",
        value_name = "FILE",
        conflicts_with = "variable"
    )]
    file: Option<PathBuf>,
    /// An environment variable holding that connection as JSON (enables /mcp).
    #[arg(long = "mcp-connection-env", value_name = "VAR")]
    variable: Option<String>,
    /// The actions exposed at /mcp, comma-separated; the read-only actions when absent.
    #[arg(long = "mcp-actions", value_delimiter = ',', value_name = "ACTIONS")]
    actions: Vec<String>,
}

impl HostArgs {
    /// The host's options; `pooled`: with instance slots (a one-step process starts
    /// faster without).
    fn options(self, pooled: bool) -> Options {
        let mut options = Options::default();
        if let Some(component) = self.component {
            options.component = component;
            options.manifest = None;
        }
        if self.manifest.is_some() {
            options.manifest = self.manifest;
        }
        if self.cache_dir.is_some() {
            options.cache_dir = self.cache_dir;
        }
        options.egress.allow = self.allow_endpoint;
        options.egress.allow_any = self.allow_any_endpoint;
        options.limits.output_bytes = self.max_output_bytes;
        options.limits.timeout = Duration::from_secs(self.step_timeout.max(1));
        options.reuse.max_instances = self.kept_instances;
        options.reuse.max_kept_memory_bytes = self.kept_memory_mib << 20;
        options.reuse.max_state_bytes = self.kept_state_mib << 20;
        if self.no_reuse {
            options.reuse = Reuse::off();
        }
        if !pooled {
            options.pooled_steps = 0;
        }
        options
    }
}

impl ServeArgs {
    /// The service's options and the token file.
    fn options(self) -> (ServeOptions, Option<PathBuf>, McpArgs) {
        let mut options = ServeOptions::new(self.listen);
        options.max_body_bytes = self.max_body_bytes;
        options.queue = self.queue;
        if let Some(concurrency) = self.concurrency {
            options.concurrency = concurrency.max(1);
        }
        options.header_timeout = Duration::from_secs(self.header_timeout.max(1));
        options.body_timeout = Duration::from_secs(self.body_timeout.max(1));
        options.max_connections = self.max_connections.max(1);
        options.shutdown_grace = Duration::from_secs(self.shutdown_grace);
        options.allow_unauthenticated = self.allow_unauthenticated;
        let mcp = McpArgs {
            connection_file: self.mcp.file,
            connection_env: self.mcp.variable,
            actions: self.mcp.actions,
        };
        (options, self.token_file, mcp)
    }
}

/// The instance slots a service needs: one per step running at once, one per kept
/// instance.
fn instance_slots(concurrency: usize, reuse: &Reuse) -> u32 {
    u32::try_from(concurrency.saturating_add(reuse.kept_slots())).unwrap_or(u32::MAX)
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
    match command {
        Command::Step { file, host } => {
            let host = Host::new(host.options(false))?;
            print(&host.run_step(&read_document(&file)?)?);
        }
        Command::Flow { json, file, host } => {
            let host = Host::new(host.options(true))?;
            run_flow(&host, &read_document(&file)?, json)?;
        }
        Command::Actions { host } => print(&Value::from(Host::new(host.options(true))?.actions())),
        Command::Watch {
            file,
            state,
            interval,
            deliver_to,
            delivery_timeout,
            host,
        } => {
            let host = Host::new(host.options(false))?;
            let watch = trigger::Watch {
                step: read_document(&file)?,
                state,
                interval: Duration::from_secs(interval),
                delivery: deliver_to.map_or(trigger::Delivery::Stdout, |url| {
                    trigger::Delivery::Post {
                        url,
                        timeout: Duration::from_secs(delivery_timeout.max(1)),
                    }
                }),
            };
            run_watch(&host, &watch)?;
        }
        Command::Mcp { mcp, host } => {
            let setup = mcp.setup()?.ok_or_else(|| {
                StepError::invalid("--connection", "name the connection (or --connection-env)")
            })?;
            run_mcp(Host::new(host.options(true))?, setup)?;
        }
        Command::Serve { serve, host } => {
            let (mut options, token_file, mcp) = serve.options();
            options.mcp = mcp.setup()?;
            let mut host = host.options(true);
            host.pooled_steps = instance_slots(options.concurrency, &host.reuse);
            run_service(Host::new(host)?, options, token_file)?;
        }
    }
    Ok(())
}

/// Run a flow's steps in order, printing each step's title and output (or, with `json`,
/// one array of every step with its output at the end); stop at the first failure.
fn run_flow(host: &Host, flow: &Value, json: bool) -> Result<(), StepError> {
    let mut record = Vec::new();
    let (result, _) = connector_host::flow::run(host, flow, |ran| {
        if json {
            record.push(serde_json::json!({
                "name": ran.title, "action": ran.step["action"], "input": ran.step["input"],
                "output": ran.output
            }));
        } else {
            print_line(&format!("── {}", ran.title));
            print(&ran.output);
        }
    });
    result?;
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

/// Serve MCP on standard input and output until the client closes them.
fn run_mcp(host: Host, setup: mcp::Setup) -> Result<(), StepError> {
    let tools = mcp::Tools::new(Arc::new(host), setup)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StepError::new(ErrorKind::Host, format!("cannot start the runtime: {e}")))?;
    runtime.block_on(mcp::serve_stdio(tools))
}

/// Run a trigger until SIGTERM or Ctrl-C; a poll under way finishes, is delivered and its
/// state saved before the watch ends.
fn run_watch(host: &Host, watch: &trigger::Watch) -> Result<(), StepError> {
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
    trigger::watch(host, watch, &stop)
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
