//! The OpenAPI 3.1 document of `connector-host serve` (`schemas/openapi.json`, also served
//! at `GET /openapi.json`): every route with its request and answers, the step request as
//! a `oneOf` by `action`, every action's input and output, the error body with every
//! status, and the bearer scheme. Its schemas are the ones of [`crate::schema`], moved
//! under `components/schemas`.

use crate::schema::{self, Shapes};
use connector_manifest::Manifest;
use serde_json::{json, Map, Value};

/// Every route the service answers, as `(method, path)`; the tests check that
/// `connector_host::serve::ROUTES`, from which the service builds its router, is the same.
pub const ROUTES: [(&str, &str); 10] = [
    ("post", "/v1/steps"),
    ("post", "/v1/flows"),
    ("post", "/v1/triggers/{action}/poll"),
    ("get", "/v1/actions"),
    ("get", "/v1/actions/{name}"),
    ("get", "/openapi.json"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
    ("post", "/mcp"),
];

/// Each error status of a step route, and when it comes (`connector_host::status`).
const STATUSES: [(&str, &str); 13] = [
    (
        "400",
        "invalid-input or validation: the step or an input is malformed",
    ),
    ("401", "the bearer token is missing or wrong"),
    (
        "403",
        "access-denied: the credentials are refused or lack permission; or, on a loopback \
         service without a token, a Host that is not a loopback name",
    ),
    (
        "404",
        "resource-not-found: the table or index does not exist",
    ),
    ("408", "the request body did not arrive in time"),
    (
        "409",
        "conditional-check-failed, transaction-canceled or resource-in-use",
    ),
    (
        "413",
        "the body is over the size limit, or the step reached a host limit",
    ),
    (
        "415",
        "a service without a token: the body is not sent as Content-Type: application/json",
    ),
    ("429", "throttled, after the retries"),
    (
        "500",
        "trap or host: the component crashed, or could not be loaded",
    ),
    ("502", "network, service or outcome-unknown"),
    (
        "503",
        "every slot is busy and the queue is full, or the service is draining",
    ),
    (
        "504",
        "timeout: the step (or a request of it) ran out of time",
    ),
];

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

fn json_content(schema: &Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

/// The answers of a route that runs steps: `ok` and every error status.
fn step_answers(ok: &str, schema: &Value) -> Value {
    let mut answers = Map::new();
    answers.insert(
        "200".into(),
        json!({"description": ok, "content": json_content(schema)}),
    );
    for (status, when) in STATUSES {
        let error = json!({"description": when, "content": json_content(&reference("error"))});
        answers.insert(status.into(), error);
    }
    Value::Object(answers)
}

fn text_answer(description: &str, media: &str) -> Value {
    json!({"description": description, "content": {media: {"schema": {"type": "string"}}}})
}

/// `value` with its local references (`#/$defs/NAME`) pointing into the components.
fn componentized(mut value: Value) -> Value {
    schema::walk_refs(&mut value, &mut |r| {
        if let Some(name) = r.strip_prefix("#/$defs/") {
            *r = format!("#/components/schemas/{name}");
        }
    });
    value
}

/// The schemas: every shape, each connection and action input, and the step request.
fn components(manifest: &Manifest, shapes: &Shapes) -> Map<String, Value> {
    let mut out: Map<String, Value> = shapes.defs().clone();
    let mut steps = Vec::new();
    for action in &manifest.actions {
        let key = &action.key;
        out.insert(format!("input-{key}"), schema::input(action));
        let step = json!({"type": "object", "title": format!("A {} step", action.label),
            "required": ["connection", "action", "input"],
            "properties": {"connection": reference("connection"), "action": {"const": key},
                "input": reference(&format!("input-{key}"))}, "additionalProperties": false});
        out.insert(format!("step-{key}"), step);
        steps.push(reference(&format!("step-{key}")));
    }
    let mut connections = Vec::new();
    for group in &manifest.connections {
        out.insert(
            format!("connection-{}", group.key),
            schema::connection(group),
        );
        connections.push(reference(&format!("connection-{}", group.key)));
    }
    out.insert("connection".into(), json!({"oneOf": connections}));
    out.insert(
        "step".into(),
        json!({"description": "One step: a connection, an action and its input.",
            "oneOf": steps}),
    );
    let outputs: Vec<Value> = manifest
        .actions
        .iter()
        .map(|a| reference(&format!("output-{}", a.key)))
        .collect();
    out.insert(
        "output".into(),
        json!({"description": "The output of the step's action.", "anyOf": outputs}),
    );
    out.insert("flow".into(), flow());
    out.insert("poll".into(), poll());
    out.insert("polled".into(), polled());
    out.insert("action-schemas".into(), action_schemas());
    out.sort_keys();
    componentized(Value::Object(out))
        .as_object()
        .cloned()
        .unwrap_or_default()
}

fn flow() -> Value {
    json!({"type": "object", "description": "Steps run in order; each takes the flow's connection unless it has its own.",
        "required": ["steps"],
        "properties": {"connection": reference("connection"), "steps": {"type": "array",
            "items": {"type": "object", "required": ["action"], "properties": {
                "name": {"type": "string"}, "action": {"type": "string"},
                "connection": reference("connection"), "input": {"type": "object"}}}}}})
}

fn poll() -> Value {
    json!({"type": "object", "description": "One poll of a trigger: the connection, the trigger's input, and the state of the previous poll (absent or null on the first).",
        "required": ["connection", "input"],
        "properties": {"connection": reference("connection"), "input": {"type": "object"},
            "state": {"type": ["string", "null"]}}, "additionalProperties": false})
}

fn polled() -> Value {
    json!({"type": "object", "required": ["records", "state", "more"],
        "properties": {"records": {"type": "array", "description": "The new records, in order."},
            "state": {"type": "string", "description": "Keep it for the next poll."},
            "more": {"type": "boolean", "description": "Whether more records are waiting now."}},
        "additionalProperties": false})
}

fn action_schemas() -> Value {
    json!({"type": "object", "required": ["name", "input", "output"],
        "properties": {"name": {"type": "string"},
            "input": {"type": "object", "description": "The JSON Schema of the action's input (schemas/actions/NAME.input.json)."},
            "output": {"type": "object", "description": "The JSON Schema of its output (schemas/actions/NAME.output.json)."}},
        "additionalProperties": false})
}

/// The operation of `(method, path)`.
fn operation(manifest: &Manifest, path: &str) -> Value {
    let triggers: Vec<&str> = manifest
        .actions
        .iter()
        .filter(|a| a.trigger.is_some())
        .map(|a| a.key.as_str())
        .collect();
    let actions: Vec<&str> = manifest.actions.iter().map(|a| a.key.as_str()).collect();
    let body = |name: &str| json!({"required": true, "content": json_content(&reference(name))});
    let secured = json!([{"bearer": []}]);
    match path {
        "/v1/steps" => json!({"operationId": "runStep", "summary": "Run one step",
            "security": secured, "requestBody": body("step"),
            "responses": step_answers("The action's output", &reference("output"))}),
        "/v1/flows" => {
            json!({"operationId": "runFlow", "summary": "Run steps in order; the first failure ends the flow",
            "security": secured, "requestBody": body("flow"),
            "responses": step_answers("Every step's output", &json!({"type": "object",
                "required": ["steps"], "properties": {"steps": {"type": "array", "items": {
                    "type": "object", "required": ["name", "action", "output"], "properties": {
                        "name": {"type": "string"}, "action": {"type": "string"},
                        "output": reference("output")}}}}}))})
        }
        "/v1/triggers/{action}/poll" => json!({"operationId": "pollTrigger",
            "summary": "Poll a trigger once", "security": secured,
            "parameters": [{"name": "action", "in": "path", "required": true,
                "schema": {"enum": triggers}}],
            "requestBody": body("poll"), "responses": step_answers("The records and the next state", &reference("polled"))}),
        "/v1/actions" => {
            json!({"operationId": "listActions", "summary": "The manifest and the component's WIT signatures",
            "security": secured, "responses": {
                "200": {"description": "The manifest and signatures", "content": json_content(&json!({
                    "type": "object", "required": ["manifest", "signatures"],
                    "properties": {"manifest": {"type": "object"}, "signatures": {"type": "object"}}}))},
                "401": {"description": "the bearer token is missing or wrong", "content": json_content(&reference("error"))}}})
        }
        "/v1/actions/{name}" => {
            json!({"operationId": "describeAction", "summary": "One action's input and output schemas",
            "security": secured,
            "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"enum": actions}}],
            "responses": {
                "200": {"description": "The schemas", "content": json_content(&reference("action-schemas"))},
                "401": {"description": "the bearer token is missing or wrong", "content": json_content(&reference("error"))},
                "404": {"description": "no such action", "content": json_content(&reference("error"))}}})
        }
        "/openapi.json" => {
            json!({"operationId": "openapi", "summary": "This document", "security": [],
            "responses": {"200": {"description": "The OpenAPI document", "content": json_content(&json!({"type": "object"}))}}})
        }
        "/healthz" => json!({"operationId": "health", "summary": "Liveness", "security": [],
            "responses": {"200": text_answer("ok", "text/plain")}}),
        "/readyz" => {
            json!({"operationId": "ready", "summary": "Readiness: 503 while draining", "security": [],
            "responses": {"200": text_answer("ready", "text/plain"), "503": text_answer("draining", "text/plain")}})
        }
        "/mcp" => {
            json!({"operationId": "mcp", "summary": "The MCP server (streamable HTTP, JSON-RPC 2.0): every exposed action a tool; see docs/mcp.md",
            "security": secured, "requestBody": {"required": true, "content": json_content(&json!({"type": "object", "description": "A JSON-RPC 2.0 message of the Model Context Protocol."}))},
            "responses": {"200": {"description": "The JSON-RPC answer, as JSON or an event stream", "content": {
                    "application/json": {"schema": {"type": "object"}}, "text/event-stream": {"schema": {"type": "string"}}}},
                "202": {"description": "A notification or answer accepted"},
                "401": {"description": "the bearer token is missing or wrong", "content": json_content(&reference("error"))},
                "404": {"description": "the service was started without --mcp-connection", "content": json_content(&reference("error"))}}})
        }
        _ => {
            json!({"operationId": "metrics", "summary": "Prometheus metrics (OpenMetrics text)", "security": [],
            "responses": {"200": text_answer("The metrics", "application/openmetrics-text")}})
        }
    }
}

/// The OpenAPI document of the service.
pub fn render(manifest: &Manifest, shapes: &Shapes) -> Value {
    let mut paths = Map::new();
    for (method, path) in ROUTES {
        let mut item = Map::new();
        item.insert(method.into(), operation(manifest, path));
        paths.insert(path.into(), Value::Object(item));
    }
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {"title": format!("{} connector service (connector-host serve)", manifest.name),
            "version": "v1", "description": manifest.description},
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "The token of --token-file; required when the service listens beyond loopback."}},
            "schemas": components(manifest, shapes),
        },
    })
}
