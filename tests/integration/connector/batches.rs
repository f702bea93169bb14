//! `batch-write-items`: any number of puts and deletes in batches of 25, duplicates refused
//! before sending, unprocessed items retried and, when they stay unprocessed, returned.

use crate::harness::*;
use serde_json::{json, Value};
use test_support::{Fault, Proxy};

fn count_items(region: &str, table: &str) -> u64 {
    boto(
        region,
        &format!(
            r#"
pages = client.get_paginator("scan").paginate(TableName={table:?}, Select="COUNT")
result = sum(page["Count"] for page in pages)
"#
        ),
    )
    .as_u64()
    .unwrap()
}

#[test]
fn a_2000_item_write_stores_exactly_2000_items() {
    let (region, table) = ("ap-south-1", "batch-2000");
    create_table(region, table, false);
    let puts: Vec<Value> = (0..2000)
        .map(|i| json!({"put": {"id": i, "name": format!("n{i}")}}))
        .collect();
    let out = ok(
        "batch-write-items",
        json!({"region": region, "requests": {table: puts}}),
    );
    assert_eq!(
        out,
        json!({"Written": 2000, "Unprocessed": {}, "NotSent": {}, "Unknown": {}, "Remainder": {}})
    );
    assert_eq!(count_items(region, table), 2000);
}

#[test]
fn typed_and_natural_puts_and_deletes_in_two_tables() {
    let region = "eu-west-3";
    create_table(region, "batch-one", false);
    create_table(region, "batch-two", true);
    ok(
        "batch-write-items",
        json!({"region": region, "requests": {
        "batch-one": [{"put": {"id": 1, "tags": ["a", "b"]}, "types": {"id": "N", "tags": "SS"}},
                      {"put": {"id": 2, "big": 12345678901234567890123456789012345678_u128.to_string()}}],
        "batch-two": [{"put": {"id": 5, "sk": "x", "v": {"nested": [1, true, null]}}}]}}),
    );
    let out = ok(
        "batch-write-items",
        json!({"region": region, "requests": {
        "batch-one": [{"delete": {"id": 2}}]}}),
    );
    assert_eq!(out["Written"], 1);
    let one = boto(
        region,
        r#"result = client.scan(TableName="batch-one")["Items"]"#,
    );
    assert_eq!(one, json!([{"id": {"N": "1"}, "tags": {"SS": ["a", "b"]}}]));
    let two = boto(
        region,
        r#"result = client.scan(TableName="batch-two")["Items"][0]["v"]"#,
    );
    assert_eq!(
        two,
        json!({"M": {"nested": {"L": [{"N": "1"}, {"BOOL": true}, {"NULL": true}]}}})
    );
}

#[test]
fn a_duplicate_key_or_a_key_of_the_wrong_type_is_refused_before_anything_is_sent() {
    let region = "eu-south-1";
    create_table(region, "batch-dup", false);
    let proxy = Proxy::start(moto());
    let mut puts: Vec<Value> = (0..30).map(|i| json!({"put": {"id": i}})).collect();
    puts[27] = json!({"delete": {"id": 26}});
    let error = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": region, "requests": {"batch-dup": puts}}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "invalid-input", "{error:?}");
    assert_eq!(error.field.as_deref(), Some("requests.batch-dup[27]"));
    assert!(
        error.message.contains("requests.batch-dup[26]"),
        "{error:?}"
    );
    assert_eq!(proxy.count("BatchWriteItem"), 0, "nothing sent");
    let error = fails(
        "batch-write-items",
        json!({"region": region,
        "requests": {"batch-dup": [{"put": {"name": "no key"}}]}}),
    );
    assert_eq!(error.field.as_deref(), Some("requests.batch-dup[0].put"));
    let mut puts: Vec<Value> = (0..40).map(|i| json!({"put": {"id": i}})).collect();
    puts[30] = json!({"put": {"id": "thirty"}});
    let error = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": region, "requests": {"batch-dup": puts}}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "invalid-input", "{error:?}");
    assert_eq!(
        error.field.as_deref(),
        Some("requests.batch-dup[30].put.id"),
        "a key of the wrong type, in the second batch"
    );
    assert!(!error.message.contains("thirty"), "no item data: {error:?}");
    assert_eq!(
        proxy.count("BatchWriteItem"),
        0,
        "nothing sent, not even batch one"
    );
}

#[test]
fn unprocessed_items_are_retried_and_what_stays_unprocessed_is_returned() {
    let region = "eu-north-1";
    create_table(region, "batch-retry", false);
    let proxy = Proxy::start(moto());
    let unprocessed = |id: u32| {
        json!({"UnprocessedItems": {"batch-retry": [{"PutRequest": {"Item": {"id": {"N": id.to_string()}}}}]}})
            .to_string()
    };
    proxy.inject_on("BatchWriteItem", [Fault::Answer(unprocessed(1))]);
    let out = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": region,
        "requests": {"batch-retry": [{"put": {"id": 1}}]}}),
    )
    .expect("retried");
    assert_eq!(out["Written"], 1);
    assert_eq!(out["Remainder"], json!({}));
    assert_eq!(proxy.count("BatchWriteItem"), 2);
    assert_eq!(count_items(region, "batch-retry"), 1);

    proxy.inject_on(
        "BatchWriteItem",
        (0..8).map(|_| Fault::Answer(unprocessed(9))),
    );
    let out = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": region,
        "requests": {"batch-retry": [{"put": {"id": 9}}]}}),
    )
    .expect("a result");
    assert_eq!(out["Written"], 0);
    let left = json!({"batch-retry": [{"put": {"id": 9}, "types": {"id": "N"}}]});
    assert_eq!(out["Unprocessed"], left);
    assert_eq!(
        out["Remainder"], left,
        "the remainder is ready to send again"
    );
    assert_eq!(proxy.count("BatchWriteItem"), 2 + 8, "eight attempts");
}

#[test]
fn a_batch_get_of_250_keys_in_two_tables_returns_each_stored_item_once() {
    let region = "ap-southeast-1";
    create_table(region, "get-one", false);
    create_table(region, "get-two", false);
    let puts: Vec<Value> = (0..200)
        .map(|i| json!({"put": {"id": i, "v": i * 2}}))
        .collect();
    ok(
        "batch-write-items",
        json!({"region": region, "requests": {"get-one": puts,
        "get-two": [{"put": {"id": 7, "tags": ["x"]}, "types": {"id": "N", "tags": "SS"}}]}}),
    );
    let keys: Vec<Value> = (0..240).map(|i| json!({"id": i})).collect();
    let out = ok(
        "batch-get-items",
        json!({"region": region,
        "keys": {"get-one": keys, "get-two": (0..10).map(|i| json!({"id": i})).collect::<Vec<_>>()}}),
    );
    let mut got: Vec<u64> = out["Responses"]["get-one"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        (0..200).collect::<Vec<_>>(),
        "each stored item once; missing keys absent"
    );
    assert_eq!(
        out["Responses"]["get-two"],
        json!([{"id": 7, "tags": ["x"]}])
    );
    assert_eq!(out["UnprocessedKeys"], json!({}));
}

#[test]
fn unprocessed_keys_are_retried_and_duplicates_refused() {
    let region = "us-east-2";
    create_table(region, "get-retry", false);
    ok(
        "batch-write-items",
        json!({"region": region, "requests": {"get-retry": [{"put": {"id": 1}}]}}),
    );
    let proxy = Proxy::start(moto());
    let unread =
        json!({"Responses": {}, "UnprocessedKeys": {"get-retry": {"Keys": [{"id": {"N": "1"}}]}}});
    proxy.inject_on("BatchGetItem", [Fault::Answer(unread.to_string())]);
    let out = step_at(
        proxy.url(),
        "batch-get-items",
        json!({"region": region, "keys": {"get-retry": [{"id": 1}]}}),
    )
    .expect("retried");
    assert_eq!(out["Responses"]["get-retry"], json!([{"id": 1}]));
    assert_eq!(proxy.count("BatchGetItem"), 2);
    let error = fails(
        "batch-get-items",
        json!({"region": region,
        "keys": {"get-retry": [{"id": 1}, {"id": 2}, {"id": 1}]}}),
    );
    assert_eq!(
        error.field.as_deref(),
        Some("keys.get-retry[2]"),
        "{error:?}"
    );
}
