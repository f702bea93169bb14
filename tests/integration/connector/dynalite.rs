//! The same actions against dynalite, whose validation follows the real service closely:
//! what moto lets through, the service (and so the connector's user) would not.

use crate::harness::*;
use dynamodb_connector::model::number::canonical as canonical_number;
use serde_json::{json, Value};

fn on_dynalite(action: &str, input: Value) -> Result<Value, connector_host::StepError> {
    step_at(dynalite(), action, input)
}

/// A table `name` on dynalite, ACTIVE before its first write (dynalite creates tables asynchronously).
fn table(name: &str) {
    create_active_table(dynalite(), "us-east-1", name, true);
}

#[test]
fn service_validation_comes_back_typed() {
    let error = on_dynalite(
        "create-table",
        json!({"region": "us-east-1", "table-name": "ab",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    )
    .unwrap_err();
    assert_eq!(error.kind, "validation");
    assert_eq!(error.code.as_deref(), Some("ValidationException"));
    assert!(error.message.contains("at least 3 characters"), "{error:?}");
    assert!(error.request_id.is_some());
}

#[test]
fn values_survive_a_strict_server() {
    table("strict-values");
    let edge = "9.9999999999999999999999999999999999999E+125";
    on_dynalite(
        "upsert-item",
        json!({"region": "us-east-1", "table-name": "strict-values",
               "value": {"id": "12345678901234567890123456789012345678", "sk": "a", "edge": edge,
                         "tiny": "1E-130", "bin": "AP8A/w==", "ns": [1, "-2.5"], "bs": ["AA==", "/w=="]},
               "value-types": {"id": "N", "sk": "S", "edge": "N", "tiny": "N", "bin": "B", "ns": "NS", "bs": "BS"}}),
    )
    .unwrap();
    let got = on_dynalite(
        "get-item",
        json!({"region": "us-east-1", "table-name": "strict-values",
               "hash-key-value": "12345678901234567890123456789012345678", "range-key-value": "a",
               "item-format": "DYNAMODB_JSON"}),
    )
    .unwrap();
    let item = &got["Item"];
    assert_eq!(
        item["id"],
        json!({"N": "12345678901234567890123456789012345678"})
    );
    // The server may spell a number differently (`1E+2` as `100`); the value is the same.
    let canonical = |n: &Value| canonical_number(n.as_str().unwrap()).unwrap();
    assert_eq!(
        canonical(&item["edge"]["N"]),
        canonical_number(edge).unwrap()
    );
    assert_eq!(
        canonical(&item["tiny"]["N"]),
        canonical_number("1E-130").unwrap()
    );
    assert_eq!(item["bin"], json!({"B": "AP8A/w=="}));
    assert_eq!(item["ns"]["NS"].as_array().unwrap().len(), 2);
    assert_eq!(item["bs"]["BS"].as_array().unwrap().len(), 2);
}

#[test]
fn conditions_and_paging_on_a_strict_server() {
    table("strict-paging");
    for i in 0..12 {
        on_dynalite(
            "upsert-item",
            json!({"region": "us-east-1", "table-name": "strict-paging",
                   "value": {"id": 1, "sk": format!("s{i:02}")}, "value-types": {"id": "N", "sk": "S"},
                   "condition-expression": "attribute_not_exists(id)"}),
        )
        .unwrap();
    }
    let again = on_dynalite(
        "upsert-item",
        json!({"region": "us-east-1", "table-name": "strict-paging",
               "value": {"id": 1, "sk": "s00"}, "value-types": {"id": "N", "sk": "S"},
               "condition-expression": "attribute_not_exists(id)"}),
    )
    .unwrap_err();
    assert_eq!(again.kind, "conditional-check-failed");

    let query = json!({"region": "us-east-1", "table-name": "strict-paging",
        "key-condition-expression": "id = :id", "expression-attribute-values": {":id": 1},
        "expression-attribute-value-types": {":id": "N"}, "query-parameters": {"Limit": 5}});
    let first = on_dynalite("query-items", query.clone()).unwrap();
    assert_eq!(first["Count"], 5);
    let mut next = query.clone();
    next["query-parameters"]["ExclusiveStartKey"] = first["LastEvaluatedKey"].clone();
    let second = on_dynalite("query-items", next).unwrap();
    assert_eq!(second["Items"][0]["sk"], "s05");
    let mut all = query;
    all["fetch-all"] = json!(true);
    assert_eq!(on_dynalite("query-items", all).unwrap()["Count"], 12);

    let wrong_type = on_dynalite(
        "update-item",
        json!({"region": "us-east-1", "table-name": "strict-paging", "hash-key-value": 1,
               "range-key-value": "s01", "update-expression": "SET n = n + :one",
               "expression-attribute-values": {":one": "x"}, "expression-attribute-value-types": {":one": "S"}}),
    )
    .unwrap_err();
    assert_eq!(wrong_type.kind, "validation", "{wrong_type:?}");
}

#[test]
fn scanning_with_max_items_on_dynalite_returns_each_item_once() {
    table("scan-max");
    for id in 0..30 {
        on_dynalite(
            "upsert-item",
            json!({"region": "us-east-1", "table-name": "scan-max",
                   "value": {"id": id, "sk": "s"}, "value-types": {"id": "N", "sk": "S"}}),
        )
        .expect("an item is written");
    }
    let (mut seen, mut start) = (Vec::new(), None::<Value>);
    loop {
        let mut input = json!({"region": "us-east-1", "table-name": "scan-max", "max-items": 4});
        if let Some(key) = start.take() {
            input["exclusive-start-key"] = key;
        }
        let out = on_dynalite("scan-items", input).expect("a scan page");
        seen.extend(
            out["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_u64().unwrap()),
        );
        match out.get("LastEvaluatedKey") {
            Some(key) => start = Some(key.clone()),
            None => break,
        }
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..30).collect::<Vec<_>>());
}

#[test]
fn indexes_the_connector_accepts_a_strict_server_accepts_too() {
    let input = json!({"region": "us-east-1", "table-name": "strict-indexes", "wait": true,
        "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "email", "AttributeType": "S"}],
        "key-schema": [{"AttributeName": "id", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"}],
        "read-capacity-units": 2, "write-capacity-units": 2,
        "global-secondary-indexes": [{"IndexName": "byEmail",
            "KeySchema": [{"AttributeName": "email", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
            "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1}}],
        "local-secondary-indexes": [{"IndexName": "byIdEmail",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"},
                {"AttributeName": "email", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["name"]}}]});
    let created = on_dynalite("create-table", input).expect("dynalite accepts the definition");
    let table = &created["TableDescription"];
    assert_eq!(table["TableStatus"], "ACTIVE");
    let names = |key: &str| -> Vec<Value> {
        table[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["IndexName"].clone())
            .collect()
    };
    assert_eq!(names("GlobalSecondaryIndexes"), vec![json!("byEmail")]);
    assert_eq!(names("LocalSecondaryIndexes"), vec![json!("byIdEmail")]);
}
