//! The command line's options: the host's (every command), the service's and MCP's.

use super::read_document;
use clap::Args;
use connector_host::serve::ServeOptions;
use connector_host::{mcp, Limits, Options, Reuse, StepError};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The host's options, for every command.
#[derive(Args)]
pub(crate) struct HostArgs {
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
pub(crate) struct McpArgs {
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
    /// An input every call takes as set here, left out of the tools (the agent cannot know
    /// it): KEY=VALUE, e.g. region=eu-west-1 or item-format=PLAIN; repeat for more.
    #[arg(long = "pin", value_name = "KEY=VALUE")]
    pins: Vec<String>,
}

impl McpArgs {
    /// The setup, once the connection is read; `None` when no connection is named.
    pub(crate) fn setup(self) -> Result<Option<mcp::Setup>, StepError> {
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
        let mut pinned = serde_json::Map::new();
        for pin in self.pins {
            let Some((key, value)) = pin.split_once('=') else {
                let message = format!("{pin:?} is not KEY=VALUE (e.g. region=eu-west-1)");
                return Err(StepError::invalid("--pin", message));
            };
            let value = serde_json::from_str(value).unwrap_or_else(|_| value.into());
            pinned.insert(key.trim().to_string(), value);
        }
        Ok(Some(mcp::Setup {
            connection,
            actions: self.actions,
            pinned,
        }))
    }
}

/// The service's options.
#[derive(Args)]
pub(crate) struct ServeArgs {
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
    /// An origin (`scheme://host[:port]`) whose pages may call the service from a browser
    /// (CORS); repeat for more. None by default.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    cors_origins: Vec<String>,
    /// Serve the API page (Swagger UI, built in, no CDN) at /docs.
    #[arg(long)]
    api_page: bool,
}

/// [`McpArgs`] under `serve`'s `--mcp-` names.
#[derive(Args)]
pub(crate) struct McpServeArgs {
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
    /// An input every /mcp call takes as set here (KEY=VALUE, e.g. region=eu-west-1).
    #[arg(long = "mcp-pin", value_name = "KEY=VALUE")]
    pins: Vec<String>,
}

impl HostArgs {
    /// The host's options; `pooled`: with instance slots (a one-step process starts
    /// faster without).
    pub(crate) fn options(self, pooled: bool) -> Options {
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
    pub(crate) fn options(self) -> (ServeOptions, Option<PathBuf>, McpArgs) {
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
        options.cors_origins = self.cors_origins;
        options.api_page = self.api_page;
        let mcp = McpArgs {
            connection_file: self.mcp.file,
            connection_env: self.mcp.variable,
            actions: self.mcp.actions,
            pins: self.mcp.pins,
        };
        (options, self.token_file, mcp)
    }
}

/// The instance slots a service needs: one per step running at once, one per kept
/// instance.
pub(crate) fn instance_slots(concurrency: usize, reuse: &Reuse) -> u32 {
    u32::try_from(concurrency.saturating_add(reuse.kept_slots())).unwrap_or(u32::MAX)
}
