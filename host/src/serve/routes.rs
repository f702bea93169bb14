//! The service's routes ([`ROUTES`], from which its router is built) and their handlers.

use super::Service;
use crate::metrics::TriggerLabels;
use crate::status::{error_response, json_response, refusal};
use crate::trigger::Polled;
use crate::{flow, ErrorKind, Host, StepError};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

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

/// The answer to a path no route has: 404, as JSON like every answer of the service.
pub(super) fn not_found() -> Response {
    let error = StepError::new(
        ErrorKind::Component("resource-not-found".into()),
        "no such route: GET /openapi.json lists the routes",
    );
    refusal(StatusCode::NOT_FOUND, &error)
}

/// The answer to a method `route` does not take: 405 naming the one it takes, as JSON.
fn wrong_method(route: Route, method: &axum::http::Method) -> Response {
    let takes = route.method.to_ascii_uppercase();
    let message = format!("{} takes {takes}, not {method}", route.path);
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        &StepError::invalid("method", message),
    );
    if let Ok(allow) = header::HeaderValue::from_str(&takes) {
        response.headers_mut().insert(header::ALLOW, allow);
    }
    response
}

/// The handler of `route` (one of [`ROUTES`]), answering 405 to any other method (`/mcp`
/// takes every method and answers for itself).
pub(super) fn handler(route: Route) -> axum::routing::MethodRouter<Arc<Service>> {
    let method_router = by_path(route.path);
    if route.path == "/mcp" {
        return method_router;
    }
    method_router
        .fallback(move |method: axum::http::Method| async move { wrong_method(route, &method) })
}

/// The handler of the route at `path`.
fn by_path(path: &str) -> axum::routing::MethodRouter<Arc<Service>> {
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
    let metrics = service.metrics.triggers.clone();
    run(service, request, move |host, document| {
        let label = action_label(host, &json!({ "action": action }));
        let labels = TriggerLabels {
            action: label.clone(),
            trigger: String::new(),
        };
        let answer = match poll_document(host, &action, document) {
            Ok(polled) => {
                metrics.polled(&labels, &polled);
                Ok(polled.into_json())
            }
            Err(error) => {
                metrics.failed(&labels, &error.kind.to_string());
                Err(error)
            }
        };
        (label, answer, 0)
    })
    .await
}

/// The poll a trigger request's body asks for (its members moved into the step, never
/// copied).
fn poll_document(host: &Host, action: &str, document: Value) -> Result<Polled, StepError> {
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
    host.poll(Value::Object(step), state)
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
