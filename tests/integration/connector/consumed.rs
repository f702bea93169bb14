//! What the service reports of a step's consumption (`return-consumed-capacity`,
//! `return-item-collection-metrics`): the `ConsumedCapacity` of a step equals, table by
//! table and part by part, the sum of what the server reported on each answer the proxy
//! passed on (every page, every batch), on dynalite (which computes capacity from item
//! sizes and indexes) and moto. Where no local server reports a figure (item collection
//! metrics; the capacity of `PartiQL` and of moto's write transactions), the proxy adds
//! what the service would to the real server's answer.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use test_support::{Fault, Proxy};

/// Each (table, part) of `ConsumedCapacity` reports (an object, or a list of them) and its
/// summed units: `("t", "CapacityUnits")`, `("t", "LocalSecondaryIndexes.i.CapacityUnits")`.
fn sums<'a>(reports: impl IntoIterator<Item = &'a Value>) -> BTreeMap<(String, String), f64> {
    fn leaves(at: &str, value: &Value, table: &str, into: &mut BTreeMap<(String, String), f64>) {
        match value {
            Value::Object(members) => {
                for (name, member) in members.iter().filter(|(n, _)| *n != "TableName") {
                    let path = if at.is_empty() {
                        name.clone()
                    } else {
                        format!("{at}.{name}")
                    };
                    leaves(&path, member, table, into);
                }
            }
            Value::Number(n) => {
                *into.entry((table.into(), at.into())).or_default() += n.as_f64().unwrap();
            }
            other => panic!("unexpected {other} in ConsumedCapacity"),
        }
    }
    let mut into = BTreeMap::new();
    for report in reports {
        let each = match report {
            Value::Array(list) => list.iter().collect(),
            Value::Null => Vec::new(),
            one => vec![one],
        };
        for one in each {
            let table = one["TableName"].as_str().unwrap_or_default();
            leaves("", one, table, &mut into);
        }
    }
    into
}

/// What the server reported on every answer to `operation` the proxy passed on, summed.
fn reported(proxy: &Proxy, operation: &str) -> BTreeMap<(String, String), f64> {
    let answers: Vec<Value> = proxy
        .answers(operation)
        .iter()
        .map(|body| serde_json::from_str::<Value>(body).unwrap()["ConsumedCapacity"].clone())
        .collect();
    sums(&answers)
}

/// Assert the step's `ConsumedCapacity` is the sum of the `operation` answers, and that the
/// server reported something.
fn assert_summed(output: &Value, proxy: &Proxy, operation: &str) {
    let server = reported(proxy, operation);
    assert!(
        !server.is_empty(),
        "the server reported capacity on {operation}"
    );
    assert_eq!(sums([&output["ConsumedCapacity"]]), server, "{output}");
}

/// A dynalite table keyed `id` (N) and `sk` (S) with a local index on `score` (N).
fn indexed_table(name: &str) {
    let input = json!({"region": "us-east-1", "table-name": name, "wait": true,
        "billing-mode": "PAY_PER_REQUEST",
        "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "score", "AttributeType": "N"}],
        "key-schema": [{"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"}],
        "local-secondary-indexes": [{"IndexName": "byScore",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "score", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "ALL"}}]});
    step_at(dynalite(), "create-table", input).unwrap();
}

/// `count` items of partition 1 whose sizes grow from a few bytes to about 9 KB, so their
/// pages cost different capacity.
fn items(count: usize) -> Vec<Value> {
    (0..count)
        .map(|i| json!({"put": {"id": 1, "sk": format!("s{i:03}"), "score": i, "pad": "x".repeat(i * 300)}}))
        .collect()
}

#[test]
fn query_pages_on_an_index_sum_to_what_dynalite_reported_per_page() {
    indexed_table("consumed-query");
    let requests = json!({"consumed-query": items(30)});
    let written = step_at(
        dynalite(),
        "batch-write-items",
        json!({"region": "us-east-1", "requests": requests}),
    )
    .unwrap();
    assert_eq!(written["Written"], 30);
    let proxy = Proxy::start(dynalite());
    let query = json!({"region": "us-east-1", "table-name": "consumed-query",
        "key-condition-expression": "id = :id", "expression-attribute-values": {":id": 1},
        "expression-attribute-value-types": {":id": "N"}, "fetch-all": true,
        "query-parameters": {"IndexName": "byScore", "Limit": 4},
        "return-consumed-capacity": "INDEXES"});
    let out = step_at(proxy.url(), "query-items", query).unwrap();
    assert_eq!(out["Count"], 30);
    assert!(proxy.count("Query") >= 8, "every page of 4 was sent");
    assert_summed(&out, &proxy, "Query");
    assert!(
        out["ConsumedCapacity"]["LocalSecondaryIndexes"]["byScore"]["CapacityUnits"]
            .as_f64()
            .is_some_and(|units| units > 0.0)
    );
}

#[test]
fn scan_segments_batches_and_single_items_sum_to_what_dynalite_reported() {
    indexed_table("consumed-bulk");
    let proxy = Proxy::start(dynalite());
    let requests = json!({"consumed-bulk": items(60)});
    let written = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": "us-east-1", "requests": requests, "return-consumed-capacity": "TOTAL"}),
    )
    .unwrap();
    assert_eq!(written["Written"], 60);
    assert_eq!(proxy.count("BatchWriteItem"), 3);
    assert_summed(&written, &proxy, "BatchWriteItem");

    let keys: Vec<Value> = (0..60)
        .map(|i| json!({"id": 1, "sk": format!("s{i:03}")}))
        .collect();
    let read = step_at(
        proxy.url(),
        "batch-get-items",
        json!({"region": "us-east-1", "keys": {"consumed-bulk": keys},
               "return-consumed-capacity": "INDEXES", "consistent-read": true}),
    )
    .unwrap();
    assert_eq!(
        read["Responses"]["consumed-bulk"].as_array().map(Vec::len),
        Some(60)
    );
    assert_summed(&read, &proxy, "BatchGetItem");

    let scan = json!({"region": "us-east-1", "table-name": "consumed-bulk", "segments": 3,
                      "limit": 5, "return-consumed-capacity": "TOTAL"});
    let scanned = step_at(proxy.url(), "scan-items", scan).unwrap();
    assert_eq!(scanned["Count"], 60);
    assert_summed(&scanned, &proxy, "Scan");

    let key = |sk: &str| {
        json!({"region": "us-east-1", "table-name": "consumed-bulk",
        "hash-key-value": "1", "range-key-value": sk, "return-consumed-capacity": "INDEXES"})
    };
    let got = step_at(proxy.url(), "get-item", key("s059")).unwrap();
    assert_summed(&got, &proxy, "GetItem");
    let mut update = key("s059");
    update["update-expression"] = json!("SET #p = :p");
    update["expression-attribute-names"] = json!({"#p": "pad"});
    update["expression-attribute-values"] = json!({":p": "short"});
    update["expression-attribute-value-types"] = json!({":p": "S"});
    let updated = step_at(proxy.url(), "update-item", update).unwrap();
    assert_summed(&updated, &proxy, "UpdateItem");
    let deleted = step_at(proxy.url(), "delete-item", key("s000")).unwrap();
    assert_summed(&deleted, &proxy, "DeleteItem");
    let upsert = json!({"region": "us-east-1", "table-name": "consumed-bulk",
        "value": {"id": 1, "sk": "new", "score": 1}, "value-types": {"id": "N", "sk": "S", "score": "N"},
        "return-consumed-capacity": "TOTAL"});
    let put = step_at(proxy.url(), "upsert-item", upsert).unwrap();
    assert_summed(&put, &proxy, "PutItem");
}

#[test]
fn without_return_consumed_capacity_nothing_is_asked_or_shown() {
    indexed_table("consumed-none");
    let proxy = Proxy::start(dynalite());
    let requests = json!({"consumed-none": items(3)});
    let written = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": "us-east-1", "requests": requests}),
    )
    .unwrap();
    let got = step_at(
        proxy.url(),
        "get-item",
        json!({"region": "us-east-1", "table-name": "consumed-none",
               "hash-key-value": "1", "range-key-value": "s000", "return-consumed-capacity": "NONE"}),
    )
    .unwrap();
    for out in [&written, &got] {
        assert!(out.get("ConsumedCapacity").is_none(), "{out}");
    }
    assert!(!proxy.bodies("BatchWriteItem")[0].contains("ReturnConsumedCapacity"));
}

#[test]
fn transactions_and_partiql_report_what_the_server_reported() {
    let region = "ap-east-1";
    create_table(region, "consumed-tx-a", false);
    create_table(region, "consumed-tx-b", false);
    let proxy = Proxy::start(moto());
    // moto reports no capacity on write transactions and PartiQL: the proxy adds what the
    // service reports to moto's real answers.
    let two_tables = json!({"ConsumedCapacity": [
        {"TableName": "consumed-tx-a", "CapacityUnits": 4.0, "WriteCapacityUnits": 4.0},
        {"TableName": "consumed-tx-b", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]});
    proxy.inject_on(
        "TransactWriteItems",
        [Fault::Extend(two_tables.to_string())],
    );
    let actions = json!([
        {"table-name": "consumed-tx-a", "put": {"id": 1, "v": "a"}},
        {"table-name": "consumed-tx-a", "put": {"id": 2, "v": "b"}},
        {"table-name": "consumed-tx-b", "put": {"id": 1}}]);
    let out = step_at(
        proxy.url(),
        "transact-write-items",
        json!({"region": region, "actions": actions, "return-consumed-capacity": "TOTAL"}),
    )
    .unwrap();
    assert_eq!(out["Actions"], 3);
    assert_summed(&out, &proxy, "TransactWriteItems");
    assert!(proxy.bodies("TransactWriteItems")[0].contains(r#""ReturnConsumedCapacity":"TOTAL""#));

    let gets = json!([{"table-name": "consumed-tx-a", "key": {"id": 1}},
                      {"table-name": "consumed-tx-a", "key": {"id": 2}},
                      {"table-name": "consumed-tx-b", "key": {"id": 1}}]);
    let out = step_at(
        proxy.url(),
        "transact-get-items",
        json!({"region": region, "gets": gets, "return-consumed-capacity": "INDEXES"}),
    )
    .unwrap();
    assert_summed(&out, &proxy, "TransactGetItems");

    let page = |units: f64| {
        json!({"ConsumedCapacity": {"TableName": "consumed-tx-a", "CapacityUnits": units,
                                    "ReadCapacityUnits": units}})
        .to_string()
    };
    proxy.inject_on("ExecuteStatement", [Fault::Extend(page(1.5))]);
    let select = json!({"region": region, "statement": "SELECT * FROM \"consumed-tx-a\"",
                        "fetch-all": true, "return-consumed-capacity": "TOTAL"});
    let out = step_at(proxy.url(), "raw-request", select).unwrap();
    assert_eq!(out["Items"].as_array().map(Vec::len), Some(2));
    assert_summed(&out, &proxy, "ExecuteStatement");

    let batch = json!({"ConsumedCapacity": [
        {"TableName": "consumed-tx-a", "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}]});
    proxy.inject_on("BatchExecuteStatement", [Fault::Extend(batch.to_string())]);
    let reads =
        json!([{"statement": "SELECT * FROM \"consumed-tx-a\" WHERE id = ?", "parameters": [1]}]);
    let out = step_at(
        proxy.url(),
        "batch-execute-statement",
        json!({"region": region, "statements": reads, "return-consumed-capacity": "TOTAL"}),
    )
    .unwrap();
    assert_summed(&out, &proxy, "BatchExecuteStatement");

    let statement = json!([{"statement": "UPDATE \"consumed-tx-b\" SET v = ? WHERE id = ?", "parameters": ["z", 1]}]);
    let written = json!({"ConsumedCapacity": [
        {"TableName": "consumed-tx-b", "CapacityUnits": 2.0, "WriteCapacityUnits": 2.0}]});
    proxy.inject_on("ExecuteTransaction", [Fault::Extend(written.to_string())]);
    let out = step_at(
        proxy.url(),
        "execute-transaction",
        json!({"region": region, "statements": statement, "return-consumed-capacity": "TOTAL"}),
    )
    .unwrap();
    assert_summed(&out, &proxy, "ExecuteTransaction");
}

#[test]
fn item_collection_metrics_of_every_batch_are_returned_per_table() {
    let region = "ap-east-1";
    create_table(region, "consumed-collections", true);
    let proxy = Proxy::start(moto());
    // Item collections exist on tables with local indexes, and neither local server reports
    // them: the proxy adds what the service reports to moto's real answers.
    let metric = |id: u64, high: f64| json!({"ItemCollectionKey": {"id": {"N": id.to_string()}}, "SizeEstimateRangeGB": [0.0, high]});
    let answer = |id: u64, high: f64| {
        json!({"ItemCollectionMetrics": {"consumed-collections": [metric(id, high)]}}).to_string()
    };
    proxy.inject_on(
        "BatchWriteItem",
        [Fault::Extend(answer(1, 1.0)), Fault::Extend(answer(2, 1.0))],
    );
    let puts: Vec<Value> = (0..30)
        .map(|i| json!({"put": {"id": i % 3, "sk": format!("s{i}")}}))
        .collect();
    let out = step_at(
        proxy.url(),
        "batch-write-items",
        json!({"region": region, "requests": {"consumed-collections": puts},
               "return-item-collection-metrics": "SIZE"}),
    )
    .unwrap();
    assert_eq!(out["Written"], 30);
    assert!(proxy
        .bodies("BatchWriteItem")
        .iter()
        .all(|b| b.contains(r#""ReturnItemCollectionMetrics":"SIZE""#)));
    // Batches are in flight together: their metrics come in the order their answers did.
    let mut metrics = out["ItemCollectionMetrics"]["consumed-collections"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    metrics.sort_by_key(|m| m["ItemCollectionKey"]["id"].as_u64());
    assert_eq!(
        metrics,
        [
            json!({"ItemCollectionKey": {"id": 1}, "SizeEstimateRangeGB": [0.0, 1.0]}),
            json!({"ItemCollectionKey": {"id": 2}, "SizeEstimateRangeGB": [0.0, 1.0]}),
        ]
    );
    assert_eq!(
        out["ItemCollectionMetrics"]
            .as_object()
            .map(serde_json::Map::len),
        Some(1)
    );

    let single = json!({"ItemCollectionMetrics": metric(7, 2.0)});
    proxy.inject_on("PutItem", [Fault::Extend(single.to_string())]);
    let out = step_at(
        proxy.url(),
        "upsert-item",
        json!({"region": region, "table-name": "consumed-collections",
               "value": {"id": 7, "sk": "a"}, "value-types": {"id": "N", "sk": "S"},
               "return-item-collection-metrics": "SIZE"}),
    )
    .unwrap();
    assert_eq!(
        out["ItemCollectionMetrics"],
        json!({"ItemCollectionKey": {"id": 7}, "SizeEstimateRangeGB": [0.0, 2.0]})
    );
    let stored = boto(
        region,
        r#"result = client.get_item(TableName="consumed-collections", Key={"id": {"N": "7"}, "sk": {"S": "a"}}).get("Item")"#,
    );
    assert_eq!(
        stored,
        json!({"id": {"N": "7"}, "sk": {"S": "a"}}),
        "the write reached moto"
    );
}

#[test]
fn capacity_asked_twice_is_refused_naming_the_field_before_anything_is_sent() {
    let proxy = Proxy::start(moto());
    let query = json!({"region": "ap-east-1", "table-name": "consumed-any",
        "key-condition-expression": "id = :id", "expression-attribute-values": {":id": 1},
        "expression-attribute-value-types": {":id": "N"},
        "query-parameters": {"ReturnConsumedCapacity": "TOTAL"},
        "return-consumed-capacity": "INDEXES"});
    let raw = json!({"region": "ap-east-1", "statement": "SELECT * FROM \"consumed-any\"",
        "query-parameters": {"ReturnConsumedCapacity": "TOTAL"},
        "return-consumed-capacity": "TOTAL"});
    for (action, input) in [("query-items", query), ("raw-request", raw)] {
        let error = step_at(proxy.url(), action, input).unwrap_err();
        assert_eq!(error.kind, "invalid-input", "{error:?}");
        assert_eq!(error.field.as_deref(), Some("return-consumed-capacity"));
    }
    let error = step_at(
        proxy.url(),
        "get-item",
        json!({"region": "ap-east-1", "table-name": "consumed-any", "hash-key-value": "1",
               "return-consumed-capacity": "ALL"}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "invalid-input", "{error:?}");
    assert_eq!(error.field.as_deref(), Some("return-consumed-capacity"));
    assert!(
        proxy.operations().is_empty(),
        "nothing sent: {:?}",
        proxy.operations()
    );
}
