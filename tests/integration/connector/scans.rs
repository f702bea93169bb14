//! `scan-items` and `max-items`: paging that returns every item exactly once, parallel and
//! shared scans, and their input checks.

use crate::harness::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A table `name` in `region` with `count` items `{"id": i, "n": i % 10}`, written by boto3.
fn filled(region: &str, name: &str, count: usize) {
    create_table(region, name, false);
    boto(
        region,
        &format!(
            r#"
import boto3
table = boto3.resource("dynamodb", region_name={region:?}, endpoint_url=client.meta.endpoint_url,
                       aws_access_key_id="AKIDBOTO", aws_secret_access_key="boto-secret").Table({name:?})
with table.batch_writer() as batch:
    for i in range({count}):
        batch.put_item(Item={{"id": i, "n": i % 10}})
"#
        ),
    );
}

fn ids(output: &Value) -> Vec<u64> {
    output["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect()
}

/// Run `action` from `input`, resuming with the cursor under `cursor_key` as `resume_key`
/// until none comes back; every page's ids, and the number of steps.
fn page_through(action: &str, input: Value, cursor: &str, resume: &str) -> (Vec<u64>, usize) {
    let (mut seen, mut steps, mut next) = (Vec::new(), 0, None::<Value>);
    loop {
        let mut step = input.clone();
        if let Some(cursor) = next.take() {
            step[resume] = cursor;
        }
        let out = ok(action, step);
        assert!(out["Count"].as_u64().unwrap() <= 7);
        seen.extend(ids(&out));
        steps += 1;
        match out.get(cursor) {
            Some(c) => next = Some(c.clone()),
            None => return (seen, steps),
        }
    }
}

#[test]
fn scanning_1000_items_7_at_a_time_returns_each_exactly_once() {
    let (region, table) = ("us-gov-west-1", "scan-thousand");
    filled(region, table, 1000);
    let (seen, steps) = page_through(
        "scan-items",
        json!({"region": region, "table-name": table, "max-items": 7, "limit": 100}),
        "LastEvaluatedKey",
        "exclusive-start-key",
    );
    let unique: BTreeSet<u64> = seen.iter().copied().collect();
    assert_eq!(seen.len(), 1000, "none returned twice");
    assert_eq!(unique, (0..1000).collect(), "none skipped");
    assert_eq!(steps, 143);
}

#[test]
fn querying_with_max_items_resumes_exactly_after_the_last_item() {
    let region = "us-gov-east-1";
    create_table(region, "query-max", true);
    boto(
        region,
        r#"
for i in range(50):
    client.put_item(TableName="query-max", Item={"id": {"N": "1"}, "sk": {"S": "k%03d" % i}, "v": {"N": str(i)}})
"#,
    );
    let mut sks = Vec::new();
    let mut input = json!({"region": region, "table-name": "query-max", "key-condition-expression": "id = :id",
        "expression-attribute-values": {":id": 1}, "expression-attribute-value-types": {":id": "N"},
        "max-items": 7});
    loop {
        let out = ok("query-items", input.clone());
        sks.extend(
            out["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["sk"].as_str().unwrap().to_string()),
        );
        match out.get("LastEvaluatedKey") {
            Some(key) => input["query-parameters"] = json!({"ExclusiveStartKey": key}),
            None => break,
        }
    }
    let expected: Vec<String> = (0..50).map(|i| format!("k{i:03}")).collect();
    assert_eq!(sks, expected);
}

#[test]
fn listing_tables_two_at_a_time_returns_each_once() {
    let region = "eu-west-2";
    for name in ["lt-a", "lt-b", "lt-c", "lt-d", "lt-e"] {
        create_table(region, name, false);
    }
    let all = ok("list-tables", json!({"region": region, "fetch-all": true}))["TableNames"].clone();
    let mut names = Vec::new();
    let mut input = json!({"region": region, "max-items": 2});
    loop {
        let out = ok("list-tables", input.clone());
        let page = out["TableNames"].as_array().unwrap();
        assert!(page.len() <= 2);
        names.extend(page.iter().cloned());
        match out.get("LastEvaluatedTableName") {
            Some(last) => input["exclusive-start-table-name"] = last.clone(),
            None => break,
        }
    }
    assert_eq!(Value::from(names), all);
}

#[test]
fn a_parallel_scan_and_a_shared_scan_each_return_every_item_once() {
    let (region, table) = ("cn-north-1", "scan-segments");
    filled(region, table, 300);
    let parallel = ok(
        "scan-items",
        json!({"region": region, "table-name": table, "segments": 4}),
    );
    let mut seen = ids(&parallel);
    seen.sort_unstable();
    assert_eq!(seen, (0..300).collect::<Vec<_>>());
    assert_eq!(parallel["Count"], 300);
    assert!(parallel.get("LastEvaluatedKey").is_none());

    let mut shared = Vec::new();
    for segment in 0..3 {
        let (ids, _) = page_through(
            "scan-items",
            json!({"region": region, "table-name": table, "segment": segment, "total-segments": 3,
                   "max-items": 7, "limit": 25}),
            "LastEvaluatedKey",
            "exclusive-start-key",
        );
        shared.extend(ids);
    }
    shared.sort_unstable();
    assert_eq!(shared, (0..300).collect::<Vec<_>>());
}

#[test]
fn filtered_scans_count_what_was_read() {
    let (region, table) = ("cn-northwest-1", "scan-filter");
    filled(region, table, 40);
    let out = ok(
        "scan-items",
        json!({"region": region, "table-name": table, "fetch-all": true,
        "filter-expression": "n = :n", "expression-attribute-values": {":n": 3},
        "expression-attribute-value-types": {":n": "N"}}),
    );
    let mut got = ids(&out);
    got.sort_unstable();
    assert_eq!(got, [3, 13, 23, 33]);
    assert_eq!(out["ScannedCount"], 40);
}

#[test]
fn scan_inputs_are_checked_before_sending() {
    let region = "us-east-1";
    for (input, field) in [
        (json!({"segments": 17}), "segments"),
        (json!({"segments": 0}), "segments"),
        (json!({"segments": 4, "max-items": 5}), "segments"),
        (
            json!({"segments": 2, "segment": 0, "total-segments": 2}),
            "segments",
        ),
        (json!({"segment": 1}), "total-segments"),
        (json!({"total-segments": 4}), "segment"),
        (json!({"segment": 4, "total-segments": 4}), "segment"),
        (json!({"max-items": 0}), "max-items"),
        (json!({"limit": 0}), "limit"),
        (json!({"exclusive-start-key": "["}), "exclusive-start-key"),
    ] {
        let mut step = json!({"region": region, "table-name": "any"});
        step.as_object_mut()
            .unwrap()
            .extend(input.as_object().unwrap().clone());
        let error = fails("scan-items", step);
        assert_eq!(error.kind, "invalid-input", "{input}: {error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{input}: {error:?}");
    }
}

#[test]
fn a_projection_without_the_key_is_refused_with_max_items_before_any_page_is_read() {
    let (region, table) = ("us-west-2", "scan-projection");
    filled(region, table, 20);
    let proxy = Proxy::start(moto());
    let query = json!({"region": region, "table-name": table, "max-items": 5,
                       "key-condition-expression": "id = :id",
                       "expression-attribute-values": r#"{":id": 1}"#,
                       "expression-attribute-value-types": r#"{":id": "N"}"#,
                       "query-parameters": r#"{"ProjectionExpression": "n"}"#});
    let scan = json!({"region": region, "table-name": table,
                      "projection-expression": "n", "max-items": 5});
    for (action, input, field) in [
        ("scan-items", scan, "projection-expression"),
        (
            "query-items",
            query,
            "query-parameters.ProjectionExpression",
        ),
    ] {
        let error = step_at(proxy.url(), action, input).unwrap_err();
        assert_eq!(error.field.as_deref(), Some(field), "{action}: {error:?}");
    }
    assert_eq!(
        proxy.operations(),
        ["DynamoDB_20120810.DescribeTable"; 2],
        "no page was read"
    );
    let named = ok(
        "scan-items",
        json!({"region": region, "table-name": table, "projection-expression": "n, #k",
               "expression-attribute-names": r##"{"#k": "id"}"##, "max-items": 5}),
    );
    assert_eq!(named["Count"], 5, "a projection that names the key is cut");
    let whole = ok(
        "scan-items",
        json!({"region": region, "table-name": table,
        "projection-expression": "n", "fetch-all": true}),
    );
    assert_eq!(whole["Count"], 20, "without a cut no cursor is needed");
}
