//! `connector-host serve`: the host as a long-running HTTP service (axum on hyper), so
//! platforms in any language call steps over HTTP and scale out by adding replicas. A
//! replica keeps nothing but caches (the compiled component, kept instances, HTTP
//! connections).
//!
//! Routes: `POST /v1/steps` (a step document → its output, or its error with a status that
//! fits the kind), `POST /v1/flows`, `POST /v1/triggers/{action}/poll` (one poll of a
//! trigger: state in, records and state out), `POST /mcp` (MCP tool calls), `GET /v1/actions`,
//! `GET /healthz`, `GET /readyz`, `GET /metrics`. Safe by default: a bearer token (required
//! off loopback unless allowed otherwise; without one, only loopback `Host` names and JSON
//! bodies), header and body timeouts and a cap on open connections ([`crate::listener`]),
//! one admission for every door that runs steps (`admission.rs`: a body limit, a
//! concurrency limit with a bounded queue taken before a body is read or parsed), the
//! host's step deadline and egress policy, a graceful shutdown with a grace period, JSON
//! logs with a request id and never a step's content.

mod guard;
mod log;
mod page;
mod routes;

pub use routes::{Route, ROUTES};

use crate::admission::Gate;
use crate::listener::{serve_connections, ConnectionLimits, Shutdown};
use crate::metrics::Metrics;
use crate::status::kinds_without_status;
use crate::Host;
use axum::middleware;
use axum::Router;
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::Duration;

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen, e.g. `0.0.0.0:8080`.
    pub listen: SocketAddr,
    /// The bearer token every `/v1/` request must carry; `None`: no authentication (for a
    /// service reachable only by its platform).
    pub token: Option<String>,
    /// Serve without a token on an address other than loopback (anyone who reaches it runs
    /// steps with the operator's egress allowances); without it such a service refuses to
    /// start.
    pub allow_unauthenticated: bool,
    /// Largest request body accepted (413 beyond, at once when the declared length is).
    pub max_body_bytes: usize,
    /// Steps (or flows) run at once.
    pub concurrency: usize,
    /// Requests that may wait for a slot; beyond that, 503.
    pub queue: usize,
    /// A request's headers, and a keep-alive connection's next request, must arrive within
    /// this; the connection is closed otherwise.
    pub header_timeout: Duration,
    /// A request's body must arrive within this once its step has a slot (408 otherwise).
    pub body_timeout: Duration,
    /// Most connections open at once; beyond it new ones wait to be accepted.
    pub max_connections: usize,
    /// From SIGTERM to exit: steps in flight finish within it, connections still open
    /// after it are cut.
    pub shutdown_grace: Duration,
    /// The MCP server at `/mcp` (streamable HTTP, behind the same token and limits), when
    /// the operator gives its connection; `/mcp` answers 404 otherwise.
    pub mcp: Option<crate::mcp::Setup>,
    /// Origins whose pages may call the service from a browser (CORS: `GET`, `POST` and
    /// the `Authorization` and `Content-Type` headers); none by default.
    pub cors_origins: Vec<String>,
    /// Serve the API page (Swagger UI, built in) at `/docs`; off by default.
    pub api_page: bool,
}

impl ServeOptions {
    /// The default largest request body: 8 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 8 << 20;
    /// The default number of requests waiting for a slot.
    pub const DEFAULT_QUEUE: usize = 64;
    /// The default header timeout: 10 s.
    pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default body timeout: 30 s (8 MiB at 280 KB/s).
    pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
    /// The default cap on open connections: 512 (half of a common 1,024-descriptor limit).
    pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
    /// The default shutdown grace period: 30 s (Kubernetes' default termination grace).
    pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

    /// Two steps per core at once, and the documented defaults above.
    pub fn new(listen: SocketAddr) -> ServeOptions {
        ServeOptions {
            listen,
            token: None,
            allow_unauthenticated: false,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            concurrency: ServeOptions::default_concurrency(),
            queue: Self::DEFAULT_QUEUE,
            header_timeout: Self::DEFAULT_HEADER_TIMEOUT,
            body_timeout: Self::DEFAULT_BODY_TIMEOUT,
            max_connections: Self::DEFAULT_MAX_CONNECTIONS,
            shutdown_grace: Self::DEFAULT_SHUTDOWN_GRACE,
            mcp: None,
            cors_origins: Vec::new(),
            api_page: false,
        }
    }

    /// Two steps per core.
    pub fn default_concurrency() -> usize {
        2 * std::thread::available_parallelism().map_or(2, usize::from)
    }

    /// Why the service must not start with these options on `host`, if it must not.
    fn refusal(&self, host: &Host) -> Option<String> {
        let unknown = kinds_without_status(host);
        let needed = self.concurrency + host.max_kept_instances();
        let short = host.instance_slots().filter(|slots| *slots < needed);
        if !unknown.is_empty() {
            Some(format!(
                "the component's error kinds {} have no HTTP status in this host: refusing \
                 to serve them as 500",
                unknown.join(", ")
            ))
        } else if let Some(slots) = short {
            Some(format!(
                "{slots} instance slots cannot hold {} steps at once and {} kept instances: \
                 give the host at least {needed} slots",
                self.concurrency,
                host.max_kept_instances()
            ))
        } else if self.token.is_none()
            && !self.listen.ip().is_loopback()
            && !self.allow_unauthenticated
        {
            Some(format!(
                "{} is not a loopback address and no token is set: anyone who reaches it \
                 could run steps; give a token file or say --allow-unauthenticated",
                self.listen
            ))
        } else {
            None
        }
    }
}

/// The MCP server at `/mcp`.
type McpHttp = rmcp::transport::StreamableHttpService<
    crate::mcp::Tools,
    rmcp::transport::streamable_http_server::session::never::NeverSessionManager,
>;

/// What every request handler shares.
struct Service {
    host: Arc<Host>,
    /// The manifest as JSON, for `GET /v1/actions`.
    manifest: Value,
    token: Option<String>,
    /// Listening on a loopback address.
    loopback: bool,
    /// The admission every step, flow, poll and MCP call goes through.
    gate: Arc<Gate>,
    metrics: Arc<Metrics>,
    next_id: AtomicU64,
    /// The MCP server, when the operator gave its connection.
    mcp: Option<McpHttp>,
}

/// Serve until `shutdown` resolves, then stop accepting connections, answer the requests
/// in flight (new step requests on open connections get 503 meanwhile) and close every
/// connection, all within the shutdown grace period.
pub async fn serve(
    host: Arc<Host>,
    manifest: Value,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if let Some(refusal) = options.refusal(&host) {
        return Err(std::io::Error::other(refusal));
    }
    let mcp = match options.mcp {
        Some(setup) => {
            let tools = crate::mcp::Tools::new(host.clone(), setup)
                .map_err(|e| std::io::Error::other(e.message))?;
            // The MCP SDK reads a message into two trees: half the body, the same memory.
            Some(crate::mcp::http_service(
                tools,
                options.max_body_bytes / 2,
                options.token.is_none(),
            ))
        }
        None => None,
    };
    let metrics = Arc::new(Metrics::default());
    let gate = Gate::new(
        options.concurrency,
        options.queue,
        options.max_body_bytes,
        options.body_timeout,
        metrics.clone(),
    );
    let service = Arc::new(Service {
        host,
        manifest,
        token: options.token.clone(),
        loopback: options.listen.ip().is_loopback(),
        gate: Arc::new(gate),
        metrics,
        next_id: AtomicU64::new(1),
        mcp,
    });
    let (mut api, mut open) = (Router::new(), Router::new());
    for route in ROUTES {
        let handler = routes::handler(route);
        if route.authorized {
            api = api.route(route.path, handler);
        } else {
            open = open.route(route.path, handler);
        }
    }
    let api = api.route_layer(middleware::from_fn_with_state(
        service.clone(),
        guard::authorize,
    ));
    if options.api_page {
        open = open.merge(page::routes());
    }
    let mut app = open
        .merge(api)
        .fallback(|| async { routes::not_found() })
        .layer(middleware::from_fn_with_state(service.clone(), log::log));
    if !options.cors_origins.is_empty() {
        app = app.layer(cors(&options.cors_origins)?);
    }
    let app = app.with_state(service.clone());
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, "serving");
    let limits = ConnectionLimits {
        header_timeout: options.header_timeout,
        max_connections: options.max_connections,
        grace: options.shutdown_grace,
    };
    let draining = service.gate.clone();
    let shutdown = Shutdown {
        signal: shutdown,
        draining: Box::new(move || draining.drain()),
        idle: async move { service.gate.idle().await },
    };
    serve_connections(listener, app, limits, shutdown).await;
    Ok(())
}

/// The CORS layer for `origins` (each `scheme://host[:port]`): their pages may send `GET`
/// and `POST` with the `Authorization` and `Content-Type` headers; an origin that is not
/// a valid header value stops the service from starting.
fn cors(origins: &[String]) -> std::io::Result<tower_http::cors::CorsLayer> {
    use axum::http::{header, HeaderValue, Method};
    let allowed = origins
        .iter()
        .map(|o| {
            HeaderValue::from_str(o.trim_end_matches('/'))
                .map_err(|_| std::io::Error::other(format!("--cors-origin {o:?} is not an origin")))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    Ok(tower_http::cors::CorsLayer::new()
        .allow_origin(allowed)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_mins(10)))
}
