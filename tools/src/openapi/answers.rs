//! What the OpenAPI document shows of the answers and requests: every error status of a
//! step route with an example error of the kind it carries, and named examples of the
//! step request.

use serde_json::{json, Map, Value};

/// Each error status of a step route: when it comes (`connector_host::status`), and the
/// kind and message of its example error.
const STATUSES: [(&str, &str, &str, &str); 13] = [
    (
        "400",
        "invalid-input or validation: the step or an input is malformed",
        "invalid-input",
        "table-name is required: give the table's name",
    ),
    (
        "401",
        "the bearer token is missing or wrong",
        "access-denied",
        "a bearer token is required (Authorization: Bearer TOKEN)",
    ),
    (
        "403",
        "access-denied: the credentials are refused or lack permission; or, on a loopback \
         service without a token, a Host that is not a loopback name",
        "access-denied",
        "the credentials lack dynamodb:GetItem on table orders",
    ),
    (
        "404",
        "resource-not-found: the table or index does not exist",
        "resource-not-found",
        "Requested resource not found: table orders",
    ),
    (
        "408",
        "the request body did not arrive in time",
        "timeout",
        "the request body did not arrive within 30 s",
    ),
    (
        "409",
        "conditional-check-failed, transaction-canceled or resource-in-use",
        "conditional-check-failed",
        "The conditional request failed",
    ),
    (
        "413",
        "the body is over the size limit, or the step reached a host limit",
        "limit",
        "the output is over the host's limit of 16 MiB",
    ),
    (
        "415",
        "a service without a token: the body is not sent as Content-Type: application/json",
        "invalid-input",
        "send the body as Content-Type: application/json",
    ),
    (
        "429",
        "throttled, after the retries",
        "throttled",
        "the table's throughput was exceeded after 3 attempts",
    ),
    (
        "500",
        "trap or host: the component crashed, or could not be loaded",
        "trap",
        "the component crashed: wasm trap: unreachable",
    ),
    (
        "502",
        "network, service or outcome-unknown",
        "network",
        "could not connect to http://127.0.0.1:8000 (connection refused)",
    ),
    (
        "503",
        "every slot is busy and the queue is full, or the service is draining",
        "host",
        "every step slot is busy and the queue is full: try again",
    ),
    (
        "504",
        "timeout: the step (or a request of it) ran out of time",
        "timeout",
        "the step ran out of its 300 s",
    ),
];

pub(super) fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

pub(super) fn json_content(schema: &Value) -> Value {
    json!({"application/json": {"schema": schema}})
}

/// The answers of a route that runs steps: `ok` and every error status.
pub(super) fn step_answers(ok: &str, schema: &Value) -> Value {
    let mut answers = Map::new();
    answers.insert(
        "200".into(),
        json!({"description": ok, "content": json_content(schema)}),
    );
    for (status, when, kind, message) in STATUSES {
        let example = json!({"error": {"kind": kind, "message": message}});
        let content = json!({"application/json": {"schema": reference("error"),
            "example": example}});
        answers.insert(
            status.into(),
            json!({"description": when, "content": content}),
        );
    }
    Value::Object(answers)
}

pub(super) fn text_answer(description: &str, media: &str) -> Value {
    json!({"description": description, "content": {media: {"schema": {"type": "string"}}}})
}

/// Named examples of the step request: the common actions against a local server (the
/// connection's keys are a local server's, never real ones).
pub(super) fn step_examples() -> Value {
    let connection = json!({"type": "access-key", "access-key-id": "local",
        "secret-access-key": "local", "endpoint-url": "http://127.0.0.1:8000"});
    let example = |summary: &str, action: &str, input: Value| {
        json!({"summary": summary, "value": {"connection": connection, "action": action,
            "input": input}})
    };
    let table = |more: Value| {
        let mut input = json!({"region": "us-east-1", "table-name": "customers"});
        input
            .as_object_mut()
            .expect("an object")
            .extend(more.as_object().cloned().unwrap_or_default());
        input
    };
    json!({
        "list-tables": example("List the tables", "list-tables",
            json!({"region": "us-east-1", "fetch-all": true})),
        "upsert-item": example("Write an item (plain JSON)", "upsert-item",
            table(json!({"value": {"customerId": 1, "customerName": "Rose", "balance": 10}}))),
        "get-item": example("Read an item by its key", "get-item",
            table(json!({"hash-key-value": "1", "range-key-value": "Rose"}))),
        "query-items": example("Query with a plain-JSON key condition", "query-items",
            table(json!({"key-condition": {"attr": "customerId", "eq": 1}}))),
    })
}
