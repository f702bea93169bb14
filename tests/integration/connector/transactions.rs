//! Transactions (`transact-write-items`, `transact-get-items`, `execute-transaction`) and
//! the `PartiQL` batch (`batch-execute-statement`, `raw-request` with `fetch-all`), on moto
//! (dynalite has neither transactions nor `PartiQL`).

use crate::harness::*;
use serde_json::{json, Value};
use test_support::{Fault, Proxy};

const BIG: &str = "12345678901234567890123456789012345678";

/// The item `id` of `table` as boto3 reads it (`DynamoDB` JSON), `null` when absent.
fn stored(region: &str, table: &str, id: u64) -> Value {
    boto(
        region,
        &format!(
            r#"result = client.get_item(TableName={table:?}, Key={{"id": {{"N": "{id}"}}}}).get("Item")"#
        ),
    )
}

/// Put plain items with boto3.
fn seed(region: &str, table: &str, items: Value) {
    boto(
        region,
        &format!(
            r"
from boto3.dynamodb.types import TypeSerializer
import decimal
s = TypeSerializer()
for item in json.loads({items:?}, parse_float=decimal.Decimal):
    client.put_item(TableName={table:?}, Item={{k: s.serialize(v) for k, v in item.items()}})
",
            items = items.to_string()
        ),
    );
}

#[test]
fn put_update_delete_and_check_apply_together_across_tables() {
    let region = "us-east-2";
    create_table(region, "tx-orders", false);
    create_table(region, "tx-stock", true);
    seed(region, "tx-orders", json!([{"id": 3, "v": "gone soon"}]));
    seed(
        region,
        "tx-stock",
        json!([{"id": 1, "sk": "A", "qty": 5}, {"id": 2, "sk": "B", "qty": 0}]),
    );
    let actions = json!([
        {"table-name": "tx-orders", "put": {"id": 1, "big": BIG.parse::<Value>().unwrap(), "tags": ["a", "b"]},
         "types": {"id": "N", "big": "N", "tags": "SS"}, "condition-expression": "attribute_not_exists(id)"},
        {"table-name": "tx-stock", "update": {"id": 1, "sk": "A"}, "update-expression": "SET qty = qty - :one",
         "condition-expression": "qty >= :one", "expression-attribute-values": {":one": 1}},
        {"table-name": "tx-orders", "delete": {"id": 3}},
        {"table-name": "tx-stock", "condition-check": {"id": 2, "sk": "B"},
         "condition-expression": "#q = :zero", "expression-attribute-names": {"#q": "qty"},
         "expression-attribute-values": {":zero": 0}},
    ]);
    let out = ok(
        "transact-write-items",
        json!({"region": region, "actions": actions, "client-request-token": "order-1"}),
    );
    assert_eq!(out, json!({"Actions": 4}));
    assert_eq!(
        stored(region, "tx-orders", 1),
        json!({"id": {"N": "1"}, "big": {"N": BIG}, "tags": {"SS": ["a", "b"]}})
    );
    assert_eq!(stored(region, "tx-orders", 3), Value::Null);
    let qty = boto(
        region,
        r#"result = client.get_item(TableName="tx-stock", Key={"id": {"N": "1"}, "sk": {"S": "A"}})["Item"]["qty"]"#,
    );
    assert_eq!(qty, json!({"N": "4"}));
}

#[test]
fn a_transaction_cancelled_by_a_failing_condition_writes_nothing_and_returns_every_reason() {
    let (region, table) = ("us-east-2", "tx-cancel");
    create_table(region, table, false);
    seed(region, table, json!([{"id": 1, "v": "old"}]));
    let actions = json!([
        {"table-name": table, "put": {"id": 2, "v": "new"}},
        {"table-name": table, "update": {"id": 1}, "update-expression": "SET v = :new",
         "condition-expression": "v = :expected",
         "expression-attribute-values": {":new": "newer", ":expected": "other"},
         "return-values-on-condition-failure": "all-old"},
        {"table-name": table, "delete": {"id": 3}},
    ]);
    let error = fails(
        "transact-write-items",
        json!({"region": region, "actions": actions}),
    );
    assert_eq!(error.kind, "transaction-canceled", "{error:?}");
    assert_eq!(error.code.as_deref(), Some("TransactionCanceledException"));
    let codes: Vec<&str> = error.reasons.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["None", "ConditionalCheckFailed", "None"]);
    assert_eq!(error.reasons[1].item, Some(json!({"id": 1, "v": "old"})));
    assert_eq!(stored(region, table, 2), Value::Null, "nothing was written");
    assert_eq!(
        stored(region, table, 1),
        json!({"id": {"N": "1"}, "v": {"S": "old"}})
    );
}

#[test]
fn malformed_actions_name_the_member_at_fault_before_the_transaction_is_sent() {
    let (region, table) = ("us-east-2", "tx-checks");
    create_table(region, table, true);
    let proxy = Proxy::start(moto());
    let key = json!({"id": 1, "sk": "a"});
    let too_many: Vec<Value> = (0..101)
        .map(|i| json!({"table-name": table, "delete": {"id": i, "sk": "a"}}))
        .collect();
    let cases = [
        (
            json!([{"put": {"id": 1, "sk": "a"}}]),
            "actions[0].table-name",
        ),
        (
            json!([{"table-name": table, "put": {"id": 1, "sk": "a"}, "delete": key}]),
            "actions[0]",
        ),
        (
            json!([{"table-name": table, "update": key}]),
            "actions[0].update-expression",
        ),
        (
            json!([{"table-name": table, "delete": key, "types": {"id": "N"}}]),
            "actions[0].types",
        ),
        (
            json!([{"table-name": table, "condition-check": key}]),
            "actions[0].condition-expression",
        ),
        (
            json!([{"table-name": table, "delete": key, "expression-attribute-values": {"v": 1}}]),
            "actions[0].expression-attribute-values.v",
        ),
        (
            json!([{"table-name": table, "delete": key, "returns": "ALL_OLD"}]),
            "actions[0].returns",
        ),
        (
            json!([{"table-name": table, "delete": {"id": 1, "sk": "a", "extra": 1}}]),
            "actions[0].delete.extra",
        ),
        (
            json!([{"table-name": table, "delete": {"id": "one", "sk": "a"}}]),
            "actions[0].delete.id",
        ),
        (
            json!([{"table-name": table, "put": {"id": 1}}]),
            "actions[0].put",
        ),
        (
            json!([{"table-name": table, "delete": key}, {"table-name": table, "put": key}]),
            "actions[1]",
        ),
        (Value::Array(too_many), "actions"),
        (json!([]), "actions"),
    ];
    for (actions, field) in cases {
        let error = step_at(
            proxy.url(),
            "transact-write-items",
            json!({"region": region, "actions": actions}),
        )
        .expect_err("refused");
        assert_eq!(error.kind, "invalid-input", "{error:?}");
        assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
    }
    let token = step_at(
        proxy.url(),
        "transact-write-items",
        json!({"region": region, "actions": [{"table-name": table, "delete": key}],
               "client-request-token": "x".repeat(37)}),
    )
    .expect_err("refused");
    assert_eq!(token.field.as_deref(), Some("client-request-token"));
    assert_eq!(proxy.count("TransactWriteItems"), 0, "nothing was sent");
}

#[test]
fn a_transaction_whose_answer_is_lost_is_retried_under_one_request_token() {
    let (region, table) = ("us-east-2", "tx-retry");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    proxy.inject_on("TransactWriteItems", [Fault::ResetAfter]);
    let actions =
        json!([{"table-name": table, "put": {"id": 1}}, {"table-name": table, "put": {"id": 2}}]);
    let out = step_at(
        proxy.url(),
        "transact-write-items",
        json!({"region": region, "actions": actions}),
    )
    .expect("retried after the lost answer");
    assert_eq!(out, json!({"Actions": 2}));
    let bodies = proxy.bodies("TransactWriteItems");
    assert_eq!(bodies.len(), 2, "sent, then retried");
    let tokens: Vec<Value> = bodies
        .iter()
        .map(|b| serde_json::from_str::<Value>(b).unwrap()["ClientRequestToken"].clone())
        .collect();
    assert!(tokens[0].is_string(), "the SDK made a token: {tokens:?}");
    assert_eq!(
        tokens[0], tokens[1],
        "DynamoDB applies the retry at most once"
    );
}

#[test]
fn a_token_reused_for_another_transaction_names_the_token() {
    let (region, table) = ("us-east-2", "tx-mismatch");
    create_table(region, table, false);
    let proxy = Proxy::start(moto());
    proxy.inject_on(
        "TransactWriteItems",
        [Fault::Refuse("IdempotentParameterMismatchException")],
    );
    let error = step_at(
        proxy.url(),
        "transact-write-items",
        json!({"region": region, "actions": [{"table-name": table, "put": {"id": 1}}],
               "client-request-token": "reused"}),
    )
    .expect_err("refused");
    assert_eq!(error.kind, "invalid-input");
    assert_eq!(error.field.as_deref(), Some("client-request-token"));
}

#[test]
fn transact_get_items_answers_in_the_order_asked_with_null_where_nothing_is() {
    let region = "us-east-2";
    create_table(region, "tx-read-a", false);
    create_table(region, "tx-read-b", true);
    seed(
        region,
        "tx-read-a",
        json!([{"id": 1, "n": 1.50}, {"id": 2, "s": "two"}]),
    );
    seed(
        region,
        "tx-read-b",
        json!([{"id": 1, "sk": "x", "b": true}]),
    );
    let gets = json!([
        {"table-name": "tx-read-a", "key": {"id": 2}},
        {"table-name": "tx-read-b", "key": {"id": 1, "sk": "x"}},
        {"table-name": "tx-read-a", "key": {"id": 9}},
        {"table-name": "tx-read-a", "key": {"id": 1}},
    ]);
    let out = ok(
        "transact-get-items",
        json!({"region": region, "gets": gets}),
    );
    assert_eq!(
        out,
        json!({"Responses": [{"id": 2, "s": "two"}, {"id": 1, "sk": "x", "b": true}, null, {"id": 1, "n": 1.50}]})
    );
    let twice = json!([{"table-name": "tx-read-a", "key": {"id": 2}}, {"table-name": "tx-read-a", "key": {"id": 2}}]);
    let error = fails(
        "transact-get-items",
        json!({"region": region, "gets": twice}),
    );
    assert_eq!(error.field.as_deref(), Some("gets[1]"));
}

#[test]
fn batch_execute_statement_returns_each_statements_item_or_error_in_order() {
    // moto's batch reads a quoted table name as not found, and takes no `?` in an
    // INSERT: the name needs no quotes and the inserted values are literals here.
    let (region, table) = ("us-east-2", "tx_partiql");
    create_table(region, table, false);
    let insert = |id: u64| json!({"statement": format!("INSERT INTO {table} VALUE {{'id': {id}, 'v': 'v{id}'}}")});
    let writes = json!([insert(1), insert(2)]);
    let out = ok(
        "batch-execute-statement",
        json!({"region": region, "statements": writes}),
    );
    assert_eq!(out["Failed"], 0, "{out}");
    assert_eq!(out["Responses"].as_array().map(Vec::len), Some(2));
    let select = |id: u64| json!({"statement": format!("SELECT * FROM {table} WHERE id = ?"), "parameters": [id]});
    let reads = json!([select(2), select(7), select(1)]);
    let out = ok(
        "batch-execute-statement",
        json!({"region": region, "statements": reads}),
    );
    let items: Vec<Value> = out["Responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.get("Item").cloned().unwrap_or(Value::Null))
        .collect();
    assert_eq!(
        items,
        [
            json!({"id": 2, "v": "v2"}),
            Value::Null,
            json!({"id": 1, "v": "v1"})
        ]
    );
    let missing_table = json!([{"statement": "SELECT * FROM tx_nowhere WHERE id = 1"}]);
    let out = ok(
        "batch-execute-statement",
        json!({"region": region, "statements": missing_table}),
    );
    assert_eq!(out["Failed"], 1);
    assert!(out["Responses"][0]["Error"]["Code"].is_string(), "{out}");
}

#[test]
fn a_batch_mixing_reads_and_writes_is_refused_before_sending() {
    let proxy = Proxy::start(moto());
    let mixed = json!([{"statement": "SELECT * FROM \"t\" WHERE id = 1"},
                       {"statement": "DELETE FROM \"t\" WHERE id = 1"}]);
    for action in ["batch-execute-statement", "execute-transaction"] {
        let error = step_at(
            proxy.url(),
            action,
            json!({"region": "us-east-2", "statements": mixed}),
        )
        .expect_err("refused");
        assert_eq!(
            error.field.as_deref(),
            Some("statements[1].statement"),
            "{error:?}"
        );
    }
    assert!(proxy.operations().is_empty(), "nothing was sent");
}

#[test]
fn execute_transaction_applies_every_statement() {
    let (region, table) = ("us-east-2", "tx-partiql-tx");
    create_table(region, table, false);
    seed(region, table, json!([{"id": 1, "v": "a"}]));
    let statements = json!([
        {"statement": format!("UPDATE \"{table}\" SET v = ?, big = ? WHERE id = ?"),
         "parameters": ["b", BIG.parse::<Value>().unwrap(), 1]},
        {"statement": format!("INSERT INTO \"{table}\" VALUE {{'id': 2, 'v': 'c'}}")},
    ]);
    ok(
        "execute-transaction",
        json!({"region": region, "statements": statements, "client-request-token": "partiql-1"}),
    );
    assert_eq!(
        stored(region, table, 1),
        json!({"id": {"N": "1"}, "v": {"S": "b"}, "big": {"N": BIG}})
    );
    assert_eq!(
        stored(region, table, 2),
        json!({"id": {"N": "2"}, "v": {"S": "c"}})
    );
}

#[test]
fn raw_request_fetch_all_follows_next_token_to_the_end() {
    let (region, table) = ("us-east-2", "tx-raw-pages");
    create_table(region, table, false);
    seed(region, table, json!([{"id": 1}, {"id": 2}]));
    // moto answers every SELECT in one page: the proxy answers the first page itself,
    // with a NextToken, so the second request must carry that token on to moto.
    let proxy = Proxy::start(moto());
    let first = json!({"Items": [{"id": {"N": "0"}}], "NextToken": "page-2"});
    proxy.inject_on("ExecuteStatement", [Fault::Answer(first.to_string())]);
    let input = json!({"region": region, "statement": format!("SELECT * FROM \"{table}\""),
                       "fetch-all": true});
    let out = step_at(proxy.url(), "raw-request", input).unwrap();
    let mut ids: Vec<u64> = out["Items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_u64().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, [0, 1, 2]);
    assert_eq!(out.get("NextToken"), None, "{out}");
    let bodies = proxy.bodies("ExecuteStatement");
    assert_eq!(bodies.len(), 2);
    let second: Value = serde_json::from_str(&bodies[1]).unwrap();
    assert_eq!(second["NextToken"], "page-2");
}
