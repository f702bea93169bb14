//! Table administration: `update-table`, time to live, and waiting for a table (on a
//! dynalite whose tables take 500 ms to become ACTIVE or to go, as the service's do).

use crate::harness::*;
use serde_json::{json, Value};

/// `input` with the members of `extra` added (or replaced).
fn with(mut input: Value, extra: &Value) -> Value {
    for (k, v) in extra.as_object().unwrap() {
        input[k] = v.clone();
    }
    input
}

fn table_input(region: &str, name: &str, extra: Value) -> Value {
    let input = json!({"region": region, "table-name": name,
        "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
        "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "billing-mode": "PAY_PER_REQUEST"});
    with(input, &extra)
}

fn upsert(name: &str) -> Value {
    json!({"region": "us-west-2", "table-name": name, "value": {"id": 1}, "value-types": {"id": "N"}})
}

#[test]
fn create_with_wait_then_an_upsert_at_once_works_where_the_table_takes_500_ms() {
    let slow = slow_dynalite();
    let created = step_at(
        slow,
        "create-table",
        table_input("us-west-2", "wait-made", json!({"wait": true})),
    )
    .unwrap();
    assert_eq!(created["TableDescription"]["TableStatus"], "ACTIVE");
    step_at(slow, "upsert-item", upsert("wait-made")).expect("the table is ACTIVE");
    // Without waiting, the same write right after creating fails: the wait is what helps.
    step_at(
        slow,
        "create-table",
        table_input("us-west-2", "wait-not", json!({})),
    )
    .unwrap();
    let early = step_at(slow, "upsert-item", upsert("wait-not")).unwrap_err();
    assert_eq!(early.kind, "resource-not-found", "{early:?}");
    let deleted = step_at(
        slow,
        "delete-table",
        json!({"region": "us-west-2", "table-name": "wait-made", "wait": true}),
    )
    .unwrap();
    assert_eq!(deleted["Deleted"], true);
    let gone = step_at(
        slow,
        "describe-table",
        json!({"region": "us-west-2", "table-name": "wait-made"}),
    )
    .unwrap_err();
    assert_eq!(gone.kind, "resource-not-found");
}

#[test]
fn wait_for_table_returns_the_description_or_times_out_naming_the_status() {
    let slow = slow_dynalite();
    step_at(
        slow,
        "create-table",
        table_input("us-west-2", "wait-poll", json!({})),
    )
    .unwrap();
    let active = step_at(
        slow,
        "wait-for-table",
        json!({"region": "us-west-2", "table-name": "wait-poll", "include-indexes": true}),
    )
    .unwrap();
    assert_eq!(active["Table"]["TableStatus"], "ACTIVE");
    let timeout = step_at(
        slow,
        "wait-for-table",
        json!({"region": "us-west-2", "table-name": "wait-poll", "until": "DELETED", "timeout-seconds": 1}),
    )
    .unwrap_err();
    assert_eq!(timeout.kind, "timeout");
    assert!(timeout.message.contains("still ACTIVE"), "{timeout:?}");
    let bad = step_at(
        slow,
        "wait-for-table",
        json!({"region": "us-west-2", "table-name": "wait-poll", "timeout-seconds": 0}),
    )
    .unwrap_err();
    assert_eq!(bad.field.as_deref(), Some("timeout-seconds"));
}

#[test]
fn wait_for_table_polls_until_its_timeout_has_run_out() {
    let (region, name) = ("us-west-2", "wait-deadline");
    create_table(region, name, false);
    let started = std::time::Instant::now();
    let timeout = fails(
        "wait-for-table",
        json!({"region": region, "table-name": name, "until": "DELETED", "timeout-seconds": 3}),
    );
    let waited = started.elapsed();
    assert_eq!(timeout.kind, "timeout", "{timeout:?}");
    assert!(
        waited >= std::time::Duration::from_secs(3),
        "gave up after {waited:?} of 3 s: {timeout:?}"
    );
}

#[test]
fn update_table_switches_billing_and_creates_and_deletes_an_index() {
    let (region, name) = ("ap-southeast-5", "admin-update");
    ok("create-table", table_input(region, name, json!({})));
    let provisioned = ok(
        "update-table",
        json!({"region": region, "table-name": name, "billing-mode": "PROVISIONED",
               "read-capacity-units": 7, "write-capacity-units": 3}),
    );
    let described = &provisioned["TableDescription"];
    assert_eq!(
        described["BillingModeSummary"]["BillingMode"],
        "PROVISIONED"
    );
    assert_eq!(described["ProvisionedThroughput"]["ReadCapacityUnits"], 7);
    let index = json!([{"Create": {"IndexName": "byEmail",
        "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
        "Projection": {"ProjectionType": "KEYS_ONLY"},
        "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}}]);
    ok(
        "update-table",
        json!({"region": region, "table-name": name, "global-secondary-index-updates": index,
               "attribute-definitions": [{"AttributeName": "email", "AttributeType": "S"}]}),
    );
    let waited = ok(
        "wait-for-table",
        json!({"region": region, "table-name": name, "include-indexes": true}),
    );
    assert_eq!(
        waited["Table"]["GlobalSecondaryIndexes"][0]["IndexName"],
        "byEmail"
    );
    ok(
        "update-table",
        json!({"region": region, "table-name": name,
               "global-secondary-index-updates": [{"Delete": {"IndexName": "byEmail"}}]}),
    );
    let after = ok(
        "describe-table",
        json!({"region": region, "table-name": name}),
    );
    let indexes = after["Table"]["GlobalSecondaryIndexes"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(indexes, 0, "{after}");
}

#[test]
fn update_table_inputs_are_checked_before_sending() {
    let proxy = test_support::Proxy::start(moto());
    let cases = [
        (json!({}), "table-name"),
        (
            json!({"billing-mode": "PROVISIONED"}),
            "read-capacity-units",
        ),
        (
            json!({"billing-mode": "PAY_PER_REQUEST", "read-capacity-units": 1, "write-capacity-units": 1}),
            "read-capacity-units",
        ),
        (json!({"read-capacity-units": 1}), "write-capacity-units"),
        (json!({"stream-enabled": true}), "stream-view-type"),
        (json!({"stream-view-type": "NEW_IMAGE"}), "stream-view-type"),
        (
            json!({"global-secondary-index-updates": [{"Delete": {"IndexName": "a"}, "Update": {}}]}),
            "global-secondary-index-updates[0]",
        ),
        (
            json!({"global-secondary-index-updates": [{"Create": {"IndexName": "a", "Projection": {"ProjectionType": "ALL"}}}]}),
            "global-secondary-index-updates[0].Create.KeySchema",
        ),
        (
            json!({"global-secondary-index-updates": [{"Update": {"IndexName": "a"}}]}),
            "global-secondary-index-updates[0].Update.ProvisionedThroughput",
        ),
    ];
    for (extra, field) in cases {
        let input = json!({"region": "ap-southeast-5", "table-name": "admin-checks"});
        let error = step_at(proxy.url(), "update-table", with(input, &extra)).expect_err("refused");
        assert_eq!(error.kind, "invalid-input", "{error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
    }
    assert!(proxy.operations().is_empty(), "nothing was sent");
}

#[test]
fn time_to_live_is_enabled_described_and_disabled() {
    let (region, name) = ("ap-southeast-5", "admin-ttl");
    ok("create-table", table_input(region, name, json!({})));
    let refused = fails(
        "update-time-to-live",
        json!({"region": region, "table-name": name, "enabled": true}),
    );
    assert_eq!(refused.field.as_deref(), Some("attribute-name"));
    let enabled = ok(
        "update-time-to-live",
        json!({"region": region, "table-name": name, "enabled": true, "attribute-name": "expiresAt"}),
    );
    assert_eq!(
        enabled,
        json!({"TimeToLiveSpecification": {"Enabled": true, "AttributeName": "expiresAt"}})
    );
    let described = ok(
        "describe-time-to-live",
        json!({"region": region, "table-name": name}),
    );
    assert_eq!(
        described,
        json!({"TimeToLiveDescription": {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"}})
    );
    let disabled = ok(
        "update-time-to-live",
        json!({"region": region, "table-name": name, "enabled": false}),
    );
    assert_eq!(
        disabled["TimeToLiveSpecification"]["AttributeName"],
        "expiresAt"
    );
    let described = ok(
        "describe-time-to-live",
        json!({"region": region, "table-name": name}),
    );
    assert_eq!(
        described["TimeToLiveDescription"]["TimeToLiveStatus"],
        "DISABLED"
    );
}
