//! `connector-host serve`: the host as a long-running HTTP service (axum), so platforms in
//! any language call steps over HTTP and scale out by adding replicas. A replica keeps
//! nothing but caches (the compiled component, kept instances, HTTP connections).
//!
//! Routes: `POST /v1/steps` (a step document → its output, or its error with a status that
//! fits the kind), `POST /v1/flows`, `GET /v1/actions`, `GET /healthz`, `GET /readyz`,
//! `GET /metrics`. Safe by default: optional bearer token, a request body limit, a
//! concurrency limit with a bounded queue (503 when full), the host's step deadline and
//! egress policy, graceful shutdown (in-flight steps finish; new ones get 503), JSON logs
//! with a request id and never a step's content.

use crate::metrics::Metrics;
use crate::status::{kinds_without_status, status_of};
use crate::{flow, ErrorKind, Host, StepError};
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::Semaphore;

/// How the service is set up.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Where to listen, e.g. `0.0.0.0:8080`.
    pub listen: SocketAddr,
    /// The bearer token every `/v1/` request must carry; `None`: no authentication (for a
    /// service reachable only by its platform).
    pub token: Option<String>,
    /// Largest request body accepted (413 beyond).
    pub max_body_bytes: usize,
    /// Steps (or flows) run at once.
    pub concurrency: usize,
    /// Requests that may wait for a slot; beyond that, 503.
    pub queue: usize,
}

impl ServeOptions {
    /// The default largest request body: 8 MiB.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 8 << 20;
    /// The default number of requests waiting for a slot.
    pub const DEFAULT_QUEUE: usize = 64;

    /// 8 MiB bodies, two steps per core at once, 64 waiting.
    pub fn new(listen: SocketAddr) -> ServeOptions {
        let cores = std::thread::available_parallelism().map_or(2, usize::from);
        ServeOptions {
            listen,
            token: None,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            concurrency: 2 * cores,
            queue: Self::DEFAULT_QUEUE,
        }
    }
}

/// What every request handler shares.
struct Service {
    host: Arc<Host>,
    /// The manifest as JSON, for `GET /v1/actions`.
    manifest: Value,
    token: Option<String>,
    slots: Arc<Semaphore>,
    waiting: AtomicUsize,
    queue: usize,
    draining: AtomicBool,
    metrics: Metrics,
    next_id: AtomicU64,
}

/// Serve until `shutdown` resolves, then stop accepting connections and let the requests
/// in flight finish (new requests on open connections get 503 meanwhile).
pub async fn serve(
    host: Arc<Host>,
    manifest: Value,
    options: ServeOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let unknown = kinds_without_status(&host);
    if !unknown.is_empty() {
        return Err(std::io::Error::other(format!(
            "the component's error kinds {} have no HTTP status in this host: refusing to \
             serve them as 500",
            unknown.join(", ")
        )));
    }
    let service = Arc::new(Service {
        host,
        manifest,
        token: options.token.clone(),
        slots: Arc::new(Semaphore::new(options.concurrency.max(1))),
        waiting: AtomicUsize::new(0),
        queue: options.queue,
        draining: AtomicBool::new(false),
        metrics: Metrics::default(),
        next_id: AtomicU64::new(1),
    });
    let api = Router::new()
        .route("/v1/steps", post(steps))
        .route("/v1/flows", post(flows))
        .route("/v1/actions", get(actions))
        .route_layer(middleware::from_fn_with_state(service.clone(), authorize));
    let app = Router::new()
        .merge(api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(middleware::from_fn_with_state(service.clone(), log))
        .with_state(service.clone());
    let listener = tokio::net::TcpListener::bind(options.listen).await?;
    tracing::info!(listen = %listener.local_addr()?, "serving");
    let draining = service.clone();
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            draining.draining.store(true, Ordering::SeqCst);
            tracing::info!("shutting down: finishing the requests in flight");
        })
        .await
}

/// `Authorization: Bearer TOKEN` when the service has a token (compared in constant time).
async fn authorize(State(service): State<Arc<Service>>, request: Request, next: Next) -> Response {
    let Some(token) = &service.token else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if constant_time_eq(given.as_bytes(), token.as_bytes()) {
        next.run(request).await
    } else {
        let error = StepError::new(
            ErrorKind::parse("access-denied"),
            "a valid bearer token is required",
        );
        let mut response = (StatusCode::UNAUTHORIZED, json_body(&error.to_json())).into_response();
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        response
    }
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
    if service.draining.load(Ordering::SeqCst) {
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
    let text = service.metrics.render();
    let kind = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    ([(header::CONTENT_TYPE, kind)], text).into_response()
}

async fn actions(State(service): State<Arc<Service>>) -> Response {
    let body = json!({"manifest": service.manifest, "signatures": service.host.signatures()});
    json_body(&body).into_response()
}

async fn steps(State(service): State<Arc<Service>>, body: Bytes) -> Response {
    run(service, body, |host, document| {
        let action = action_label(host, document);
        let (result, stats) = host.run_step_with_stats(document);
        (action, result, stats.refused_requests)
    })
    .await
}

async fn flows(State(service): State<Arc<Service>>, body: Bytes) -> Response {
    run(service, body, |host, document| {
        let (result, refused) = run_flow(host, document);
        ("flow".to_string(), result, refused)
    })
    .await
}

/// A flow's steps in order: `{"steps": [{"name", "action", "output"}]}`, or the first
/// failure with the steps done before it.
fn run_flow(host: &Host, flow: &Value) -> (Result<Value, StepError>, usize) {
    let steps = match flow::steps(flow) {
        Ok(steps) => steps,
        Err(error) => return (Err(error), 0),
    };
    let (mut done, mut refused) = (Vec::new(), 0);
    for (name, step) in steps {
        let (result, stats) = host.run_step_with_stats(&step);
        refused += stats.refused_requests;
        match result {
            Ok(output) => {
                done.push(json!({"name": name, "action": step["action"], "output": output}));
            }
            Err(error) => {
                let message = format!("step {name}: {}", error.message);
                return (Err(StepError { message, ..error }), refused);
            }
        }
    }
    (Ok(json!({ "steps": done })), refused)
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

/// Parse the body, wait for a slot, run `work` on a blocking thread, count it, answer.
async fn run(
    service: Arc<Service>,
    body: Bytes,
    work: impl FnOnce(&Host, &Value) -> (String, Result<Value, StepError>, usize) + Send + 'static,
) -> Response {
    if service.draining.load(Ordering::SeqCst) {
        return unavailable("the service is shutting down");
    }
    let document: Value = match serde_json::from_slice(&body) {
        Ok(document) => document,
        Err(e) => {
            let error = StepError::invalid("step", format!("the body is not JSON: {e}"));
            return error_response(&error);
        }
    };
    let Some(_permit) = slot(&service).await else {
        return unavailable("every slot is busy and the queue is full; try again");
    };
    service.metrics.in_flight.inc();
    let started = Instant::now();
    let host = service.host.clone();
    let joined = tokio::task::spawn_blocking(move || work(&host, &document)).await;
    service.metrics.in_flight.dec();
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
        Ok(output) => json_body(&output).into_response(),
        Err(error) => error_response(&error),
    }
}

/// A slot for one step: at once, or after waiting in the queue; `None` when the queue is
/// full.
async fn slot(service: &Service) -> Option<tokio::sync::OwnedSemaphorePermit> {
    if let Ok(permit) = service.slots.clone().try_acquire_owned() {
        return Some(permit);
    }
    if service.waiting.fetch_add(1, Ordering::SeqCst) >= service.queue {
        service.waiting.fetch_sub(1, Ordering::SeqCst);
        return None;
    }
    let permit = service.slots.clone().acquire_owned().await.ok();
    service.waiting.fetch_sub(1, Ordering::SeqCst);
    permit
}

fn error_response(error: &StepError) -> Response {
    (status_of(&error.kind), json_body(&error.to_json())).into_response()
}

fn unavailable(message: &str) -> Response {
    let error = StepError::new(ErrorKind::Host, message);
    let mut response =
        (StatusCode::SERVICE_UNAVAILABLE, json_body(&error.to_json())).into_response();
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

fn json_body(value: &Value) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        value.to_string(),
    )
}
