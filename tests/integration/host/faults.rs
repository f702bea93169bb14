//! Errors that say the right thing and nothing more, and limits the host enforces: a
//! misbehaving server (through the fault-injecting proxy), bad credentials text, inputs and
//! outputs too large for the host's caps.

use crate::harness::*;
use connector_host::Limits;
use serde_json::{json, Value};
use std::sync::OnceLock;
use test_support::{Fault, Proxy};

fn at(proxy: &Proxy, action: &str, input: Value) -> Result<Value, connector_host::StepError> {
    step_at(proxy.url(), action, input)
}

#[test]
fn a_control_character_in_a_credential_is_invalid_input_not_a_crash() {
    for (field, value) in [
        ("access-key-id", "AKIA\u{1}EXAMPLE"),
        ("secret-access-key", "secret\nwith newline"),
        ("session-token", "token\u{7f}"),
    ] {
        let mut connection = connection(moto());
        connection[field] = json!(value);
        let error = host()
            .run_step(&json!({"connection": connection, "action": "list-tables",
                              "input": {"region": "us-east-1"}}))
            .unwrap_err();
        assert_eq!(error.kind, "invalid-input", "{field}: {error:?}");
        assert_eq!(
            error.field.as_deref(),
            Some(format!("connection.{field}").as_str())
        );
        assert!(!error.message.contains(value), "{error:?}");
    }
}

#[test]
fn a_server_echoing_headers_never_shows_the_session_token() {
    const TOKEN: &str = "FwoGZXIvYXdzEJr-session-token-that-must-not-leak";
    let proxy = Proxy::start(moto());
    proxy.inject([Fault::EchoHeaders]);
    let mut connection = connection(proxy.url());
    connection["session-token"] = json!(TOKEN);
    let error = host()
        .run_step(&json!({"connection": connection, "action": "list-tables",
                          "input": {"region": "us-east-1"}}))
        .unwrap_err();
    assert_eq!(error.kind, "validation", "{error:?}");
    assert!(
        error.message.contains("x-amz-security-token"),
        "the header was echoed: {error:?}"
    );
    assert!(!error.message.contains(TOKEN), "{error:?}");
    assert!(!error.message.contains(SECRET), "{error:?}");
    assert!(error.message.contains("[redacted]"), "{error:?}");
}

#[test]
fn an_empty_answer_is_a_service_error_not_a_missing_item() {
    let region = "us-west-1";
    create_table(region, "empty-answer", false);
    ok(
        "upsert-item",
        json!({"region": region, "table-name": "empty-answer",
        "value": {"id": 1}, "value-types": {"id": "N"}}),
    );
    let proxy = Proxy::start(moto());
    proxy.inject([Fault::EmptyBody]);
    let error = at(&proxy, "get-item", json!({"region": region, "table-name": "empty-answer",
        "hash-key-value": 1, "key-schema": [{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]}))
    .unwrap_err();
    assert_eq!(error.kind, "service", "{error:?}");
    assert_eq!(error.code.as_deref(), Some("EmptyResponse"));
    assert_eq!(proxy.count("GetItem"), 1, "not retried");
}

#[test]
fn throttling_and_errors_before_the_server_are_retried_for_reads() {
    let proxy = Proxy::start(moto());
    proxy.inject([Fault::Throttle, Fault::ServerErrorBefore(500)]);
    let listed = at(&proxy, "list-tables", json!({"region": "us-east-1"})).expect("third attempt");
    assert!(listed["TableNames"].is_array());
    assert_eq!(proxy.count("ListTables"), 3);
}

#[test]
fn garbage_from_the_server_is_a_service_error() {
    let proxy = Proxy::start(moto());
    proxy.inject(vec![Fault::Garbage; 3]);
    let error = at(&proxy, "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "service", "{error:?}");
}

#[test]
fn an_item_over_400_kb_is_refused_before_sending() {
    let proxy = Proxy::start(moto());
    let big = "x".repeat(500 * 1024);
    let error = at(
        &proxy,
        "upsert-item",
        json!({"region": "us-east-1", "table-name": "any",
        "value": {"id": 1, "blob": big}, "value-types": {"id": "N", "blob": "S"}}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "invalid-input", "{}", error.kind);
    assert_eq!(error.field.as_deref(), Some("value"));
    assert!(error.message.len() < 300, "no item data in the message");
    assert!(proxy.operations().is_empty(), "nothing sent");
}

fn small_host() -> &'static Checked {
    static HOST: OnceLock<Checked> = OnceLock::new();
    HOST.get_or_init(|| {
        new_host(|options| {
            options.limits = Limits {
                memory_bytes: 24 << 20,
                output_bytes: 40,
                ..Limits::default()
            }
        })
    })
}

#[test]
fn the_memory_cap_is_kind_limit_with_one_line() {
    let big = "x".repeat(40 << 20);
    let error = small_host()
        .run_step(
            &json!({"connection": connection(moto()), "action": "upsert-item",
            "input": {"region": "us-east-1", "table-name": "any",
                      "value": {"id": 1, "blob": big}, "value-types": {"id": "N", "blob": "S"}}}),
        )
        .unwrap_err();
    assert_eq!(error.kind, "limit", "{}", error.kind);
    assert!(
        error.message.contains("memory cap of 24 MiB"),
        "{}",
        error.message
    );
    assert!(
        !error.message.contains('\n') && error.message.len() < 300,
        "{}",
        error.message
    );
}

#[test]
fn an_output_over_the_host_cap_is_kind_limit() {
    let region = "eu-north-1";
    for name in ["cap-one", "cap-two", "cap-three", "cap-four"] {
        create_table(region, name, false);
    }
    let error = small_host()
        .run_step(
            &json!({"connection": connection(moto()), "action": "list-tables",
            "input": {"region": region}}),
        )
        .unwrap_err();
    assert_eq!(error.kind, "limit", "{error:?}");
    assert!(error.message.contains("output cap"), "{}", error.message);
}

#[test]
fn a_throttled_step_carries_the_services_throttling_reasons() {
    let proxy = Proxy::start(moto());
    let resource = "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/byCustomer";
    let fault = Fault::ThrottleFor {
        reason: "IndexReadProvisionedThroughputExceeded".into(),
        resource: resource.into(),
    };
    proxy.inject(vec![fault; 3]);
    let error = at(&proxy, "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "throttled", "{error:?}");
    assert_eq!(proxy.count("ListTables"), 3, "after the SDK's attempts");
    let shown = error.to_json();
    assert_eq!(
        shown["error"]["throttling-reasons"],
        json!([{"reason": "IndexReadProvisionedThroughputExceeded", "resource": resource}])
    );
    proxy.inject(vec![Fault::Throttle; 3]);
    let error = at(&proxy, "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "throttled");
    assert!(
        error.throttling_reasons.is_empty(),
        "none when the service gave none"
    );
}
