//! A session keeps the key schemas its steps learnt: a key action without `key-schema`
//! describes its table once per session and minute, not before every request; a table
//! created again with another key within that minute is refused by the service (nothing
//! written), never written under the old key.

use crate::harness::*;
use serde_json::json;
use test_support::Proxy;

#[test]
fn key_actions_of_one_session_describe_their_table_once() {
    let (region, table) = ("eu-west-3", "schema-kept");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    let put = json!({"region": region, "table-name": table, "value": {"id": 1, "v": "x"},
                     "value-types": {"id": "N", "v": "S"}});
    step_at(proxy.url(), "upsert-item", put).expect("written");
    for _ in 0..3 {
        let got = step_at(
            proxy.url(),
            "get-item",
            json!({"region": region, "table-name": table, "hash-key-value": 1}),
        )
        .expect("read");
        assert_eq!(got["Item"]["v"], "x");
    }
    let update = json!({"region": region, "table-name": table, "hash-key-value": 1,
                        "update": {"set": {"v": "y"}}});
    step_at(proxy.url(), "update-item", update).expect("updated");
    let keys = json!({"region": region, "keys": {table: [{"id": 1}]}});
    step_at(proxy.url(), "batch-get-items", keys).expect("batch read");
    assert_eq!(proxy.count("GetItem"), 3, "{:?}", proxy.operations());
    assert_eq!(
        proxy.count("DescribeTable"),
        1,
        "one DescribeTable for five key steps: {:?}",
        proxy.operations()
    );
}

#[test]
fn a_table_created_again_with_another_key_is_refused_not_written_under_the_old_one() {
    let (region, table) = ("eu-west-3", "schema-changed");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    let get = json!({"region": region, "table-name": table, "hash-key-value": 5});
    step_at(proxy.url(), "get-item", get).expect("the schema learnt");
    ok(
        "delete-table",
        json!({"region": region, "table-name": table}),
    );
    ok(
        "create-table",
        json!({"region": region, "table-name": table,
               "attribute-definitions": [{"AttributeName": "pk", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "pk", "KeyType": "HASH"}]}),
    );
    let update = json!({"region": region, "table-name": table, "hash-key-value": 5,
                        "update": {"set": {"v": "y"}}});
    let error = step_at(proxy.url(), "update-item", update).unwrap_err();
    assert_eq!(error.kind, "validation", "{error:?}");
    let scanned = ok("scan-items", json!({"region": region, "table-name": table}));
    assert_eq!(scanned["Count"], 0, "nothing written: {scanned}");
}
