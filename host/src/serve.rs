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

use crate::admission::Gate;
use crate::listener::{serve_connections, ConnectionLimits, Shutdown};
use crate::metrics::Metrics;
use crate::status::{error_response, json_response, kinds_without_status, refusal};
use crate::{flow, ErrorKind, Host, StepError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
        let handler = handler(route.path);
        if route.authorized {
            api = api.route(route.path, handler);
        } else {
            open = open.route(route.path, handler);
        }
    }
    let api = api.route_layer(middleware::from_fn_with_state(service.clone(), authorize));
    let app = open
        .merge(api)
        .layer(middleware::from_fn_with_state(service.clone(), log))
        .with_state(service.clone());
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

/// `Authorization: Bearer TOKEN` when the service has a token (compared in constant time).
/// One route of the service.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    /// `get` or `post`.
    pub method: &'static str,
    /// The path, with `{param}` segments.
    pub path: &'static str,
    /// Whether it takes the bearer token (when the service has one).
    pub authorized: bool,
}

const fn route(method: &'static str, path: &'static str, authorized: bool) -> Route {
    Route {
        method,
        path,
        authorized,
    }
}

/// Every route the service answers; its router is built from this list, and the OpenAPI
/// document (`schemas/openapi.json`) describes the same routes (the tests check both).
pub const ROUTES: [Route; 10] = [
    route("post", "/v1/steps", true),
    route("post", "/v1/flows", true),
    route("post", "/v1/triggers/{action}/poll", true),
    route("get", "/v1/actions", true),
    route("get", "/v1/actions/{name}", true),
    route("get", "/openapi.json", false),
    route("get", "/healthz", false),
    route("get", "/readyz", false),
    route("get", "/metrics", false),
    route("post", "/mcp", true),
];

/// The handler of the route at `path` (one of [`ROUTES`]).
fn handler(path: &str) -> axum::routing::MethodRouter<Arc<Service>> {
    match path {
        "/v1/steps" => post(steps),
        "/v1/flows" => post(flows),
        "/v1/triggers/{action}/poll" => post(poll),
        "/v1/actions" => get(actions),
        "/v1/actions/{name}" => get(action_schemas),
        "/openapi.json" => get(openapi),
        "/healthz" => get(|| async { "ok" }),
        "/readyz" => get(ready),
        "/metrics" => get(metrics),
        _ => axum::routing::any(mcp),
    }
}

/// `/mcp`: a `POST` (every MCP call is one) is admitted as a step is, its slot held until
/// its answer is sent; other methods go to the MCP server as they are (it keeps no
/// session: `GET` and `DELETE` are refused there). 404 when the service has no MCP
/// connection.
async fn mcp(State(service): State<Arc<Service>>, request: Request) -> Response {
    let Some(mcp) = &service.mcp else {
        let error = StepError::new(
            ErrorKind::Component("resource-not-found".into()),
            "this service has no MCP server: start it with --mcp-connection",
        );
        return refusal(StatusCode::NOT_FOUND, &error);
    };
    if request.method() != axum::http::Method::POST {
        return mcp.handle(request).await.map(Body::new);
    }
    let (ticket, head, body) = match service.gate.admit(request).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let answer = mcp
        .handle(Request::from_parts(head, Body::from(body)))
        .await;
    answer.map(|body| {
        Body::new(body.map_frame(move |frame| {
            let _held = &ticket;
            frame
        }))
    })
}

async fn authorize(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let Some(token) = &service.token else {
        return match unguarded_refusal(&service, &request) {
            Some(refused) => refused,
            None => next.run(request).await,
        };
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token)
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), token.as_bytes()) {
        next.run(request).await
    } else {
        let error = StepError::new(
            ErrorKind::parse("access-denied"),
            "a valid bearer token is required",
        );
        let mut response = refusal(StatusCode::UNAUTHORIZED, &error);
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
}

/// Why a request to a service without a token is refused, if it is: a loopback service
/// takes only a loopback name as its `Host` (a web page that rebinds its own name to
/// 127.0.0.1 is refused), and every `POST` must say its body is JSON (a web page cannot
/// send that to another origin without the service's consent, which it never gives).
fn unguarded_refusal(service: &Service, request: &Request) -> Option<Response> {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if service.loopback && !is_loopback_name(host) {
        let error = StepError::new(
            ErrorKind::parse("access-denied"),
            "a service without a token answers only to localhost, 127.0.0.1 or [::1] as its \
             Host: give the service a token to reach it by another name",
        );
        return Some(refusal(StatusCode::FORBIDDEN, &error));
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|t| t.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    let json = essence.eq_ignore_ascii_case("application/json")
        || essence.to_ascii_lowercase().ends_with("+json");
    if request.method() == axum::http::Method::POST && !json {
        let error = StepError::invalid(
            "Content-Type",
            "send the body as Content-Type: application/json",
        );
        return Some(refusal(StatusCode::UNSUPPORTED_MEDIA_TYPE, &error));
    }
    None
}

/// Whether a `Host` value names the loopback interface (with or without a port).
fn is_loopback_name(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "::1"
}

/// The token of an `Authorization` value in the bearer scheme, whose name is
/// case-insensitive (RFC 7235).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim_start())
}

/// Whether two byte strings are equal, in time that does not depend on where they differ.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// One JSON log line per request, with its request id (echoed in `x-request-id`); never
/// the request's or the response's body.
async fn log(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let id = request_id(&service, request.headers());
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = Instant::now();
    let mut response = next.run(request).await;
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        duration_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// The request id the caller gave (up to 64 letters, digits, `-` or `_`), else a new one.
fn request_id(service: &Service, headers: &HeaderMap) -> String {
    let given = headers.get("x-request-id").and_then(|v| v.to_str().ok());
    match given {
        Some(id)
            if !id.is_empty()
                && id.len() <= 64
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            id.to_string()
        }
        _ => format!(
            "{:08x}-{}",
            std::process::id(),
            service.next_id.fetch_add(1, Ordering::Relaxed)
        ),
    }
}

async fn ready(State(service): State<Arc<Service>>) -> Response {
    if service.gate.is_draining() {
        (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response()
    } else {
        "ready".into_response()
    }
}

async fn metrics(State(service): State<Arc<Service>>) -> Response {
    service
        .metrics
        .instances
        .set(i64::try_from(service.host.kept_instances()).unwrap_or(i64::MAX));
    let (states, bytes) = service.host.kept_states();
    let gauge = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    service.metrics.states.set(gauge(states));
    service.metrics.state_bytes.set(gauge(bytes));
    let text = service.metrics.render();
    let kind = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(header::CONTENT_TYPE, kind)], text).into_response()
}

async fn actions(State(service): State<Arc<Service>>) -> Response {
    let body = json!({"manifest": service.manifest, "signatures": service.host.signatures()});
    json_response(&body)
}

/// `GET /v1/actions/{name}`: the action's input and output schemas; 404 for an action the
/// component does not export.
async fn action_schemas(
    State(service): State<Arc<Service>>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    if !service.host.has_action(&name) {
        let error = StepError::new(
            ErrorKind::Component("resource-not-found".into()),
            format!("no action {name:?}: GET /v1/actions lists them"),
        );
        return refusal(StatusCode::NOT_FOUND, &error);
    }
    match service.host.contract().action(&name) {
        Ok(schemas) => json_response(&schemas),
        Err(error) => error_response(&error),
    }
}

/// `GET /openapi.json`: the service's OpenAPI document, as shipped beside the manifest.
async fn openapi(State(service): State<Arc<Service>>) -> Response {
    match service.host.contract().openapi() {
        Ok(document) => json_response(&document),
        Err(error) => error_response(&error),
    }
}

async fn steps(State(service): State<Arc<Service>>, request: Request) -> Response {
    run(service, request, |host, document| {
        let action = action_label(host, &document);
        let (result, stats) = host.run_step_with_stats(&document);
        (action, result, stats.refused_requests)
    })
    .await
}

async fn flows(State(service): State<Arc<Service>>, request: Request) -> Response {
    run(service, request, |host, document| {
        let (result, refused) = run_flow(host, &document);
        ("flow".to_string(), result, refused)
    })
    .await
}

/// One poll of a trigger: the body `{"connection", "input", "state"?}` (the state of the
/// previous poll's answer, absent or `null` on the first) → `{"records", "state", "more"}`.
async fn poll(
    State(service): State<Arc<Service>>,
    axum::extract::Path(action): axum::extract::Path<String>,
    request: Request,
) -> Response {
    run(service, request, move |host, document| {
        let label = action_label(host, &json!({ "action": action }));
        (label, poll_document(host, &action, document), 0)
    })
    .await
}

/// The poll a trigger request's body asks for (its members moved into the step, never
/// copied).
fn poll_document(host: &Host, action: &str, document: Value) -> Result<Value, StepError> {
    let Value::Object(mut members) = document else {
        return Err(StepError::invalid("poll", "the body must be a JSON object"));
    };
    if let Some(extra) = members
        .keys()
        .find(|k| !["connection", "input", "state"].contains(&k.as_str()))
    {
        return Err(StepError::invalid(
            extra,
            "is not a member of a poll (connection, input, state)",
        ));
    }
    let mut step = serde_json::Map::new();
    for member in ["connection", "input"] {
        step.insert(member.into(), members.remove(member).unwrap_or(Value::Null));
    }
    step.insert("action".into(), Value::from(action));
    let state = members.remove("state");
    Ok(host.poll(Value::Object(step), state)?.into_json())
}

/// A flow's steps in order: `{"steps": [{"name", "action", "output"}]}`, or the first
/// failure with the steps done before it.
fn run_flow(host: &Host, document: &Value) -> (Result<Value, StepError>, usize) {
    let mut done = Vec::new();
    let (result, refused) = flow::run(host, document, |ran| {
        done.push(json!({"name": ran.title, "action": ran.step["action"], "output": ran.output}));
    });
    (result.map(|()| json!({ "steps": done })), refused)
}

/// The action a step names, as a metric label: a known action, else `unknown` (a label per
/// name a caller makes up would grow without bound).
fn action_label(host: &Host, document: &Value) -> String {
    let name = document["action"].as_str().unwrap_or_default();
    if host.has_action(name) {
        name.to_string()
    } else {
        "unknown".to_string()
    }
}

/// Admit the request ([`Gate::admit`]: a slot, then its body), then parse the body and
/// run `work` on a blocking thread (a large document costs memory and time only once it
/// has a slot, and never stalls the threads that answer health checks), count it, answer.
async fn run(
    service: Arc<Service>,
    request: Request,
    work: impl FnOnce(&Host, Value) -> (String, Result<Value, StepError>, usize) + Send + 'static,
) -> Response {
    let (_ticket, _, body) = match service.gate.admit(request).await {
        Ok(admitted) => admitted,
        Err(refused) => return refused,
    };
    let started = Instant::now();
    let host = service.host.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let parsed = serde_json::from_slice(&body);
        drop(body);
        match parsed {
            Ok(document) => work(&host, document),
            Err(e) => {
                let error = StepError::invalid("step", format!("the body is not JSON: {e}"));
                ("unknown".to_string(), Err(error), 0)
            }
        }
    })
    .await;
    let (action, result, refused) = joined.unwrap_or_else(|e| {
        let error = StepError::trap(format!("the step's thread failed: {e}"));
        ("unknown".to_string(), Err(error), 0)
    });
    let outcome = match &result {
        Ok(_) => "ok".to_string(),
        Err(error) => error.kind.to_string(),
    };
    service
        .metrics
        .step(&action, &outcome, started.elapsed(), refused);
    match result {
        Ok(output) => json_response(&output),
        Err(error) => error_response(&error),
    }
}
