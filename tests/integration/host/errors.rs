//! Errors that say what to do: each common mistake gets a message that names the fault
//! and the fix — an unreachable endpoint by its URL, a region typo before anything is
//! sent, a gateway's refusal as `access-denied` with what it said, a mistyped action or
//! input with the name it most likely meant, an unknown route or method as JSON.

use crate::harness::*;
use serde_json::{json, Value};
use test_support::{Fault, Proxy};

#[test]
fn an_unreachable_endpoint_is_named_with_its_likely_cause() {
    // Port 9 (discard) has no listener here: the connection is refused.
    let error = step_at(
        "http://127.0.0.1:9",
        "list-tables",
        json!({"region": "us-east-1"}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
    assert!(
        error
            .message
            .contains("could not connect to http://127.0.0.1:9"),
        "{error:?}"
    );
    assert!(
        error.message.to_lowercase().contains("refused"),
        "{error:?}"
    );
    assert!(
        error.message.contains("is a server listening there"),
        "{error:?}"
    );
}

#[test]
fn a_region_typo_is_refused_before_anything_is_sent_with_the_region_it_meant() {
    let proxy = Proxy::start(moto());
    let error = step_at(proxy.url(), "list-tables", json!({"region": "us-east1"})).unwrap_err();
    assert_eq!(
        (error.kind.as_str(), error.field.as_deref()),
        ("invalid-input", Some("region")),
        "{error:?}"
    );
    assert!(
        error.message.contains("did you mean us-east-1?"),
        "{error:?}"
    );
    assert!(proxy.operations().is_empty(), "nothing was sent");
}

#[test]
fn a_gateway_refusal_without_an_aws_error_is_access_denied_with_what_it_said() {
    let proxy = Proxy::start(moto());
    let page =
        "<html><body>Blocked by the corporate proxy: ask IT for dynamodb access</body></html>";
    proxy.inject([Fault::Page(403, page)]);
    let error = step_at(proxy.url(), "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "access-denied", "{error:?}");
    assert!(
        error.message.contains("HTTP 403 without an AWS error"),
        "{error:?}"
    );
    assert!(
        error.message.contains("Blocked by the corporate proxy"),
        "{error:?}"
    );
    let long = format!("<html>{}</html>", "x".repeat(5000));
    proxy.inject([Fault::Page(401, Box::leak(long.into_boxed_str()))]);
    let error = step_at(proxy.url(), "list-tables", json!({"region": "us-east-1"})).unwrap_err();
    assert_eq!(error.kind, "access-denied", "{error:?}");
    assert!(
        error.message.len() < 600,
        "the body is cut: {}",
        error.message.len()
    );
}

#[test]
fn upsert_item_without_value_types_writes_every_attribute_in_its_natural_type() {
    let region = "ap-east-1";
    create_table(region, "natural-upsert", false);
    let value: Value = serde_json::from_str(
        r#"{"id": 12345678901234567890.123456789, "name": "Rose", "vip": true, "none": null,
            "tags": ["a", 1], "address": {"city": "Lyon"}}"#,
    )
    .unwrap();
    ok(
        "upsert-item",
        json!({"region": region, "table-name": "natural-upsert", "value": value}),
    );
    let got = ok(
        "get-item",
        json!({"region": region, "table-name": "natural-upsert",
               "hash-key-value": "12345678901234567890.123456789", "item-format": "DYNAMODB_JSON"}),
    );
    let item = &got["Item"];
    assert_eq!(
        item["id"],
        json!({"N": "12345678901234567890.123456789"}),
        "{got}"
    );
    assert_eq!(item["name"], json!({"S": "Rose"}));
    assert_eq!(item["vip"], json!({"BOOL": true}));
    assert_eq!(item["none"], json!({"NULL": true}));
    assert_eq!(item["tags"], json!({"L": [{"S": "a"}, {"N": "1"}]}));
    assert_eq!(item["address"], json!({"M": {"city": {"S": "Lyon"}}}));
}

#[test]
fn a_mistyped_action_or_input_gets_the_name_it_most_likely_meant() {
    let error = fails("get-items", json!({"region": "us-east-1"}));
    assert_eq!(error.field.as_deref(), Some("action"), "{error:?}");
    assert!(
        error.message.contains("did you mean get-item?"),
        "{error:?}"
    );
    let error = fails(
        "list-tables",
        json!({"region": "us-east-1", "fetchall": true}),
    );
    assert_eq!(error.kind, "invalid-input", "{error:?}");
    assert!(
        error.message.contains("did you mean fetch-all?"),
        "{error:?}"
    );
    let error = fails(
        "scan-items",
        json!({"region": "us-east-1", "table-name": "t", "item-format": "PLAINN"}),
    );
    assert!(error.message.contains("did you mean PLAIN?"), "{error:?}");
}

#[test]
fn every_service_route_answers_json_an_unknown_path_and_a_wrong_method_included() {
    let server = Server::start(&[]);
    let (status, body) = server.get("/v2/steps");
    assert_eq!(status, 404, "{body}");
    let body: Value = serde_json::from_str(&body).expect("a JSON 404");
    assert_eq!(body["error"]["kind"], "resource-not-found");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("/openapi.json"));
    let (status, body) = server.get("/v1/steps");
    assert_eq!(status, 405, "{body}");
    let body: Value = serde_json::from_str(&body).expect("a JSON 405");
    assert_eq!(body["error"]["kind"], "invalid-input");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("takes POST"),
        "{body}"
    );
}
