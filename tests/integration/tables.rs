//! Table actions: lifecycle, paging, billing modes and their errors.

use crate::harness::*;
use serde_json::{json, Value};

#[test]
fn table_lifecycle() {
    let region = "eu-west-1";
    let created = create_table(region, "lifecycle", true);
    assert_eq!(created["TableDescription"]["TableName"], "lifecycle");
    assert_eq!(
        created["TableDescription"]["ProvisionedThroughput"]["ReadCapacityUnits"], 5,
        "PROVISIONED with the default 5 read units"
    );
    let described = ok(
        "describe-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(described["Table"]["KeySchema"][1]["KeyType"], "RANGE");
    assert_eq!(described["Table"]["TableStatus"], "ACTIVE");
    let listed = ok("list-tables", json!({"region": region}));
    assert!(listed["TableNames"]
        .as_array()
        .unwrap()
        .contains(&json!("lifecycle")));
    let deleted = ok(
        "delete-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(deleted["TableDescription"]["TableName"], "lifecycle");
    let gone = fails(
        "describe-table",
        json!({"region": region, "table-name": "lifecycle"}),
    );
    assert_eq!(gone.kind, "resource-not-found");
}

#[test]
fn creating_an_existing_table_is_resource_in_use() {
    create_table("eu-west-2", "twice", false);
    let error = fails(
        "create-table",
        json!({"region": "eu-west-2", "table-name": "twice",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "N"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
    );
    assert_eq!(error.kind, "resource-in-use");
    assert_eq!(error.code.as_deref(), Some("ResourceInUseException"));
}

#[test]
fn pay_per_request_sends_no_capacity() {
    let created = ok(
        "create-table",
        json!({"region": "eu-central-1", "table-name": "ondemand",
               "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}],
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "billing-mode": "PAY_PER_REQUEST", "read-capacity-units": 7}),
    );
    let table = &created["TableDescription"];
    assert_eq!(
        table["BillingModeSummary"]["BillingMode"],
        "PAY_PER_REQUEST"
    );
    assert_ne!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 7);
}

#[test]
fn provisioned_capacity_is_sent() {
    let created = ok(
        "create-table",
        json!({"region": "eu-north-1", "table-name": "provisioned",
               "attribute-definitions": "[{\"AttributeName\": \"id\", \"AttributeType\": \"S\"}]",
               "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}],
               "read-capacity-units": "11", "write-capacity-units": 3}),
    );
    let throughput = &created["TableDescription"]["ProvisionedThroughput"];
    assert_eq!(throughput["ReadCapacityUnits"], 11);
    assert_eq!(throughput["WriteCapacityUnits"], 3);
}

#[test]
fn list_tables_pages() {
    let region = "ap-southeast-2";
    for i in 0..230 {
        create_table(region, &format!("paged-{i:03}"), false);
    }
    let all = ok("list-tables", json!({"region": region, "fetch-all": true}));
    let names = all["TableNames"].as_array().unwrap();
    assert_eq!(names.len(), 230);
    assert!(all.get("LastEvaluatedTableName").is_none());

    let first = ok("list-tables", json!({"region": region}));
    let page = first["TableNames"].as_array().unwrap();
    assert!(page.len() <= 100 && !page.is_empty());
    assert_eq!(first["LastEvaluatedTableName"], *page.last().unwrap());
    assert_eq!(page[..], names[..page.len()]);
}

#[test]
fn bad_inputs_are_refused_before_sending() {
    let region = "sa-east-1";
    let cases: &[(&str, Value, &str)] = &[
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": "[", "key-schema": []}),
            "attribute-definitions",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "Q"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}]}),
            "attribute-definitions[0].AttributeType",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}], "billing-mode": "FREE"}),
            "billing-mode",
        ),
        (
            "create-table",
            json!({"region": region, "table-name": "x", "attribute-definitions": [{"AttributeName": "id", "AttributeType": "S"}], "key-schema": [{"AttributeName": "id", "KeyType": "HASH"}], "read-capacity-units": 0}),
            "read-capacity-units",
        ),
        (
            "list-tables",
            json!({"region": region, "fetch-all": "maybe"}),
            "fetch-all",
        ),
        (
            "list-tables",
            json!({"region": region, "fetchAll": true}),
            "fetchAll",
        ),
        (
            "describe-table",
            json!({"region": region, "table-name": " "}),
            "table-name",
        ),
        ("describe-table", json!({"table-name": "x"}), "region"),
    ];
    for (action, input, field) in cases {
        let error = fails(action, input.clone());
        assert_eq!(error.kind, "invalid-input", "{action} {input}");
        assert_eq!(
            error.field.as_deref(),
            Some(*field),
            "{action} {input}: {error:?}"
        );
    }
    let listed = ok("list-tables", json!({"region": region}));
    assert_eq!(listed["TableNames"], json!([]), "nothing was created");
}

#[test]
fn unreachable_endpoint_is_network() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = host()
        .run_step(&json!({
            "connection": connection(&format!("http://127.0.0.1:{port}")),
            "action": "list-tables",
            "input": {"region": "us-east-1"}
        }))
        .unwrap_err();
    assert_eq!(error.kind, "network", "{error:?}");
}

#[test]
fn wrong_credentials_type_is_named() {
    let error = host()
        .run_step(&json!({
            "connection": {"type": "password", "user": "x"},
            "action": "list-tables",
            "input": {"region": "us-east-1"}
        }))
        .unwrap_err();
    assert_eq!(error.kind, "invalid-input");
    assert_eq!(error.field.as_deref(), Some("connection.type"));
}

#[test]
fn describe_limits_matches_an_independent_client() {
    let region = "ap-south-2";
    let limits = ok("describe-limits", json!({"region": region}));
    let expected = boto(
        region,
        r#"
out = client.describe_limits()
result = {k: out[k] for k in ["AccountMaxReadCapacityUnits", "AccountMaxWriteCapacityUnits",
                              "TableMaxReadCapacityUnits", "TableMaxWriteCapacityUnits"]}
"#,
    );
    assert_eq!(limits, expected);
    let error = fails("describe-limits", json!({"region": "Not A Region"}));
    assert_eq!(error.field.as_deref(), Some("region"), "{error:?}");
}
