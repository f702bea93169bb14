//! Writes under faults, through the fault-injecting proxy in front of moto: a write whose
//! answer is lost after the server applied it is never retried into a false outcome; it is
//! `outcome-unknown`. What cannot have been applied (throttling) is still retried. An
//! idempotency token sends the write as a transaction that may be retried.

use crate::harness::*;
use serde_json::{json, Value};
use std::time::Duration;
use test_support::{Fault, Proxy};

const SCHEMA: &str = r#"[{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]"#;

/// A table `name` in `region` with item `{"id": 1, "n": 0, "list": []}`, and a proxy.
fn counter(region: &str, name: &str) -> Proxy {
    create_table(region, name, false);
    ok(
        "update-item",
        json!({"region": region, "table-name": name, "hash-key-value": 1,
        "key-schema": SCHEMA, "update-expression": "SET n = :zero, #l = :empty",
        "expression-attribute-names": {"#l": "list"},
        "expression-attribute-values": {":zero": 0, ":empty": []},
        "expression-attribute-value-types": {":zero": "N", ":empty": "L"}}),
    );
    Proxy::start(moto())
}

/// The stored item `id = 1` of `table`, read by boto3.
fn stored(region: &str, table: &str) -> Value {
    boto(
        region,
        &format!(
            r#"result = client.get_item(TableName={table:?}, Key={{"id": {{"N": "1"}}}}).get("Item")"#
        ),
    )
}

fn increment(region: &str, table: &str, extra: Value) -> Value {
    let mut input = json!({"region": region, "table-name": table, "hash-key-value": 1,
        "key-schema": SCHEMA, "update-expression": "SET n = n + :one",
        "expression-attribute-values": {":one": 1},
        "expression-attribute-value-types": {":one": "N"}});
    input
        .as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    input
}

#[test]
fn an_increment_whose_answer_is_lost_is_outcome_unknown_and_applied_once() {
    let (region, table) = ("ap-northeast-1", "lost-increment");
    let proxy = counter(region, table);
    for fault in [
        Fault::ResetAfter,
        Fault::ServerErrorAfter(500),
        Fault::ServerErrorAfter(503),
    ] {
        proxy.inject([fault.clone()]);
        let error = step_at(
            proxy.url(),
            "update-item",
            increment(region, table, json!({})),
        )
        .unwrap_err();
        assert_eq!(error.kind, "outcome-unknown", "{fault:?}: {error:?}");
        assert!(
            error.message.contains("idempotency-token"),
            "{}",
            error.message
        );
    }
    assert_eq!(
        stored(region, table)["n"],
        json!({"N": "3"}),
        "each applied once"
    );
    assert_eq!(proxy.count("UpdateItem"), 3, "none retried");
}

#[test]
fn a_list_append_whose_answer_is_lost_appends_once() {
    let (region, table) = ("ap-northeast-2", "lost-append");
    let proxy = counter(region, table);
    proxy.inject([Fault::ServerErrorAfter(500)]);
    let error = step_at(proxy.url(), "update-item", json!({"region": region, "table-name": table,
        "hash-key-value": 1, "key-schema": SCHEMA,
        "update-expression": "SET #l = list_append(#l, :x)", "expression-attribute-names": {"#l": "list"},
        "expression-attribute-values": {":x": ["a"]}, "expression-attribute-value-types": {":x": "L"}}))
    .unwrap_err();
    assert_eq!(error.kind, "outcome-unknown", "{error:?}");
    assert_eq!(stored(region, table)["list"], json!({"L": [{"S": "a"}]}));
}

#[test]
fn a_conditional_create_whose_answer_is_lost_is_not_reported_as_failed() {
    let (region, table) = ("ap-northeast-3", "lost-create-item");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    proxy.inject([Fault::ResetAfter]);
    let error = step_at(
        proxy.url(),
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 7, "v": "x"}, "value-types": {"id": "N", "v": "S"},
        "condition-expression": "attribute_not_exists(id)"}),
    )
    .unwrap_err();
    assert_eq!(
        error.kind, "outcome-unknown",
        "not conditional-check-failed: {error:?}"
    );
    assert_eq!(proxy.count("PutItem"), 1);
}

#[test]
fn create_and_delete_table_whose_answers_are_lost_are_outcome_unknown() {
    let region = "ap-southeast-3";
    let proxy = Proxy::start(moto());
    proxy.inject([Fault::ResetAfter]);
    let error = step_at(
        proxy.url(),
        "create-table",
        json!({"region": region, "table-name": "lost-table",
        "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
        "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    )
    .unwrap_err();
    assert_eq!(
        error.kind, "outcome-unknown",
        "not resource-in-use: {error:?}"
    );
    assert!(ok(
        "describe-table",
        json!({"region": region, "table-name": "lost-table"})
    )["Table"]
        .is_object());
    proxy.inject([Fault::ServerErrorAfter(500)]);
    let error = step_at(
        proxy.url(),
        "delete-table",
        json!({"region": region, "table-name": "lost-table"}),
    )
    .unwrap_err();
    assert_eq!(
        error.kind, "outcome-unknown",
        "not resource-not-found: {error:?}"
    );
    assert_eq!(
        proxy.count("CreateTable") + proxy.count("DeleteTable"),
        2,
        "none retried"
    );
}

#[test]
fn a_delete_whose_answer_is_lost_does_not_pretend_nothing_was_there() {
    let (region, table) = ("ap-southeast-4", "lost-delete");
    let proxy = counter(region, table);
    proxy.inject([Fault::ResetAfter]);
    let error = step_at(
        proxy.url(),
        "delete-item",
        json!({"region": region, "table-name": table,
        "hash-key-value": 1, "key-schema": SCHEMA}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "outcome-unknown", "{error:?}");
}

#[test]
fn throttled_writes_are_retried_and_applied_once() {
    let (region, table) = ("ap-east-1", "throttled-write");
    let proxy = counter(region, table);
    proxy.inject([Fault::Throttle, Fault::Throttle]);
    let updated = step_at(
        proxy.url(),
        "update-item",
        increment(region, table, json!({})),
    )
    .expect("the third attempt succeeds");
    assert_eq!(updated["Attributes"]["n"], 1);
    assert_eq!(proxy.count("UpdateItem"), 3);
    assert_eq!(stored(region, table)["n"], json!({"N": "1"}));
}

#[test]
fn an_idempotent_write_is_retried_with_the_same_client_request_token() {
    let (region, table) = ("me-south-1", "idempotent-write");
    let proxy = counter(region, table);
    proxy.inject([Fault::ResetAfter]);
    let token = "step-7f3a-run-1";
    let out = step_at(
        proxy.url(),
        "update-item",
        increment(region, table, json!({"idempotency-token": token})),
    )
    .expect("retried after the lost answer");
    assert_eq!(out, json!({}), "a transaction returns no attributes");
    let bodies = proxy.bodies("TransactWriteItems");
    assert_eq!(bodies.len(), 2, "sent, then retried");
    for body in &bodies {
        let sent: Value = serde_json::from_str(body).unwrap();
        assert_eq!(sent["ClientRequestToken"], token);
        assert_eq!(sent["TransactItems"].as_array().map(Vec::len), Some(1));
    }
    assert_eq!(bodies[0], bodies[1], "the same request both times");
}

#[test]
fn idempotency_tokens_are_checked_and_exclude_returned_attributes() {
    let (region, table) = ("me-central-1", "token-checks");
    create_table(region, table, false);
    let long = "x".repeat(37);
    for (extra, field) in [
        (json!({"idempotency-token": long}), "idempotency-token"),
        (
            json!({"idempotency-token": "bad token"}),
            "idempotency-token",
        ),
        (
            json!({"idempotency-token": "t1", "return-values": "ALL_NEW"}),
            "return-values",
        ),
    ] {
        let error = fails("update-item", increment(region, table, extra.clone()));
        assert_eq!(error.kind, "invalid-input", "{extra}");
        assert_eq!(error.field.as_deref(), Some(field), "{extra}: {error:?}");
    }
}

#[test]
fn a_failed_condition_can_carry_the_item_as_it_is() {
    let (region, table) = ("af-south-1", "condition-item");
    create_table(region, table, false);
    let put = |extra: Value| {
        let mut input = json!({"region": region, "table-name": table,
            "value": {"id": 1, "v": "first", "big": "123456789012345678901234567890.12345678"},
            "value-types": {"id": "N", "v": "S", "big": "N"},
            "condition-expression": "attribute_not_exists(id)"});
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        input
    };
    ok("upsert-item", put(json!({})));
    let error = fails(
        "upsert-item",
        put(json!({"return-values-on-condition-failure": "ALL_OLD"})),
    );
    assert_eq!(error.kind, "conditional-check-failed");
    let item = error.item.expect("the item as it is");
    assert_eq!(item["v"], "first");
    assert_eq!(
        item["big"].to_string(),
        "123456789012345678901234567890.12345678"
    );
    let without = fails("upsert-item", put(json!({})));
    assert!(without.item.is_none());
}

#[test]
fn a_slow_answer_within_the_attempt_timeout_is_waited_for_not_retried() {
    let (region, table) = ("eu-central-1", "slow-answer");
    let proxy = counter(region, table);
    proxy.inject([Fault::Stall(std::time::Duration::from_secs(2))]);
    let updated = step_at(
        proxy.url(),
        "update-item",
        increment(region, table, json!({})),
    )
    .expect("the slow answer arrives");
    assert_eq!(updated["Attributes"]["n"], 1);
    assert_eq!(proxy.count("UpdateItem"), 1);
}

/// A write whose kept connection the server closed while it was idle between two steps (as
/// servers and load balancers do) goes out on a fresh connection and reports its outcome:
/// never `outcome-unknown`, and sent once.
#[test]
fn a_write_after_the_server_closed_the_idle_connection_is_sent_once_and_succeeds() {
    let (region, table) = ("af-south-1", "idle-closed");
    counter(region, table);
    let proxy = Proxy::start_closing_idle(moto(), Duration::from_millis(100));
    for round in 1..=3 {
        let input = increment(region, table, json!({}));
        let result = step_at(proxy.url(), "update-item", input);
        assert!(result.is_ok(), "round {round}: {result:?}");
        std::thread::sleep(Duration::from_millis(400));
    }
    assert_eq!(proxy.count("UpdateItem"), 3);
    assert_eq!(
        proxy.connections(),
        3,
        "the proxy closed each idle connection"
    );
    assert_eq!(stored(region, table)["n"], json!({"N": "3"}));
}
