//! Item actions through the host against moto, each checked with an independent boto3 read.

use crate::harness::*;
use serde_json::{json, Value};

const BIG: &str = "12345678901234567890.123456789012345678";
const TINY: &str = "-1.2345678901234567890123456789012345678E-120";

fn setup(region: &str, table: &str) {
    create_table(region, table, true);
}

fn raw_item(region: &str, table: &str, id: &str, sk: &str) -> Value {
    boto(
        region,
        &format!(
            r#"result = client.get_item(TableName={table:?}, Key={{"id": {{"N": {id:?}}}, "sk": {{"S": {sk:?}}}}}).get("Item")"#
        ),
    )
}

#[test]
fn upsert_keeps_digits_bytes_and_sets() {
    let (region, table) = ("us-west-1", "lossless");
    setup(region, table);
    let value = json!({
        "id": 1, "sk": "a",
        "big": serde_json::from_str::<Value>(BIG).unwrap(),
        "tiny": TINY,
        "blob": "AP8A/w==",
        "names": ["x", "y"], "nums": [1, "2.50", BIG], "blobs": ["AA==", "/w=="],
        "flag": "true", "nothing": null,
        "map": {"n": 12345678901234567890123456789012345678u128, "l": [true, null, "s"]},
        "list": "[1, {\"k\": \"v\"}]"
    });
    let types = json!({
        "id": "N", "sk": "S", "big": "N", "tiny": "N", "blob": "B",
        "names": "SS", "nums": "NS", "blobs": "BS", "flag": "BOOL", "nothing": "NULL", "map": "M", "list": "L"
    });
    let out = ok(
        "upsert-item",
        json!({"region": region, "table-name": table, "value": value, "value-types": types}),
    );
    assert_eq!(out, json!({}));

    let stored = raw_item(region, table, "1", "a");
    assert_eq!(stored["big"], json!({"N": BIG}));
    assert_eq!(stored["tiny"], json!({"N": TINY}));
    assert_eq!(
        stored["blob"],
        json!({"B": "AP8A/w=="}),
        "non-UTF-8 bytes kept"
    );
    assert_eq!(stored["names"]["SS"], json!(["x", "y"]));
    let mut nums: Vec<String> = serde_json::from_value(stored["nums"]["NS"].clone()).unwrap();
    nums.sort();
    assert_eq!(
        nums,
        vec![
            "1".to_string(),
            "12345678901234567890.123456789012345678".into(),
            "2.50".into()
        ]
    );
    let mut blobs: Vec<String> = serde_json::from_value(stored["blobs"]["BS"].clone()).unwrap();
    blobs.sort();
    assert_eq!(blobs, ["/w==", "AA=="]);
    assert_eq!(stored["flag"], json!({"BOOL": true}));
    assert_eq!(stored["nothing"], json!({"NULL": true}));
    assert_eq!(
        stored["map"]["M"]["n"],
        json!({"N": "12345678901234567890123456789012345678"})
    );
    assert_eq!(stored["list"]["L"][1], json!({"M": {"k": {"S": "v"}}}));

    let got = ok(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": 1, "range-key-value": "a"}),
    );
    let item = &got["Item"];
    assert_eq!(
        item["big"].to_string(),
        BIG,
        "printed with exactly the stored digits"
    );
    assert_eq!(item["tiny"].to_string().to_uppercase(), TINY.to_uppercase());
    assert_eq!(item["blob"], "AP8A/w==");
    assert_eq!(
        item["map"]["n"].to_string(),
        "12345678901234567890123456789012345678"
    );

    let typed = ok(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": "1",
        "range-key-value": "a", "item-format": "DYNAMODB_JSON"}),
    );
    assert_eq!(typed["Item"]["names"], json!({"SS": ["x", "y"]}));
    assert_eq!(typed["Item"]["big"], json!({"N": BIG}));
}

#[test]
fn values_written_by_another_client_read_back_exactly() {
    let (region, table) = ("us-west-2", "foreign");
    setup(region, table);
    boto(
        region,
        &format!(
            r#"client.put_item(TableName={table:?}, Item={{
    "id": {{"N": "7"}}, "sk": {{"S": "b"}}, "big": {{"N": {BIG:?}}},
    "bin": {{"B": bytes([0, 159, 146, 150, 255])}}, "ss": {{"SS": ["p", "q"]}},
    "ns": {{"NS": ["3", "-0.5"]}}, "bs": {{"BS": [bytes([1]), bytes([2])]}},
    "m": {{"M": {{"deep": {{"L": [{{"N": "1E+100"}}, {{"BOOL": False}}]}}}}}}}})"#
        ),
    );
    let got = ok(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": "7", "range-key-value": "b"}),
    );
    let item = &got["Item"];
    assert_eq!(item["big"].to_string(), BIG);
    assert_eq!(item["bin"], "AJ+Slv8=");
    let mut ss: Vec<String> = serde_json::from_value(item["ss"].clone()).unwrap();
    ss.sort();
    assert_eq!(ss, ["p", "q"]);
    assert_eq!(item["ns"].as_array().unwrap().len(), 2);
    assert_eq!(item["bs"].as_array().unwrap().len(), 2);
    assert_eq!(item["m"]["deep"][0].to_string().to_uppercase(), "1E+100");

    let queried = ok(
        "query-items",
        json!({"region": region, "table-name": table,
        "key-condition-expression": "id = :id", "expression-attribute-values": {":id": 7},
        "expression-attribute-value-types": {":id": "N"}}),
    );
    assert_eq!(queried["Count"], 1);
    assert_eq!(queried["Items"][0], *item);
}

#[test]
fn get_item_missing_is_null_and_keys_are_checked() {
    let (region, table) = ("us-east-2", "keys");
    setup(region, table);
    let got = ok(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": 404, "range-key-value": "x"}),
    );
    assert_eq!(got, json!({"Item": null}));
    let error = fails(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": 1}),
    );
    assert_eq!(error.kind, "invalid-input");
    assert_eq!(error.field.as_deref(), Some("range-key-value"));
    let error = fails(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": "one", "range-key-value": "x"}),
    );
    assert_eq!(error.field.as_deref(), Some("hash-key-value"));
    let error = fails(
        "get-item",
        json!({"region": region, "table-name": "nope", "hash-key-value": 1}),
    );
    assert_eq!(error.kind, "resource-not-found");
}

#[test]
fn update_returns_the_new_item_and_conditions_hold() {
    let (region, table) = ("ap-northeast-1", "updates");
    setup(region, table);
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 5, "sk": "k", "name": "Rose", "count": 1},
        "value-types": {"id": "N", "sk": "S", "name": "S", "count": "N"}}),
    );
    let updated = ok(
        "update-item",
        json!({"region": region, "table-name": table, "hash-key-value": 5, "range-key-value": "k",
        "update-expression": "SET #n = :name, #c = #c + :one",
        "expression-attribute-names": {"#n": "name", "#c": "count"},
        "expression-attribute-values": {":name": "Rosa", ":one": BIG},
        "expression-attribute-value-types": {":name": "S", ":one": "N"}}),
    );
    assert_eq!(updated["Attributes"]["name"], "Rosa");
    assert_eq!(updated["Attributes"]["id"], 5);
    assert_eq!(
        raw_item(region, table, "5", "k")["name"],
        json!({"S": "Rosa"})
    );

    let refused = fails(
        "update-item",
        json!({"region": region, "table-name": table, "hash-key-value": 5, "range-key-value": "k",
        "update-expression": "SET #n = :name", "condition-expression": "#n = :old",
        "expression-attribute-names": {"#n": "name"},
        "expression-attribute-values": {":name": "Lily", ":old": "Rose"},
        "expression-attribute-value-types": {":name": "S", ":old": "S"}}),
    );
    assert_eq!(refused.kind, "conditional-check-failed");
    assert_eq!(
        refused.code.as_deref(),
        Some("ConditionalCheckFailedException")
    );
    assert!(refused.request_id.is_some());
    assert_eq!(
        raw_item(region, table, "5", "k")["name"],
        json!({"S": "Rosa"}),
        "nothing written"
    );

    let conditional_put = fails(
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 5, "sk": "k"}, "value-types": {"id": "N", "sk": "S"},
        "condition-expression": "attribute_not_exists(id)"}),
    );
    assert_eq!(conditional_put.kind, "conditional-check-failed");
    assert_eq!(
        raw_item(region, table, "5", "k")["name"],
        json!({"S": "Rosa"})
    );
}

#[test]
fn delete_item_returns_the_old_item_and_respects_conditions() {
    let (region, table) = ("ap-northeast-2", "deletes");
    setup(region, table);
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 9, "sk": "z", "state": "open"}, "value-types": {"id": "N", "sk": "S", "state": "S"}}),
    );
    let refused = fails(
        "delete-item",
        json!({"region": region, "table-name": table, "hash-key-value": 9, "range-key-value": "z",
        "condition-expression": "#s = :closed", "expression-attribute-names": {"#s": "state"},
        "expression-attribute-values": {":closed": "closed"}, "expression-attribute-value-types": {":closed": "S"}}),
    );
    assert_eq!(refused.kind, "conditional-check-failed");
    assert!(!raw_item(region, table, "9", "z").is_null());
    let deleted = ok(
        "delete-item",
        json!({"region": region, "table-name": table, "hash-key-value": 9, "range-key-value": "z"}),
    );
    assert_eq!(deleted["Attributes"]["state"], "open");
    assert!(raw_item(region, table, "9", "z").is_null());
}

#[test]
fn rejected_inputs_write_nothing() {
    let (region, table) = ("ap-south-1", "rejects");
    setup(region, table);
    let cases = [
        (
            json!({"id": 1, "sk": "a", "x": 1}),
            json!({"id": "N", "sk": "S"}),
            "value-types.x",
        ),
        (
            json!({"id": 1, "sk": "a"}),
            json!({"id": "N", "sk": "S", "y": "S"}),
            "value-types.y",
        ),
        (
            json!({"id": 1, "sk": "a", "n": "12e"}),
            json!({"id": "N", "sk": "S", "n": "N"}),
            "value.n",
        ),
        (
            json!({"id": 1, "sk": "a", "n": "1E+126"}),
            json!({"id": "N", "sk": "S", "n": "N"}),
            "value.n",
        ),
        (
            json!({"id": 1, "sk": "a", "n": "123456789012345678901234567890123456789"}),
            json!({"id": "N", "sk": "S", "n": "N"}),
            "value.n",
        ),
        (
            json!({"id": 1, "sk": "a", "s": ["a", "a"]}),
            json!({"id": "N", "sk": "S", "s": "SS"}),
            "value.s[1]",
        ),
        (
            json!({"id": 1, "sk": "a", "s": []}),
            json!({"id": "N", "sk": "S", "s": "NS"}),
            "value.s",
        ),
        (
            json!({"id": 1, "sk": "a", "b": "not base64!"}),
            json!({"id": "N", "sk": "S", "b": "B"}),
            "value.b",
        ),
        (
            json!({"id": 1, "sk": "a", "t": 1}),
            json!({"id": "N", "sk": "S", "t": "INT"}),
            "value.t",
        ),
    ];
    for (value, types, field) in cases {
        let error = fails(
            "upsert-item",
            json!({"region": region, "table-name": table, "value": value, "value-types": types}),
        );
        assert_eq!(error.kind, "invalid-input");
        assert_eq!(error.field.as_deref(), Some(field), "{error:?}");
    }
    let scanned = boto(
        region,
        &format!("result = client.scan(TableName={table:?})['Count']"),
    );
    assert_eq!(scanned, 0, "nothing was written");
}

#[test]
fn query_pages_with_a_cursor_and_fetch_all() {
    let (region, table) = ("eu-south-1", "queried");
    setup(region, table);
    for i in 0..25 {
        ok(
            "upsert-item",
            json!({"region": region, "table-name": table,
            "value": {"id": 3, "sk": format!("item-{i:02}"), "n": i}, "value-types": {"id": "N", "sk": "S", "n": "N"}}),
        );
    }
    let base = json!({"region": region, "table-name": table, "key-condition-expression": "id = :id",
        "expression-attribute-values": {":id": 3}, "expression-attribute-value-types": {":id": "N"}});
    let mut seen = Vec::new();
    let mut cursor: Option<Value> = None;
    loop {
        let mut input = base.clone();
        let mut params = json!({"Limit": 10});
        if let Some(key) = cursor.take() {
            params["ExclusiveStartKey"] = key;
        }
        input["query-parameters"] = params;
        let page = ok("query-items", input);
        seen.extend(
            page["Items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["sk"].clone()),
        );
        match page.get("LastEvaluatedKey") {
            Some(key) => {
                assert_eq!(key["id"], 3, "the cursor is plain JSON");
                cursor = Some(key.clone());
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 25);
    let expected: Vec<Value> = (0..25).map(|i| json!(format!("item-{i:02}"))).collect();
    assert_eq!(seen, expected);

    let mut all = base.clone();
    all["fetch-all"] = json!(true);
    all["query-parameters"] = json!({"Limit": 7, "ScanIndexForward": false});
    let everything = ok("query-items", all);
    assert_eq!(everything["Count"], 25);
    assert_eq!(everything["Items"][0]["sk"], "item-24");
    assert!(everything.get("LastEvaluatedKey").is_none());

    let mut filtered = base.clone();
    filtered["filter-expression"] = json!("n >= :min");
    filtered["expression-attribute-values"] = json!({":id": 3, ":min": 20});
    filtered["expression-attribute-value-types"] = json!({":id": "N", ":min": "N"});
    assert_eq!(ok("query-items", filtered)["Count"], 5);

    for (params, field) in [
        (json!({"Limitt": 1}), "query-parameters.Limitt"),
        (json!({"Limit": "ten"}), "query-parameters.Limit"),
        (
            json!({"ScanIndexForward": "no"}),
            "query-parameters.ScanIndexForward",
        ),
    ] {
        let mut input = base.clone();
        input["query-parameters"] = params;
        let error = fails("query-items", input);
        assert_eq!(
            (error.kind.as_str(), error.field.as_deref()),
            ("invalid-input", Some(field))
        );
    }
}

#[test]
fn raw_request_runs_partiql_with_parameters() {
    let (region, table) = ("eu-west-3", "partiql");
    setup(region, table);
    // moto's PartiQL takes `?` in WHERE clauses only, so the row goes in as literals.
    let inserted = ok(
        "raw-request",
        json!({"region": region,
        "statement": format!("INSERT INTO \"{table}\" VALUE {{'id': 11, 'sk': 'p', 'name': 'Rose'}}")}),
    );
    assert_eq!(inserted["Items"], json!([]));
    let stored = raw_item(region, table, "11", "p");
    assert_eq!(stored["name"], json!({"S": "Rose"}));
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 11, "sk": "q", "big": BIG}, "value-types": {"id": "N", "sk": "S", "big": "N"}}),
    );
    let selected = ok(
        "raw-request",
        json!({"region": region,
        "statement": format!("SELECT * FROM \"{table}\" WHERE id = ? AND sk = ?"), "parameters": "[11, \"p\"]"}),
    );
    assert_eq!(selected["Items"].as_array().unwrap().len(), 1);
    assert_eq!(selected["Items"][0]["name"], "Rose");
    let big = ok(
        "raw-request",
        json!({"region": region,
        "statement": format!("SELECT big FROM \"{table}\" WHERE id = ? AND sk = ?"), "parameters": [11, "q"]}),
    );
    assert_eq!(big["Items"][0]["big"].to_string(), BIG);
    let none = ok(
        "raw-request",
        json!({"region": region,
        "statement": format!("SELECT * FROM \"{table}\" WHERE id = ?"), "parameters": [12]}),
    );
    assert_eq!(none["Items"], json!([]));
    let error = fails(
        "raw-request",
        json!({"region": region, "statement": "SELECT * FROM \"no-such-table\" WHERE id = ?", "parameters": [1]}),
    );
    assert_eq!(error.kind, "resource-not-found", "{error:?}");
    let error = fails(
        "raw-request",
        json!({"region": region, "statement": "SELECT * FROM t", "parameters": {"a": 1}}),
    );
    assert_eq!(error.field.as_deref(), Some("parameters"));
}

#[test]
fn a_given_key_schema_saves_the_describe_call() {
    let (region, table) = ("eu-central-2", "schema-given");
    setup(region, table);
    ok(
        "upsert-item",
        json!({"region": region, "table-name": table,
        "value": {"id": 4, "sk": "s", "v": "x"}, "value-types": {"id": "N", "sk": "S", "v": "S"}}),
    );
    let proxy = Proxy::start(moto());
    let schema = json!([{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"},
                        {"AttributeName": "sk", "KeyType": "RANGE", "AttributeType": "S"}]);
    let get = json!({"region": region, "table-name": table, "hash-key-value": 4,
                     "range-key-value": "s"});
    let mut given = get.clone();
    given["key-schema"] = schema.clone();
    let got = step_at(proxy.url(), "get-item", given).expect("get-item with a key schema");
    assert_eq!(got["Item"]["v"], "x");
    assert_eq!(proxy.count("DescribeTable"), 0, "{:?}", proxy.operations());
    assert_eq!(proxy.count("GetItem"), 1, "{:?}", proxy.operations());
    let got = step_at(proxy.url(), "get-item", get).expect("get-item without one");
    assert_eq!(got["Item"]["v"], "x");
    assert_eq!(
        proxy.count("DescribeTable"),
        1,
        "without key-schema the table is described"
    );

    let error = fails(
        "get-item",
        json!({"region": region, "table-name": table, "hash-key-value": 4,
        "key-schema": schema}),
    );
    assert_eq!(error.field.as_deref(), Some("range-key-value"));
    let error = fails(
        "delete-item",
        json!({"region": region, "table-name": table, "hash-key-value": 4,
        "range-key-value": "s", "key-schema": [{"AttributeName": "id", "KeyType": "PARTITION", "AttributeType": "N"}]}),
    );
    assert_eq!(error.field.as_deref(), Some("key-schema[0].KeyType"));
    assert_eq!(
        raw_item(region, table, "4", "s")["v"],
        json!({"S": "x"}),
        "nothing deleted"
    );
}

#[test]
fn a_key_value_the_input_refutes_is_refused_before_any_request() {
    let (sts, dynamodb) = (Proxy::start(moto()), Proxy::start(moto()));
    let connection = json!({"type": "role-arn", "role-arn": "arn:aws:iam::123456789012:role/early",
                            "access-key-id": "AKIDEARLY", "secret-access-key": "early-secret-value",
                            "endpoint-url": dynamodb.url(), "sts-endpoint-url": sts.url()});
    let schema = r#"[{"AttributeName": "id", "KeyType": "HASH", "AttributeType": "N"}]"#;
    let cases = [
        json!({"hash-key-value": "not-a-number", "key-schema": schema}),
        json!({"hash-key-value": ""}),
    ];
    for case in cases {
        let mut input = json!({"region": "us-east-1", "table-name": "early"});
        input
            .as_object_mut()
            .unwrap()
            .extend(case.as_object().unwrap().clone());
        let step = json!({"connection": connection, "action": "get-item", "input": input});
        let error = host().run_step(&step).unwrap_err();
        assert_eq!(error.kind, "invalid-input", "{case}: {error:?}");
        assert_eq!(
            error.field.as_deref(),
            Some("hash-key-value"),
            "{case}: {error:?}"
        );
    }
    assert!(sts.operations().is_empty(), "no AssumeRole");
    assert!(dynamodb.operations().is_empty(), "no DescribeTable");
}
