//! The OpenAPI 3.1 document of `connector-host serve` (`schemas/openapi.json`, also served
//! at `GET /openapi.json`): every route with its request and answers, the step request as
//! a `oneOf` by `action`, every action's input and output, the error body with every
//! status, and the bearer scheme. Its schemas are the ones of [`crate::schema`], moved
//! under `components/schemas`.

mod answers;

use crate::schema::{self, Shapes};
use answers::{json_content, reference, step_answers, step_examples, text_answer};
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

/// `value` with its local references (`#/$defs/NAME`) pointing into the components, and
/// without Airbyte's keywords (`order`, `airbyte_secret`), which OpenAPI has only as `x-`
/// extensions (the property order and `writeOnly` say the same).
fn componentized(mut value: Value) -> Value {
    schema::walk_refs(&mut value, &mut |r| {
        if let Some(name) = r.strip_prefix("#/$defs/") {
            *r = format!("#/components/schemas/{name}");
        }
    });
    without_airbyte(&mut value);
    value
}

/// `value` without the members `order` and `airbyte_secret` of its schemas (a member of
/// `properties` so named stays: it is an input, not a keyword).
fn without_airbyte(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.remove("airbyte_secret");
            if members.get("order").is_some_and(Value::is_number) {
                members.remove("order");
            }
            members.values_mut().for_each(without_airbyte);
        }
        Value::Array(items) => items.iter_mut().for_each(without_airbyte),
        _ => {}
    }
}

/// The schemas: every shape, each connection and action input, and the step request.
fn components(manifest: &Manifest, shapes: &Shapes) -> Map<String, Value> {
    let mut out: Map<String, Value> = shapes.defs().clone();
    let mut steps = Vec::new();
    let mut mapping = Map::new();
    for action in &manifest.actions {
        let key = &action.key;
        let step_ref = format!("#/components/schemas/step-{key}");
        mapping.insert(key.clone(), step_ref.into());
        out.insert(format!("input-{key}"), schema::input(action, shapes));
        let step = json!({"type": "object", "title": format!("A {} step", action.label),
            "required": ["connection", "action", "input"],
            "properties": {"connection": reference("connection"), "action": {"type": "string", "const": key},
                "input": reference(&format!("input-{key}"))}, "additionalProperties": false});
        out.insert(format!("step-{key}"), step);
        steps.push(reference(&format!("step-{key}")));
    }
    let mut connections = Vec::new();
    for group in &manifest.connections {
        out.insert(
            format!("connection-{}", group.key),
            schema::connection(group, shapes),
        );
        connections.push(reference(&format!("connection-{}", group.key)));
    }
    out.insert("connection".into(), json!({"oneOf": connections}));
    out.insert(
        "step".into(),
        json!({"description": "One step: a connection, an action and its input.",
            "oneOf": steps, "discriminator": {"propertyName": "action", "mapping": mapping}}),
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

/// The route groups, each with what its routes are for.
const TAGS: [(&str, &str); 4] = [
    ("steps", "Run steps, flows and trigger polls"),
    ("contract", "The actions, their schemas and this document"),
    ("operations", "Health, readiness and metrics"),
    ("mcp", "The Model Context Protocol server"),
];

/// The group (one of [`TAGS`]) of the route at `path`.
fn tag(path: &str) -> &'static str {
    match path {
        "/v1/steps" | "/v1/flows" | "/v1/triggers/{action}/poll" => "steps",
        "/v1/actions" | "/v1/actions/{name}" | "/openapi.json" => "contract",
        "/mcp" => "mcp",
        _ => "operations",
    }
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
            "security": secured, "requestBody": {"required": true, "content": {"application/json": {
                "schema": reference("step"), "examples": step_examples()}}},
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
        let mut operation = operation(manifest, path);
        operation["tags"] = json!([tag(path)]);
        let answers = operation["responses"].as_object_mut().expect("responses");
        if !answers.keys().any(|status| status.starts_with('4')) {
            let wrong = json!({"description": "the route has no such method",
                "content": json_content(&reference("error"))});
            answers.insert("405".into(), wrong);
        }
        item.insert(method.into(), operation);
        paths.insert(path.into(), Value::Object(item));
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": format!("{} connector service (connector-host serve)", manifest.name),
            "version": "v1", "description": manifest.description,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}},
        "servers": [{"url": "/", "description": "The service that serves this document"}],
        "tags": TAGS.map(|(name, description)| json!({"name": name, "description": description})),
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                "description": "The token of --token-file; required when the service listens beyond loopback."}},
            "schemas": components(manifest, shapes),
        },
    })
}
